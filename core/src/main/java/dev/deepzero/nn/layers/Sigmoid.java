package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;

/**
 * Logistic sigmoid: {@code y = 1 / (1 + e^(-x))}.
 *
 * <pre>
 * Shape: any -> same
 * backward: gradInput = gradOutput · y · (1 - y)
 * </pre>
 */
public final class Sigmoid implements Layer {

  private Tensor output;

  /** Numerically stable for large |x|: never evaluates e^x for large positive x. */
  static float sigmoid(float x) {
    if (x >= 0f) {
      return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
    double e = Math.exp(x);
    return (float) (e / (1.0 + e));
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    Tensor y = Tensor.empty(x.shape());
    float[] in = x.data();
    float[] out = y.data();
    for (int i = 0; i < in.length; i++) {
      out[i] = sigmoid(in[i]);
    }
    output = y;
    return y;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Tensor y = BackwardCheck.cached("Sigmoid", output, output == null ? null : output.shape(), gradOutput);
    Tensor gradInput = Tensor.empty(y.shape());
    float[] yd = y.data();
    float[] g = gradOutput.data();
    float[] gi = gradInput.data();
    for (int i = 0; i < yd.length; i++) {
      gi[i] = g[i] * yd[i] * (1f - yd[i]);
    }
    return gradInput;
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("Sigmoid");
  }

  @Override
  public String toString() {
    return "Sigmoid";
  }
}
