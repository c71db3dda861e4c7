package dev.deepzero.nn.layers;

import static dev.deepzero.testing.TensorAssert.assertClose;
import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.testing.Tolerances;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearTest {

  @Test
  void affineWithIdentityWeightAddsTheBias() {
    // x = [1, 2], W = I, b = [1, 1] -> [2, 3]  (the articles' Affine example).
    Linear linear = new Linear(Tensor.of(new float[][] {{1, 0}, {0, 1}}), Tensor.of(new float[] {1, 1}, 2));
    assertExactlyEquals(linear.forward(Tensor.of(new float[][] {{1, 2}}), Mode.TRAIN),
        Tensor.of(new float[][] {{2, 3}}));
  }

  @Test
  void weightLayoutIsOutByIn() {
    // W [out = 3, in = 2]: y_j = Σ_i W[j][i] x_i + b_j
    Tensor w = Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}});
    Tensor b = Tensor.of(new float[] {0.5f, -1, 0}, 3);
    Linear linear = new Linear(w, b);
    Tensor x = Tensor.of(new float[][] {{1, 1}, {2, -1}});
    Tensor y = linear.forward(x, Mode.TRAIN);
    assertExactlyEquals(y, Tensor.of(new float[][] {{3.5f, 6, 11}, {0.5f, 1, 4}}));
    assertArrayEquals(new int[] {3, 2}, new Linear(2, 3, new SplittableRandom(1)).weight().value().shape());
  }

  @Test
  void backwardByHand() {
    Tensor w = Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}});
    Linear linear = new Linear(w, Tensor.zeros(3));
    Tensor x = Tensor.of(new float[][] {{1, 1}, {2, -1}});
    linear.forward(x, Mode.TRAIN);
    Tensor g = Tensor.of(new float[][] {{1, 0, -1}, {0, 2, 1}});
    Tensor gradInput = linear.backward(g);
    // gradInput = g · W
    assertExactlyEquals(gradInput, Tensor.of(new float[][] {{-4, -4}, {11, 14}}));
    // dW = gᵀ · x
    assertExactlyEquals(linear.weight().grad(), Tensor.of(new float[][] {{1, 1}, {4, -2}, {1, -2}}));
    // db = Σ_N g
    assertExactlyEquals(linear.bias().grad(), Tensor.of(new float[] {1, 2, 0}, 3));
  }

  @Test
  void parametersAreWeightThenBias() {
    Linear linear = new Linear(4, 2, new SplittableRandom(3));
    assertEquals(List.of("weight", "bias"), linear.parameters().stream().map(p -> p.name()).toList());
    assertEquals(List.of("weight", "bias"), List.copyOf(linear.stateDict().keySet()));
    assertExactlyEquals(linear.bias().value(), Tensor.zeros(2));
  }

  @Test
  void lecunNormalInitHasVarianceOneOverFanIn() {
    Linear linear = new Linear(400, 50, new SplittableRandom(11));
    Tensor w = linear.weight().value();
    double mean = w.meanAll();
    double var = w.map(v -> v * v).meanAll() - mean * mean;
    // 20000 draws: the sample variance is within a few percent of 1/400.
    assertEquals(1.0 / 400, var, 0.1 / 400);
    assertEquals(0, mean, 4 * Math.sqrt(1.0 / 400 / 20000));
  }

  @Test
  void sameSeedSameWeights() {
    assertExactlyEquals(new Linear(3, 5, new SplittableRandom(7)).weight().value(),
        new Linear(3, 5, new SplittableRandom(7)).weight().value());
  }

  @Test
  void wrongInputShapeNamesInputAndWeightShapes() {
    Linear linear = new Linear(3, 2, new SplittableRandom(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> linear.forward(Tensor.zeros(4, 5), Mode.TRAIN));
    assertTrue(e.getMessage().contains("[4, 5]") && e.getMessage().contains("[2, 3]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> linear.forward(Tensor.zeros(3), Mode.TRAIN));
  }

  @Test
  void constructorRejectsBadSizesAndShapes() {
    SplittableRandom rng = new SplittableRandom(1);
    assertThrows(IllegalArgumentException.class, () -> new Linear(0, 2, rng));
    assertThrows(IllegalArgumentException.class, () -> new Linear(2, -1, rng));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Linear(Tensor.zeros(3, 2), Tensor.zeros(2)));
    assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3, 2]"), e.getMessage());
  }

  @Test
  void handWorkedMatchesFloatTolerance() {
    // A non-integer case, to exercise the tolerance path too.
    Linear linear = new Linear(Tensor.of(new float[][] {{0.1f, 0.2f}}), Tensor.of(new float[] {0.3f}, 1));
    assertClose(linear.forward(Tensor.of(new float[][] {{0.5f, 0.25f}}), Mode.TRAIN),
        Tensor.of(new float[][] {{0.4f}}), Tolerances.FORWARD_RTOL, Tolerances.FORWARD_ATOL);
  }
}
