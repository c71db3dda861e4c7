package dev.deepzero.cli;

import dev.deepzero.detect.YoloV1;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.interop.darknet.Darknet;
import dev.deepzero.interop.pytorch.PyTorchImport;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Layer;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepzero import}: a PyTorch state dict or a darknet network as a deepzero model file. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Write a deepzero model file from another tool's files: a PyTorch state dict saved as",
        "safetensors (with --architecture), or a darknet cfg (with --weights)."})
final class ImportCommand implements Callable<Integer> {

  /** The sources read. */
  enum Source { PYTORCH, DARKNET }

  @Option(names = "--from", required = true, description = "pytorch or darknet.")
  String from;

  @Parameters(index = "0", paramLabel = "FILE",
      description = "pytorch: the state dict (.safetensors); darknet: the .cfg file.")
  Path input;

  @Option(names = "--architecture", paramLabel = "NAME|ARCH.json",
      description = {"pytorch: the network the state dict belongs to: a built-in model (mlp, simple-cnn, lenet,",
          "deep-cnn) or a JSON file holding a deepzero architecture (as a model file's deepzero.architecture)."})
  String architecture;

  @Option(names = "--input-shape", defaultValue = "1,28,28", paramLabel = "C,H,W",
      description = "pytorch: one input's shape (default: ${DEFAULT-VALUE}).")
  String inputShape;

  @Option(names = "--classes", defaultValue = "10", description = "pytorch, built-in model: number of classes"
      + " (default: ${DEFAULT-VALUE}).")
  int classes;

  @Option(names = "--class-names", split = ",", paramLabel = "NAME",
      description = "The class names, comma-separated (default: 0, 1, ...).")
  List<String> classNames;

  @Option(names = "--rename", paramLabel = "FROM=TO",
      description = "pytorch: replace the key prefix FROM by TO (repeatable; the longest match applies).")
  Map<String, String> renames = new LinkedHashMap<>();

  @Option(names = "--weights", paramLabel = "FILE", description = "darknet: the .weights file.")
  Path weights;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The deepzero model file to write.")
  Path out;

  @Override
  public Integer call() throws IOException {
    Source source = Enums.parse(Source.class, "--from", from);
    Map<String, String> metadata = new LinkedHashMap<>();
    Layer model;
    int[] shape;
    YoloV1.Config detector = null;
    if (source == Source.PYTORCH) {
      if (architecture == null) {
        throw new IllegalArgumentException("--from pytorch needs --architecture (" + String.join(", ", Models.NAMES)
            + ", or an architecture JSON file)");
      }
      shape = ExportCommand.parseShape("--input-shape", inputShape);
      model = buildArchitecture(shape);
      PyTorchImport.load(input, renames, model);
      metadata.put(ModelFile.MODEL_NAME_KEY, Files.exists(Path.of(architecture)) ? "imported" : architecture);
    } else {
      if (weights == null) {
        throw new IllegalArgumentException("--from darknet needs --weights FILE.weights");
      }
      Darknet.Model darknet = Darknet.read(input, weights);
      model = darknet.network();
      detector = darknet.yoloV1Config().orElse(null);
      shape = darknet.inputShape();
      metadata.put(ModelFile.MODEL_NAME_KEY, "darknet");
    }
    int outputs = outputSize(model, shape);
    metadata.put(ModelFile.DATA_KEY, "imported from " + source.name().toLowerCase(Locale.ROOT) + " " + input);
    if (source == Source.PYTORCH) {
      metadata.putAll(ModelMetadata.classifier(classNames != null ? classNames : defaultNames(classes), shape)
          .entries());
    } else if (detector != null) {
      // A deepzero detector that went to darknet and back: a detector again, for detect and detect-eval.
      metadata.putAll(ModelMetadata.detector(classNames != null ? classNames : defaultNames(detector.numClasses()),
          detector).entries());
    } else {
      metadata.put(ModelMetadata.INPUT_SHAPE_KEY, Json.write(Arrays.stream(shape).boxed().toList()));
    }
    ModelFile.save(out, model, metadata);
    System.out.printf("wrote %s: %,d parameters, input %s, %d outputs%n", out,
        model.parameters().stream().mapToLong(p -> p.value().size()).sum(), Arrays.toString(shape), outputs);
    return 0;
  }

  private Layer buildArchitecture(int[] shape) throws IOException {
    Path file = Path.of(architecture);
    if (Files.exists(file)) {
      return ModelFile.fromArchitecture(Files.readString(file, StandardCharsets.UTF_8), new SplittableRandom(0));
    }
    if (shape.length != 3) {
      throw new IllegalArgumentException("--input-shape: a built-in model takes C,H,W, got " + inputShape);
    }
    return Models.byName(architecture, shape[0], shape[1], shape[2], classes, new SplittableRandom(0));
  }

  /** The number of values the model gives per input (one pass on zeros). */
  private static int outputSize(Layer model, int[] shape) {
    int[] batched = new int[shape.length + 1];
    batched[0] = 1;
    System.arraycopy(shape, 0, batched, 1, shape.length);
    Tensor y = model.predict(Tensor.zeros(batched));
    return y.size();
  }

  private static List<String> defaultNames(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }
}
