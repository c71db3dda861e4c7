package dev.deepzero.testing;

import dev.deepzero.tensor.Tensor;

/**
 * Loop-only reference implementations, written straight from the definitions so that they can be trusted
 * without being fast: direct convolution (forward and all three gradients) and pooling. The fast layers are
 * tested against these. Sums are accumulated in double.
 */
public final class NaiveReference {

  private NaiveReference() {}

  /** The gradients of a convolution: with respect to its input, weight and bias. */
  public record ConvGradients(Tensor input, Tensor weight, Tensor bias) {}

  /** {@code (size + 2·padding - kernel) / stride + 1}. */
  public static int outSize(int size, int kernel, int stride, int padding) {
    return (size + 2 * padding - kernel) / stride + 1;
  }

  /**
   * {@code y[n,f,oy,ox] = b[f] + Σ_{c,ky,kx} w[f,c,ky,kx] · x[n,c,oy·s-p+ky,ox·s-p+kx]}, x zero outside.
   *
   * @param x [N, C, H, W]
   * @param w [F, C, K, K]
   * @param b [F]
   */
  public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int padding) {
    int n = x.dim(0);
    int c = x.dim(1);
    int h = x.dim(2);
    int wd = x.dim(3);
    int f = w.dim(0);
    int k = w.dim(2);
    int oh = outSize(h, k, stride, padding);
    int ow = outSize(wd, k, stride, padding);
    Tensor y = Tensor.zeros(n, f, oh, ow);
    for (int in = 0; in < n; in++) {
      for (int fi = 0; fi < f; fi++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            double acc = b.get(fi);
            for (int ci = 0; ci < c; ci++) {
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int iy = oy * stride - padding + ky;
                  int ix = ox * stride - padding + kx;
                  if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                    acc += (double) w.get(fi, ci, ky, kx) * x.get(in, ci, iy, ix);
                  }
                }
              }
            }
            y.set((float) acc, in, fi, oy, ox);
          }
        }
      }
    }
    return y;
  }

  /**
   * The gradients of {@link #conv2d} given dL/dy, each by its definition: dx[n,c,iy,ix] and dw[f,c,ky,kx] sum
   * {@code g·w} and {@code g·x} over every output that used them; db[f] sums g over n, oy, ox.
   */
  public static ConvGradients conv2dBackward(Tensor x, Tensor w, Tensor gradOutput, int stride, int padding) {
    int n = x.dim(0);
    int c = x.dim(1);
    int h = x.dim(2);
    int wd = x.dim(3);
    int f = w.dim(0);
    int k = w.dim(2);
    int oh = gradOutput.dim(2);
    int ow = gradOutput.dim(3);
    double[] dx = new double[x.size()];
    double[] dw = new double[w.size()];
    double[] db = new double[f];
    for (int in = 0; in < n; in++) {
      for (int fi = 0; fi < f; fi++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            double g = gradOutput.get(in, fi, oy, ox);
            db[fi] += g;
            for (int ci = 0; ci < c; ci++) {
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int iy = oy * stride - padding + ky;
                  int ix = ox * stride - padding + kx;
                  if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                    dx[((in * c + ci) * h + iy) * wd + ix] += g * w.get(fi, ci, ky, kx);
                    dw[((fi * c + ci) * k + ky) * k + kx] += g * x.get(in, ci, iy, ix);
                  }
                }
              }
            }
          }
        }
      }
    }
    return new ConvGradients(toTensor(dx, x.shape()), toTensor(dw, w.shape()), toTensor(db, f));
  }

  /** Max pooling; padding never wins (it is -∞). */
  public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
    return pool(x, kernel, stride, padding, true, null);
  }

  /** The gradient of {@link #maxPool2d}: each output's gradient goes to its window's first maximum. */
  public static Tensor maxPool2dBackward(Tensor x, int kernel, int stride, int padding, Tensor gradOutput) {
    return pool(x, kernel, stride, padding, true, gradOutput);
  }

  /** Average pooling, padding counted as zeros: every window divides by kernel². */
  public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
    return pool(x, kernel, stride, padding, false, null);
  }

  /** The gradient of {@link #avgPool2d}: each output's gradient / kernel² goes to every real pixel of its window. */
  public static Tensor avgPool2dBackward(Tensor x, int kernel, int stride, int padding, Tensor gradOutput) {
    return pool(x, kernel, stride, padding, false, gradOutput);
  }

  /** The mean of each [n, c] plane. */
  public static Tensor globalAvgPool2d(Tensor x) {
    return avgPool2dFull(x, null);
  }

  /** The gradient of {@link #globalAvgPool2d}: gradOutput[n, c] / (H·W) everywhere in the plane. */
  public static Tensor globalAvgPool2dBackward(Tensor x, Tensor gradOutput) {
    return avgPool2dFull(x, gradOutput);
  }

  private static Tensor avgPool2dFull(Tensor x, Tensor gradOutput) {
    int n = x.dim(0);
    int c = x.dim(1);
    int h = x.dim(2);
    int w = x.dim(3);
    Tensor out = gradOutput == null ? Tensor.zeros(n, c) : Tensor.zeros(x.shape());
    for (int in = 0; in < n; in++) {
      for (int ci = 0; ci < c; ci++) {
        double sum = 0;
        for (int iy = 0; iy < h; iy++) {
          for (int ix = 0; ix < w; ix++) {
            if (gradOutput == null) {
              sum += x.get(in, ci, iy, ix);
            } else {
              out.set(gradOutput.get(in, ci) / (h * w), in, ci, iy, ix);
            }
          }
        }
        if (gradOutput == null) {
          out.set((float) (sum / (h * w)), in, ci);
        }
      }
    }
    return out;
  }

  /** Forward (gradOutput null) or backward of max or average pooling, by visiting every window. */
  private static Tensor pool(Tensor x, int kernel, int stride, int padding, boolean max, Tensor gradOutput) {
    int n = x.dim(0);
    int c = x.dim(1);
    int h = x.dim(2);
    int w = x.dim(3);
    int oh = outSize(h, kernel, stride, padding);
    int ow = outSize(w, kernel, stride, padding);
    Tensor y = Tensor.zeros(n, c, oh, ow);
    double[] dx = new double[x.size()];
    for (int in = 0; in < n; in++) {
      for (int ci = 0; ci < c; ci++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            double g = gradOutput == null ? 0 : gradOutput.get(in, ci, oy, ox);
            double best = Double.NEGATIVE_INFINITY;
            int bestIndex = -1;
            double sum = 0;
            for (int ky = 0; ky < kernel; ky++) {
              for (int kx = 0; kx < kernel; kx++) {
                int iy = oy * stride - padding + ky;
                int ix = ox * stride - padding + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                  continue;
                }
                int flat = ((in * c + ci) * h + iy) * w + ix;
                double v = x.get(in, ci, iy, ix);
                sum += v;
                if (v > best) {
                  best = v;
                  bestIndex = flat;
                }
                if (!max) {
                  dx[flat] += g / (kernel * kernel);
                }
              }
            }
            if (max) {
              dx[bestIndex] += g;
            }
            y.set((float) (max ? best : sum / (kernel * kernel)), in, ci, oy, ox);
          }
        }
      }
    }
    return gradOutput == null ? y : toTensor(dx, x.shape());
  }

  private static Tensor toTensor(double[] values, int... shape) {
    float[] f = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      f[i] = (float) values[i];
    }
    return Tensor.of(f, shape);
  }
}
