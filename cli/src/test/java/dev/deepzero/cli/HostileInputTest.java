package dev.deepzero.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.deepzero.detect.YoloV1;
import dev.deepzero.inference.Detector;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.io.SafeTensors;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Normalize;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-input probes of issue 10, one per kind of defect, each run through the real command line in its own
 * JVM with a 512 MB heap and a time limit ({@link CliProcess}). Every input is generated here, in a temporary
 * folder, from a few small models and images: a model file declaring gigabyte layers, a 30000 x 30000 PNG header,
 * VOC annotations pointing outside their folder, a FIFO among the images, NaN weights, out-of-range options.
 *
 * <p>Each case asserts that the run ends within the limit with the expected exit status (2 for a refused input;
 * 0 where the input is one bad file among good ones, reported and skipped, or an output that would replace an
 * input is written under a name of its own), that its output names the file or option at fault, and that no
 * stack trace reaches the user. The cases run two at a time (the processes are started when the factory is
 * called, the assertions wait for them).
 */
class HostileInputTest {

  private static final Duration LIMIT = Duration.ofSeconds(30);
  /** The longest error line a user should have to read. */
  private static final int MAX_ERROR_CHARS = 1000;
  private static final ExecutorService RUNNER = Executors.newFixedThreadPool(2);

  @TempDir
  static Path dir;

  @AfterAll
  static void stopRunner() {
    RUNNER.shutdownNow();
  }

  /** What a run must show: its exit status (one of), the name its output must contain, and any further check. */
  private record Case(String name, Set<Integer> statuses, String mustName, List<String> args, Check check) {}

  @FunctionalInterface
  private interface Check {
    void verify(CliProcess run) throws IOException;
  }

  private final List<Case> cases = new ArrayList<>();

  private void refused(String name, String mustName, String... args) {
    cases.add(new Case(name, Set.of(2), mustName, List.of(args), run -> { }));
  }

  @TestFactory
  Stream<DynamicTest> everyHostileInputIsRefusedWithAOneLineMessage() throws IOException, InterruptedException {
    Path in = Files.createDirectories(dir.resolve("inputs"));
    Path image = TestImages.write(in.resolve("image.png"), 6, 5);
    Path classifier = classifier(in.resolve("classifier.safetensors"), "[\"a\",\"b\",\"c\"]", "[1,2,2]");
    Path detector = detector(in.resolve("detector.safetensors"), new YoloV1.Config(1, 16, 2, 1, 1, 4, false));
    Path images = TestImages.folder(in.resolve("images"), 10);
    String embedded = "--embedded";

    // 1. Hang: an empty class list made predict spin at 100% CPU.
    refused("classes [] (hang)", "empty-classes.safetensors", "predict", "--model",
        classifier(in.resolve("empty-classes.safetensors"), "[]", "[1,2,2]").toString(), image.toString());

    // 2. Memory exhaustion from tiny files.
    Path hugeLinear = architectureOnly(in.resolve("huge-linear.safetensors"),
        layers("{\"type\":\"Flatten\",\"options\":{}}", linear(15000, 15000), linear(15000, 15000)));
    refused("Linear(15000, 15000) in 400 bytes: summary", "huge-linear.safetensors", "summary", hugeLinear.toString());
    refused("Linear(15000, 15000) in 400 bytes: predict", "huge-linear.safetensors", "predict", "--model",
        hugeLinear.toString(), image.toString());
    refused("BatchNorm with 2e9 channels", "huge-batchnorm.safetensors", "predict", "--model",
        architectureOnly(in.resolve("huge-batchnorm.safetensors"), layers(
            "{\"type\":\"BatchNorm\",\"options\":{\"channels\":2000000000,\"epsilon\":1e-5,\"momentum\":0.1}}"))
            .toString(), image.toString());
    refused("Normalize with 2e9 channels", "huge-normalize.safetensors", "summary",
        architectureOnly(in.resolve("huge-normalize.safetensors"),
            layers("{\"type\":\"Normalize\",\"options\":{\"channels\":2000000000}}")).toString());
    Path hugeInput = classifier(in.resolve("huge-input-shape.safetensors"), "[\"a\",\"b\",\"c\"]", "[1,20000,20000]");
    refused("input_shape [1, 20000, 20000]: summary", "huge-input-shape.safetensors", "summary", hugeInput.toString());
    refused("input_shape [1, 20000, 20000]: predict", "huge-input-shape.safetensors", "predict", "--model",
        hugeInput.toString(), image.toString());
    Path bomb = pngDeclaring(in.resolve("bomb.png"), 30000, 30000);
    refused("PNG declaring 30000 x 30000: predict", "bomb.png", "predict", "--model", classifier.toString(),
        bomb.toString());
    refused("PNG declaring 30000 x 30000: detect", "bomb.png", "detect", detector.toString(), bomb.toString(),
        "--out", dir.resolve("bomb-detections").toString());
    Path imagesWithBomb = TestImages.folder(in.resolve("images-with-bomb"), 10);
    pngDeclaring(imagesWithBomb.resolve("b").resolve("bomb.png"), 30000, 30000);
    cases.add(new Case("PNG bomb among training images is skipped", Set.of(0), "bomb.png", List.of("train",
        "--images", imagesWithBomb.toString(), "--model", "mlp", "--epochs", "1", "--batch-size", "4",
        "--validation", "0.25", "--out", dir.resolve("bomb-training").toString()), run -> { }));
    refused("--batch-size beyond the heap", "batch of 4500", "train", embedded, "--model", "simple-cnn", "--epochs",
        "1", "--batch-size", "4500", "--out", dir.resolve("big-batch").toString());

    // 3. Integer overflow.
    refused("--image-size 50000x50000", "--image-size", "train", "--images", images.toString(), "--image-size",
        "50000x50000", "--out", dir.resolve("huge-image-size").toString());
    refused("detector declaring a 65536-pixel input", "huge-detector.safetensors", "detect",
        detector(in.resolve("huge-detector.safetensors"), new YoloV1.Config(1, 1 << 16, 2, 1, 1, 4, false))
            .toString(), image.toString(), "--out", dir.resolve("huge-detector-out").toString());

    // 4. Metadata the loader accepted.
    refused("detector given to predict", "detector.safetensors", "predict", "--model", detector.toString(),
        image.toString());
    refused("2 class names for 3 outputs", "two-classes.safetensors", "predict", "--model",
        classifier(in.resolve("two-classes.safetensors"), "[\"a\",\"b\"]", "[1,2,2]").toString(), image.toString());
    refused("classes not a list", "classes-string.safetensors", "predict", "--model",
        classifier(in.resolve("classes-string.safetensors"), "\"abc\"", "[1,2,2]").toString(), image.toString());
    Path shapeStrings = classifier(in.resolve("shape-strings.safetensors"), "[\"a\",\"b\",\"c\"]", "[\"1\",\"x\",2]");
    refused("input_shape of strings: predict", "shape-strings.safetensors", "predict", "--model",
        shapeStrings.toString(), image.toString());
    refused("input_shape of strings: summary", "shape-strings.safetensors", "summary", shapeStrings.toString());

    // 5. Reading outside the data folder.
    Path secret = TestImages.write(dir.resolve("secret.png"), 16, 16);
    refused("VOC filename ../../secret.png", "escape.xml", "detect-eval", detector.toString(), "--data",
        vocFolder(dir.resolve("voc-dotdot"), "escape", "../../secret.png").toString());
    refused("VOC filename absolute", "absolute.xml", "detect-eval", detector.toString(), "--data",
        vocFolder(dir.resolve("voc-absolute"), "absolute", secret.toString()).toString());
    Path vocIds = vocFolder(dir.resolve("voc-ids"), "inside", "inside.png");
    TestImages.write(vocIds.resolve("JPEGImages").resolve("inside.png"), 16, 16);
    Files.copy(vocIds.resolve("Annotations").resolve("inside.xml"), dir.resolve("outside.xml"));
    Files.writeString(vocIds.resolve("ImageSets").resolve("Main").resolve("test.txt"), "../../outside\n");
    refused("VOC ImageSets id ../../outside", "outside", "detect-eval", detector.toString(), "--data",
        vocIds.toString());
    Path withFifo = yoloFolder(dir.resolve("yolo-fifo"));
    new ProcessBuilder("mkfifo", withFifo.resolve("test").resolve("images").resolve("fifo.png").toString())
        .inheritIO().start().waitFor();
    cases.add(new Case("FIFO among the images", Set.of(0, 2), "fifo.png", List.of("detect-eval",
        detector.toString(), "--data", withFifo.toString()), run -> { }));

    // 6. Overwriting inputs.
    Path detectIn = Files.createDirectories(dir.resolve("detect-in"));
    Path x = TestImages.write(detectIn.resolve("x.png"), 16, 16);
    Path xDetections = TestImages.write(detectIn.resolve("x-detections.png"), 16, 16);
    byte[] xDetectionsBefore = Files.readAllBytes(xDetections);
    // Refused, or written under a name of its own: either way the input keeps its bytes.
    cases.add(new Case("detect writing over its own input", Set.of(0, 2), "x-detections", List.of("detect",
        detector.toString(), x.toString(), xDetections.toString(), "--out", detectIn.toString()),
        run -> assertArrayEquals(xDetectionsBefore, Files.readAllBytes(xDetections), "the input was rewritten")));
    Path sameStem = Files.createDirectories(dir.resolve("same-stem"));
    TestImages.write(sameStem.resolve("a.png"), 16, 16);
    ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpg", sameStem.resolve("a.jpg").toFile());
    Path sameStemOut = dir.resolve("same-stem-out");
    cases.add(new Case("a.png and a.jpg to one folder", Set.of(0, 2), "a.", List.of("detect", detector.toString(),
        sameStem.resolve("a.png").toString(), sameStem.resolve("a.jpg").toString(), "--out", sameStemOut.toString()),
        run -> {
          if (run.status() == 0) {
            try (Stream<Path> outputs = Files.list(sameStemOut)) {
              assertEquals(2, outputs.count(), "two inputs, two drawings: one overwrote the other");
            }
          }
        }));

    // 7. Silent wrong results.
    refused("--validation 0.9999 (empty training split)", "--validation", "train", embedded, "--validation",
        "0.9999", "--epochs", "1", "--out", dir.resolve("empty-split").toString());
    refused("NaN weight", "1.weight", "predict", "--model",
        withTensorValue(classifier(in.resolve("nan.safetensors"), "[\"a\",\"b\",\"c\"]", "[1,2,2]"), "1.weight",
            Float.NaN).toString(), image.toString());
    refused("infinite bias", "1.bias", "predict", "--model",
        withTensorValue(classifier(in.resolve("inf.safetensors"), "[\"a\",\"b\",\"c\"]", "[1,2,2]"), "1.bias",
            Float.POSITIVE_INFINITY).toString(), image.toString());
    refused("Normalize std 0", "std-zero.safetensors", "predict", "--model", withTensorValue(
        model(in.resolve("std-zero.safetensors"), new Sequential(new Normalize(1), new Flatten(), linear())),
        "0.std", 0f).toString(), image.toString());
    refused("BatchNorm running_var < 0", "negative-var.safetensors", "predict", "--model", withTensorValue(
        model(in.resolve("negative-var.safetensors"), new Sequential(new BatchNorm(1), new Flatten(), linear())),
        "0.running_var", -1f).toString(), image.toString());

    // 9. Work lost late: an --out that cannot be created is found before training.
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    refused("--out under a regular file", "not-a-folder", "train", embedded, "--epochs", "1", "--out",
        file.resolve("run").toString());

    // 10. Unclear errors and unchecked options.
    for (String[] option : List.of(new String[] {"--validation", "-0.5"}, new String[] {"--validation", "NaN"},
        new String[] {"--augment", "-2"})) {
      refused(option[0] + " " + option[1], option[0], "train", embedded, option[0], option[1], "--epochs", "1",
          "--model", "mlp", "--out", dir.resolve("option-" + cases.size()).toString());
    }
    refused("bench --batches -5", "--batches", "bench", "--batches", "-5");
    refused("a folder given as the model", "a-folder", "predict", "--model",
        Files.createDirectories(in.resolve("a-folder")).toString(), image.toString());
    refused("2 MB header: a short message", "long-header.safetensors", "summary",
        longHeader(in.resolve("long-header.safetensors")).toString());
    Path badUtf8 = yoloFolder(dir.resolve("yolo-utf8"));
    Files.write(badUtf8.resolve("test").resolve("labels").resolve("ok.txt"),
        new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 'x'});
    cases.add(new Case("YOLO labels that are not UTF-8", Set.of(0, 2), "ok.txt", List.of("detect-eval",
        detector.toString(), "--data", badUtf8.toString()), run -> { }));
    byte[] jpeg = Files.readAllBytes(TestImages.write(in.resolve("whole.jpg"), 32, 32));
    Path truncated = Files.write(in.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 3));
    refused("truncated JPEG", "truncated.jpg", "predict", "--model", classifier.toString(), truncated.toString());

    Map<Case, Future<CliProcess>> runs = new LinkedHashMap<>();
    int index = 0;
    for (Case c : cases) {
      Path work = dir.resolve("runs").resolve(String.valueOf(index++));
      runs.put(c, RUNNER.submit(() -> CliProcess.run(work, LIMIT, c.args())));
    }
    return runs.entrySet().stream().map(e -> dynamicTest(e.getKey().name(), () -> verify(e.getKey(),
        e.getValue().get())));
  }

  private static void verify(Case c, CliProcess run) throws IOException {
    String what = c.name() + ": " + String.join(" ", c.args()) + "\n";
    assertNotEquals(-1, run.status(), what + "hung: killed after " + LIMIT.toSeconds() + " s\n" + run.all());
    assertTrue(c.statuses().contains(run.status()), what + "expected exit " + c.statuses() + "\n" + run.all());
    assertTrue((run.out() + run.err()).contains(c.mustName()), what + "the output does not name " + c.mustName()
        + "\n" + run.all());
    assertFalse(run.printedStackTrace(), what + "a stack trace reached the user\n" + run.all());
    if (run.status() == 2) {
      List<String> errorLines = run.err().strip().lines().toList();
      assertEquals(1, errorLines.size(), what + "one error line\n" + run.all());
      assertTrue(errorLines.get(0).length() <= MAX_ERROR_CHARS, what + "an error line of "
          + errorLines.get(0).length() + " characters\n" + run.all());
    }
    c.check().verify(run);
  }

  // ---------------------------------------------------------------- the generated corpus

  private static Linear linear() {
    return new Linear(4, 3, new SplittableRandom(1));
  }

  /** A valid classifier of [1, 2, 2] inputs and 3 classes, with the given metadata strings. */
  private static Path classifier(Path file, String classes, String inputShape) throws IOException {
    ModelFile.save(file, new Sequential(new Flatten(), linear()), Map.of(ModelFile.MODEL_NAME_KEY, "mlp",
        ModelFile.CLASSES_KEY, classes, ModelMetadata.INPUT_SHAPE_KEY, inputShape));
    return file;
  }

  private static Path model(Path file, Layer model) throws IOException {
    ModelFile.save(file, model, Map.of(ModelFile.CLASSES_KEY, "[\"a\",\"b\",\"c\"]",
        ModelMetadata.INPUT_SHAPE_KEY, "[1,2,2]"));
    return file;
  }

  private static Path detector(Path file, YoloV1.Config config) throws IOException {
    YoloV1.Config small = new YoloV1.Config(config.channels(), 16, config.gridSize(), config.boxesPerCell(),
        config.numClasses(), config.width(), config.batchNorm());
    ModelFile.save(file, YoloV1.build(small, new SplittableRandom(1)), Map.of(ModelFile.MODEL_NAME_KEY,
        Detector.MODEL_NAME, YoloV1.CONFIG_KEY, config.toJson(), ModelFile.CLASSES_KEY, "[\"thing\"]"));
    return file;
  }

  /** Rewrites one tensor of {@code file} with every element {@code value}. */
  private static Path withTensorValue(Path file, String tensor, float value) throws IOException {
    SafeTensors.Contents contents = SafeTensors.read(file);
    Tensor t = contents.tensors().get(tensor);
    Arrays.fill(t.data(), value);
    SafeTensors.write(file, contents.tensors(), contents.metadata());
    return file;
  }

  /** A model file of a few hundred bytes: the architecture and no tensors. */
  private static Path architectureOnly(Path file, String architecture) throws IOException {
    SafeTensors.write(file, Map.of(), Map.of(ModelFile.FORMAT_KEY, ModelFile.FORMAT_VERSION,
        ModelFile.ARCHITECTURE_KEY, architecture, ModelFile.CLASSES_KEY, "[\"a\",\"b\",\"c\"]",
        ModelMetadata.INPUT_SHAPE_KEY, "[1,2,2]"));
    return file;
  }

  private static String layers(String... layers) {
    return "{\"type\":\"Sequential\",\"options\":{\"layers\":[" + String.join(",", layers) + "]}}";
  }

  private static String linear(int in, int out) {
    return "{\"type\":\"Linear\",\"options\":{\"in\":" + in + ",\"out\":" + out + "}}";
  }

  /** A safetensors file whose 2 MB header is one JSON string that never ends. */
  private static Path longHeader(Path file) throws IOException {
    byte[] header = ("{\"" + "x".repeat(2_000_000)).getBytes(StandardCharsets.US_ASCII);
    ByteBuffer bytes = ByteBuffer.allocate(8 + header.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(header.length).put(header);
    return Files.write(file, bytes.array());
  }

  /**
   * A PNG of a few hundred bytes whose header declares {@code width x height} RGB pixels (a decompression bomb):
   * the signature, an IHDR chunk, one IDAT chunk holding two compressed rows of zeros, and IEND.
   */
  private static Path pngDeclaring(Path file, int width, int height) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).array());
    ByteArrayOutputStream rows = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(rows)) {
      z.write(new byte[2 * (1 + 3 * width)]);
    }
    chunk(png, "IDAT", rows.toByteArray());
    chunk(png, "IEND", new byte[0]);
    Files.createDirectories(file.getParent());
    return Files.write(file, png.toByteArray());
  }

  private static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    png.write(ByteBuffer.allocate(4).putInt(data.length).array());
    png.write(typeBytes);
    png.write(data);
    png.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A VOC folder whose one annotation, {@code id.xml}, names the image {@code filename}. */
  private static Path vocFolder(Path root, String id, String filename) throws IOException {
    Files.createDirectories(root.resolve("JPEGImages"));
    Files.createDirectories(root.resolve("ImageSets").resolve("Main"));
    Files.writeString(root.resolve("ImageSets").resolve("Main").resolve("test.txt"), id + "\n");
    Files.writeString(root.resolve("classes.txt"), "thing\n");
    Files.createDirectories(root.resolve("Annotations"));
    Files.writeString(root.resolve("Annotations").resolve(id + ".xml"), "<annotation><filename>"
        + filename.replace("&", "&amp;").replace("<", "&lt;") + "</filename><size><width>16</width>"
        + "<height>16</height><depth>3</depth></size><object><name>thing</name><bndbox><xmin>2</xmin>"
        + "<ymin>2</ymin><xmax>10</xmax><ymax>10</ymax></bndbox></object></annotation>");
    return root;
  }

  /** A YOLO data folder with a test split of one labelled image, {@code ok.png}. */
  private static Path yoloFolder(Path root) throws IOException {
    Path test = root.resolve("test");
    TestImages.write(test.resolve("images").resolve("ok.png"), 16, 16);
    Files.createDirectories(test.resolve("labels"));
    Files.writeString(test.resolve("labels").resolve("ok.txt"), "0 0.5 0.5 0.4 0.4\n");
    Files.writeString(root.resolve("classes.txt"), "thing\n");
    return root;
  }
}
