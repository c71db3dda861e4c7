package dev.deepzero.interop.darknet;

import dev.deepzero.interop.darknet.DarknetCfg.Section;
import dev.deepzero.detect.YoloV1;
import dev.deepzero.io.AtomicFiles;
import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.ChannelsLast;
import dev.deepzero.nn.layers.Conv2d;
import dev.deepzero.nn.layers.Dropout;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.LeakyRelu;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.MaxPool2d;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.nn.layers.Sigmoid;
import dev.deepzero.nn.layers.Tanh;
import dev.deepzero.nn.layers.YoloActivation;
import dev.deepzero.tensor.Limits;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * darknet's {@code .cfg} + {@code .weights} (pjreddie/darknet, the reference YOLOv1 implementation) to a deepzero
 * network and back.
 *
 * <p>Sections read: {@code [net]} (channels, height, width), {@code [convolutional]} (filters, size, stride,
 * pad or padding, batch_normalize, activation), {@code [maxpool]} (size, stride, padding), {@code [connected]}
 * (output, activation, batch_normalize), {@code [dropout]} (probability) and {@code [detection]} (classes,
 * coords, side, num, sqrt, softmax and the loss weights, returned as a {@link Detection}; the layer passes its
 * input through at inference, so the network's output is darknet's). Activations: leaky (slope 0.1), relu,
 * logistic, tanh, linear.
 *
 * <p>Weights: a header of int32 major, minor, revision, then {@code seen} as a uint64 when
 * {@code major·10 + minor >= 2} (and both below 1000), else as an int32; then float32 arrays per layer:
 * convolutional {@code biases[n]}, with batch_normalize {@code scales[n], rolling_mean[n], rolling_variance[n]},
 * then {@code weights[n·c·k·k]} (OIHW, as deepzero); connected {@code biases[out], weights[out·in]} (stored
 * transposed when major or minor exceeds 1000), then the three BN arrays.
 *
 * <p>BatchNorm differs in two ways and is converted exactly (up to float rounding):
 *
 * <pre>
 * darknet:  y = scale · (conv(x) - mean) / (sqrt(var) + 1e-6) + bias          (no conv bias; ε outside the root)
 * deepzero: y = γ · (conv(x) + b - μ) / sqrt(v + ε) + β
 * reading:  b = 0, β = bias, μ = mean, v = var, γ = scale · sqrt(var + ε) / (sqrt(var) + 1e-6)
 * writing:  bias = β, scale = γ, mean = μ - b, var = (sqrt(v + ε) - 1e-6)²
 * </pre>
 *
 * <p>The deepzero detector's last two layers ({@code ChannelsLast}, {@code YoloActivation}) have no darknet
 * section: they are written as {@code # deepzero:} comments, which darknet skips and this reader restores. In
 * darknet the network then ends at the 1x1 head, whose output is the {@code [5B + C, S, S]} map before the
 * per-cell transpose and the σ/softmax. darknet's own YOLOv1 {@code [detection]} layer is not written for it:
 * it expects a linear output in another order (all class scores, then confidences, then boxes).
 */
public final class Darknet {

  /** darknet's leaky slope ({@code .1} in activations.h). */
  public static final float LEAKY_SLOPE = 0.1f;
  /** darknet adds this to the root of the variance ({@code .000001f} in normalize_cpu). */
  static final double DARKNET_EPSILON = 1e-6;

  private static final int MAJOR = 0;
  private static final int MINOR = 2;

  private Darknet() {}

  /**
   * darknet's {@code [detection]} layer (YOLOv1): its output layout and loss weights.
   *
   * @param classes C
   * @param coords values per box, 4
   * @param side S
   * @param num B, boxes per cell
   * @param sqrt whether w and h are predicted as square roots
   * @param softmax whether darknet applies a softmax to the class scores (only 0 is read)
   * @param objectScale, noobjectScale, classScale, coordScale the loss weights (the paper's λ_noobj =
   *     noobject_scale, λ_coord = coord_scale)
   */
  public record Detection(int classes, int coords, int side, int num, boolean sqrt, boolean softmax,
      float objectScale, float noobjectScale, float classScale, float coordScale) {

    /** The output layout: {@code S²·C} class scores, then {@code S²·B} confidences, then {@code S²·B·coords} boxes. */
    public int outputs() {
      return side * side * ((1 + coords) * num + classes);
    }
  }

  /**
   * A network read from darknet files.
   *
   * @param network the deepzero network; its output is darknet's network output
   * @param inputShape {@code [channels, height, width]} from {@code [net]}
   * @param detection the {@code [detection]} section, or {@code null} if there is none
   */
  public record Model(Sequential network, int[] inputShape, Detection detection) {

    /**
     * The {@link YoloV1.Config} whose {@link YoloV1#build} has exactly this network's architecture, if there is
     * one: a deepzero detector that was written to darknet and read back, usable as a detector again.
     */
    public Optional<YoloV1.Config> yoloV1Config() {
      List<Layer> layers = network.layers();
      int n = layers.size();
      if (n < 4 || !(layers.get(n - 1) instanceof YoloActivation head) || !(layers.get(n - 2) instanceof ChannelsLast)
          || !(layers.get(0) instanceof Conv2d) || inputShape[1] != inputShape[2]) {
        return Optional.empty();
      }
      LayerConfig activation = head.config();
      int grid = network.predict(Tensor.zeros(1, inputShape[0], inputShape[1], inputShape[2])).dim(1);
      YoloV1.Config config;
      try {
        config = new YoloV1.Config(inputShape[0], inputShape[1], grid, activation.intOption("boxes"),
            activation.intOption("classes"), layers.get(0).config().intOption("out"), layers.get(1) instanceof BatchNorm);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      String built = ModelFile.architectureJson(YoloV1.build(config, new SplittableRandom(0)).config());
      return built.equals(ModelFile.architectureJson(network.config())) ? Optional.of(config) : Optional.empty();
    }
  }

  // ------------------------------------------------------------------------------------------------ reading

  /** The largest cfg file read: darknet's own are a few KB, so anything near this is not one. */
  static final long MAX_CFG_BYTES = 16L << 20;

  /**
   * Reads {@code cfg} and {@code weights} into a deepzero network.
   *
   * @param weights the {@code .weights} file, or {@code null} to keep fresh random weights
   * @throws IllegalArgumentException naming the files, and the cfg line of an unsupported section or option or
   *     the size of weights that do not fit the cfg
   * @throws IOException if a file cannot be read
   */
  public static Model read(Path cfg, Path weights) throws IOException {
    try {
      if (Files.size(cfg) > MAX_CFG_BYTES) {
        throw new IllegalArgumentException(Files.size(cfg) + " bytes is over the " + (MAX_CFG_BYTES >> 20)
            + " MB a darknet cfg may have (the largest of darknet's own are a few KB)");
      }
      String text;
      try {
        text = Files.readString(cfg, StandardCharsets.UTF_8);
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("not UTF-8 text (" + e + ")", e);
      }
      List<Section> sections = DarknetCfg.parse(text);
      Weights source = weights == null ? null : Weights.open(weights);
      Model model = build(sections, source);
      if (source != null) {
        source.requireFullyRead();
      }
      return model;
    } catch (IllegalArgumentException e) {
      // The parser and the builder know lines and layers, not files: the cfg is named first (weights that do not
      // fit it are named after it by the reader of the weights).
      throw new IllegalArgumentException(cfg + ": " + e.getMessage(), e);
    }
  }

  private static Model build(List<Section> sections, Weights weights) {
    if (sections.isEmpty() || !(sections.get(0).type().equals("net") || sections.get(0).type().equals("network"))) {
      throw new IllegalArgumentException("darknet cfg: the first section must be [net]");
    }
    Section net = sections.get(0);
    int c = net.intOption("channels");
    int h = net.intOption("height");
    int w = net.intOption("width");
    int[] inputShape = {c, h, w};
    boolean flat = false;
    SplittableRandom rng = new SplittableRandom(0);
    List<Layer> layers = new ArrayList<>();
    Detection detection = null;
    for (Section s : sections.subList(1, sections.size())) {
      if (detection != null) {
        throw s.error("no section may follow [detection]");
      }
      switch (s.type()) {
        case "convolutional", "conv" -> {
          if (flat) {
            throw s.error("a convolution after a connected layer");
          }
          if (s.intOption("groups", 1) != 1) {
            throw s.error("grouped convolutions are not supported");
          }
          int filters = s.intOption("filters", 1);
          int size = s.intOption("size", 1);
          int stride = s.intOption("stride", 1);
          int padding = s.intOption("pad", 0) != 0 ? size / 2 : s.intOption("padding", 0);
          checkRoom(s, weights, (long) filters * c * size * size);
          Conv2d conv = new Conv2d(c, filters, size, stride, padding, rng);
          boolean bn = s.intOption("batch_normalize", 0) != 0;
          layers.add(conv);
          if (bn) {
            BatchNorm norm = new BatchNorm(filters);
            layers.add(norm);
            if (weights != null) {
              conv.bias().value().fill(0f);
              float[] biases = weights.next(filters);
              loadBatchNorm(norm, biases, weights);
              copy(weights.next(conv.weight().value().size()), conv.weight().value());
            }
          } else if (weights != null) {
            copy(weights.next(filters), conv.bias().value());
            copy(weights.next(conv.weight().value().size()), conv.weight().value());
          }
          addActivation(layers, s, "logistic");
          h = (h + 2 * padding - size) / stride + 1;
          w = (w + 2 * padding - size) / stride + 1;
          c = filters;
        }
        case "maxpool", "max" -> {
          if (flat) {
            throw s.error("max pooling after a connected layer");
          }
          int stride = s.intOption("stride", 1);
          int size = s.intOption("size", stride);
          int padding = s.intOption("padding", size - 1);
          // darknet: out = (w + padding - size) / stride + 1, windows start at -padding/2 (C division).
          int darknetH = (h + padding - size) / stride + 1;
          int darknetW = (w + padding - size) / stride + 1;
          int p = padding / 2;
          if ((h + 2 * p - size) / stride + 1 != darknetH || (w + 2 * p - size) / stride + 1 != darknetW
              || p > size / 2) {
            throw s.error("size " + size + ", stride " + stride + ", padding " + padding + " on " + h + "x" + w
                + " needs windows past the bottom-right edge, which MaxPool2d's symmetric padding does not give");
          }
          layers.add(new MaxPool2d(size, stride, p));
          h = darknetH;
          w = darknetW;
        }
        case "connected", "conn" -> {
          int in = flat ? c : c * h * w;
          if (!flat) {
            layers.add(new Flatten());
            flat = true;
          }
          int out = s.intOption("output", 1);
          checkRoom(s, weights, (long) out * in);
          Linear linear = new Linear(in, out, rng);
          boolean bn = s.intOption("batch_normalize", 0) != 0;
          layers.add(linear);
          BatchNorm norm = bn ? new BatchNorm(out) : null;
          if (bn) {
            layers.add(norm);
          }
          if (weights != null) {
            float[] biases = weights.next(out);
            float[] wt = weights.next(in * out);
            copy(weights.transposed() ? transpose(wt, in, out) : wt, linear.weight().value());
            if (bn) {
              linear.bias().value().fill(0f);
              loadBatchNorm(norm, biases, weights);
            } else {
              copy(biases, linear.bias().value());
            }
          }
          addActivation(layers, s, "logistic");
          c = out;
        }
        case "dropout" -> layers.add(new Dropout(s.floatOption("probability", 0.5f), rng.split()));
        case "detection" -> {
          detection = new Detection(s.intOption("classes", 1), s.intOption("coords", 1), s.intOption("side", 7),
              s.intOption("num", 1), s.intOption("sqrt", 0) != 0, s.intOption("softmax", 0) != 0,
              s.floatOption("object_scale", 1f), s.floatOption("noobject_scale", 1f),
              s.floatOption("class_scale", 1f), s.floatOption("coord_scale", 1f));
          int inputs = flat ? c : c * h * w;
          if (detection.outputs() != inputs) {
            throw s.error("side² · ((1 + coords) · num + classes) = " + detection.outputs() + " but the layer before"
                + " gives " + inputs + " values");
          }
          if (detection.softmax()) {
            throw s.error("softmax=1 (a softmax over each cell's class scores) has no deepzero layer; only 0 is read");
          }
        }
        case "deepzero:ChannelsLast" -> layers.add(new ChannelsLast());
        case "deepzero:YoloActivation" -> layers.add(new YoloActivation(s.intOption("boxes"), s.intOption("classes")));
        default -> throw s.error("section type not supported (supported: net, convolutional, maxpool, connected,"
            + " dropout, detection)");
      }
    }
    return new Model(new Sequential(layers), inputShape, detection);
  }

  /**
   * darknet's BN (biases already read; scales, rolling mean and variance next in {@code weights}) as
   * deepzero's: see the class comment.
   */
  private static void loadBatchNorm(BatchNorm norm, float[] biases, Weights weights) {
    Map<String, Tensor> state = norm.stateDict();
    float epsilon = norm.config().floatOption("epsilon", BatchNorm.DEFAULT_EPSILON);
    float[] scales = weights.next(biases.length);
    float[] mean = weights.next(biases.length);
    float[] var = weights.next(biases.length);
    float[] gamma = new float[biases.length];
    for (int i = 0; i < gamma.length; i++) {
      gamma[i] = (float) (scales[i] * Math.sqrt((double) var[i] + epsilon) / (Math.sqrt(var[i]) + DARKNET_EPSILON));
    }
    copy(gamma, state.get("weight"));
    copy(biases, state.get("bias"));
    copy(mean, state.get("running_mean"));
    copy(var, state.get("running_var"));
  }

  private static void addActivation(List<Layer> layers, Section s, String fallback) {
    String name = s.option("activation", fallback);
    switch (name) {
      case "leaky" -> layers.add(new LeakyRelu(LEAKY_SLOPE));
      case "relu" -> layers.add(new Relu());
      case "logistic" -> layers.add(new Sigmoid());
      case "tanh" -> layers.add(new Tanh());
      case "linear" -> { }
      default -> throw s.error("activation '" + name + "' not supported (leaky, relu, logistic, tanh, linear)");
    }
  }

  private static void copy(float[] from, Tensor to) {
    System.arraycopy(from, 0, to.data(), 0, to.size());
  }

  /** {@code [rows, cols]} row-major to {@code [cols, rows]}. */
  private static float[] transpose(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = a[i * cols + j];
      }
    }
    return t;
  }

  /** A {@code .weights} file: its header, then floats handed out in order. */
  /**
   * Refuses a layer of {@code elements} weights before it is built: past the per-tensor limit, past the floats
   * left in the weights file, or (with no weights file) past the heap. A cfg of a few bytes can declare a layer of
   * gigabytes, and building it first would draw all of those random weights.
   */
  private static void checkRoom(Section s, Weights weights, long elements) {
    if (elements > Limits.maxTensorElements()) {
      throw s.error("a layer of " + elements + " weights is more than the limit of " + Limits.maxTensorElements()
          + " per tensor; " + Limits.howToRaise(Limits.MAX_TENSOR_ELEMENTS_PROPERTY));
    }
    if (weights != null) {
      weights.requireAvailable(elements);
    } else {
      Limits.requireHeap(elements * Float.BYTES, "building a layer of " + elements + " weights");
    }
  }

  private static final class Weights {
    private final Path file;
    private final ByteBuffer buf;
    private final boolean transposed;

    private Weights(Path file, ByteBuffer buf, boolean transposed) {
      this.file = file;
      this.buf = buf;
      this.transposed = transposed;
    }

    static Weights open(Path file) throws IOException {
      // The file is read whole: refuse by name, before reading, one that no array or no heap here can hold.
      long size = Files.size(file);
      if (size > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(file + ": " + size + " bytes is more than one Java array holds (2 GB);"
            + " darknet weights this large are not supported");
      }
      Limits.requireHeap(size, "reading the darknet weights " + file);
      ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      if (buf.remaining() < 16) {
        throw new IllegalArgumentException(file + ": " + buf.remaining() + " bytes is too short for a darknet"
            + " weights header");
      }
      int major = buf.getInt();
      int minor = buf.getInt();
      buf.getInt(); // revision
      // seen: a size_t from version 0.2 on, an int before (the header is 20 or 16 bytes).
      boolean sizeT = major * 10 + minor >= 2 && major < 1000 && minor < 1000;
      if (sizeT && buf.remaining() < Long.BYTES) {
        throw new IllegalArgumentException(file + ": " + buf.limit() + " bytes is too short for a darknet version "
            + major + "." + minor + " weights header (20 bytes)");
      }
      if (sizeT) {
        buf.getLong();
      } else {
        buf.getInt();
      }
      return new Weights(file, buf, major > 1000 || minor > 1000);
    }

    boolean transposed() {
      return transposed;
    }

    /** Refuses, before anything is allocated, a layer needing more floats than the file has left. */
    void requireAvailable(long count) {
      if (buf.remaining() < count * Float.BYTES) {
        throw new IllegalArgumentException(file + ": ends at byte " + buf.limit() + " but the cfg needs at least "
            + count + " more floats from byte " + buf.position());
      }
    }

    float[] next(int count) {
      if (buf.remaining() < (long) count * Float.BYTES) {
        throw new IllegalArgumentException(file + ": ends at byte " + buf.limit() + " but the cfg needs " + count
            + " more floats from byte " + buf.position());
      }
      float[] out = new float[count];
      buf.asFloatBuffer().get(out);
      buf.position(buf.position() + count * Float.BYTES);
      return out;
    }

    void requireFullyRead() {
      if (buf.hasRemaining()) {
        throw new IllegalArgumentException(file + ": " + buf.remaining() + " bytes left after the cfg's last layer"
            + " (at byte " + buf.position() + "): the weights belong to another cfg");
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ writing

  /**
   * Writes {@code model} as darknet {@code cfg} and {@code weights} files (each atomically).
   *
   * @param model Not modified; a sequence of Conv2d [BatchNorm] [activation], MaxPool2d, Flatten, Linear
   *     [BatchNorm] [activation], Dropout, optionally ending in ChannelsLast and YoloActivation
   * @param inputShape {@code [channels, height, width]}
   * @throws IllegalArgumentException naming the first layer darknet has no section for
   * @throws IOException if writing fails
   */
  public static void write(Layer model, int[] inputShape, Path cfg, Path weights) throws IOException {
    if (inputShape.length != 3) {
      throw new IllegalArgumentException("darknet export: input shape must be [C, H, W], got "
          + java.util.Arrays.toString(inputShape));
    }
    List<Layer> layers = flatten(model);
    List<Section> sections = new ArrayList<>();
    sections.add(section("net", "batch", 1, "subdivisions", 1, "height", inputShape[1], "width", inputShape[2],
        "channels", inputShape[0]));
    FloatSink out = new FloatSink();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      LayerConfig c = layer.config();
      switch (c.type()) {
        case "Conv2d", "Linear" -> {
          boolean conv = c.type().equals("Conv2d");
          BatchNorm norm = i + 1 < layers.size() && layers.get(i + 1) instanceof BatchNorm b ? b : null;
          int next = norm == null ? i + 1 : i + 2;
          String activation = next < layers.size() ? activationName(layers.get(next)) : null;
          Map<String, Object> options = new LinkedHashMap<>();
          if (norm != null) {
            options.put("batch_normalize", 1);
          }
          if (conv) {
            options.put("filters", c.intOption("out"));
            options.put("size", c.intOption("kernel"));
            options.put("stride", c.intOption("stride"));
            options.put("padding", c.intOption("padding"));
          } else {
            options.put("output", c.intOption("out"));
          }
          options.put("activation", activation == null ? "linear" : activation);
          sections.add(new Section(conv ? "convolutional" : "connected", strings(options), 0));
          Map<String, Tensor> state = layer.stateDict();
          float[] bias = state.get("bias").data();
          if (norm == null) {
            out.add(bias);
            out.add(state.get("weight").data());
          } else {
            float[][] bn = toDarknetBatchNorm(norm, bias);
            out.add(bn[0]);
            if (conv) {
              out.add(bn[1], bn[2], bn[3]);
              out.add(state.get("weight").data());
            } else {
              out.add(state.get("weight").data());
              out.add(bn[1], bn[2], bn[3]);
            }
          }
          i = activation == null ? next - 1 : next;
        }
        case "MaxPool2d" -> sections.add(section("maxpool", "size", c.intOption("kernel"), "stride",
            c.intOption("stride"), "padding", 2 * c.intOption("padding")));
        case "Dropout" -> sections.add(section("dropout", "probability", c.floatOption("p", 0.5f)));
        case "Flatten" -> {
          if (i + 1 >= layers.size() || !(layers.get(i + 1) instanceof Linear)) {
            throw new IllegalArgumentException("darknet export: layer " + i + " (Flatten) must be followed by a"
                + " Linear layer: darknet flattens only into [connected]");
          }
        }
        case "ChannelsLast" -> sections.add(new Section("deepzero:ChannelsLast", Map.of(), 0));
        case "YoloActivation" -> sections.add(section("deepzero:YoloActivation", "boxes", c.intOption("boxes"),
            "classes", c.intOption("classes")));
        default -> throw new IllegalArgumentException("darknet export: layer " + i + " (" + c.type() + ") has no"
            + " darknet section here (a darknet network is convolutional/connected layers, each with optional"
            + " batch normalisation and activation, max pooling and dropout)");
      }
    }
    String text = DarknetCfg.write(sections);
    AtomicFiles.write(cfg, ch -> ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    AtomicFiles.write(weights, ch -> {
      ByteBuffer b = out.toBytes();
      while (b.hasRemaining()) {
        ch.write(b);
      }
    });
  }

  /** {bias, scale, mean, var} in darknet's convention for {@code norm} after a layer with bias {@code b}. */
  private static float[][] toDarknetBatchNorm(BatchNorm norm, float[] b) {
    Map<String, Tensor> state = norm.stateDict();
    float epsilon = norm.config().floatOption("epsilon", BatchNorm.DEFAULT_EPSILON);
    float[] mu = state.get("running_mean").data();
    float[] v = state.get("running_var").data();
    float[] mean = new float[mu.length];
    float[] var = new float[mu.length];
    for (int i = 0; i < mu.length; i++) {
      mean[i] = (float) ((double) mu[i] - b[i]);
      double root = Math.sqrt((double) v[i] + epsilon) - DARKNET_EPSILON;
      var[i] = (float) (root * root);
    }
    return new float[][] {state.get("bias").data(), state.get("weight").data(), mean, var};
  }

  /** darknet's name for an activation layer, or {@code null} if {@code layer} is none. */
  private static String activationName(Layer layer) {
    LayerConfig c = layer.config();
    switch (c.type()) {
      case "LeakyRelu":
        float alpha = c.floatOption("alpha", Float.NaN);
        if (alpha != LEAKY_SLOPE) {
          throw new IllegalArgumentException("darknet export: LeakyRelu(" + alpha + "): darknet's leaky slope is"
              + " fixed at 0.1");
        }
        return "leaky";
      case "Relu":
        return "relu";
      case "Sigmoid":
        return "logistic";
      case "Tanh":
        return "tanh";
      default:
        return null;
    }
  }

  private static List<Layer> flatten(Layer layer) {
    List<Layer> out = new ArrayList<>();
    if (layer instanceof Sequential s) {
      for (Layer inner : s.layers()) {
        out.addAll(flatten(inner));
      }
    } else {
      out.add(layer);
    }
    return out;
  }

  private static Section section(String type, Object... namesAndValues) {
    Map<String, Object> options = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      options.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return new Section(type, strings(options), 0);
  }

  private static Map<String, String> strings(Map<String, Object> options) {
    Map<String, String> out = new LinkedHashMap<>();
    options.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  /** The weights file being built: the header, then floats. */
  private static final class FloatSink {
    private final List<float[]> arrays = new ArrayList<>();
    private long count;

    void add(float[]... values) {
      for (float[] v : values) {
        arrays.add(v);
        count += v.length;
      }
    }

    ByteBuffer toBytes() {
      ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(20 + count * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(MAJOR).putInt(MINOR).putInt(0).putLong(0); // major, minor, revision, seen (uint64 from 0.2 on)
      for (float[] v : arrays) {
        for (float f : v) {
          b.putFloat(f);
        }
      }
      return b.flip();
    }
  }
}
