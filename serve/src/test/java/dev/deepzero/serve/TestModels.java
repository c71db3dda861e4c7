package dev.deepzero.serve;

import dev.deepzero.data.ClassificationData;
import dev.deepzero.data.DataSources;
import dev.deepzero.data.Dataset;
import dev.deepzero.data.TensorDataset;
import dev.deepzero.detect.YoloV1;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Sequential;
import dev.deepzero.optim.Sgd;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.train.Trainer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * The models and images the server tests use, made in seconds and seeded: the articles' CNN trained for one epoch
 * on part of the Fashion-MNIST subset in the core's jar, and a small YOLOv1 detector, untrained but with its head's biases
 * set so that every cell is confident of an object of class 0 (an untrained head finds nothing above the
 * threshold).
 */
final class TestModels {

  static final int[] DETECTOR_INPUT = {3, 32, 32};
  static final List<String> DETECTOR_CLASSES = List.of("circle", "square", "triangle");

  private static final int TRAINING_IMAGES = 1500;

  private static ClassificationData data;
  private static Path trained;

  private TestModels() {}

  /** The embedded Fashion-MNIST subset, loaded once. */
  static synchronized ClassificationData fashion() {
    if (data == null) {
      try {
        data = DataSources.embedded();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return data;
  }

  /**
   * The trained classifier's file, {@code fashion.safetensors}, copied into {@code dir}: it is trained once per
   * test JVM (see {@link #train}), which is most of the time the server tests take.
   */
  static synchronized Path classifier(Path dir) throws IOException {
    if (trained == null) {
      Path home = Files.createTempDirectory("deepzero-serve-test");
      trained = train(home);
      trained.toFile().deleteOnExit();
      home.toFile().deleteOnExit();
    }
    return Files.copy(trained, dir.resolve(trained.getFileName()), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Trains simple-cnn for one epoch on the first {@value #TRAINING_IMAGES} training images (seed 42) and saves it
   * as {@code dir/fashion.safetensors}.
   */
  private static Path train(Path dir) throws IOException {
    ClassificationData d = fashion();
    Sequential model = Models.byName("simple-cnn", 1, 28, 28, d.classNames().size(), new SplittableRandom(42));
    int[] first = java.util.stream.IntStream.range(0, TRAINING_IMAGES).toArray();
    var batch = d.train().batch(first);
    new Trainer(model, new SoftmaxCrossEntropy(), new Sgd(model.parameters(), 0.1f))
        .fit(new TensorDataset(batch.inputs(), batch.targets()), null, new Trainer.Config(1, 50, 42L, true));
    Path file = dir.resolve("fashion.safetensors");
    ModelFile.save(file, model, Map.of(ModelFile.MODEL_NAME_KEY, "simple-cnn",
        ModelFile.CLASSES_KEY, Json.write(d.classNames()), "input_shape", Json.write(List.of(1, 28, 28))));
    return file;
  }

  /** A 32 x 32 RGB detector of three classes (S = 4, B = 2) as {@code dir/shapes.safetensors}. */
  static Path detector(Path dir) throws IOException {
    YoloV1.Config config = new YoloV1.Config(3, 32, 4, 2, DETECTOR_CLASSES.size(), 4, false);
    Sequential model = YoloV1.build(config, new SplittableRandom(7));
    Map<String, Tensor> state = model.stateDict();
    float[] bias = state.get((model.size() - 3) + ".bias").data();
    for (int b = 0; b < config.boxesPerCell(); b++) {
      bias[5 * b + 2] = 0.4f;  // √w: boxes about 0.16 of the image wide
      bias[5 * b + 3] = 0.4f;
      bias[5 * b + 4] = 4f;    // confidence sigmoid(4) = 0.98
    }
    bias[5 * config.boxesPerCell()] = 4f;  // class 0
    model.loadStateDict(state);
    Path file = dir.resolve("shapes.safetensors");
    ModelFile.save(file, model, Map.of(ModelFile.MODEL_NAME_KEY, "yolo-v1", YoloV1.CONFIG_KEY, config.toJson(),
        ModelFile.CLASSES_KEY, Json.write(DETECTOR_CLASSES), "input_shape", Json.write(List.of(3, 32, 32))));
    return file;
  }

  /** Test image {@code index} of the subset as a 28 x 28 grey PNG, and its class index. */
  static byte[] fashionPng(int index) {
    Dataset test = fashion().test();
    Tensor x = test.batch(new int[] {index}).inputs();
    BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 28; y++) {
      for (int col = 0; col < 28; col++) {
        image.getRaster().setSample(col, y, 0, Math.round(x.data()[y * 28 + col] * 255));
      }
    }
    return png(image);
  }

  /** The class index of test image {@code index}. */
  static int fashionLabel(int index) {
    return (int) fashion().test().batch(new int[] {index}).targets().data()[0];
  }

  /** A 96 x 64 colour picture of a few filled shapes. */
  static byte[] shapesPng() {
    BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 96, 64);
    g.setColor(Color.RED);
    g.fillOval(8, 8, 24, 24);
    g.setColor(Color.BLUE);
    g.fillRect(50, 20, 30, 30);
    g.dispose();
    return png(image);
  }

  static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Random pixels in [0, 1], {@code [n, c, h, w]}, for requests whose answer is compared with the model's. */
  static float[] randomPixels(SplittableRandom rng, int count) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) rng.nextDouble();
    }
    return v;
  }
}
