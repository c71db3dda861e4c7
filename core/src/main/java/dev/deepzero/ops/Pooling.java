package dev.deepzero.ops;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * Max and average pooling over square windows of {@code [N, C, H, W]} tensors: the loops under
 * {@code nn.layers.MaxPool2d} and {@code nn.layers.AvgPool2d}, which hold the formulas.
 *
 * <p>Windows are {@code K x K} with stride S and padding P (at most K/2, PyTorch's rule, so every window holds a
 * real pixel); {@code OH = (H + 2P - K)/S + 1}, likewise OW. Max pooling treats padding as -∞, average pooling
 * as zeros (every window divides by K²). Outputs come from {@link Tensor#empty}.
 */
public final class Pooling {

  // Enough planes per task that waking a thread pays off.
  private static final Kernels KERNELS = KernelProvider.get();
  private static final int PLANES_PER_TASK = 16;

  private Pooling() {}

  /**
   * Checks a pooling layer's options.
   *
   * @throws IllegalArgumentException naming {@code layer} unless kernel and stride are positive and
   *     {@code 0 <= padding <= kernel / 2}
   */
  public static void checkOptions(String layer, int kernel, int stride, int padding) {
    PoolWindows.checkOptions(layer, kernel, stride, padding);
  }

  /**
   * {@code y[n, c, oy, ox] = max} of the window; a NaN counts as the maximum, so it propagates.
   *
   * @param layer names the caller in error messages
   * @throws IllegalArgumentException if {@code x} is not {@code [N, C, H, W]} or the kernel does not fit it
   */
  public static Tensor max(String layer, Tensor x, int kernel, int stride, int padding) {
    PoolWindows win = PoolWindows.of(layer, x, kernel, stride, padding);
    Tensor out = Tensor.empty(win.outputShape(x.dim(0)));
    float[] in = x.data();
    float[] y = out.data();
    int h = x.dim(2);
    int w = x.dim(3);
    int oh = win.rowLo.length;
    int ow = win.outWidth();
    boolean halving = kernel == 2 && stride == 2 && padding == 0;
    Parallel.common().forRange(x.dim(0) * x.dim(1), PLANES_PER_TASK, (from, to) -> {
      for (int plane = from; plane < to; plane++) {
        if (halving) {
          halvePlane(in, plane * h * w, w, y, plane * oh * ow, oh, ow);
        } else {
          maxPlane(in, plane * h * w, win, w, kernel, stride, padding, y, plane * oh * ow);
        }
      }
    });
    return out;
  }

  /**
   * The backward of {@link #max}: {@code gradInput[argmax of window] += gradOutput[window]}, 0 elsewhere. On
   * ties the first maximum in row-major window order wins, as in the articles' {@code np.argmax}; overlapping
   * windows add into a shared argmax.
   *
   * @param x the forward input; Not modified
   * @param y the forward output; Not modified
   * @param gradOutput shaped as {@code y}; Not modified
   */
  public static Tensor maxBackward(Tensor x, Tensor y, Tensor gradOutput, int kernel, int stride, int padding) {
    Tensor gradInput = Tensor.empty(x.shape());
    float[] in = x.data();
    float[] out = y.data();
    float[] g = gradOutput.data();
    float[] gi = gradInput.data();
    int h = x.dim(2);
    int w = x.dim(3);
    int oh = y.dim(2);
    int ow = y.dim(3);
    boolean halving = kernel == 2 && stride == 2 && padding == 0;
    // The forward pass kept no argmax: finding the first element equal to the window's maximum again costs one
    // read of the input, and keeps forward free of index bookkeeping.
    Parallel.common().forRange(x.dim(0) * x.dim(1), PLANES_PER_TASK, (from, to) -> {
      for (int plane = from; plane < to; plane++) {
        int base = plane * h * w;
        int o = plane * oh * ow;
        if (halving) {
          // Every pixel of every window is written; reused memory outside them (an odd last row or column) is
          // zeroed here, by the task that owns the plane.
          for (int oy = 0; oy < oh; oy++) {
            int r0 = base + 2 * oy * w;
            KERNELS.maxPool2x2Backward(in, r0, w, out, o + oy * ow, g, o + oy * ow, gi, ow);
            if (w % 2 != 0) {
              gi[r0 + w - 1] = 0f;
              gi[r0 + 2 * w - 1] = 0f;
            }
          }
          Arrays.fill(gi, base + 2 * oh * w, base + h * w, 0f);
        } else {
          // Reused memory: each task zeroes its own planes, on its own core.
          Arrays.fill(gi, base, base + h * w, 0f);
          routePlane(in, base, h, w, out, g, o, oh, ow, kernel, stride, padding, gi);
        }
      }
    });
    return gradInput;
  }

  /**
   * Adds each window's gradient to the first pixel of the window (row-major) equal to its maximum; {@code gi}
   * must hold zeros there.
   */
  private static void routePlane(float[] in, int base, int h, int w, float[] y, float[] g, int o, int oh, int ow,
      int kernel, int stride, int padding, float[] gi) {
    for (int oy = 0; oy < oh; oy++) {
      int rowLo = Math.max(0, oy * stride - padding);
      int rowHi = Math.min(h, oy * stride - padding + kernel);
      for (int ox = 0; ox < ow; ox++, o++) {
        int colLo = Math.max(0, ox * stride - padding);
        int colHi = Math.min(w, ox * stride - padding + kernel);
        float max = y[o];
        search:
        for (int iy = rowLo; iy < rowHi; iy++) {
          for (int i = base + iy * w + colLo, end = base + iy * w + colHi; i < end; i++) {
            if (same(in[i], max)) {
              gi[i] += g[o];
              break search;
            }
          }
        }
      }
    }
  }

  /**
   * The common 2x2, stride 2 case as one straight loop over pairs of rows. {@link Math#max} is branch-free and
   * returns NaN when either argument is NaN, so NaN propagates as in the general case.
   */
  private static void halvePlane(float[] in, int base, int w, float[] y, int o, int oh, int ow) {
    for (int oy = 0; oy < oh; oy++) {
      int r0 = base + 2 * oy * w;
      int r1 = r0 + w;
      int out = o + oy * ow;
      for (int ox = 0; ox < ow; ox++) {
        int i = 2 * ox;
        y[out + ox] = Math.max(Math.max(in[r0 + i], in[r0 + i + 1]), Math.max(in[r1 + i], in[r1 + i + 1]));
      }
    }
  }

  /** Any window size, stride and padding; windows are clipped to the plane (padding never wins). */
  private static void maxPlane(float[] in, int base, PoolWindows win, int w, int kernel, int stride, int padding,
      float[] y, int o) {
    for (int oy = 0; oy < win.rowLo.length; oy++) {
      for (int ox = 0; ox < win.outWidth(); ox++, o++) {
        int colLo = win.colLo[ox];
        int colHi = Math.min(w, ox * stride - padding + kernel);
        float max = Float.NEGATIVE_INFINITY;
        for (int iy = win.rowLo[oy]; iy < win.rowHi[oy]; iy++) {
          for (int i = base + iy * w + colLo, end = base + iy * w + colHi; i < end; i++) {
            max = Math.max(max, in[i]);
          }
        }
        y[o] = max;
      }
    }
  }

  /** Whether {@code v} is the window maximum {@code max}: equal, or both NaN. */
  private static boolean same(float v, float max) {
    return v == max | (v != v & max != max);
  }

  /**
   * {@code y[n, c, oy, ox] = (1/K²) Σ} of the window, padding counting as zeros.
   *
   * @param layer names the caller in error messages
   * @throws IllegalArgumentException if {@code x} is not {@code [N, C, H, W]} or the kernel does not fit it
   */
  public static Tensor average(String layer, Tensor x, int kernel, int stride, int padding) {
    PoolWindows win = PoolWindows.of(layer, x, kernel, stride, padding);
    Tensor out = Tensor.empty(win.outputShape(x.dim(0)));
    out.fill(0f); // the windows add into it
    float[] in = x.data();
    float[] y = out.data();
    int w = x.dim(3);
    float scale = 1f / (kernel * kernel);
    int ow = win.outWidth();
    int oh = win.rowLo.length;
    int planes = x.dim(0) * x.dim(1);
    for (int plane = 0; plane < planes; plane++) {
      int base = plane * win.inPlane();
      for (int oy = 0; oy < oh; oy++) {
        int o0 = (plane * oh + oy) * ow;
        for (int iy = win.rowLo[oy]; iy < win.rowHi[oy]; iy++) {
          for (int kx = 0; kx < kernel; kx++) {
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
    return out;
  }

  /**
   * The backward of {@link #average}: {@code gradInput[pixel] += gradOutput[window] / K²} for every window
   * covering the pixel.
   *
   * @param inputShape the forward input's shape
   * @param gradOutput shaped as the forward output; Not modified
   */
  public static Tensor averageBackward(int[] inputShape, Tensor gradOutput, int kernel, int stride, int padding) {
    PoolWindows win = PoolWindows.of("average pooling", inputShape, kernel, stride, padding);
    Tensor gradInput = Tensor.empty(inputShape);
    gradInput.fill(0f); // the windows add into it
    float[] gi = gradInput.data();
    float[] g = gradOutput.data();
    int w = inputShape[3];
    float scale = 1f / (kernel * kernel);
    int ow = win.outWidth();
    int oh = win.rowLo.length;
    int planes = inputShape[0] * inputShape[1];
    // The adjoint of forward's traversal: each output's share goes back to every pixel it summed.
    for (int plane = 0; plane < planes; plane++) {
      int base = plane * win.inPlane();
      for (int oy = 0; oy < oh; oy++) {
        int o0 = (plane * oh + oy) * ow;
        for (int iy = win.rowLo[oy]; iy < win.rowHi[oy]; iy++) {
          for (int kx = 0; kx < kernel; kx++) {
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
}
