package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.ops.Pooling;
import dev.deepzero.tensor.Tensor;

/**
 * Max pooling over square windows, the articles' Pooling layer.
 *
 * <pre>
 * y[n, c, oy, ox] = max_{ky, kx} x[n, c, oy·S - P + ky, ox·S - P + kx]   (padding is -∞: never the max)
 * Shape: input [N, C, H, W] -> output [N, C, OH, OW],  OH = (H + 2P - K)/S + 1,  OW = (W + 2P - K)/S + 1
 * backward: gradInput[argmax of window] += gradOutput[window], 0 elsewhere
 * </pre>
 *
 * <p>On ties the first maximum in row-major window order wins, as in the articles' {@code np.argmax}; a NaN
 * counts as the maximum, so it propagates. Overlapping windows ({@code S < K}) add their gradients into a
 * shared argmax. The loops, and the bit arithmetic that finds the argmax of a 2x2 window without a branch, are
 * {@link Pooling}'s.
 */
public final class MaxPool2d implements Layer {

  private final int kernelSize;
  private final int stride;
  private final int padding;
  private Tensor input;
  private Tensor output;

  /** Non-overlapping pooling: stride = kernel, no padding, as {@code MaxPool2d(2)} halves H and W. */
  public MaxPool2d(int kernelSize) {
    this(kernelSize, kernelSize, 0);
  }

  /**
   * @param kernelSize K
   * @param stride S
   * @param padding P, at most K/2
   */
  public MaxPool2d(int kernelSize, int stride, int padding) {
    Pooling.checkOptions("MaxPool2d", kernelSize, stride, padding);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    Tensor out = Pooling.max("MaxPool2d", x, kernelSize, stride, padding);
    input = x;
    output = out;
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Tensor x = BackwardCheck.cached("MaxPool2d", input, output == null ? null : output.shape(), gradOutput);
    return Pooling.maxBackward(x, output, gradOutput, kernelSize, stride, padding);
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("MaxPool2d", "kernel", kernelSize, "stride", stride, "padding", padding);
  }

  @Override
  public String toString() {
    return "MaxPool2d(kernel " + kernelSize + ", stride " + stride + ", padding " + padding + ")";
  }
}
