package dev.deepzero.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.detect.Detection;
import dev.deepzero.detect.YoloV1;
import dev.deepzero.inference.Detector;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Sequential;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeepzeroDetectionModelTest {

  @TempDir
  Path dir;

  @Test
  void theBoxesColumnHoldsWhatTheDetectorFindsInEachImage() throws IOException {
    YoloV1.Config config = new YoloV1.Config(3, 32, 4, 2, 3, 4, false);
    List<String> names = List.of("circle", "square", "triangle");
    Sequential model = YoloV1.build(config, new SplittableRandom(3)); // untrained: any boxes will do
    byte[] file = ModelFile.toBytes(model, ModelMetadata.detector(names, config).entries());
    SplittableRandom rng = new SplittableRandom(9);
    List<BufferedImage> pictures = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      BufferedImage image = new BufferedImage(30 + 7 * i, 40 - 3 * i, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          image.setRGB(x, y, rng.nextInt(1 << 24));
        }
      }
      ImageIO.write(image, "png", dir.resolve(i + ".png").toFile());
      pictures.add(ImageIO.read(dir.resolve(i + ".png").toFile()));
    }
    List<List<Detection>> expected = Detector.of(model, config, names).detect(pictures, 0.05, 0.4);

    List<Row> rows = new DeepzeroDetectionModel(Identifiable.randomUID("detector"), file).setThreshold(0.05)
        .transform(SparkTests.session().read().format("binaryFile").load(dir.toString()).repartition(2))
        .selectExpr("cast(substring_index(substring_index(path, '/', -1), '.', 1) as int) as id", "boxes")
        .orderBy("id").collectAsList();
    assertEquals(pictures.size(), rows.size());
    int total = 0;
    for (int i = 0; i < rows.size(); i++) {
      List<Row> boxes = rows.get(i).getList(1);
      assertEquals(expected.get(i).size(), boxes.size(), "image " + i);
      for (int j = 0; j < boxes.size(); j++) {
        Detection d = expected.get(i).get(j);
        Row box = boxes.get(j);
        assertEquals(names.get(d.classId()), box.getString(0));
        assertEquals(d.score(), box.getDouble(1), 1e-6);
        List<Double> corners = box.getList(2);
        assertEquals(d.box().xmin(), corners.get(0), 1e-4);
        assertEquals(d.box().ymax(), corners.get(3), 1e-4);
      }
      total += boxes.size();
    }
    assertTrue(total > 0, "no detections to compare");
  }
}
