package dev.deepzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.io.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train, evaluate, predict and summary end to end on the embedded Fashion-MNIST subset, with a small model so
 * the whole class runs in seconds; and the errors a user meets with bad files.
 */
class ImageCommandsTest {

  @TempDir
  static Path dir;

  private static Path run;
  private static Map<?, ?> trained;

  @BeforeAll
  static void trainOneEpoch() {
    run = dir.resolve("run");
    CliRun r = CliRun.run("train", "--embedded", "--model", "mlp", "--epochs", "1", "--batch-size", "50",
        "--optimizer", "adam", "--lr", "0.001", "--out", run.toString(), "--json");
    assertEquals(0, r.status(), r.all());
    String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    trained = (Map<?, ?>) Json.parse(last);
  }

  @Test
  void trainWritesModelMetricsAndCurveAndSaysWhichDataItUsed() throws Exception {
    assertTrue(((String) trained.get("data")).startsWith("embedded Fashion-MNIST subset"), trained.toString());
    assertTrue(((Number) trained.get("test_accuracy")).doubleValue() > 0.6, trained.toString());
    assertTrue(Files.size(run.resolve("model.safetensors")) > 100_000);
    List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
    assertEquals(2, csv.size(), csv.toString());
    assertTrue(csv.get(0).startsWith("epoch,train_loss,train_accuracy,validation_loss"), csv.get(0));
    BufferedImage curve = ImageIO.read(run.resolve("learning-curve.png").toFile());
    assertEquals(1120, curve.getWidth());
  }

  @Test
  void evaluateOfTheSavedModelGivesTheAccuracyTrainReported() throws Exception {
    CliRun r = CliRun.run("evaluate", run.resolve("model.safetensors").toString(), "--embedded", "--json");
    assertEquals(0, r.status(), r.all());
    Map<?, ?> result = (Map<?, ?>) Json.parse(r.out().strip());
    assertEquals(((Number) trained.get("test_accuracy")).doubleValue(),
        ((Number) result.get("accuracy")).doubleValue(), 1e-12);
    assertEquals(10, ((List<?>) result.get("per_class")).size());
    assertTrue(Files.size(Path.of((String) result.get("heatmap"))) > 1000);
  }

  @Test
  void predictRanksClassesForAnImageOfAnySizeAndColour() throws Exception {
    Path image = dir.resolve("trouser.png");
    BufferedImage picture = new BufferedImage(90, 120, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 120; y++) {
      for (int x = 0; x < 90; x++) {
        boolean leg = y > 10 && y < 115 && ((x > 25 && x < 42) || (x > 48 && x < 65) || (y < 40 && x > 25 && x < 65));
        picture.setRGB(x, y, leg ? 0x203060 : 0xF0F0F0);
      }
    }
    ImageIO.write(picture, "png", image.toFile());
    CliRun r = CliRun.run("predict", "--model", run.resolve("model.safetensors").toString(), image.toString(),
        "--top", "2", "--json");
    assertEquals(0, r.status(), r.all());
    Map<?, ?> line = (Map<?, ?>) Json.parse(r.out().strip());
    assertEquals(Boolean.TRUE, line.get("inverted"), "a dark object on a light background is inverted");
    List<?> top = (List<?>) line.get("top");
    assertEquals(2, top.size());
    double p0 = ((Number) ((Map<?, ?>) top.get(0)).get("probability")).doubleValue();
    double p1 = ((Number) ((Map<?, ?>) top.get(1)).get("probability")).doubleValue();
    assertTrue(p0 >= p1 && p0 <= 1 && p1 >= 0, top.toString());
  }

  @Test
  void summaryListsTheLayersAndTheMetadata() {
    CliRun r = CliRun.run("summary", run.resolve("model.safetensors").toString());
    assertEquals(0, r.status(), r.all());
    assertTrue(r.out().contains("Normalize(1)") && r.out().contains("Linear(784 -> 256)"), r.out());
    assertTrue(r.out().contains("total trainable parameters: 235,146"), r.out());
  }

  @Test
  void resumeContinuesWhereTheCheckpointStopped() throws Exception {
    Path copy = dir.resolve("resumed");
    Files.createDirectories(copy);
    Files.copy(run.resolve("model.safetensors"), copy.resolve("start.safetensors"));
    CliRun r = CliRun.run("train", "--embedded", "--epochs", "2", "--resume",
        copy.resolve("start.safetensors").toString(), "--out", copy.toString());
    assertEquals(0, r.status(), r.all());
    assertTrue(r.out().contains("resuming from") && r.out().contains("after epoch 1") && r.out().contains("model mlp")
        && r.out().contains("epoch 2/2"), r.out());
    assertFalse(r.out().contains("epoch 1/2"), r.out());
    assertEquals(3, Files.readAllLines(copy.resolve("metrics.csv")).size());
  }

  @Test
  void anImageThatCannotBeDecodedIsNamedWithoutAStackTrace() throws Exception {
    Path broken = dir.resolve("broken.png");
    Files.write(broken, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    CliRun r = CliRun.run("predict", "--model", run.resolve("model.safetensors").toString(), broken.toString());
    assertEquals(2, r.status(), r.all());
    assertTrue(r.err().contains("broken.png"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void aFileThatIsNotAModelGivesAClearError() throws Exception {
    Path bogus = dir.resolve("bogus.safetensors");
    Files.writeString(bogus, "this is not a model");
    for (String command : List.of("evaluate", "summary")) {
      CliRun r = CliRun.run(command, bogus.toString(), "--embedded");
      CliRun check = command.equals("summary") ? CliRun.run(command, bogus.toString()) : r;
      assertEquals(2, check.status(), check.all());
      assertTrue(check.err().contains("bogus.safetensors"), check.err());
      assertFalse(check.err().contains("\tat "), check.err());
    }
  }

  @Test
  void aTruncatedIdxFileIsNamedWithItsOffset() throws Exception {
    Path data = dir.resolve("bad-data");
    Files.createDirectories(data);
    for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte")) {
      boolean images = name.contains("images");
      byte[] header = images ? new byte[] {0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28}
          : new byte[] {0, 0, 8, 1, 0, 0, 0, 10};
      Files.write(data.resolve(name), header); // the header promises 10 samples, the payload is missing
    }
    CliRun r = CliRun.run("train", "--data", data.toString(), "--epochs", "1", "--out", dir.resolve("x").toString());
    assertEquals(2, r.status(), r.all());
    assertTrue(r.err().contains("idx") && r.err().contains("offset"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void trainsOnAFolderOfImagesOneSubFolderPerClass() throws Exception {
    Path images = dir.resolve("own-images");
    java.util.Random random = new java.util.Random(5);
    for (String cls : List.of("top", "bottom")) {
      Files.createDirectories(images.resolve(cls));
      for (int i = 0; i < 30; i++) {
        BufferedImage picture = new BufferedImage(20, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
          for (int x = 0; x < 20; x++) {
            boolean lit = cls.equals("top") == (y < 12);
            int v = Math.min(255, Math.max(0, (lit ? 200 : 40) + random.nextInt(50) - 25));
            picture.setRGB(x, y, v * 0x010101);
          }
        }
        ImageIO.write(picture, "png", images.resolve(cls).resolve(i + ".png").toFile());
      }
    }
    Files.write(images.resolve("top").resolve("broken.png"), new byte[] {1, 2, 3});
    Path out = dir.resolve("own-run");
    CliRun r = CliRun.run("train", "--images", images.toString(), "--image-size", "12x12", "--model", "mlp",
        "--epochs", "3", "--batch-size", "8", "--optimizer", "adam", "--lr", "0.003", "--validation", "0",
        "--out", out.toString(), "--json");
    assertEquals(0, r.status(), r.all());
    assertTrue(r.err().contains("skipped") && r.err().contains("broken.png"), r.err());
    Map<?, ?> summary = (Map<?, ?>) Json.parse(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    assertTrue(((Number) summary.get("test_accuracy")).doubleValue() >= 0.9, summary.toString());
    CliRun p = CliRun.run("predict", "--model", out.resolve("model.safetensors").toString(), "--invert", "never",
        images.resolve("top").resolve("0.png").toString());
    assertEquals(0, p.status(), p.all());
    assertTrue(p.out().lines().skip(1).findFirst().orElseThrow().contains("top"), p.out());
  }

  @Test
  void anUnknownModelNameListsTheValidOnes() {
    CliRun r = CliRun.run("train", "--embedded", "--model", "resnet", "--out", dir.resolve("y").toString());
    assertEquals(2, r.status(), r.all());
    assertTrue(r.err().contains("mlp, simple-cnn, lenet, deep-cnn"), r.err());
  }
}
