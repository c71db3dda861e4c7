package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;

/**
 * Hyperbolic tangent: {@code y = tanh(x)}.
 *
 * <pre>
 * Shape: any -> same
 * backward: gradInput = gradOutput · (1 - y²)
 * </pre>
 */
public final class Tanh implements Layer {

  private Tensor output;

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    Tensor y = Tensor.empty(x.shape());
    float[] in = x.data();
    float[] out = y.data();
    for (int i = 0; i < in.length; i++) {
      out[i] = (float) Math.tanh(in[i]);
    }
    output = y;
    return y;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Tensor y = BackwardCheck.cached("Tanh", output, output == null ? null : output.shape(), gradOutput);
    Tensor gradInput = Tensor.empty(y.shape());
    float[] yd = y.data();
    float[] g = gradOutput.data();
    float[] gi = gradInput.data();
    for (int i = 0; i < yd.length; i++) {
      gi[i] = g[i] * (1f - yd[i] * yd[i]);
    }
    return gradInput;
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("Tanh");
  }

  @Override
  public String toString() {
    return "Tanh";
  }
}
