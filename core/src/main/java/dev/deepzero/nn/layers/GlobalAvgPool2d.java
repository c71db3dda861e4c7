package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * Global average pooling: the mean of each channel over all positions, as before a classifier head.
 *
 * <pre>
 * y[n, c] = (1 / (H·W)) Σ_{h, w} x[n, c, h, w]
 * Shape: input [N, C, H, W] -> output [N, C]
 * backward: gradInput[n, c, h, w] = gradOutput[n, c] / (H·W)
 * </pre>
 */
public final class GlobalAvgPool2d implements Layer {

  private int[] inputShape;

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    if (x.rank() != 4 || x.dim(2) == 0 || x.dim(3) == 0) {
      throw new IllegalArgumentException("GlobalAvgPool2d: input " + x.shapeString()
          + " must be [N, C, H, W] with H, W > 0");
    }
    int planes = x.dim(0) * x.dim(1);
    int plane = x.dim(2) * x.dim(3);
    Tensor out = Tensor.empty(x.dim(0), x.dim(1));
    float[] in = x.data();
    float[] y = out.data();
    for (int p = 0; p < planes; p++) {
      // Sum in double: a plane can hold thousands of values.
      double sum = 0;
      for (int i = p * plane, end = i + plane; i < end; i++) {
        sum += in[i];
      }
      y[p] = (float) (sum / plane);
    }
    inputShape = x.shape();
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    BackwardCheck.cached("GlobalAvgPool2d", inputShape == null ? null : gradOutput,
        inputShape == null ? null : new int[] {inputShape[0], inputShape[1]}, gradOutput);
    Tensor gradInput = Tensor.empty(inputShape);
    float[] gi = gradInput.data();
    float[] g = gradOutput.data();
    int plane = inputShape[2] * inputShape[3];
    for (int p = 0; p < g.length; p++) {
      Arrays.fill(gi, p * plane, (p + 1) * plane, g[p] / plane);
    }
    return gradInput;
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("GlobalAvgPool2d");
  }

  @Override
  public String toString() {
    return "GlobalAvgPool2d";
  }
}
