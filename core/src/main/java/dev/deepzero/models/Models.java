package dev.deepzero.models;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Conv2d;
import dev.deepzero.nn.layers.Dropout;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.MaxPool2d;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.tensor.Initializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Image classifiers by name. Each takes images {@code [N, C, H, W]} and returns logits {@code [N, classes]}
 * (train them with {@code SoftmaxCrossEntropy}).
 *
 * <table>
 * <caption>The models</caption>
 * <tr><th>name</th><th>layers</th></tr>
 * <tr><td>{@code mlp}</td><td>Flatten, Linear 256, ReLU, Linear 128, ReLU, Linear classes</td></tr>
 * <tr><td>{@code simple-cnn}</td><td>the articles' CNN: Conv 30 5x5, ReLU, MaxPool 2, Linear 100, ReLU,
 *     Linear classes</td></tr>
 * <tr><td>{@code lenet}</td><td>LeNet-5 with ReLU and max pooling: Conv 6 5x5 pad 2, pool, Conv 16 5x5, pool,
 *     Linear 120, Linear 84, Linear classes</td></tr>
 * <tr><td>{@code deep-cnn}</td><td>Conv 3x3 + BatchNorm + ReLU blocks of 32, 64 and 128 channels with max pooling
 *     between them, Dropout 0.25, Linear 256, BatchNorm, ReLU, Dropout 0.5, Linear classes: for best accuracy
 *     (train it with Adam)</td></tr>
 * </table>
 * Convolutions and hidden Linear layers use He initialisation (they feed ReLUs); output layers LeCun.
 */
public final class Models {

  /** The accepted names, in the order error messages list them. */
  public static final List<String> NAMES = List.of("mlp", "simple-cnn", "lenet", "deep-cnn");

  private Models() {}

  /**
   * A new, randomly initialised model.
   *
   * @param name one of {@link #NAMES} (case-insensitive)
   * @param channels input channels C
   * @param height input height H
   * @param width input width W
   * @param classes number of output classes
   * @param rng draws the initial weights (and seeds dropout masks)
   * @throws IllegalArgumentException for an unknown name (listing the valid ones) or an input too small for
   *     the model
   */
  public static Sequential byName(String name, int channels, int height, int width, int classes,
      SplittableRandom rng) {
    if (channels <= 0 || height <= 0 || width <= 0 || classes < 2) {
      throw new IllegalArgumentException("model input [" + channels + ", " + height + ", " + width + "] with "
          + classes + " classes: sizes must be positive and there must be at least 2 classes");
    }
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    Initializer he = Initializer.heNormal();
    List<Layer> layers = new ArrayList<>();
    switch (key) {
      case "mlp":
        layers.add(new Flatten());
        layers.add(new Linear(channels * height * width, 256, he, rng));
        layers.add(new Relu());
        layers.add(new Linear(256, 128, he, rng));
        layers.add(new Relu());
        layers.add(new Linear(128, classes, rng));
        break;
      case "simple-cnn": {
        requireAtLeast(key, height, width, 6);
        layers.add(new Conv2d(channels, 30, 5, 1, 0, he, rng));
        layers.add(new Relu());
        layers.add(new MaxPool2d(2, 2, 0));
        layers.add(new Flatten());
        layers.add(new Linear(30 * ((height - 4) / 2) * ((width - 4) / 2), 100, he, rng));
        layers.add(new Relu());
        layers.add(new Linear(100, classes, rng));
        break;
      }
      case "lenet": {
        requireAtLeast(key, height, width, 12);
        layers.add(new Conv2d(channels, 6, 5, 1, 2, he, rng));
        layers.add(new Relu());
        layers.add(new MaxPool2d(2, 2, 0));
        layers.add(new Conv2d(6, 16, 5, 1, 0, he, rng));
        layers.add(new Relu());
        layers.add(new MaxPool2d(2, 2, 0));
        layers.add(new Flatten());
        layers.add(new Linear(16 * ((height / 2 - 4) / 2) * ((width / 2 - 4) / 2), 120, he, rng));
        layers.add(new Relu());
        layers.add(new Linear(120, 84, he, rng));
        layers.add(new Relu());
        layers.add(new Linear(84, classes, rng));
        break;
      }
      case "deep-cnn": {
        requireAtLeast(key, height, width, 4);
        // Three blocks of Conv 3x3 + BatchNorm + ReLU, widening 32 -> 64 -> 128 as the image shrinks 28 -> 14 -> 7:
        // each block costs about the same, and the widest convolution runs on the smallest map.
        int c = channels;
        int h = height;
        int w = width;
        int[] widths = {32, 64, 128};
        for (int block = 0; block < widths.length; block++) {
          layers.add(new Conv2d(c, widths[block], 3, 1, 1, he, rng));
          layers.add(new BatchNorm(widths[block]));
          layers.add(new Relu());
          c = widths[block];
          if (block < widths.length - 1) {
            layers.add(new MaxPool2d(2, 2, 0));
            h /= 2;
            w /= 2;
          }
        }
        layers.add(new Dropout(0.25f, rng.split()));
        layers.add(new Flatten());
        layers.add(new Linear(c * h * w, 256, he, rng));
        layers.add(new BatchNorm(256));
        layers.add(new Relu());
        layers.add(new Dropout(0.5f, rng.split()));
        layers.add(new Linear(256, classes, rng));
        break;
      }
      default:
        throw new IllegalArgumentException("unknown model '" + name + "'; valid names: " + String.join(", ", NAMES));
    }
    return new Sequential(layers);
  }

  private static void requireAtLeast(String model, int height, int width, int min) {
    if (height < min || width < min) {
      throw new IllegalArgumentException(model + " needs images of at least " + min + "x" + min + ", got "
          + height + "x" + width);
    }
  }
}
