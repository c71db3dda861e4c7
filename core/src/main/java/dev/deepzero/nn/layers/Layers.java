package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Rebuilds layers from their {@link LayerConfig}: the inverse of {@link Layer#config()}, used when a model
 * file is loaded. Weights come out freshly initialised from {@code rng}; load the saved ones after.
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
        throw new IllegalArgumentException("unknown layer type '" + config.type() + "'; known types: "
            + String.join(", ", TYPES));
    }
  }
}
