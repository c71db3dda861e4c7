package dev.deepzero.nn.layers;

import dev.deepzero.kernel.Parallel;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

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
    Tensor out = Tensor.empty(outputShapeOf(x));
    float[] in = x.data();
    float[] y = out.data();
    Geometry g = new Geometry(x);
    boolean halving = kernelSize == 2 && stride == 2 && padding == 0;
    Parallel.common().forRange(x.dim(0) * x.dim(1), PLANES_PER_TASK, (from, to) -> {
      for (int plane = from; plane < to; plane++) {
        if (halving) {
          halvePlane(in, plane * g.h * g.w, g.w, y, plane * g.oh * g.ow, g.oh, g.ow);
        } else {
          poolPlane(in, plane * g.h * g.w, g, y, plane * g.oh * g.ow);
        }
      }
    });
    input = x;
    output = out;
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Tensor x = Cache.checkBackward("MaxPool2d", input, output == null ? null : output.shape(), gradOutput);
    Tensor gradInput = Tensor.empty(x.shape());
    float[] in = x.data();
    float[] y = output.data();
    float[] g = gradOutput.data();
    float[] gi = gradInput.data();
    Geometry geo = new Geometry(x);
    boolean halving = kernelSize == 2 && stride == 2 && padding == 0;
    // The forward pass kept no argmax: finding the first element equal to the window's maximum again costs one
    // read of the input, and keeps forward free of index bookkeeping.
    Parallel.common().forRange(x.dim(0) * x.dim(1), PLANES_PER_TASK, (from, to) -> {
      for (int plane = from; plane < to; plane++) {
        int base = plane * geo.h * geo.w;
        int o = plane * geo.oh * geo.ow;
        // gradInput may be reused memory (Tensor.empty): each task zeroes its own planes, on its own core.
        Arrays.fill(gi, base, base + geo.h * geo.w, 0f);
        if (halving) {
          routeHalvedPlane(in, base, geo.w, y, g, o, geo.oh, geo.ow, gi);
          continue;
        }
        for (int oy = 0; oy < geo.oh; oy++) {
          int rowLo = Math.max(0, oy * stride - padding);
          int rowHi = Math.min(geo.h, oy * stride - padding + kernelSize);
          for (int ox = 0; ox < geo.ow; ox++, o++) {
            int colLo = Math.max(0, ox * stride - padding);
            int colHi = Math.min(geo.w, ox * stride - padding + kernelSize);
            float max = y[o];
            search:
            for (int iy = rowLo; iy < rowHi; iy++) {
              for (int i = base + iy * geo.w + colLo, end = base + iy * geo.w + colHi; i < end; i++) {
                if (same(in[i], max)) {
                  gi[i] += g[o];
                  break search;
                }
              }
            }
          }
        }
      }
    });
    return gradInput;
  }

  /**
   * Backward of {@link #halvePlane}: each 2x2 window's gradient is added to the first of its pixels (row-major)
   * equal to the window's maximum; {@code gi} must hold zeros there. The pixel is chosen with integer arithmetic
   * on the float bits, not with float compares: the JIT turns those into branches, and which pixel wins is
   * unpredictable (a branch per pixel made this pass four times slower). Comparing bits treats -0 and +0 as
   * different, so a window whose maximum is a zero of the other sign routes to a later zero: still a maximum.
   */
  private static void routeHalvedPlane(float[] in, int base, int w, float[] y, float[] g, int o, int oh, int ow,
      float[] gi) {
    for (int oy = 0; oy < oh; oy++) {
      int r0 = base + 2 * oy * w;
      int r1 = r0 + w;
      int out = o + oy * ow;
      for (int ox = 0; ox < ow; ox++) {
        int i = 2 * ox;
        int max = Float.floatToRawIntBits(y[out + ox]);
        // Pixel 0..3 of the window, from the last candidate to the first so that the first match is left.
        int at = 3;
        at += differs(Float.floatToRawIntBits(in[r1 + i]), max) * (at - 2) - (at - 2);
        at += differs(Float.floatToRawIntBits(in[r0 + i + 1]), max) * (at - 1) - (at - 1);
        at -= (1 - differs(Float.floatToRawIntBits(in[r0 + i]), max)) * at;
        gi[r0 + i + (at & 1) + (at >> 1) * w] += g[out + ox];
      }
    }
  }

  /** 1 when the two ints differ, 0 when they are equal, without a branch. */
  private static int differs(int a, int b) {
    int d = a ^ b;
    return (d | -d) >>> 31;
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
  private void poolPlane(float[] in, int base, Geometry g, float[] y, int o) {
    for (int oy = 0; oy < g.oh; oy++) {
      int rowLo = Math.max(0, oy * stride - padding);
      int rowHi = Math.min(g.h, oy * stride - padding + kernelSize);
      for (int ox = 0; ox < g.ow; ox++, o++) {
        int colLo = Math.max(0, ox * stride - padding);
        int colHi = Math.min(g.w, ox * stride - padding + kernelSize);
        float max = Float.NEGATIVE_INFINITY;
        for (int iy = rowLo; iy < rowHi; iy++) {
          for (int i = base + iy * g.w + colLo, end = base + iy * g.w + colHi; i < end; i++) {
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

  /** Input and output plane sizes. */
  private final class Geometry {
    final int h;
    final int w;
    final int oh;
    final int ow;

    Geometry(Tensor x) {
      h = x.dim(2);
      w = x.dim(3);
      oh = (h + 2 * padding - kernelSize) / stride + 1;
      ow = (w + 2 * padding - kernelSize) / stride + 1;
    }
  }

  private int[] outputShapeOf(Tensor x) {
    Geometry g = new Geometry(x);
    return new int[] {x.dim(0), x.dim(1), g.oh, g.ow};
  }

  @Override
  public boolean samplewiseInEval() {
    return true;
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
