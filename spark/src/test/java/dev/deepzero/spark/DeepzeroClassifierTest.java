package dev.deepzero.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.Batch;
import dev.deepzero.data.Dataset;
import dev.deepzero.data.Datasets;
import dev.deepzero.io.Checkpoint;
import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeepzeroClassifierTest {

  private static final int[] SHAPE = {1, 28, 28};
  private static final int TEST_ROWS = 40;

  @TempDir
  static Path dir;

  private static org.apache.spark.sql.Dataset<Row> train;
  private static org.apache.spark.sql.Dataset<Row> test;
  private static DeepzeroClassificationModel model;

  private static org.apache.spark.sql.Dataset<Row> frame(Dataset data, int n) {
    List<Row> rows = new ArrayList<>();
    List<DistributedTrainer.Sample> samples = SparkTests.samples(Datasets.subset(data, IntStream.range(0, n)
        .toArray()));
    for (int i = 0; i < samples.size(); i++) {
      rows.add(RowFactory.create(i, samples.get(i).input(), samples.get(i).label()));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.IntegerType);
    SparkSession session = SparkTests.session();
    return session.createDataFrame(JavaSparkContext.fromSparkContext(session.sparkContext()).parallelize(rows, 2),
        schema);
  }

  @BeforeAll
  static void fit() {
    train = frame(SparkTests.data().train(), 600); // 2 epochs of 6 steps
    test = frame(SparkTests.data().test(), TEST_ROWS);
    model = new DeepzeroClassifier().setInputCol("pixels").setInputShape(SHAPE).setEpochs(2)
        .setOptimizer("adam").setLearningRate(1e-3).setCheckpointFile(dir.resolve("checkpoint.safetensors")
            .toString()).fit(train);
  }

  private static List<Row> predictions(DeepzeroClassificationModel m, org.apache.spark.sql.Dataset<Row> df) {
    List<Row> rows = new ArrayList<>(m.transform(df).select("id", "prediction", "probability").collectAsList());
    rows.sort(Comparator.comparingInt(r -> r.getInt(0)));
    return rows;
  }

  @Test
  void theModelIsSavedAsADeepzeroModelFileAndLoadedBack() throws IOException {
    Path file = dir.resolve("model.safetensors");
    model.write().overwrite().save(file.toString());

    ModelFile.LoadedModel opened = ModelFile.load(file); // what deepzero evaluate and predict open
    assertEquals("[1,28,28]", opened.metadata().get("input_shape").replace(" ", ""));
    assertEquals(10, model.classNames().size());
    DeepzeroClassificationModel loaded = DeepzeroClassificationModel.load(file.toString());
    assertEquals("pixels", loaded.getOrDefault(loaded.inputCol()));

    List<Row> before = predictions(model, test);
    List<Row> after = predictions(loaded, test);
    Layer plain = opened.model();
    List<DistributedTrainer.Sample> samples = SparkTests.samples(Datasets.subset(SparkTests.data().test(),
        IntStream.range(0, TEST_ROWS).toArray()));
    int right = 0;
    for (int i = 0; i < TEST_ROWS; i++) {
      assertEquals(before.get(i).getDouble(1), after.get(i).getDouble(1));
      assertArrayEquals(((Vector) before.get(i).get(2)).toArray(), ((Vector) after.get(i).get(2)).toArray());
      // The plain Java model of the same file predicts the same class.
      Tensor logits = plain.predict(Tensor.wrap(samples.get(i).input(), 1, 1, 28, 28));
      assertEquals(dev.deepzero.train.Metrics.argmax(logits.data(), 0, 10), (int) before.get(i).getDouble(1));
      right += (int) before.get(i).getDouble(1) == samples.get(i).label() ? 1 : 0;
    }
    assertTrue(right >= 2 * TEST_ROWS / 10, right + " of " + TEST_ROWS + " right, not better than chance (10%)");
    // The per-epoch checkpoint is in deepzero train's format: train --resume continues it.
    assertEquals(2, Checkpoint.load(dir.resolve("checkpoint.safetensors")).state().epoch());
  }

  @Test
  void imagesReadWithTheBinaryFileSourceGetTheSamePredictionsAsTheirPixels() throws IOException {
    Path images = Files.createDirectories(dir.resolve("images"));
    Batch batch = SparkTests.data().test().batch(IntStream.range(0, TEST_ROWS).toArray());
    float[] x = batch.inputs().data();
    for (int i = 0; i < TEST_ROWS; i++) {
      BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      for (int p = 0; p < 28 * 28; p++) {
        image.getRaster().setSample(p % 28, p / 28, 0, Math.round(x[i * 784 + p] * 255));
      }
      ImageIO.write(image, "png", images.resolve(String.format("%03d.png", i)).toFile());
    }
    org.apache.spark.sql.Dataset<Row> files = SparkTests.session().read().format("binaryFile")
        .load(images.toString()).selectExpr("cast(substring_index(substring_index(path, '/', -1), '.', 1) as int)"
            + " as id", "content");
    List<Row> fromFiles = predictions(model.copy(new org.apache.spark.ml.param.ParamMap()).setInputCol("content"),
        files);
    List<Row> fromPixels = predictions(model, test);
    assertEquals(TEST_ROWS, fromFiles.size());
    for (int i = 0; i < TEST_ROWS; i++) {
      assertEquals(fromPixels.get(i).getDouble(1), fromFiles.get(i).getDouble(1), "image " + i);
      assertArrayEquals(((Vector) fromPixels.get(i).get(2)).toArray(), ((Vector) fromFiles.get(i).get(2)).toArray(),
          1e-5);
    }
  }
}
