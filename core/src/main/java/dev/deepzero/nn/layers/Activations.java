package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds an activation layer from its name, as the baselayer article's {@code get_act(act, **act_dic)} does.
 *
 * <p>Names: {@code relu}, {@code leaky_relu} (option {@code alpha}, default 0.1), {@code sigmoid},
 * {@code tanh}, {@code softmax}, {@code identity}. Matching ignores case, and {@code -} may stand for
 * {@code _}.
 */
public final class Activations {

  /** The accepted names, in the order error messages list them. */
  public static final List<String> NAMES =
      List.of("relu", "leaky_relu", "sigmoid", "tanh", "softmax", "identity");

  private Activations() {}

  /** The activation called {@code name}, with default options. */
  public static Layer byName(String name) {
    return byName(name, Map.of());
  }

  /**
   * The activation called {@code name} with options such as {@code alpha} for {@code leaky_relu}.
   *
   * @throws IllegalArgumentException for an unknown name (listing the valid ones) or an option the
   *     activation does not take
   */
  public static Layer byName(String name, Map<String, ? extends Number> options) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    switch (key) {
      case "relu":
        requireOptions(key, options, Set.of());
        return new Relu();
      case "leaky_relu":
        requireOptions(key, options, Set.of("alpha"));
        Number alpha = options.get("alpha");
        return alpha == null ? new LeakyRelu() : new LeakyRelu(alpha.floatValue());
      case "sigmoid":
        requireOptions(key, options, Set.of());
        return new Sigmoid();
      case "tanh":
        requireOptions(key, options, Set.of());
        return new Tanh();
      case "softmax":
        requireOptions(key, options, Set.of());
        return new Softmax();
      case "identity":
        requireOptions(key, options, Set.of());
        return new Identity();
      default:
        throw new IllegalArgumentException("unknown activation '" + name + "'; valid names: "
            + String.join(", ", NAMES));
    }
  }

  private static void requireOptions(String name, Map<String, ?> options, Set<String> allowed) {
    for (String option : options.keySet()) {
      if (!allowed.contains(option)) {
        throw new IllegalArgumentException("activation '" + name + "' has no option '" + option + "'"
            + (allowed.isEmpty() ? "; it takes none" : "; it takes " + allowed));
      }
    }
  }
}
