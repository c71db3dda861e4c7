package dev.deepzero.interop.onnx;

import dev.deepzero.io.AtomicFiles;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Sequential;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a deepzero network as an ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}) for
 * inference: one input {@value #INPUT} {@code [batch, ...inputShape]} with a symbolic batch dimension, one output
 * {@value #OUTPUT}, the weights as initializers. Layers map to operators as follows:
 *
 * <table>
 * <caption>deepzero layer to ONNX operators</caption>
 * <tr><th>layer</th><th>operators</th></tr>
 * <tr><td>Conv2d</td><td>Conv (kernel_shape, strides, pads)</td></tr>
 * <tr><td>BatchNorm</td><td>BatchNormalization (epsilon; running statistics: inference)</td></tr>
 * <tr><td>Linear</td><td>Gemm, transB = 1 (the weight is {@code [out, in]})</td></tr>
 * <tr><td>Relu, LeakyRelu, Sigmoid, Tanh</td><td>Relu, LeakyRelu (alpha explicit), Sigmoid, Tanh</td></tr>
 * <tr><td>Softmax</td><td>Softmax, axis -1</td></tr>
 * <tr><td>MaxPool2d, AvgPool2d</td><td>MaxPool, AveragePool (count_include_pad = 1, as deepzero)</td></tr>
 * <tr><td>GlobalAvgPool2d</td><td>GlobalAveragePool, then Flatten (deepzero's output is {@code [N, C]})</td></tr>
 * <tr><td>Flatten</td><td>Flatten, axis 1</td></tr>
 * <tr><td>Dropout, Identity</td><td>nothing (inference)</td></tr>
 * <tr><td>Normalize</td><td>Sub (mean), Div (std), per channel</td></tr>
 * <tr><td>ChannelsLast</td><td>Transpose, perm [0, 2, 3, 1]</td></tr>
 * <tr><td>YoloActivation</td><td>Slice the 5B box values and the C class scores; Where(mask, Sigmoid(box),
 *     box) keeps √w, √h linear; Softmax (axis -1) on the classes; Concat</td></tr>
 * </table>
 *
 * <p>The protobuf wire format is written directly (field numbers from {@code onnx/onnx.proto}), so the library
 * needs no protobuf dependency.
 */
public final class OnnxExport {

  /** The default operator set version written. */
  public static final int OPSET = 13;
  /** The IR version written: 7 is the one that goes with opset 13. */
  public static final int IR_VERSION = 7;
  /** The graph's input name. */
  public static final String INPUT = "input";
  /** The graph's output name. */
  public static final String OUTPUT = "output";
  /** The symbolic batch dimension's name. */
  public static final String BATCH = "batch";

  // TensorProto.DataType
  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  private static final int BOOL = 9;
  // AttributeProto.AttributeType
  private static final int ATTR_FLOAT = 1;
  private static final int ATTR_INT = 2;
  private static final int ATTR_INTS = 7;

  private OnnxExport() {}

  /**
   * {@link #toBytes} written to {@code file} atomically.
   *
   * @throws IOException if writing fails; {@code file} then keeps its old content
   */
  public static void write(Path file, Layer model, int[] inputShape, String producerVersion) throws IOException {
    byte[] bytes = toBytes(model, inputShape, producerVersion);
    AtomicFiles.write(file, ch -> {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    });
  }

  /**
   * The ONNX ModelProto of {@code model}.
   *
   * @param model Not modified (one forward pass in eval mode on zeros gives the shapes)
   * @param inputShape one sample's shape without the batch axis, such as {@code [1, 28, 28]}
   * @param producerVersion written as the model's producer_version
   * @throws IllegalArgumentException for a layer type this exporter does not know, or an input shape the model
   *     rejects
   */
  public static byte[] toBytes(Layer model, int[] inputShape, String producerVersion) {
    Graph graph = new Graph();
    int[] batched = new int[inputShape.length + 1];
    batched[0] = 1;
    System.arraycopy(inputShape, 0, batched, 1, inputShape.length);
    Tensor x = Tensor.zeros(batched);
    String name = INPUT;
    for (Layer layer : flatten(model)) {
      Tensor y = layer.predict(x);
      name = graph.add(layer, name, x.shape(), y.shape());
      x = y;
    }
    if (name.equals(INPUT)) {
      graph.node("Identity", List.of(INPUT), OUTPUT, List.of());
    } else {
      graph.rename(name, OUTPUT);
    }
    Protobuf g = new Protobuf().string(2, "deepzero");
    graph.nodes.forEach(n -> g.message(1, n.toProto()));
    graph.initializers.forEach(t -> g.message(5, t));
    g.message(11, valueInfo(INPUT, batched));
    g.message(12, valueInfo(OUTPUT, x.shape()));
    return new Protobuf()
        .varint(1, IR_VERSION)
        .string(2, "deepzero")
        .string(3, producerVersion)
        .message(7, g)
        .message(8, new Protobuf().string(1, "").varint(2, OPSET))
        .toByteArray();
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

  /** ValueInfoProto of a float tensor whose first dimension is the symbolic batch. */
  private static Protobuf valueInfo(String name, int[] shape) {
    Protobuf dims = new Protobuf();
    dims.message(1, new Protobuf().string(2, BATCH));
    for (int i = 1; i < shape.length; i++) {
      dims.message(1, new Protobuf().varint(1, shape[i]));
    }
    Protobuf tensorType = new Protobuf().varint(1, FLOAT).message(2, dims);
    return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensorType));
  }

  /** A NodeProto: its name is its output's. */
  private record Node(String type, List<String> inputs, String output, List<Protobuf> attributes) {
    Protobuf toProto() {
      Protobuf n = new Protobuf();
      inputs.forEach(s -> n.string(1, s));
      n.string(2, output).string(3, output).string(4, type);
      attributes.forEach(a -> n.message(5, a));
      return n;
    }
  }

  /** The nodes and initializers built so far, with fresh names. */
  private static final class Graph {
    final List<Node> nodes = new ArrayList<>();
    final List<Protobuf> initializers = new ArrayList<>();
    private int counter;

    /** Adds the nodes of {@code layer}; returns the name of its output (the input's for omitted layers). */
    String add(Layer layer, String in, int[] inShape, int[] outShape) {
      LayerConfig c = layer.config();
      Map<String, Tensor> state = layer.stateDict();
      String p = "l" + counter++ + "_" + c.type();
      switch (c.type()) {
        case "Conv2d": {
          int k = c.intOption("kernel");
          int s = c.intOption("stride");
          int pad = c.intOption("padding");
          return node("Conv", List.of(in, init(p + ".weight", state.get("weight")), init(p + ".bias", state.get("bias"))),
              p, List.of(ints("kernel_shape", k, k), ints("strides", s, s), ints("pads", pad, pad, pad, pad),
                  ints("dilations", 1, 1), integer("group", 1)));
        }
        case "BatchNorm":
          return node("BatchNormalization", List.of(in, init(p + ".weight", state.get("weight")),
              init(p + ".bias", state.get("bias")), init(p + ".running_mean", state.get("running_mean")),
              init(p + ".running_var", state.get("running_var"))), p,
              List.of(real("epsilon", c.floatOption("epsilon", Float.NaN))));
        case "Linear":
          return node("Gemm", List.of(in, init(p + ".weight", state.get("weight")), init(p + ".bias", state.get("bias"))),
              p, List.of(real("alpha", 1f), real("beta", 1f), integer("transA", 0), integer("transB", 1)));
        case "Relu":
        case "Sigmoid":
        case "Tanh":
          return node(c.type(), List.of(in), p, List.of());
        case "LeakyRelu":
          return node("LeakyRelu", List.of(in), p, List.of(real("alpha", c.floatOption("alpha", Float.NaN))));
        case "Softmax":
          return node("Softmax", List.of(in), p, List.of(integer("axis", -1)));
        case "MaxPool2d":
        case "AvgPool2d": {
          int k = c.intOption("kernel");
          int s = c.intOption("stride");
          int pad = c.intOption("padding");
          List<Protobuf> attrs = new ArrayList<>(List.of(ints("kernel_shape", k, k), ints("strides", s, s),
              ints("pads", pad, pad, pad, pad)));
          if (c.type().equals("AvgPool2d")) {
            attrs.add(integer("count_include_pad", 1));
          }
          return node(c.type().equals("MaxPool2d") ? "MaxPool" : "AveragePool", List.of(in), p, attrs);
        }
        case "GlobalAvgPool2d": {
          String pooled = node("GlobalAveragePool", List.of(in), p, List.of());
          return node("Flatten", List.of(pooled), p + ".flat", List.of(integer("axis", 1)));
        }
        case "Flatten":
          return node("Flatten", List.of(in), p, List.of(integer("axis", 1)));
        case "Dropout":
        case "Identity":
          return in;
        case "Normalize": {
          // Per channel: broadcast [C, 1, 1] against [N, C, H, W], or [C] against [N, C].
          int[] shape = inShape.length == 4 ? new int[] {inShape[1], 1, 1} : new int[] {inShape[1]};
          String centred = node("Sub", List.of(in, init(p + ".mean", state.get("mean").reshape(shape))), p + ".sub",
              List.of());
          return node("Div", List.of(centred, init(p + ".std", state.get("std").reshape(shape))), p, List.of());
        }
        case "ChannelsLast":
          return node("Transpose", List.of(in), p, List.of(ints("perm", 0, 2, 3, 1)));
        case "YoloActivation":
          return yoloActivation(c, in, p, inShape);
        default:
          throw new IllegalArgumentException("ONNX export: no mapping for layer type '" + c.type() + "'");
      }
    }

    /** σ on x, y and confidence of each box, √w and √h unchanged, softmax over the class scores. */
    private String yoloActivation(LayerConfig c, String in, String p, int[] inShape) {
      int boxes = c.intOption("boxes");
      int classes = c.intOption("classes");
      int boxValues = 5 * boxes;
      int axis = inShape.length - 1;
      String box = node("Slice", List.of(in, int64(p + ".box_start", 0), int64(p + ".box_end", boxValues),
          int64(p + ".axes", axis)), p + ".box", List.of());
      String cls = node("Slice", List.of(in, int64(p + ".cls_start", boxValues),
          int64(p + ".cls_end", boxValues + classes), p + ".axes"), p + ".cls", List.of());
      byte[] mask = new byte[boxValues];
      for (int v = 0; v < boxValues; v++) {
        int offset = v % 5;
        mask[v] = (byte) (offset == 2 || offset == 3 ? 0 : 1);
      }
      String squashed = node("Sigmoid", List.of(box), p + ".sigmoid", List.of());
      String boxOut = node("Where", List.of(bool(p + ".sigmoid_mask", mask), squashed, box), p + ".where", List.of());
      String clsOut = node("Softmax", List.of(cls), p + ".softmax", List.of(integer("axis", -1)));
      return node("Concat", List.of(boxOut, clsOut), p, List.of(integer("axis", -1)));
    }

    /** Adds a node with one output named {@code out}; returns {@code out}. */
    String node(String type, List<String> inputs, String out, List<Protobuf> attributes) {
      nodes.add(new Node(type, inputs, out, attributes));
      return out;
    }

    /** Renames the tensor {@code from} to {@code to} wherever a node produces or reads it. */
    void rename(String from, String to) {
      nodes.replaceAll(n -> new Node(n.type(), n.inputs().stream().map(s -> s.equals(from) ? to : s).toList(),
          n.output().equals(from) ? to : n.output(), n.attributes()));
    }

    /** A float initializer; returns its name. */
    String init(String name, Tensor t) {
      ByteBuffer raw = ByteBuffer.allocate(t.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      raw.asFloatBuffer().put(t.data(), 0, t.size());
      initializers.add(tensor(name, FLOAT, toLongs(t.shape()), raw.array()));
      return name;
    }

    /** A one-element int64 initializer of shape [1]; returns its name. */
    String int64(String name, long value) {
      byte[] raw = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
      initializers.add(tensor(name, INT64, new long[] {1}, raw));
      return name;
    }

    /** A bool initializer of shape [values.length] (each value 0 or 1); returns its name. */
    String bool(String name, byte[] values) {
      initializers.add(tensor(name, BOOL, new long[] {values.length}, values));
      return name;
    }

    private static Protobuf tensor(String name, int dataType, long[] dims, byte[] raw) {
      return new Protobuf().packedInt64(1, dims).varint(2, dataType).string(8, name).bytes(9, raw);
    }

    private static long[] toLongs(int[] a) {
      long[] out = new long[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = a[i];
      }
      return out;
    }

    private static Protobuf ints(String name, long... values) {
      return new Protobuf().string(1, name).packedInt64(8, values).varint(20, ATTR_INTS);
    }

    private static Protobuf integer(String name, long value) {
      return new Protobuf().string(1, name).varint(3, value).varint(20, ATTR_INT);
    }

    private static Protobuf real(String name, float value) {
      return new Protobuf().string(1, name).float32(2, value).varint(20, ATTR_FLOAT);
    }
  }
}
