package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import org.junit.jupiter.api.Test;

class YoloLayoutTest {

  @Test
  void vocSizes() {
    YoloLayout voc = new YoloLayout(7, 2, 20);
    assertEquals(30, voc.cellValues());
    assertEquals(1470, voc.outputSize());
    assertEquals(25, voc.targetCellValues());
  }

  @Test
  void perCellIndicesCoverTheOutputOnce() {
    YoloLayout l = new YoloLayout(3, 2, 4);
    boolean[] seen = new boolean[l.outputSize()];
    for (int cell = 0; cell < l.cells(); cell++) {
      for (int b = 0; b < 2; b++) {
        for (int k = 0; k < YoloLayout.BOX_VALUES; k++) {
          seen[l.boxIndex(cell, b, k)] = mark(seen, l.boxIndex(cell, b, k));
        }
      }
      for (int c = 0; c < 4; c++) {
        seen[l.classIndex(cell, c)] = mark(seen, l.classIndex(cell, c));
      }
    }
    assertEquals(l.confidenceIndex(4, 1), 4 * 14 + 5 + 4);
    assertEquals(l.classIndex(4, 2), 4 * 14 + 10 + 2);
  }

  private static boolean mark(boolean[] seen, int i) {
    assertTrue(!seen[i], "index " + i + " used twice");
    return true;
  }

  @Test
  void darknetIndexIsAPermutationMatchingDetectionLayerFormulas() {
    int s = 7;
    int b = 2;
    int c = 20;
    YoloLayout l = new YoloLayout(s, b, c);
    boolean[] hit = new boolean[l.outputSize()];
    for (int i = 0; i < l.outputSize(); i++) {
      int d = l.darknetIndex(i);
      assertTrue(!hit[d], "darknet index " + d + " hit twice");
      hit[d] = true;
    }
    int cell = 3 * s + 5;
    assertEquals(cell * c + 7, l.darknetIndex(l.classIndex(cell, 7)));
    assertEquals(s * s * c + cell * b + 1, l.darknetIndex(l.confidenceIndex(cell, 1)));
    assertEquals(s * s * (c + b) + (cell * b + 1) * 4 + YoloLayout.SQRT_H,
        l.darknetIndex(l.boxIndex(cell, 1, YoloLayout.SQRT_H)));
    assertThrows(IllegalArgumentException.class, () -> l.darknetIndex(l.outputSize()));
  }

  @Test
  void shapeChecksNameTheShapes() {
    YoloLayout l = new YoloLayout(2, 1, 3);
    assertEquals(5, l.checkOutput("op", Tensor.zeros(5, 32)));
    assertEquals(5, l.checkOutput("op", Tensor.zeros(5, 2, 2, 8)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> l.checkOutput("op", Tensor.zeros(5, 31)));
    assertTrue(e.getMessage().contains("[5, 31]") && e.getMessage().contains("[N, 32]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new YoloLayout(0, 1, 1));
  }
}
