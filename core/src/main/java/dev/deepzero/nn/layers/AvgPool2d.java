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
    int planes = x.dim(0) * x.dim(1);
    int o = 0;
    for (int plane = 0; plane < planes; plane++) {
      int base = plane * win.inPlane();
      for (int oy = 0; oy < win.rowLo.length; oy++) {
        for (int ox = 0; ox < win.colLo.length; ox++, o++) {
          float sum = 0f;
          for (int iy = win.rowLo[oy]; iy < win.rowHi[oy]; iy++) {
            int row = base + iy * w;
            for (int ix = win.colLo[ox]; ix < win.colHi[ox]; ix++) {
              sum += in[row + ix];
            }
          }
          y[o] = sum * scale;
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
    int planes = inputShape[0] * inputShape[1];
    int o = 0;
    for (int plane = 0; plane < planes; plane++) {
      int base = plane * win.inPlane();
      for (int oy = 0; oy < win.rowLo.length; oy++) {
        for (int ox = 0; ox < win.colLo.length; ox++, o++) {
          float share = g[o] * scale;
          for (int iy = win.rowLo[oy]; iy < win.rowHi[oy]; iy++) {
            int row = base + iy * w;
            for (int ix = win.colLo[ox]; ix < win.colHi[ox]; ix++) {
              gi[row + ix] += share;
            }
          }
        }
      }
    }
    return gradInput;
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
