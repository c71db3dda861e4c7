package dev.deepzero.cli;

import dev.deepzero.interop.darknet.Darknet;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.interop.onnx.OnnxExport;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepzero export}: a model file as ONNX or darknet files. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write a model file as ONNX (opset 13, for ONNX Runtime and other ONNX tools) or as darknet",
        "cfg + weights (convolutional, connected, maxpool and dropout sections)."})
final class ExportCommand implements Callable<Integer> {

  /** The formats written. */
  enum Format { ONNX, DARKNET }

  @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (.safetensors written by deepzero).")
  Path modelFile;

  @Option(names = "--format", defaultValue = "onnx", description = "onnx or darknet (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The .onnx file, or the darknet .cfg file.")
  Path out;

  @Option(names = "--weights", paramLabel = "FILE",
      description = "darknet: the .weights file (default: --out with .weights in place of .cfg).")
  Path weights;

  @Option(names = "--input-shape", paramLabel = "C,H,W",
      description = "One input's shape, when the model file's metadata has no input_shape.")
  String inputShape;

  @Override
  public Integer call() throws IOException {
    Format chosen = Enums.parse(Format.class, "--format", format);
    ModelFile.LoadedModel loaded = ModelFile.load(modelFile);
    Layer model = loaded.model();
    int[] shape = inputShape != null ? parseShape("--input-shape", inputShape)
        : shapeFromMetadata(loaded.metadata().get(ModelMetadata.INPUT_SHAPE_KEY));
    if (chosen == Format.ONNX) {
      OnnxExport.write(out, model, shape, "deepzero " + Main.VERSION);
      System.out.printf("wrote %s: ONNX opset %d, IR %d, input '%s' [%s, %s], %,d bytes%n", out, OnnxExport.OPSET,
          OnnxExport.IR_VERSION, OnnxExport.INPUT, OnnxExport.BATCH, joined(shape), Files.size(out));
    } else {
      Path weightsFile = weights != null ? weights : defaultWeights(out);
      Darknet.write(model, shape, out, weightsFile);
      System.out.printf("wrote %s and %s (%,d bytes): darknet, input %dx%dx%d%n", out, weightsFile,
          Files.size(weightsFile), shape[2], shape[1], shape[0]);
    }
    return 0;
  }

  private int[] shapeFromMetadata(String json) {
    if (json == null) {
      throw new IllegalArgumentException(modelFile + ": has no input_shape metadata; give --input-shape C,H,W");
    }
    if (!(Json.parse(json) instanceof List<?> list) || list.stream().anyMatch(o -> !(o instanceof Number))) {
      throw new IllegalArgumentException(modelFile + ": input_shape metadata must be a list of numbers, got " + json);
    }
    return list.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
  }

  /** {@code C,H,W} (or any number of positive sizes) as integers. */
  static int[] parseShape(String option, String text) {
    try {
      int[] shape = Arrays.stream(text.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
      if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d <= 0)) {
        throw new NumberFormatException();
      }
      return shape;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": expected positive sizes separated by commas, such as 1,28,28;"
          + " got '" + text + "'");
    }
  }

  private static Path defaultWeights(Path cfg) {
    String name = cfg.getFileName().toString();
    String base = name.endsWith(".cfg") ? name.substring(0, name.length() - 4) : name;
    return cfg.resolveSibling(base + ".weights");
  }

  private static String joined(int[] shape) {
    return String.join(", ", Arrays.stream(shape).mapToObj(Integer::toString).toList());
  }
}
