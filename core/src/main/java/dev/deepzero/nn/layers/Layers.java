package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Sequential;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Rebuilds layers from their {@link LayerConfig}: the inverse of {@link Layer#config()}, used when a model
 * file is loaded. Weights come out freshly initialised from {@code rng}; load the saved ones after.
 * {@link #stateShapes} says which tensors a config's layer would hold without building it, so a loader can check
 * an architecture against the weights actually present (and the size limits) before allocating anything.
 */
public final class Layers {

  /** The type names this registry knows. */
  public static final List<String> TYPES = List.of("Sequential", "Linear", "Relu", "LeakyRelu", "Sigmoid", "Tanh",
      "Softmax", "Identity", "Flatten", "Dropout", "BatchNorm", "Conv2d", "MaxPool2d", "AvgPool2d", "GlobalAvgPool2d",
      "Normalize", "ChannelsLast", "YoloActivation");

  private Layers() {}

  /**
   * A new layer described by {@code config}.
   *
   * @throws IllegalArgumentException for an unknown type (listing the known ones) or a bad option
   */
  public static Layer fromConfig(LayerConfig config, SplittableRandom rng) {
    switch (config.type()) {
      case "Sequential":
        List<Layer> layers = new ArrayList<>();
        for (LayerConfig c : config.layersOption("layers")) {
          layers.add(fromConfig(c, rng));
        }
        return new Sequential(layers);
      case "Linear":
        return new Linear(config.intOption("in"), config.intOption("out"), rng);
      case "Relu":
        return new Relu();
      case "LeakyRelu":
        return new LeakyRelu(config.floatOption("alpha", LeakyRelu.DEFAULT_ALPHA));
      case "Sigmoid":
        return new Sigmoid();
      case "Tanh":
        return new Tanh();
      case "Softmax":
        return new Softmax();
      case "Identity":
        return new Identity();
      case "Flatten":
        return new Flatten();
      case "Dropout":
        return new Dropout(config.floatOption("p", 0.5f), rng.split());
      case "BatchNorm":
        return new BatchNorm(config.intOption("channels"),
            config.floatOption("epsilon", BatchNorm.DEFAULT_EPSILON),
            config.floatOption("momentum", BatchNorm.DEFAULT_MOMENTUM));
      case "Conv2d":
        return new Conv2d(config.intOption("in"), config.intOption("out"), config.intOption("kernel"),
            config.intOption("stride"), config.intOption("padding"), rng);
      case "MaxPool2d":
        return new MaxPool2d(config.intOption("kernel"), config.intOption("stride"), config.intOption("padding"));
      case "AvgPool2d":
        return new AvgPool2d(config.intOption("kernel"), config.intOption("stride"), config.intOption("padding"));
      case "GlobalAvgPool2d":
        return new GlobalAvgPool2d();
      case "Normalize":
        return new Normalize(config.intOption("channels"));
      case "ChannelsLast":
        return new ChannelsLast();
      case "YoloActivation":
        return new YoloActivation(config.intOption("boxes"), config.intOption("classes"));
      default:
        throw unknownType(config);
    }
  }

  /**
   * The keys and shapes of the state dict ({@link Layer#stateDict()}) of the layer {@link #fromConfig} builds
   * from {@code config}, in the same order, computed from the options alone: nothing is allocated.
   *
   * @throws IllegalArgumentException for an unknown type, or a size option that is missing or not positive
   */
  public static Map<String, int[]> stateShapes(LayerConfig config) {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    switch (config.type()) {
      case "Sequential" -> {
        List<LayerConfig> layers = config.layersOption("layers");
        for (int i = 0; i < layers.size(); i++) {
          for (Map.Entry<String, int[]> e : stateShapes(layers.get(i)).entrySet()) {
            shapes.put(i + "." + e.getKey(), e.getValue());
          }
        }
      }
      case "Linear" -> {
        int out = positive(config, "out");
        shapes.put("weight", new int[] {out, positive(config, "in")});
        shapes.put("bias", new int[] {out});
      }
      case "Conv2d" -> {
        int out = positive(config, "out");
        int kernel = positive(config, "kernel");
        shapes.put("weight", new int[] {out, positive(config, "in"), kernel, kernel});
        shapes.put("bias", new int[] {out});
      }
      case "BatchNorm" -> {
        int channels = positive(config, "channels");
        for (String key : List.of("weight", "bias", "running_mean", "running_var")) {
          shapes.put(key, new int[] {channels});
        }
      }
      case "Normalize" -> {
        int channels = positive(config, "channels");
        shapes.put("mean", new int[] {channels});
        shapes.put("std", new int[] {channels});
      }
      default -> {
        if (!TYPES.contains(config.type())) {
          throw unknownType(config);
        }
      }
    }
    return shapes;
  }

  /**
   * Checks the values that a layer built from {@code config} requires of its state: a {@link BatchNorm}'s
   * {@code running_var} is at least 0 and a {@link Normalize}'s {@code std} above 0 (a model file written by
   * hand or damaged could hold anything). Keys are as in {@link #stateShapes}; absent keys and types without such
   * requirements are not checked (finiteness is the loader's check, for every tensor).
   *
   * @param state Not modified
   * @throws IllegalArgumentException naming the key, the index and the value
   */
  public static void checkState(LayerConfig config, Map<String, Tensor> state) {
    checkState(config, state, "");
  }

  private static void checkState(LayerConfig config, Map<String, Tensor> state, String prefix) {
    switch (config.type()) {
      case "Sequential" -> {
        List<LayerConfig> layers = config.layersOption("layers");
        for (int i = 0; i < layers.size(); i++) {
          checkState(layers.get(i), state, prefix + i + ".");
        }
      }
      case "BatchNorm" -> requireAtLeast(state, prefix + "running_var", 0, false, "a variance is never negative");
      case "Normalize" -> requireAtLeast(state, prefix + "std", 0, true, "Normalize divides by it");
      default -> {
        // no value constraints beyond finiteness
      }
    }
  }

  private static void requireAtLeast(Map<String, Tensor> state, String key, float bound, boolean strict,
      String why) {
    Tensor t = state.get(key);
    if (t == null) {
      return;
    }
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      if (strict ? !(d[i] > bound) : !(d[i] >= bound)) {
        throw new IllegalArgumentException("tensor '" + key + "' holds " + d[i] + " at index " + i + "; it must be "
            + (strict ? "above " : "at least ") + bound + " (" + why + ")");
      }
    }
  }

  private static int positive(LayerConfig config, String option) {
    int v = config.intOption(option);
    if (v <= 0) {
      throw new IllegalArgumentException(config.type() + ": option '" + option + "' must be positive, got " + v);
    }
    return v;
  }

  private static IllegalArgumentException unknownType(LayerConfig config) {
    return new IllegalArgumentException("unknown layer type '" + config.type() + "'; known types: "
        + String.join(", ", TYPES));
  }
}
