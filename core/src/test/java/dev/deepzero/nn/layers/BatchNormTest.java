package dev.deepzero.nn.layers;

import static dev.deepzero.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.testing.Tolerances;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchNormTest {

  private static final float RTOL = Tolerances.FORWARD_RTOL;
  private static final float ATOL = Tolerances.FORWARD_ATOL;

  /** Two samples, two features: feature 0 has mean 2 and variance 1, feature 1 mean 15 and variance 25. */
  private static Tensor twoByTwo() {
    return Tensor.of(new float[][] {{1, 10}, {3, 20}});
  }

  @Test
  void trainOutputHasMeanZeroAndVarianceOnePerFeature() {
    Tensor x = Tensor.randn(new SplittableRandom(1), 3f, 64, 5).add(Tensor.of(new float[] {1, -2, 3, 10, 0}, 5));
    Tensor y = new BatchNorm(5).forward(x, Mode.TRAIN);
    Tensor mean = y.mean(0);
    Tensor var = y.mul(y).mean(0).sub(mean.mul(mean));
    assertClose(mean, Tensor.zeros(5), 0f, 1e-5f);
    // The variance of x̂ is σ²/(σ² + ε), a hair below 1.
    assertClose(var, Tensor.ones(5), 1e-3f, 0f);
  }

  @Test
  void handWorkedTrainForwardAndRunningStatistics() {
    BatchNorm bn = new BatchNorm(2); // momentum 0.1, epsilon 1e-5
    Tensor y = bn.forward(twoByTwo(), Mode.TRAIN);
    float a = (float) (1 / Math.sqrt(1 + 1e-5));
    float b = (float) (5 / Math.sqrt(25 + 1e-5));
    assertClose(y, Tensor.of(new float[][] {{-a, -b}, {a, b}}), RTOL, ATOL);
    // running_mean = 0.9·0 + 0.1·μ; running_var = 0.9·1 + 0.1·(unbiased σ²: 2 and 50).
    var state = bn.stateDict();
    assertClose(state.get("running_mean"), Tensor.of(new float[] {0.2f, 1.5f}, 2), RTOL, ATOL);
    assertClose(state.get("running_var"), Tensor.of(new float[] {1.1f, 5.9f}, 2), RTOL, ATOL);
    // A second step moves them again by the momentum rule.
    bn.forward(twoByTwo(), Mode.TRAIN);
    assertClose(state.get("running_mean"), Tensor.of(new float[] {0.38f, 2.85f}, 2), RTOL, ATOL);
    assertClose(state.get("running_var"), Tensor.of(new float[] {1.19f, 10.31f}, 2), RTOL, ATOL);
  }

  @Test
  void evalUsesRunningStatisticsAndLeavesThemAlone() {
    BatchNorm bn = new BatchNorm(2);
    bn.forward(twoByTwo(), Mode.TRAIN);
    Tensor meanBefore = bn.stateDict().get("running_mean").copy();
    Tensor x = Tensor.of(new float[][] {{0.2f, 1.5f}, {2.2f, 7.4f}});
    Tensor y = bn.forward(x, Mode.EVAL);
    // (x - running_mean) / sqrt(running_var + ε)
    float s0 = (float) Math.sqrt(1.1 + 1e-5);
    float s1 = (float) Math.sqrt(5.9 + 1e-5);
    assertClose(y, Tensor.of(new float[][] {{0, 0}, {2 / s0, 5.9f / s1}}), RTOL, ATOL);
    assertClose(bn.stateDict().get("running_mean"), meanBefore, 0f, 0f);
    // Eval works for a batch of one, which training cannot normalise.
    assertEquals(2, bn.forward(Tensor.zeros(1, 2), Mode.EVAL).size());
    assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(1, 2), Mode.TRAIN));
  }

  @Test
  void gammaAndBetaScaleAndShift() {
    BatchNorm bn = new BatchNorm(2);
    bn.stateDict().get("weight").copyFrom(Tensor.of(new float[] {2, 3}, 2));
    bn.stateDict().get("bias").copyFrom(Tensor.of(new float[] {1, -1}, 2));
    Tensor y = bn.forward(twoByTwo(), Mode.TRAIN);
    float a = (float) (1 / Math.sqrt(1 + 1e-5));
    float b = (float) (5 / Math.sqrt(25 + 1e-5));
    assertClose(y, Tensor.of(new float[][] {{1 - 2 * a, -1 - 3 * b}, {1 + 2 * a, -1 + 3 * b}}), RTOL, ATOL);
  }

  @Test
  void convolutionalInputNormalisesPerChannelOverBatchAndSpace() {
    // [N=2, C=2, H=1, W=2]: channel 0 holds 1, 2, 3, 4 (mean 2.5); channel 1 holds 10 everywhere.
    Tensor x = Tensor.of(new float[] {1, 2, 10, 10, 3, 4, 10, 10}, 2, 2, 1, 2);
    BatchNorm bn = new BatchNorm(2);
    Tensor y = bn.forward(x, Mode.TRAIN);
    double inv = 1 / Math.sqrt(1.25 + 1e-5); // biased variance of 1..4 is 1.25
    float[] expected = {(float) (-1.5 * inv), (float) (-0.5 * inv), 0, 0, (float) (0.5 * inv), (float) (1.5 * inv),
        0, 0};
    assertClose(y, Tensor.of(expected, 2, 2, 1, 2), RTOL, ATOL);
    // Unbiased variance over the M = 4 values of channel 0 is 5/3.
    assertClose(bn.stateDict().get("running_var"), Tensor.of(new float[] {0.9f + 0.1f * 5 / 3, 0.9f}, 2), RTOL,
        ATOL);
  }

  @Test
  void stateDictHoldsParametersThenBuffers() {
    BatchNorm bn = new BatchNorm(3);
    assertEquals(List.of("weight", "bias", "running_mean", "running_var"), List.copyOf(bn.stateDict().keySet()));
    assertEquals(2, bn.parameters().size());
  }

  @Test
  void wrongChannelCountNamesTheShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new BatchNorm(3).forward(Tensor.zeros(4, 5), Mode.TRAIN));
    assertTrue(e.getMessage().contains("[4, 5]") && e.getMessage().contains("3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BatchNorm(0));
    assertThrows(IllegalArgumentException.class, () -> new BatchNorm(2, 0f, 0.1f));
    assertThrows(IllegalArgumentException.class, () -> new BatchNorm(2, 1e-5f, 1.5f));
  }
}
