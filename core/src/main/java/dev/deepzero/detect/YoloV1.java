package dev.deepzero.detect;

import dev.deepzero.io.Json;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.ChannelsLast;
import dev.deepzero.nn.layers.Conv2d;
import dev.deepzero.nn.layers.LeakyRelu;
import dev.deepzero.nn.layers.MaxPool2d;
import dev.deepzero.nn.layers.YoloActivation;
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
 * Conv 4x4/2 (width channels, pad 1) - [BatchNorm] - LeakyRelu(0.1)          (the stem: halves the side)
 * k - 1 stages of  Conv 3x3 (c_i channels, pad 1) - [BatchNorm] - LeakyRelu(0.1) - MaxPool 2x2/2,
 *   c_i = min(width · 2^i, 8 · width), i = 1 .. k - 1, k = log2(imageSize / S)
 * Conv 3x3 (c) - Conv 1x1 (c / 2) - Conv 3x3 (c), each [BatchNorm] - LeakyRelu(0.1),
 *   c = min(2 · c_(k-1), 8 · width)                                          (context at grid resolution)
 * Conv 1x1 (5B + C)                                                          (the head: one prediction per cell)
 * ChannelsLast                                                               ([N, D, S, S] -> [N, S, S, D])
 * YoloActivation                                                             (σ on x, y, confidence; softmax
 *                                                                             on classes; √w, √h unchanged)
 *
 * Shape: input [N, channels, imageSize, imageSize] in [0, 1] -> output [N, S, S, 5B + C] in {@link YoloLayout}'s
 *   order (per cell: B x (x, y, √w, √h, confidence), then C class scores)
 * </pre>
 *
 * <p>Departures from the paper, all for a from-scratch CPU budget: the head is a 1x1 convolution instead of the
 * two fully connected layers (every cell shares the head's weights, so what is learnt at one position holds at
 * all of them: far fewer parameters and much less data needed; the context layers still let a cell see beyond
 * itself), the backbone has k + 4 weight layers instead of 24, and the full-resolution 3x3 convolution and pool
 * are one strided convolution (at 64 x 64 they took about a quarter of a training step). The outputs go through
 * {@link YoloActivation} before the loss, as YOLOv2 does for x, y and the confidence: the paper's squared errors
 * then compare values that live in their targets' ranges (offsets, IoU and class probabilities in [0, 1])
 * rather than darknet's linear outputs, which can overshoot.
 *
 * <p>Choosing S: a grid finer than the objects pays. On the default synthetic set (64 x 64, objects of 16 to 30
 * px), with the same 30-epoch schedule (measured when S was chosen, December 2026), S = 8 and this backbone
 * reached a validation mAP@0.5 of 0.83 after 11 epochs and 0.89 after 30, where S = 4 (with the plain backbone
 * this class had before) had 0.63 and 0.78. With 8-pixel cells the responsible cell's features are centred
 * within 4 pixels of the object's centre, so its class and box are read from a well-aligned receptive field, and
 * x, y need less sub-cell precision.
 *
 * <p>Size it to the CPU: training cost grows with {@code imageSize²·width²}. Measured speeds of the defaults
 * (64 x 64, S = 8, width 16) are in the README ({@code ./deepzero bench --detect} measures them).
 */
public final class YoloV1 {

  /** Metadata key of the {@link Config} in a model file, a JSON object. */
  public static final String CONFIG_KEY = "yolo_v1";
  /** The widest stage, as a multiple of {@link Config#width()}. */
  private static final int MAX_WIDTH_FACTOR = 8;
  /** The stem's kernel: with stride 2 and padding 1, each output sees its 2x2 block and a one-pixel border. */
  private static final int STEM_KERNEL = 4;

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

    /** The defaults for {@code numClasses} classes: 64 x 64 RGB, S = 8, B = 2, width 16, BatchNorm. */
    public static Config defaults(int numClasses) {
      return new Config(3, 64, 8, 2, numClasses, 16, true);
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
      Object parsed = Json.parse(json);
      if (!(parsed instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException("YoloV1 config: expected a JSON object, got " + Json.excerpt(parsed));
      }
      Object bn = m.get("batch_norm");
      return new Config(intEntry(m, "channels"), intEntry(m, "image_size"), intEntry(m, "grid_size"),
          intEntry(m, "boxes_per_cell"), intEntry(m, "classes"), intEntry(m, "width"), Boolean.TRUE.equals(bn));
    }

    private static int intEntry(Map<?, ?> m, String key) {
      if (!(m.get(key) instanceof Number n) || n.doubleValue() != n.intValue()) {
        throw new IllegalArgumentException("YoloV1 config: '" + key + "' must be an integer, got "
            + Json.excerpt(m.get(key)));
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
    int maxWidth = MAX_WIDTH_FACTOR * config.width();
    // The stem: one 4x4 stride-2 convolution in place of 3x3 convolution + pool at full resolution, which took
    // about a quarter of a training step (a GEMM of only 27 rows, BatchNorm and pooling over the largest maps).
    layers.add(new Conv2d(config.channels(), config.width(), STEM_KERNEL, 2, 1, he, rng));
    addNormAndActivation(layers, config.width(), config.batchNorm());
    int in = config.width();
    for (int stage = 1; stage < config.stages(); stage++) {
      int out = Math.min(maxWidth, config.width() << stage);
      addConvBlock(layers, in, out, 3, config.batchNorm(), he, rng);
      layers.add(new MaxPool2d(2, 2, 0));
      in = out;
    }
    int context = Math.min(maxWidth, in * 2);
    addConvBlock(layers, in, context, 3, config.batchNorm(), he, rng);
    addConvBlock(layers, context, context / 2, 1, config.batchNorm(), he, rng);
    addConvBlock(layers, context / 2, context, 3, config.batchNorm(), he, rng);
    layers.add(new Conv2d(context, config.layout().cellValues(), 1, 1, 0, Initializer.lecunNormal(), rng));
    layers.add(new ChannelsLast());
    layers.add(new YoloActivation(config.boxesPerCell(), config.numClasses()));
    return new Sequential(layers);
  }

  private static void addConvBlock(List<Layer> layers, int in, int out, int kernel, boolean batchNorm,
      Initializer init, SplittableRandom rng) {
    layers.add(new Conv2d(in, out, kernel, 1, kernel / 2, init, rng));
    addNormAndActivation(layers, out, batchNorm);
  }

  private static void addNormAndActivation(List<Layer> layers, int channels, boolean batchNorm) {
    if (batchNorm) {
      layers.add(new BatchNorm(channels));
    }
    layers.add(new LeakyRelu(LeakyRelu.DEFAULT_ALPHA));
  }
}
