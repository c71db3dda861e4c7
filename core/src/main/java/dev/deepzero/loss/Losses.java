package dev.deepzero.loss;

import java.util.List;
import java.util.Locale;

/**
 * Builds a loss from its name, as the full-scratch article's {@code return_loss_function(loss)} does.
 *
 * <p>Names: {@code mse}, {@code cross_entropy}, {@code binary_cross_entropy}, {@code softmax_cross_entropy}.
 * Matching ignores case, and {@code -} may stand for {@code _}.
 */
public final class Losses {

  /** The accepted names, in the order error messages list them. */
  public static final List<String> NAMES =
      List.of("mse", "cross_entropy", "binary_cross_entropy", "softmax_cross_entropy");

  private Losses() {}

  /**
   * A new loss called {@code name}.
   *
   * @throws IllegalArgumentException for an unknown name, listing the valid ones
   */
  public static Loss byName(String name) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    switch (key) {
      case "mse":
        return new MeanSquaredError();
      case "cross_entropy":
        return new CrossEntropy();
      case "binary_cross_entropy":
        return new BinaryCrossEntropy();
      case "softmax_cross_entropy":
        return new SoftmaxCrossEntropy();
      default:
        throw new IllegalArgumentException("unknown loss '" + name + "'; valid names: " + String.join(", ", NAMES));
    }
  }
}
