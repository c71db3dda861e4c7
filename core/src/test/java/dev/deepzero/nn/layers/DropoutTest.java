package dev.deepzero.nn.layers;

import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DropoutTest {

  private static final float P = 0.3f;

  private static Tensor input(int n) {
    return Tensor.uniform(new SplittableRandom(99), 0.5f, 1.5f, n); // no zeros, so a zero output means dropped
  }

  @Test
  void evalIsTheIdentityAndBackwardPassesThrough() {
    Dropout dropout = new Dropout(P, new SplittableRandom(1));
    Tensor x = input(100);
    assertExactlyEquals(dropout.forward(x, Mode.EVAL), x);
    Tensor g = Tensor.ones(100);
    assertExactlyEquals(dropout.backward(g), g);
  }

  @Test
  void trainKeepsElementsScaledByOneOverOneMinusP() {
    Dropout dropout = new Dropout(P, new SplittableRandom(1));
    Tensor x = input(1000);
    Tensor y = dropout.forward(x, Mode.TRAIN);
    float scale = 1f / (1f - P);
    for (int i = 0; i < x.size(); i++) {
      float out = y.data()[i];
      assertTrue(out == 0f || out == x.data()[i] * scale, "element " + i + ": " + out + " from " + x.data()[i]);
    }
  }

  @Test
  void fractionDroppedIsNearP() {
    int n = 20_000;
    Tensor y = new Dropout(P, new SplittableRandom(2)).forward(input(n), Mode.TRAIN);
    long dropped = Arrays.stream(toDoubles(y)).filter(v -> v == 0).count();
    // Binomial standard deviation sqrt(n p (1-p)) / n = 0.0032; allow five of them.
    assertEquals(P, (double) dropped / n, 0.016);
  }

  @Test
  void sameSeedSameMaskAndBackwardUsesIt() {
    Tensor x = input(500);
    Dropout a = new Dropout(P, new SplittableRandom(3));
    Dropout b = new Dropout(P, new SplittableRandom(3));
    Tensor ya = a.forward(x, Mode.TRAIN);
    assertExactlyEquals(b.forward(x, Mode.TRAIN), ya);
    // A second forward draws a new mask.
    assertFalse(Arrays.equals(a.forward(x, Mode.TRAIN).data(), ya.data()));
    // reseed restarts the mask stream.
    a.reseed(3);
    assertExactlyEquals(a.forward(x, Mode.TRAIN), ya);
    // Backward of ones returns the mask scaled by 1/(1-p): zero exactly where the output is zero.
    Tensor gradInput = a.backward(Tensor.ones(500));
    for (int i = 0; i < 500; i++) {
      float expected = ya.data()[i] == 0f ? 0f : 1f / (1f - P);
      assertEquals(expected, gradInput.data()[i], 0f, "element " + i);
    }
  }

  @Test
  void pZeroKeepsEverything() {
    Tensor x = input(50);
    assertExactlyEquals(new Dropout(0f, new SplittableRandom(1)).forward(x, Mode.TRAIN), x);
  }

  @Test
  void rejectsPOutsideZeroToOne() {
    assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, new SplittableRandom(1)));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1f, new SplittableRandom(1)));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(Float.NaN, new SplittableRandom(1)));
  }

  private static double[] toDoubles(Tensor t) {
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.data()[i];
    }
    return d;
  }
}
