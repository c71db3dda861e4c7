package dev.deepzero.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.detect.YoloV1;
import dev.deepzero.io.ModelFile;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.layers.Softmax;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierTest {

  @TempDir Path dir;

  private static final List<String> NAMES = List.of("zero", "one", "two", "three");

  private static Layer model(long seed) {
    return Models.byName("simple-cnn", 1, 12, 12, NAMES.size(), new SplittableRandom(seed));
  }

  private Path save(Layer model, Map<String, String> metadata) throws IOException {
    Path file = dir.resolve("m" + metadata.hashCode() + ".safetensors");
    ModelFile.save(file, model, metadata);
    return file;
  }

  /** A grey image whose pixels follow a seeded pattern, bright or dark at the border. */
  static BufferedImage image(int size, long seed, boolean brightBorder) {
    SplittableRandom rng = new SplittableRandom(seed);
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        boolean border = y < 2 || x < 2 || y >= size - 2 || x >= size - 2;
        int level = (border == brightBorder ? 200 : 30) + rng.nextInt(40);
        image.getRaster().setSample(x, y, 0, level);
      }
    }
    return image;
  }

  @Test
  void classifiesAsTheModelDoesWithTheInversionHeuristic() throws IOException {
    Layer model = model(1);
    Classifier classifier = Classifier.load(save(model, ModelMetadata.classifier(NAMES, 1, 12, 12).entries()));
    assertEquals(NAMES, classifier.classNames());
    BufferedImage dark = image(30, 2, true);
    Classifier.Prediction p = classifier.classify(List.of(dark), Preprocessing.Invert.AUTO, 10).get(0);
    assertTrue(p.inverted(), "a bright border is inverted");
    Tensor input = classifier.preprocessing().apply(dark).mul(-1f).add(1f).reshape(1, 1, 12, 12);
    float[] expected = new float[NAMES.size()];
    Softmax.softmaxRows(model.forward(input, Mode.EVAL).data(), expected, NAMES.size());
    assertEquals(NAMES.size(), p.top().size());
    for (int i = 0; i < NAMES.size(); i++) {
      Classifier.ClassScore s = p.top().get(i);
      assertEquals(expected[s.classIndex()], (float) s.probability());
      assertEquals(NAMES.get(s.classIndex()), s.className());
      if (i > 0) {
        assertTrue(p.top().get(i - 1).probability() >= s.probability());
      }
    }
    assertFalse(classifier.classify(List.of(image(30, 2, false)), Preprocessing.Invert.AUTO, 1).get(0).inverted());
    assertEquals(1, classifier.classify(List.of(dark), Preprocessing.Invert.NEVER, 1).get(0).top().size());
  }

  @Test
  void aBatchGivesEachImageWhatItGetsAloneAndConcurrentCallersAgree() throws Exception {
    Classifier classifier = Classifier.of(model(3), NAMES, 1, 12, 12);
    List<BufferedImage> images = new ArrayList<>();
    List<Classifier.Prediction> alone = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      images.add(image(20 + i, i, i % 2 == 0));
      alone.add(classifier.classify(List.of(images.get(i)), Preprocessing.Invert.AUTO, 4).get(0));
    }
    assertEquals(alone, classifier.classify(images, Preprocessing.Invert.AUTO, 4));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Classifier.Prediction>>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> classifier.classify(images, Preprocessing.Invert.AUTO, 4)));
      }
      for (Future<List<Classifier.Prediction>> r : results) {
        assertEquals(alone, r.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void refusesMetadataThatDisagreesWithTheModel() throws IOException {
    Path fewerClasses = save(model(4), ModelMetadata.classifier(NAMES.subList(0, 3), 1, 12, 12).entries());
    String m = assertThrows(IllegalArgumentException.class, () -> Classifier.load(fewerClasses)).getMessage();
    assertTrue(m.startsWith(fewerClasses + ": the model outputs [1, 4]") && m.contains("lists 3 classes"), m);
    Path otherShape = save(model(4), ModelMetadata.classifier(NAMES, 3, 12, 12).entries());
    m = assertThrows(IllegalArgumentException.class, () -> Classifier.load(otherShape)).getMessage();
    assertTrue(m.startsWith(otherShape + ": the model cannot take the input shape [3, 12, 12]"), m);
  }

  @Test
  void aDetectorIsNotAClassifierAndViceVersa() throws IOException {
    YoloV1.Config config = new YoloV1.Config(1, 16, 4, 1, 2, 4, false);
    List<String> names = List.of("a", "b");
    Path detector = save(YoloV1.build(config, new SplittableRandom(5)),
        ModelMetadata.detector(names, config).entries());
    String m = assertThrows(IllegalArgumentException.class, () -> Classifier.load(detector)).getMessage();
    assertTrue(m.startsWith(detector + ": is an object detector"), m);
    assertEquals(names, Detector.load(detector).classNames());
    Path classifier = save(model(6), ModelMetadata.classifier(NAMES, 1, 12, 12).entries());
    m = assertThrows(IllegalArgumentException.class, () -> Detector.load(classifier)).getMessage();
    assertTrue(m.startsWith(classifier + ": is an image classifier"), m);
  }

  @Test
  void borderBrighterThanCentre() {
    Tensor light = Tensor.full(0.9f, 1, 8, 8);
    light.set(0.1f, 0, 4, 4);
    assertTrue(Preprocessing.borderBrighterThanCentre(light));
    assertFalse(Preprocessing.borderBrighterThanCentre(light.mul(-1f).add(1f)));
    assertArrayEquals(new int[] {1, 8, 8}, new Preprocessing(1, 8, 8).shape());
  }
}
