package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;

/**
 * Max pooling over square windows, the articles' Pooling layer; it remembers where each maximum was.
 *
 * <pre>
 * y[n, c, oy, ox] = max_{ky, kx} x[n, c, oy·S - P + ky, ox·S - P + kx]   (padding is -∞: never the max)
 * Shape: input [N, C, H, W] -> output [N, C, OH, OW],  OH = (H + 2P - K)/S + 1,  OW = (W + 2P - K)/S + 1
 * backward: gradInput[argmax of window] += gradOutput[window], 0 elsewhere
 * </pre>
 *
 * <p>On ties the first maximum in row-major window order wins, as in the articles' {@code np.argmax}; a NaN
 * counts as the maximum, so it propagates. Overlapping windows ({@code S < K}) add their gradients into a
 * shared argmax.
 */
public final class MaxPool2d implements Layer {

  private final int kernelSize;
  private final int stride;
  private final int padding;
  private int[] argmax;
  private int[] inputShape;
  private int[] outputShape;

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
    PoolWindows.checkOptions("MaxPool2d", kernelSize, stride, padding);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    PoolWindows win = PoolWindows.of("MaxPool2d", x, kernelSize, stride, padding);
    int[] outShape = win.outputShape(x.dim(0));
    Tensor out = Tensor.zeros(outShape);
    float[] in = x.data();
    float[] y = out.data();
    int[] arg = new int[y.length];
    int w = x.dim(3);
    int ow = win.outWidth();
    int oh = win.rowLo.length;
    int planes = x.dim(0) * x.dim(1);
    for (int plane = 0; plane < planes; plane++) {
      int base = plane * win.inPlane();
      for (int oy = 0; oy < oh; oy++) {
        int o0 = (plane * oh + oy) * ow;
        // Each window starts at its first real pixel; the scan replaces it only with a strictly larger one
        // (or a NaN), so the first maximum in row-major order wins.
        int first = base + win.rowLo[oy] * w;
        for (int ox = 0; ox < ow; ox++) {
          arg[o0 + ox] = first + win.colLo[ox];
          y[o0 + ox] = in[first + win.colLo[ox]];
        }
        for (int iy = win.rowLo[oy]; iy < win.rowHi[oy]; iy++) {
          for (int kx = 0; kx < kernelSize; kx++) {
            int src = base + iy * w - padding + kx;
            for (int ox = win.tapLo[kx]; ox < win.tapHi[kx]; ox++) {
              int i = src + ox * stride;
              float v = in[i];
              float cur = y[o0 + ox];
              // Selects rather than a branch: which element wins is unpredictable on real data.
              boolean take = v > cur | (v != v & cur == cur);
              y[o0 + ox] = take ? v : cur;
              arg[o0 + ox] = take ? i : arg[o0 + ox];
            }
          }
        }
      }
    }
    argmax = arg;
    inputShape = x.shape();
    outputShape = outShape;
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    // The cached state is the argmax, not a tensor: pass gradOutput as the "cached" value once forward ran.
    Cache.checkBackward("MaxPool2d", argmax == null ? null : gradOutput, outputShape, gradOutput);
    int[] arg = argmax;
    Tensor gradInput = Tensor.zeros(inputShape);
    float[] gi = gradInput.data();
    float[] g = gradOutput.data();
    for (int o = 0; o < g.length; o++) {
      gi[arg[o]] += g[o];
    }
    return gradInput;
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
