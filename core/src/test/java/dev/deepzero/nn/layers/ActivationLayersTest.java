package dev.deepzero.nn.layers;

import static dev.deepzero.testing.TensorAssert.assertClose;
import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.testing.Tolerances;
import org.junit.jupiter.api.Test;

/** Hand-worked forward and backward values of the parameter-free layers, from the articles where they give some. */
class ActivationLayersTest {

  private static final float RTOL = Tolerances.FORWARD_RTOL;
  private static final float ATOL = Tolerances.FORWARD_ATOL;

  private static Tensor row(float... values) {
    return Tensor.of(values, 1, values.length);
  }

  @Test
  void leakyReluMatchesTheArticle() {
    // The baselayer article's example, alpha = 0.1.
    LeakyRelu layer = new LeakyRelu(0.1f);
    Tensor y = layer.forward(row(-0.8157f, 1.3761f, -1.555f), Mode.TRAIN);
    assertClose(y, row(-0.08157f, 1.3761f, -0.1555f), RTOL, ATOL);
    Tensor gradInput = layer.backward(row(-0.71f, 0.57f, -0.35f));
    assertClose(gradInput, row(-0.071f, 0.57f, -0.035f), RTOL, ATOL);
  }

  @Test
  void leakyReluDefaultsToYoloSlope() {
    assertEquals(0.1f, new LeakyRelu().alpha());
    assertClose(new LeakyRelu().forward(row(-2f), Mode.EVAL), row(-0.2f), RTOL, ATOL);
  }

  @Test
  void reluMasksNegativesForwardAndBackward() {
    Relu relu = new Relu();
    Tensor x = Tensor.of(new float[][] {{1.0f, -0.5f}, {-2.0f, 3.0f}});
    assertExactlyEquals(relu.forward(x, Mode.TRAIN), Tensor.of(new float[][] {{1, 0}, {0, 3}}));
    Tensor gradInput = relu.backward(Tensor.of(new float[][] {{5, 6}, {7, 8}}));
    assertExactlyEquals(gradInput, Tensor.of(new float[][] {{5, 0}, {0, 8}}));
  }

  @Test
  void sigmoidForwardValues() {
    Tensor y = new Sigmoid().forward(row(0f, 2f, -2f, 100f, -100f), Mode.TRAIN);
    double s2 = 1 / (1 + Math.exp(-2));
    assertClose(y, row(0.5f, (float) s2, (float) (1 - s2), 1f, 0f), RTOL, ATOL);
    assertTrue(y.isFinite());
  }

  @Test
  void sigmoidBackwardIsGradOutputTimesYTimesOneMinusY() {
    float[] xs = {-3f, -0.5f, 0f, 0.7f, 2.5f};
    float[] g = {0.3f, -1.2f, 2f, 0.5f, -0.8f};
    Sigmoid sigmoid = new Sigmoid();
    Tensor y = sigmoid.forward(row(xs), Mode.TRAIN);
    Tensor gradInput = sigmoid.backward(row(g));
    float[] byFormula = new float[xs.length];
    float[] byDifference = new float[xs.length];
    for (int i = 0; i < xs.length; i++) {
      float yi = y.data()[i];
      byFormula[i] = g[i] * yi * (1 - yi);
      double h = 1e-5;
      double numeric = (1 / (1 + Math.exp(-(xs[i] + h))) - 1 / (1 + Math.exp(-(xs[i] - h)))) / (2 * h);
      byDifference[i] = (float) (g[i] * numeric);
    }
    assertClose(gradInput, row(byFormula), RTOL, ATOL);
    assertClose(gradInput, row(byDifference), Tolerances.REDUCTION_RTOL, Tolerances.REDUCTION_ATOL);
  }

  @Test
  void tanhForwardAndBackward() {
    Tanh tanh = new Tanh();
    Tensor y = tanh.forward(row(0f, 1f, -2f), Mode.TRAIN);
    assertClose(y, row(0f, 0.7615942f, -0.9640276f), RTOL, ATOL);
    // 1 - tanh² : 1, 0.4199743, 0.0706508
    Tensor gradInput = tanh.backward(row(1f, 1f, 2f));
    assertClose(gradInput, row(1f, 0.4199743f, 2 * 0.0706508f), 1e-4f, ATOL);
  }

  @Test
  void softmaxOfZeroAndLnTwoIsOneThirdTwoThirds() {
    Tensor y = new Softmax().forward(row(0f, (float) Math.log(2)), Mode.TRAIN);
    assertClose(y, row(1f / 3, 2f / 3), RTOL, ATOL);
  }

  @Test
  void softmaxRowsSumToOneAndSurviveHugeLogits() {
    Tensor x = Tensor.of(new float[][] {{1, 2, 3, 4}, {1000, 1000, 1000, 1000}, {-1e4f, 0, 1e4f, 5}});
    Tensor y = new Softmax().forward(x, Mode.TRAIN);
    assertTrue(y.isFinite(), y.toString());
    assertClose(y.sum(1), Tensor.ones(3), RTOL, ATOL);
    assertClose(y.slice(1, 2), row(0.25f, 0.25f, 0.25f, 0.25f), RTOL, ATOL);
    assertClose(y.slice(2, 3), row(0f, 0f, 1f, 0f), RTOL, ATOL);
    // Shifting a row does not change its softmax.
    assertClose(new Softmax().forward(x.slice(0, 1).add(100f), Mode.TRAIN), y.slice(0, 1), 1e-4f, ATOL);
  }

  @Test
  void softmaxBackwardUsesTheFullJacobian() {
    // y = [1/3, 2/3], g = [1, 0]: Σ g·y = 1/3, gradInput = y · (g - 1/3) = [2/9, -2/9].
    Softmax softmax = new Softmax();
    softmax.forward(row(0f, (float) Math.log(2)), Mode.TRAIN);
    assertClose(softmax.backward(row(1f, 0f)), row(2f / 9, -2f / 9), RTOL, ATOL);
    // A constant gradient moves nothing: softmax is shift-invariant.
    assertClose(softmax.backward(row(5f, 5f)), row(0f, 0f), RTOL, ATOL);
  }

  @Test
  void identityPassesValuesAndGradientsThrough() {
    Identity identity = new Identity();
    Tensor x = Tensor.of(new float[][] {{1, -2}, {3, 4}});
    assertExactlyEquals(identity.forward(x, Mode.TRAIN), x);
    Tensor g = Tensor.of(new float[][] {{0.1f, 0.2f}, {0.3f, 0.4f}});
    assertExactlyEquals(identity.backward(g), g);
  }

  @Test
  void flattenKeepsTheBatchAxisAndRowMajorOrder() {
    Flatten flatten = new Flatten();
    float[] v = new float[24];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    Tensor x = Tensor.of(v, 2, 3, 2, 2);
    Tensor y = flatten.forward(x, Mode.TRAIN);
    assertExactlyEquals(y, Tensor.of(v, 2, 12));
    assertEquals(x.get(1, 2, 0, 1), y.get(1, 9));
    Tensor gradInput = flatten.backward(Tensor.of(v, 2, 12));
    assertExactlyEquals(gradInput, x);
  }

  @Test
  void parameterFreeLayersHaveNoParametersOrBuffers() {
    for (Layer layer : new Layer[] {new Relu(), new LeakyRelu(), new Sigmoid(), new Tanh(),
        new Softmax(), new Identity(), new Flatten()}) {
      assertTrue(layer.parameters().isEmpty(), layer.toString());
      assertTrue(layer.stateDict().isEmpty(), layer.toString());
    }
  }

  @Test
  void identityReturnsItsArgumentWithoutCopying() {
    Tensor x = Tensor.ones(2, 2);
    assertSame(x, new Identity().forward(x, Mode.EVAL));
  }
}
