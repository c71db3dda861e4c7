package dev.deepzero.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.gradcheck.GradCheck;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class YoloActivationTest {

  @Test
  void squashesOffsetsAndConfidencesKeepsRootsAndNormalisesClasses() {
    // One cell, B = 1, C = 3: (x, y, √w, √h, conf) then three class scores.
    Tensor x = Tensor.of(new float[] {0f, 2f, -0.3f, 0.7f, -1f, 0f, 0f, (float) Math.log(2)}, 1, 8);
    float[] y = new YoloActivation(1, 3).forward(x, Mode.EVAL).data();
    assertEquals(0.5f, y[0], 1e-6f);
    assertEquals(1 / (1 + Math.exp(-2)), y[1], 1e-6);
    assertEquals(-0.3f, y[2], 0f);
    assertEquals(0.7f, y[3], 0f);
    assertEquals(1 / (1 + Math.exp(1)), y[4], 1e-6);
    assertEquals(0.25f, y[5], 1e-6f);
    assertEquals(0.25f, y[6], 1e-6f);
    assertEquals(0.5f, y[7], 1e-6f);
  }

  @Test
  void passesTheGradientCheckOverSeveralCellsAndBoxes() {
    SplittableRandom rng = new SplittableRandom(7);
    YoloActivation layer = new YoloActivation(2, 4);
    Tensor x = Tensor.randn(rng, 1.5f, 2, 2, 2, 14);
    for (GradCheck.Result r : GradCheck.checkLayer("YoloActivation", layer, x, Mode.TRAIN, rng, () -> { })) {
      assertTrue(r.passed(), r.toString());
    }
  }

  @Test
  void rejectsALastAxisOfTheWrongSizeAndBadCounts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new YoloActivation(2, 3).forward(Tensor.zeros(2, 12), Mode.EVAL));
    assertTrue(e.getMessage().contains("[2, 12]") && e.getMessage().contains("13"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new YoloActivation(0, 3));
    assertThrows(IllegalStateException.class, () -> new YoloActivation(1, 1).backward(Tensor.zeros(1, 6)));
  }
}
