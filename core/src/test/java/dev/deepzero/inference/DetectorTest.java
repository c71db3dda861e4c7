package dev.deepzero.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.detect.Detection;
import dev.deepzero.detect.YoloDecoder;
import dev.deepzero.detect.YoloV1;
import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorTest {

  @TempDir Path dir;

  private static final YoloV1.Config CONFIG = new YoloV1.Config(3, 16, 4, 2, 2, 4, true);
  private static final List<String> NAMES = List.of("cat", "dog");

  private static BufferedImage image(int w, int h, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, rng.nextInt(1 << 24));
      }
    }
    return image;
  }

  @Test
  void detectsAsTheDecoderDoesOnTheModelsOutputInEachImagesPixels() throws Exception {
    Layer model = YoloV1.build(CONFIG, new SplittableRandom(7));
    Path file = dir.resolve("d.safetensors");
    ModelFile.save(file, model, ModelMetadata.detector(NAMES, CONFIG).entries());
    Detector detector = Detector.load(file);
    List<BufferedImage> images = List.of(image(40, 30, 1), image(17, 50, 2), image(16, 16, 3));
    // A zero threshold keeps every candidate, so the comparison covers many boxes.
    List<List<Detection>> found = detector.detect(images, 0, 0.5);
    YoloDecoder decoder = new YoloDecoder(CONFIG.layout(), 0, 0.5);
    for (int i = 0; i < images.size(); i++) {
      Tensor input = detector.preprocessing().apply(images.get(i)).reshape(1, 3, 16, 16);
      List<Detection> expected = decoder.decode(model.forward(input, Mode.EVAL), images.get(i).getWidth(),
          images.get(i).getHeight()).get(0);
      assertTrue(!expected.isEmpty());
      assertEquals(expected, found.get(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<List<Detection>>>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> detector.detect(images, 0, 0.5)));
      }
      for (Future<List<List<Detection>>> r : results) {
        assertEquals(found, r.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(List.of(), detector.detect(List.of(), Detector.DEFAULT_THRESHOLD, Detector.DEFAULT_NMS));
  }

  @Test
  void refusesAModelWhoseOutputDoesNotFitTheConfig() {
    Sequential model = YoloV1.build(CONFIG, new SplittableRandom(8));
    YoloV1.Config moreBoxes = new YoloV1.Config(3, 16, 4, 3, 2, 4, true);
    String m = assertThrows(IllegalArgumentException.class, () -> Detector.of(model, moreBoxes, NAMES)).getMessage();
    assertTrue(m.startsWith("detector: the model's output does not fit"), m);
  }
}
