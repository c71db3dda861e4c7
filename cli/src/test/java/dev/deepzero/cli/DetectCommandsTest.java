package dev.deepzero.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.io.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * detect-data, detect-train, detect and detect-eval end to end on a tiny set of drawn shapes (32-pixel images,
 * a 4 x 4 grid, a width-4 network), so the class runs in seconds; and the messages a user meets with bad files.
 */
class DetectCommandsTest {

  @TempDir
  static Path dir;

  private static Path data;
  private static Path model;
  private static Map<?, ?> trained;

  @BeforeAll
  static void makeDataAndTrainOneEpoch() {
    data = dir.resolve("data");
    CliRun made = CliRun.run("detect-data", "--out", data.toString(), "--sprites", "shapes", "--train", "24",
        "--val", "8", "--test", "8", "--size", "32", "--grid", "4", "--seed", "3");
    assertEquals(0, made.status(), made.all());
    Path run = dir.resolve("run");
    CliRun r = CliRun.run("detect-train", "--data", data.toString(), "--epochs", "1", "--batch-size", "8",
        "--image-size", "32", "--grid", "4", "--width", "4", "--out", run.toString(), "--json");
    assertEquals(0, r.status(), r.all());
    trained = (Map<?, ?>) Json.parse(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    model = run.resolve("model.safetensors");
  }

  @Test
  void detectDataWritesYoloFoldersWithClassNames() throws Exception {
    for (String split : List.of("train", "val", "test")) {
      assertTrue(Files.isDirectory(data.resolve(split).resolve("images")), split);
      assertTrue(Files.isDirectory(data.resolve(split).resolve("labels")), split);
    }
    try (Stream<Path> images = Files.list(data.resolve("train").resolve("images"))) {
      assertEquals(24, images.count());
    }
    assertEquals(List.of("circle", "square", "triangle", "cross", "ring"),
        Files.readAllLines(data.resolve("train").resolve("classes.txt")));
    BufferedImage image = ImageIO.read(data.resolve("val").resolve("images").resolve("000000.png").toFile());
    assertEquals(32, image.getWidth());
  }

  @Test
  void detectDataWritesVocOnRequest() {
    Path voc = dir.resolve("voc");
    CliRun r = CliRun.run("detect-data", "--out", voc.toString(), "--format", "voc", "--sprites", "shapes",
        "--train", "3", "--val", "0", "--test", "0", "--size", "32", "--grid", "4");
    assertEquals(0, r.status(), r.all());
    assertTrue(Files.exists(voc.resolve("train").resolve("Annotations").resolve("000002.xml")));
    assertTrue(Files.exists(voc.resolve("train").resolve("ImageSets").resolve("Main").resolve("trainval.txt")));
  }

  @Test
  void detectTrainWritesCheckpointMetricsAndCurve() throws Exception {
    double map = ((Number) trained.get("validation_map")).doubleValue();
    assertTrue(map >= 0 && map <= 1, trained.toString());
    Path run = model.getParent();
    assertTrue(Files.size(model) > 1000);
    List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
    assertEquals(2, csv.size(), csv.toString());
    assertTrue(csv.get(0).startsWith("epoch,train_loss,validation_loss,validation_map"), csv.get(0));
    BufferedImage curve = ImageIO.read(run.resolve("learning-curve.png").toFile());
    assertEquals(1120, curve.getWidth());
  }

  @Test
  void detectTrainResumesFromItsCheckpoint() {
    Path copy = dir.resolve("resumed");
    CliRun r = CliRun.run("detect-train", "--data", data.toString(), "--epochs", "2", "--resume", model.toString(),
        "--out", copy.toString());
    assertEquals(0, r.status(), r.all());
    assertTrue(r.out().contains("after epoch 1") && r.out().contains("epoch 2/2"), r.all());
  }

  @Test
  void detectDrawsAPngAndPrintsTheDetections() throws Exception {
    Path image = data.resolve("test").resolve("images").resolve("000001.png");
    Path out = dir.resolve("drawn");
    CliRun r = CliRun.run("detect", model.toString(), image.toString(), "--out", out.toString(), "--threshold",
        "0", "--json");
    assertEquals(0, r.status(), r.all());
    Map<?, ?> line = (Map<?, ?>) Json.parse(r.out().strip());
    Path drawn = Path.of((String) line.get("drawn"));
    assertEquals(out.resolve("000001-detections.png"), drawn);
    BufferedImage png = ImageIO.read(drawn.toFile());
    assertEquals(448, png.getWidth(), "a 32-pixel image is drawn 14x larger");
    assertTrue(line.get("detections") instanceof List<?>, line.toString());
  }

  /**
   * Outputs never replace an input and never collide: x.png and x-detections.png detected into their own folder
   * is refused and leaves x-detections.png as it was; a.png and a.jpg get two drawings.
   */
  @Test
  void detectNeitherOverwritesAnInputNorItsOwnOutputs() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("inputs"));
    Path source = data.resolve("test").resolve("images").resolve("000001.png");
    Path x = Files.copy(source, folder.resolve("x.png"));
    Path xDetections = Files.copy(data.resolve("test").resolve("images").resolve("000002.png"),
        folder.resolve("x-detections.png"));
    byte[] before = Files.readAllBytes(xDetections);
    Path a = Files.copy(source, folder.resolve("a.png"));
    BufferedImage picture = ImageIO.read(source.toFile());
    BufferedImage rgb = new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_RGB);
    rgb.getGraphics().drawImage(picture, 0, 0, null);
    Path aJpg = folder.resolve("a.jpg");
    ImageIO.write(rgb, "jpg", aJpg.toFile());
    CliRun clash = CliRun.run("detect", model.toString(), x.toString(), xDetections.toString(), "--out",
        folder.toString());
    assertEquals(2, clash.status(), clash.all());
    assertTrue(clash.err().contains("would replace that input"), clash.all());
    CliRun r = CliRun.run("detect", model.toString(), x.toString(), a.toString(), aJpg.toString(), "--out",
        dir.resolve("drawn-unique").toString(), "--json");
    assertEquals(0, r.status(), r.all());
    List<String> drawn = r.out().strip().lines().map(l -> (String) ((Map<?, ?>) Json.parse(l)).get("drawn")).toList();
    Path o = dir.resolve("drawn-unique");
    assertEquals(List.of(o.resolve("x-detections.png").toString(), o.resolve("a-detections.png").toString(),
        o.resolve("a-detections-2.png").toString()), drawn);
    assertArrayEquals(before, Files.readAllBytes(xDetections), "an input was overwritten");
  }

  @Test
  void detectEvalPrintsPerClassApAndMap() throws Exception {
    Path curve = dir.resolve("pr.png");
    CliRun r = CliRun.run("detect-eval", model.toString(), "--data", data.toString(), "--pr-curve",
        curve.toString());
    assertEquals(0, r.status(), r.all());
    assertTrue(r.out().contains("mAP") && r.out().contains("circle") && r.out().contains("all-point"), r.all());
    assertTrue(Files.size(curve) > 1000);
    CliRun json = CliRun.run("detect-eval", model.toString(), "--data", data.toString(), "--metric", "voc07",
        "--split", "val", "--json");
    assertEquals(0, json.status(), json.all());
    Map<?, ?> result = (Map<?, ?>) Json.parse(json.out().strip());
    assertEquals("VOC07 11-point", result.get("metric"));
    assertEquals(8L, result.get("images"));
    assertEquals(5, ((Map<?, ?>) result.get("ap")).size());
  }

  @Test
  void aMalformedLabelFileIsSkippedWithAWarningNamingIt() throws Exception {
    Path broken = dir.resolve("broken");
    for (String split : List.of("test")) {
      for (String sub : List.of("images", "labels")) {
        Path from = data.resolve(split).resolve(sub);
        Path to = broken.resolve(split).resolve(sub);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
          for (Path f : files.toList()) {
            Files.copy(f, to.resolve(f.getFileName()));
          }
        }
      }
    }
    Files.copy(data.resolve("train").resolve("classes.txt"), broken.resolve("classes.txt"));
    Path bad = broken.resolve("test").resolve("labels").resolve("000002.txt");
    Files.writeString(bad, "1 0.5 0.5 oops 0.2\n");
    CliRun r = CliRun.run("detect-eval", model.toString(), "--data", broken.toString(), "--json");
    assertEquals(0, r.status(), r.all());
    assertTrue(r.err().contains("warning") && r.err().contains(bad.toString()) && r.err().contains("'oops'"),
        r.all());
    assertEquals(7L, ((Map<?, ?>) Json.parse(r.out().strip())).get("images"));
  }

  @Test
  void errorsAreOneLineMessagesWithoutStackTraces() throws Exception {
    Path notAModel = dir.resolve("nothing.safetensors");
    Files.writeString(notAModel, "not a model");
    List<CliRun> runs = List.of(
        CliRun.run("detect", notAModel.toString(), "x.png"),
        CliRun.run("detect", model.toString(), dir.resolve("missing.png").toString()),
        CliRun.run("detect-data", "--out", dir.resolve("x").toString(), "--format", "coco"),
        CliRun.run("detect-data", "--out", dir.resolve("x").toString(), "--objects", "3..1"),
        CliRun.run("detect-train", "--data", dir.resolve("no-such-folder").toString(), "--epochs", "1"),
        CliRun.run("detect-eval", model.toString(), "--data", data.toString(), "--metric", "coco"),
        CliRun.run("predict", "--model", model.toString(), data.resolve("test/images").toString()));
    for (CliRun r : runs) {
      assertEquals(2, r.status(), r.all());
      assertTrue(r.err().startsWith("deepzero: "), r.all());
      assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.all());
    }
    assertTrue(runs.get(1).err().contains("missing.png"), runs.get(1).all());
    assertTrue(runs.get(2).err().contains("yolo, voc"), runs.get(2).all());
    assertTrue(runs.get(4).err().contains("no-such-folder"), runs.get(4).all());
    assertTrue(runs.get(6).err().contains(model + ": is an object detector"), runs.get(6).all());
  }
}
