package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;

/**
 * Moves the channel axis last, {@code [N, C, H, W] -> [N, H, W, C]}: what a fully convolutional head needs
 * when its consumer reads the values of one position together, as a YOLO output does (one grid cell's boxes and
 * classes are the channels of one position).
 *
 * <pre>
 * Shape: input [N, C, H, W] -> output [N, H, W, C]
 * y[n, h, w, c] = x[n, c, h, w];  backward: gradInput[n, c, h, w] = gradOutput[n, h, w, c]
 * </pre>
 */
public final class ChannelsLast implements Layer {

  private int[] inputShape;

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    if (x.rank() != 4) {
      throw new IllegalArgumentException("ChannelsLast: input " + x.shapeString() + " must be [N, C, H, W]");
    }
    inputShape = x.shape();
    Tensor out = Tensor.empty(x.dim(0), x.dim(2), x.dim(3), x.dim(1));
    transpose(x.data(), out.data(), x.dim(0), x.dim(1), x.dim(2) * x.dim(3));
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    int[] outputShape = inputShape == null ? null
        : new int[] {inputShape[0], inputShape[2], inputShape[3], inputShape[1]};
    BackwardCheck.cached("ChannelsLast", inputShape == null ? null : gradOutput, outputShape, gradOutput);
    Tensor gradInput = Tensor.empty(inputShape);
    // The inverse permutation is the transpose of each sample's [positions, C] matrix.
    transpose(gradOutput.data(), gradInput.data(), inputShape[0], inputShape[2] * inputShape[3], inputShape[1]);
    return gradInput;
  }

  /** Per sample, {@code dst[j, i] = src[i, j]} for a {@code [rows, cols]} matrix. */
  private static void transpose(float[] src, float[] dst, int n, int rows, int cols) {
    int plane = rows * cols;
    for (int s = 0; s < n; s++) {
      int base = s * plane;
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          dst[base + j * rows + i] = src[base + i * cols + j];
        }
      }
    }
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("ChannelsLast");
  }

  @Override
  public String toString() {
    return "ChannelsLast";
  }
}
