package dev.deepzero.nn.layers;

import dev.deepzero.kernel.Parallel;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
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
 * shared argmax.
 */
public final class MaxPool2d implements Layer {

  // Enough planes per task that waking a thread pays off.
  private static final int PLANES_PER_TASK = 16;

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
    PoolWindows.checkOptions("MaxPool2d", kernelSize, stride, padding);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    PoolWindows.of("MaxPool2d", x, kernelSize, stride, padding); // validates the shape and options
    Tensor out = Tensor.zeros(outputShapeOf(x));
    float[] in = x.data();
    float[] y = out.data();
    forEachWindow(x, (plane, base, rowLo, rowHi, colLo, colHi, o) -> {
      // Math.max is branch-free and returns NaN if either argument is NaN, so NaN propagates.
      float max = Float.NEGATIVE_INFINITY;
      for (int iy = rowLo; iy < rowHi; iy++) {
        for (int i = base + iy * w(x) + colLo, end = i + colHi - colLo; i < end; i++) {
          max = Math.max(max, in[i]);
        }
      }
      y[o] = max;
    });
    input = x;
    output = out;
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Tensor x = Cache.checkBackward("MaxPool2d", input, output == null ? null : output.shape(), gradOutput);
    Tensor gradInput = Tensor.zeros(x.shape());
    float[] in = x.data();
    float[] y = output.data();
    float[] g = gradOutput.data();
    float[] gi = gradInput.data();
    // The forward pass kept no argmax: finding the first element equal to the window's maximum again costs
    // about as much as reading a stored index, and forward stays free of unpredictable branches.
    forEachWindow(x, (plane, base, rowLo, rowHi, colLo, colHi, o) -> {
      float max = y[o];
      boolean nan = max != max;
      for (int iy = rowLo; iy < rowHi; iy++) {
        for (int i = base + iy * w(x) + colLo, end = i + colHi - colLo; i < end; i++) {
          if (in[i] == max || (nan && in[i] != in[i])) {
            gi[i] += g[o];
            return;
          }
        }
      }
    });
    return gradInput;
  }

  /** One pooling window: rows {@code [rowLo, rowHi)} and columns {@code [colLo, colHi)} of a plane. */
  @FunctionalInterface
  private interface WindowBody {
    void run(int plane, int base, int rowLo, int rowHi, int colLo, int colHi, int outputIndex);
  }

  /**
   * Calls {@code body} for every window, with planes (one channel of one image) split over the threads. Each
   * output, and in backward each window's input pixels, belong to one plane, so no two threads write the same
   * element.
   */
  private void forEachWindow(Tensor x, WindowBody body) {
    int h = x.dim(2);
    int w = x.dim(3);
    int oh = (h + 2 * padding - kernelSize) / stride + 1;
    int ow = (w + 2 * padding - kernelSize) / stride + 1;
    Parallel.common().forRange(x.dim(0) * x.dim(1), PLANES_PER_TASK, (from, to) -> {
      for (int plane = from; plane < to; plane++) {
        int base = plane * h * w;
        int o = plane * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
          int rowLo = Math.max(0, oy * stride - padding);
          int rowHi = Math.min(h, oy * stride - padding + kernelSize);
          for (int ox = 0; ox < ow; ox++, o++) {
            int colLo = Math.max(0, ox * stride - padding);
            body.run(plane, base, rowLo, rowHi, colLo, Math.min(w, ox * stride - padding + kernelSize), o);
          }
        }
      }
    });
  }

  private static int w(Tensor x) {
    return x.dim(3);
  }

  private int[] outputShapeOf(Tensor x) {
    return new int[] {x.dim(0), x.dim(1), (x.dim(2) + 2 * padding - kernelSize) / stride + 1,
        (x.dim(3) + 2 * padding - kernelSize) / stride + 1};
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
