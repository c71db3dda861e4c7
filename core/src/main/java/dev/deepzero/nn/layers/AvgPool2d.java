package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.ops.Pooling;
import dev.deepzero.tensor.Tensor;

/**
 * Average pooling over square windows. Padding counts as zeros in the average (PyTorch's default
 * {@code count_include_pad=True}), so every window divides by K².
 *
 * <pre>
 * y[n, c, oy, ox] = (1/K²) Σ_{ky, kx} x[n, c, oy·S - P + ky, ox·S - P + kx]   (x is 0 in the padding)
 * Shape: input [N, C, H, W] -> output [N, C, OH, OW],  OH = (H + 2P - K)/S + 1,  OW = (W + 2P - K)/S + 1
 * backward: gradInput[pixel] += gradOutput[window] / K² for every window covering the pixel
 * </pre>
 */
public final class AvgPool2d implements Layer {

  private final int kernelSize;
  private final int stride;
  private final int padding;
  private int[] inputShape;
  private int[] outputShape;

  /** Non-overlapping pooling: stride = kernel, no padding. */
  public AvgPool2d(int kernelSize) {
    this(kernelSize, kernelSize, 0);
  }

  /**
   * @param kernelSize K
   * @param stride S
   * @param padding P, at most K/2
   */
  public AvgPool2d(int kernelSize, int stride, int padding) {
    Pooling.checkOptions("AvgPool2d", kernelSize, stride, padding);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    Tensor out = Pooling.average("AvgPool2d", x, kernelSize, stride, padding);
    inputShape = x.shape();
    outputShape = out.shape();
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    BackwardCheck.cached("AvgPool2d", outputShape == null ? null : gradOutput, outputShape, gradOutput);
    return Pooling.averageBackward(inputShape, gradOutput, kernelSize, stride, padding);
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("AvgPool2d", "kernel", kernelSize, "stride", stride, "padding", padding);
  }

  @Override
  public String toString() {
    return "AvgPool2d(kernel " + kernelSize + ", stride " + stride + ", padding " + padding + ")";
  }
}
