package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;

/**
 * Softmax over the last axis: {@code y_i = e^(x_i - max x) / Σ_j e^(x_j - max x)}; subtracting the row maximum
 * keeps {@code exp} from overflowing and does not change the result.
 *
 * <pre>
 * Shape: [..., K] -> same (each row of K sums to 1)
 * backward: gradInput_i = y_i · (gradOutput_i - Σ_j gradOutput_j · y_j)   (the full Jacobian, not the
 *           diagonal approximation gradOutput · y · (1 - y) that the full-scratch article uses)
 * </pre>
 *
 * <p>For classification, train with the fused {@code SoftmaxCrossEntropy} loss on logits instead: it is
 * cheaper and numerically safer than this layer followed by cross-entropy.
 */
public final class Softmax implements Layer {

  private Tensor output;

  /**
   * Writes the softmax of each row of {@code x} (rows of {@code k}) into {@code dst}.
   *
   * @param x Not modified; a whole number of rows
   * @param dst Modified; at least as long as {@code x}
   * @throws IllegalArgumentException if {@code k} is not positive (an empty row has no softmax, and a step of 0
   *     would never finish the loop) or {@code x} is not a whole number of rows
   */
  public static void softmaxRows(float[] x, float[] dst, int k) {
    if (k <= 0 || x.length % k != 0 || dst.length < x.length) {
      throw new IllegalArgumentException("softmaxRows: " + x.length + " values into " + dst.length
          + " in rows of " + k + "; need rows of at least one value, a whole number of them, and room for all");
    }
    for (int base = 0; base < x.length; base += k) {
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, x[base + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        float e = (float) Math.exp(x[base + j] - max);
        dst[base + j] = e;
        sum += e;
      }
      float inv = (float) (1.0 / sum);
      for (int j = 0; j < k; j++) {
        dst[base + j] *= inv;
      }
    }
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    if (x.rank() == 0 || x.dim(-1) == 0) {
      throw new IllegalArgumentException("Softmax: input " + x.shapeString() + " has no last axis to normalise");
    }
    Tensor y = Tensor.empty(x.shape());
    softmaxRows(x.data(), y.data(), x.dim(-1));
    output = y;
    return y;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Tensor y = BackwardCheck.cached("Softmax", output, output == null ? null : output.shape(), gradOutput);
    int k = y.dim(-1);
    Tensor gradInput = Tensor.empty(y.shape());
    float[] yd = y.data();
    float[] g = gradOutput.data();
    float[] gi = gradInput.data();
    for (int base = 0; base < yd.length; base += k) {
      double dot = 0;
      for (int j = 0; j < k; j++) {
        dot += (double) g[base + j] * yd[base + j];
      }
      for (int j = 0; j < k; j++) {
        gi[base + j] = (float) (yd[base + j] * (g[base + j] - dot));
      }
    }
    return gradInput;
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("Softmax");
  }

  @Override
  public String toString() {
    return "Softmax";
  }
}
