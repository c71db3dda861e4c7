package dev.deepzero.detect;

import dev.deepzero.io.Json;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.ChannelsLast;
import dev.deepzero.nn.layers.Conv2d;
import dev.deepzero.nn.layers.LeakyRelu;
import dev.deepzero.nn.layers.MaxPool2d;
import dev.deepzero.tensor.Initializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small YOLOv1-style detector in the spirit of darknet's {@code yolov1-tiny.cfg} (Fast YOLO), sized for a CPU:
 *
 * <pre>
 * k stages of  Conv 3x3 (c_i channels, pad 1) - [BatchNorm] - LeakyRelu(0.1) - MaxPool 2x2/2,
 *   c_i = min(width · 2^i, 8 · width), k = log2(imageSize / S)
 * Conv 3x3 (8 · width at most) - [BatchNorm] - LeakyRelu(0.1)        (context at grid resolution)
 * Conv 1x1 (5B + C), linear                                          (the head: one prediction per cell)
 * ChannelsLast                                                       ([N, D, S, S] -> [N, S, S, D])
 *
 * Shape: input [N, channels, imageSize, imageSize] in [0, 1] -> output [N, S, S, 5B + C] in {@link YoloLayout}'s
 *   order (per cell: B x (x, y, √w, √h, confidence), then C class scores)
 * </pre>
 *
 * <p>Two departures from the paper, both for a from-scratch CPU budget: the head is a 1x1 convolution instead
 * of the two fully connected layers (every cell shares the head's weights, so what is learnt at one position
 * holds at all of them: far fewer parameters and much less data needed; the 3x3 context layer and the stride-16
 * receptive field still let a cell see beyond itself), and the backbone has 5 + k weight layers instead of 24.
 * The output is linear, as darknet's: the loss regresses confidences and class scores straight onto their 0/1
 * (and IoU) targets, and √w, √h may be any sign since the decoder squares them. A sigmoid on x, y, confidence
 * and classes would bound them to [0, 1] but needs a layer acting on some channels only; it was not tried.
 *
 * <p>Size it to the CPU: training cost grows with {@code imageSize²·width²}. The defaults (64 x 64, S = 4,
 * width 16: about 30 MFLOP per image forward) train at a few hundred images per second on two cores.
 */
public final class YoloV1 {

  /** Metadata key of the {@link Config} in a model file, a JSON object. */
  public static final String CONFIG_KEY = "yolo_v1";
  /** The widest stage, as a multiple of {@link Config#width()}. */
  private static final int MAX_WIDTH_FACTOR = 8;

  private YoloV1() {}

  /**
   * What to build.
   *
   * @param channels input channels, 1 (grey) or 3 (RGB)
   * @param imageSize the side of the square input, {@code S · 2^k} for some k >= 1
   * @param gridSize S
   * @param boxesPerCell B
   * @param numClasses C
   * @param width channels of the first stage, positive; later stages double it, up to 8x
   * @param batchNorm whether each hidden convolution is followed by BatchNorm (darknet's released cfg does so)
   */
  public record Config(int channels, int imageSize, int gridSize, int boxesPerCell, int numClasses, int width,
      boolean batchNorm) {

    /** Checks the values, naming the bad one. */
    public Config {
      if (channels != 1 && channels != 3) {
        throw new IllegalArgumentException("YoloV1: channels must be 1 or 3, got " + channels);
      }
      if (gridSize <= 0 || boxesPerCell <= 0 || numClasses <= 0 || width <= 0) {
        throw new IllegalArgumentException("YoloV1: S, B, C and width must be positive, got S=" + gridSize + " B="
            + boxesPerCell + " C=" + numClasses + " width=" + width);
      }
      int ratio = imageSize / gridSize;
      if (imageSize % gridSize != 0 || ratio < 2 || Integer.bitCount(ratio) != 1) {
        throw new IllegalArgumentException("YoloV1: image size " + imageSize + " must be S = " + gridSize
            + " times a power of 2 >= 2 (such as " + gridSize * 16 + ")");
      }
    }

    /** The defaults for {@code numClasses} classes: 64 x 64 RGB, S = 4, B = 2, width 16, BatchNorm. */
    public static Config defaults(int numClasses) {
      return new Config(3, 64, 4, 2, numClasses, 16, true);
    }

    /** The output layout. */
    public YoloLayout layout() {
      return new YoloLayout(gridSize, boxesPerCell, numClasses);
    }

    /** The number of stride-2 stages, {@code log2(imageSize / S)}. */
    public int stages() {
      return Integer.numberOfTrailingZeros(imageSize / gridSize);
    }

    /** This config as a JSON object, for a model file's metadata under {@link #CONFIG_KEY}. */
    public String toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("channels", channels);
      m.put("image_size", imageSize);
      m.put("grid_size", gridSize);
      m.put("boxes_per_cell", boxesPerCell);
      m.put("classes", numClasses);
      m.put("width", width);
      m.put("batch_norm", batchNorm);
      return Json.write(m);
    }

    /**
     * Parses {@link #toJson}'s output.
     *
     * @throws IllegalArgumentException naming the missing or bad entry
     */
    public static Config fromJson(String json) {
      if (!(Json.parse(json) instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException("YoloV1 config: expected a JSON object, got " + json);
      }
      Object bn = m.get("batch_norm");
      return new Config(intEntry(m, "channels"), intEntry(m, "image_size"), intEntry(m, "grid_size"),
          intEntry(m, "boxes_per_cell"), intEntry(m, "classes"), intEntry(m, "width"), Boolean.TRUE.equals(bn));
    }

    private static int intEntry(Map<?, ?> m, String key) {
      if (!(m.get(key) instanceof Number n) || n.doubleValue() != n.intValue()) {
        throw new IllegalArgumentException("YoloV1 config: '" + key + "' must be an integer, got " + m.get(key));
      }
      return n.intValue();
    }
  }

  /**
   * A new, randomly initialised network: He-normal convolutions (they feed leaky ReLUs), a LeCun-normal head.
   *
   * @param rng draws the initial weights
   */
  public static Sequential build(Config config, SplittableRandom rng) {
    Initializer he = Initializer.heNormal();
    List<Layer> layers = new ArrayList<>();
    int in = config.channels();
    int maxWidth = MAX_WIDTH_FACTOR * config.width();
    for (int stage = 0; stage < config.stages(); stage++) {
      int out = Math.min(maxWidth, config.width() << stage);
      addConvBlock(layers, in, out, config.batchNorm(), he, rng);
      layers.add(new MaxPool2d(2, 2, 0));
      in = out;
    }
    int context = Math.min(maxWidth, in * 2);
    addConvBlock(layers, in, context, config.batchNorm(), he, rng);
    layers.add(new Conv2d(context, config.layout().cellValues(), 1, 1, 0, Initializer.lecunNormal(), rng));
    layers.add(new ChannelsLast());
    return new Sequential(layers);
  }

  private static void addConvBlock(List<Layer> layers, int in, int out, boolean batchNorm, Initializer init,
      SplittableRandom rng) {
    layers.add(new Conv2d(in, out, 3, 1, 1, init, rng));
    if (batchNorm) {
      layers.add(new BatchNorm(out));
    }
    layers.add(new LeakyRelu(LeakyRelu.DEFAULT_ALPHA));
  }
}
