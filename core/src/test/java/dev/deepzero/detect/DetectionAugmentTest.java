package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DetectionAugmentTest {

  private static final int H = 48;
  private static final int W = 64;
  /** Bilinear edges blur by a pixel, and scaling by up to 1/0.6 stretches that. */
  private static final double PIXEL_TOL = 2.0;

  /** A black image with one white rectangle over pixels [x0, x1) x [y0, y1), and its box in fractions. */
  private static Tensor image(int x0, int y0, int x1, int y1) {
    Tensor t = Tensor.zeros(1, H, W);
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        t.set(1f, 0, y, x);
      }
    }
    return t;
  }

  /** The continuous extent of pixels brighter than 0.5, in fractions of the image. */
  private static Box bright(Tensor t) {
    int minX = W;
    int minY = H;
    int maxX = -1;
    int maxY = -1;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        if (t.get(0, y, x) > 0.5f && t.get(0, y, x) <= 1.001f && t.get(0, y, x) != DetectionAugment.FILL) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    return new Box(minX, minY, maxX + 1, maxY + 1).scale(1.0 / W, 1.0 / H);
  }

  private static void assertBoxNear(Box expected, Box actual) {
    Box e = expected.scale(W, H);
    Box a = actual.scale(W, H);
    String msg = "expected " + e + " got " + a;
    assertEquals(e.xmin(), a.xmin(), PIXEL_TOL, msg);
    assertEquals(e.ymin(), a.ymin(), PIXEL_TOL, msg);
    assertEquals(e.xmax(), a.xmax(), PIXEL_TOL, msg);
    assertEquals(e.ymax(), a.ymax(), PIXEL_TOL, msg);
  }

  @Test
  void flipMirrorsImageAndBox() {
    Tensor img = image(8, 10, 24, 30);
    Box box = bright(img);
    DetectionAugment.Augmented a = DetectionAugment.apply(img, List.of(new LabeledBox(box, 1)),
        new Box(0, 0, 1, 1), true);
    Box flipped = a.objects().get(0).box();
    assertEquals(40.0 / W, flipped.xmin(), 1e-12);
    assertEquals(56.0 / W, flipped.xmax(), 1e-12);
    assertEquals(10.0 / H, flipped.ymin(), 1e-12);
    assertBoxNear(a.objects().get(0).box(), bright(a.image()));
    assertEquals(1f, a.image().get(0, 20, 50), "pixel 13 mirrored to 64 - 1 - 13");
  }

  @Test
  void cropScalesAndTranslatesImageAndBox() {
    Tensor img = image(20, 12, 36, 28);
    Box box = bright(img);
    Box crop = new Box(0.15, -0.1, 0.9, 0.95); // zoom in on the left, extend above the top
    DetectionAugment.Augmented a = DetectionAugment.apply(img, List.of(new LabeledBox(box, 0)), crop, false);
    Box moved = a.objects().get(0).box();
    assertEquals((box.xmin() - 0.15) / 0.75, moved.xmin(), 1e-12);
    assertEquals((box.ymin() + 0.1) / 1.05, moved.ymin(), 1e-12);
    assertBoxNear(moved, bright(a.image()));
    assertEquals(DetectionAugment.FILL, a.image().get(0, 0, 30), "outside the source is filled grey");
  }

  @Test
  void randomTransformsKeepBoxesOnTheirObjects() {
    DetectionAugment augment = new DetectionAugment(0.2, true);
    SplittableRandom rng = new SplittableRandom(5);
    Tensor img = image(22, 14, 42, 34);
    LabeledBox object = new LabeledBox(bright(img), 2);
    for (int i = 0; i < 20; i++) {
      DetectionAugment.Augmented a = augment.apply(img, List.of(object), rng);
      assertEquals(1, a.objects().size(), "a central object survives a 20% jitter");
      assertEquals(2, a.objects().get(0).classId());
      assertBoxNear(a.objects().get(0).box(), bright(a.image()));
    }
  }

  @Test
  void boxesCutOffByTheCropAreClippedOrDropped() {
    Tensor img = image(0, 0, 10, 10);
    List<LabeledBox> objects = List.of(new LabeledBox(bright(img), 0),
        new LabeledBox(new Box(0.5, 0.5, 0.7, 0.7), 1));
    DetectionAugment.Augmented a = DetectionAugment.apply(img, objects, new Box(0.3, 0.3, 1.0, 1.0), false);
    assertEquals(1, a.objects().size(), "the corner object is outside the crop");
    assertEquals(1, a.objects().get(0).classId());
    DetectionAugment.Augmented b = DetectionAugment.apply(img, objects, new Box(0.1, 0.1, 1.0, 1.0), false);
    assertEquals(0.0, b.objects().get(0).box().xmin(), 1e-12, "partly cut: clipped at the edge");
    assertTrue(b.objects().get(0).box().xmax() > 0);
  }
}
