package dev.deepzero.optim;

import dev.deepzero.nn.Parameter;
import java.util.List;
import java.util.Locale;

/**
 * Builds an optimizer from its name, for command lines and configuration: {@code sgd}, {@code momentum},
 * {@code nesterov}, {@code adagrad}, {@code rmsprop}, {@code adam}, each with its default hyperparameters
 * besides the learning rate and weight decay.
 */
public final class Optimizers {

  /** The accepted names, in the order error messages list them. */
  public static final List<String> NAMES = List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam");

  private Optimizers() {}

  /**
   * A new optimizer called {@code name} over {@code parameters}.
   *
   * @throws IllegalArgumentException for an unknown name, listing the valid ones
   */
  public static Optimizer byName(String name, List<Parameter> parameters, float learningRate, float weightDecay) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (key) {
      case "sgd":
        return new Sgd(parameters, learningRate, weightDecay);
      case "momentum":
        return new Momentum(parameters, learningRate, Momentum.DEFAULT_MOMENTUM, weightDecay);
      case "nesterov":
        return new Nesterov(parameters, learningRate, Momentum.DEFAULT_MOMENTUM, weightDecay);
      case "adagrad":
        return new AdaGrad(parameters, learningRate, weightDecay);
      case "rmsprop":
        return new RmsProp(parameters, learningRate, RmsProp.DEFAULT_RHO, weightDecay);
      case "adam":
        return new Adam(parameters, learningRate, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON,
            weightDecay);
      default:
        throw new IllegalArgumentException("unknown optimizer '" + name + "'; valid names: "
            + String.join(", ", NAMES));
    }
  }
}
