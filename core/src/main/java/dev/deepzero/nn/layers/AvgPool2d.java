package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
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
  private PoolWindows windows;
  private int[] inputShape;

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
    PoolWindows.checkOptions("AvgPool2d", kernelSize, stride, padding);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    PoolWindows win = PoolWindows.of("AvgPool2d", x, kernelSize, stride, padding);
    Tensor out = Tensor.zeros(win.outputShape(x.dim(0)));
    float[] in = x.data();
    float[] y = out.data();
    int w = x.dim(3);
    float scale = 1f / (kernelSize * kernelSize);
    int ow = win.outWidth();
    int oh = win.rowLo.length;
    int planes = x.dim(0) * x.dim(1);
    for (int plane = 0; plane < planes; plane++) {
      int base = plane * win.inPlane();
      for (int oy = 0; oy < oh; oy++) {
        int o0 = (plane * oh + oy) * ow;
        for (int iy = win.rowLo[oy]; iy < win.rowHi[oy]; iy++) {
          for (int kx = 0; kx < kernelSize; kx++) {
            int src = base + iy * w - padding + kx;
            for (int ox = win.tapLo[kx]; ox < win.tapHi[kx]; ox++) {
              y[o0 + ox] += in[src + ox * stride];
            }
          }
        }
        for (int ox = 0; ox < ow; ox++) {
          y[o0 + ox] *= scale;
        }
      }
    }
    windows = win;
    inputShape = x.shape();
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    PoolWindows win = windows;
    Cache.checkBackward("AvgPool2d", win == null ? null : gradOutput,
        win == null ? null : win.outputShape(inputShape[0]), gradOutput);
    Tensor gradInput = Tensor.zeros(inputShape);
    float[] gi = gradInput.data();
    float[] g = gradOutput.data();
    int w = inputShape[3];
    float scale = 1f / (kernelSize * kernelSize);
    int ow = win.outWidth();
    int oh = win.rowLo.length;
    int planes = inputShape[0] * inputShape[1];
    // The adjoint of forward's traversal: each output's share goes back to every pixel it summed.
    for (int plane = 0; plane < planes; plane++) {
      int base = plane * win.inPlane();
      for (int oy = 0; oy < oh; oy++) {
        int o0 = (plane * oh + oy) * ow;
        for (int iy = win.rowLo[oy]; iy < win.rowHi[oy]; iy++) {
          for (int kx = 0; kx < kernelSize; kx++) {
            int dst = base + iy * w - padding + kx;
            for (int ox = win.tapLo[kx]; ox < win.tapHi[kx]; ox++) {
              gi[dst + ox * stride] += g[o0 + ox] * scale;
            }
          }
        }
      }
    }
    return gradInput;
  }

  @Override
  public boolean samplewiseInEval() {
    return true;
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
