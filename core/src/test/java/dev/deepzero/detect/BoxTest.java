package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoxTest {

  private static final double EXACT = 1e-12;

  @Test
  void iouOfHandWorkedPairs() {
    Box a = new Box(0, 0, 2, 2);
    assertEquals(0, a.iou(new Box(3, 3, 4, 4)), EXACT, "disjoint");
    assertEquals(0, a.iou(new Box(2, 0, 4, 2)), EXACT, "touching edges share no area");
    assertEquals(0.25, a.iou(new Box(0.5, 0.5, 1.5, 1.5)), EXACT, "contained: 1 / 4");
    assertEquals(1.0 / 7, a.iou(new Box(1, 1, 3, 3)), EXACT, "partial: 1 / (4 + 4 - 1)");
    assertEquals(1, a.iou(a), EXACT, "identical");
    // Worked by hand: (10,10,50,50) vs (20,20,60,60) without the +1 = 900 / 2300.
    assertEquals(0.391304, new Box(10, 10, 50, 50).iou(new Box(20, 20, 60, 60)), 1e-6);
    assertEquals(a.iou(new Box(1, 1, 3, 3)), new Box(1, 1, 3, 3).iou(a), EXACT, "symmetric");
  }

  @Test
  void zeroAndNegativeSizesGiveZeroNotNaN() {
    Box point = new Box(1, 1, 1, 1);
    assertEquals(0, point.iou(point), EXACT, "two zero-area boxes: empty union");
    assertEquals(0, point.iou(new Box(0, 0, 2, 2)), EXACT);
    Box inverted = new Box(2, 2, 0, 0);
    assertEquals(0, inverted.area(), EXACT);
    assertEquals(0, inverted.width(), EXACT);
    assertEquals(0, inverted.iou(new Box(0, 0, 2, 2)), EXACT);
    assertTrue(inverted.isEmpty());
    assertThrows(IllegalArgumentException.class, () -> new Box(Double.NaN, 0, 1, 1));
  }

  @Test
  void inclusiveIouAddsOnePixel() {
    // VOC pixels: (0,0,1,1) covers 2x2 pixels, (1,1,2,2) too; they share pixel (1,1): 1 / 7.
    assertEquals(1.0 / 7, new Box(0, 0, 1, 1).iouInclusive(new Box(1, 1, 2, 2)), EXACT);
    // A single pixel box is not empty in the inclusive convention.
    assertEquals(1, new Box(3, 3, 3, 3).iouInclusive(new Box(3, 3, 3, 3)), EXACT);
  }

  @Test
  void conversionsClipAndFlip() {
    Box b = Box.fromCenter(5, 4, 4, 2);
    assertEquals(new Box(3, 3, 7, 5), b);
    assertEquals(5, b.centerX(), EXACT);
    assertEquals(4, b.centerY(), EXACT);
    assertEquals(new Box(0, 3, 6, 5), new Box(-2, 3, 7, 5).clip(6, 10));
    assertEquals(new Box(3, 3, 7, 5), b.flipHorizontal(10).flipHorizontal(10));
    assertEquals(new Box(3, 3, 7, 5), new Box(0.3, 0.3, 0.7, 0.5).scale(10, 10).clip(10, 10).scale(1, 1)
        .flipHorizontal(10).flipHorizontal(10), "scale, clip and flip compose");
    assertEquals(new Box(6, 0, 9, 1), new Box(1, 0, 4, 1).flipHorizontal(10));
  }
}
