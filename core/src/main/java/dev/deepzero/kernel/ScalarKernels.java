package dev.deepzero.kernel;

/**
 * The reference {@link Kernels}: plain loops, written to be read and trusted. The SIMD implementation is
 * tested against this one.
 */
public final class ScalarKernels implements Kernels {

  /** The single instance; the class holds no state. */
  public static final ScalarKernels INSTANCE = new ScalarKernels();

  private ScalarKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int sgemmTileRows() {
    return 1;
  }

  @Override
  public int sgemmTileColumns() {
    return 1;
  }

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, cRow, cRow + n, 0f);
      } else if (beta != 1f) {
        for (int j = 0; j < n; j++) {
          c[cRow + j] *= beta;
        }
      }
      if (!transB) {
        // i-p-j order: the inner loop walks a row of B and a row of C contiguously.
        for (int p = 0; p < k; p++) {
          float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          if (aip == 0f) {
            continue;
          }
          int bRow = bOff + p * ldb;
          for (int j = 0; j < n; j++) {
            c[cRow + j] += aip * b[bRow + j];
          }
        }
      } else {
        // B is stored [n, k]: each C element is a dot product of two contiguous-ish rows.
        for (int j = 0; j < n; j++) {
          int bRow = bOff + j * ldb;
          float acc = 0f;
          for (int p = 0; p < k; p++) {
            float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            acc += aip * b[bRow + p];
          }
          c[cRow + j] += acc;
        }
      }
    }
  }

  @Override
  public void accumulateRowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        c[cOff + i * ldc + j] += dot(a, aOff + i * lda, b, bOff + j * ldb, k);
      }
    }
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float acc = 0f;
    for (int i = 0; i < n; i++) {
      acc += a[aOff + i] * b[bOff + i];
    }
    return acc;
  }

  @Override
  public float sum(float[] a, int aOff, int n) {
    float acc = 0f;
    for (int i = 0; i < n; i++) {
      acc += a[aOff + i];
    }
    return acc;
  }

  @Override
  public float sumSquaredDeviations(float[] a, int aOff, int n, float center) {
    float acc = 0f;
    for (int i = 0; i < n; i++) {
      float d = a[aOff + i] - center;
      acc += d * d;
    }
    return acc;
  }

  @Override
  public float max(float[] a, int aOff, int n) {
    float best = a[aOff];
    for (int i = 1; i < n; i++) {
      best = Math.max(best, a[aOff + i]);
    }
    return best;
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public void scale(float alpha, float[] x, int xOff, float[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = alpha * x[xOff + i];
    }
  }

  @Override
  public void add(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = a[aOff + i] + b[bOff + i];
    }
  }

  @Override
  public void copyRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows,
      int length) {
    for (int r = 0; r < rows; r++) {
      System.arraycopy(src, srcOff + r * srcStride, dst, dstOff + r * dstStride, length);
    }
  }

  @Override
  public void addRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows,
      int length) {
    for (int r = 0; r < rows; r++) {
      int from = srcOff + r * srcStride;
      int to = dstOff + r * dstStride;
      for (int i = 0; i < length; i++) {
        dst[to + i] += src[from + i];
      }
    }
  }

  @Override
  public void mul(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = a[aOff + i] * b[bOff + i];
    }
  }

  @Override
  public void leakyRelu(float slope, float[] x, int xOff, float[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      dst[dstOff + i] = v > 0f ? v : slope * v;
    }
  }

  @Override
  public void leakyReluBackward(float slope, float[] x, int xOff, float[] gradOut, int gOff,
      float[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      float g = gradOut[gOff + i];
      dst[dstOff + i] = x[xOff + i] > 0f ? g : slope * g;
    }
  }

  @Override
  public void maxPool2x2Backward(float[] in, int row, int w, float[] y, int yOff, float[] g, int gOff, float[] gi,
      int windows) {
    for (int k = 0; k < windows; k++) {
      int i = row + 2 * k;
      int max = Float.floatToRawIntBits(y[yOff + k]);
      float grad = g[gOff + k] + 0f;
      boolean a0 = Float.floatToRawIntBits(in[i]) == max;
      boolean a1 = !a0 && Float.floatToRawIntBits(in[i + 1]) == max;
      boolean b0 = !a0 && !a1 && Float.floatToRawIntBits(in[i + w]) == max;
      boolean b1 = !a0 && !a1 && !b0;
      gi[i] = a0 ? grad : 0f;
      gi[i + 1] = a1 ? grad : 0f;
      gi[i + w] = b0 ? grad : 0f;
      gi[i + w + 1] = b1 ? grad : 0f;
    }
  }

  @Override
  public void winogradInputTransform(float[] d, int dOff, int rowStride, int tiles, int lanes, float[] v, int vOff,
      int vStride) {
    float[] t = new float[16];
    for (int tx = 0; tx < tiles; tx++) {
      for (int lane = 0; lane < lanes; lane++) {
        int p = dOff + 2 * tx * lanes + lane;
        for (int j = 0; j < 4; j++) {
          int q = p + j * lanes;
          float d0 = d[q];
          float d1 = d[q + rowStride];
          float d2 = d[q + 2 * rowStride];
          float d3 = d[q + 3 * rowStride];
          t[j] = d0 - d2;
          t[4 + j] = d1 + d2;
          t[8 + j] = d2 - d1;
          t[12 + j] = d1 - d3;
        }
        int to = vOff + tx * lanes + lane;
        for (int i = 0; i < 4; i++) {
          float t0 = t[4 * i];
          float t1 = t[4 * i + 1];
          float t2 = t[4 * i + 2];
          float t3 = t[4 * i + 3];
          v[to + 4 * i * vStride] = t0 - t2;
          v[to + (4 * i + 1) * vStride] = t1 + t2;
          v[to + (4 * i + 2) * vStride] = t2 - t1;
          v[to + (4 * i + 3) * vStride] = t1 - t3;
        }
      }
    }
  }

  @Override
  public void winogradOutputTransform(float[] m, int mOff, int mStride, int tiles, int lanes, float[] y, int yOff,
      int rowStride) {
    float[] r = new float[8];
    for (int tx = 0; tx < tiles; tx++) {
      for (int lane = 0; lane < lanes; lane++) {
        int q = mOff + tx * lanes + lane;
        for (int i = 0; i < 4; i++) {
          float m0 = m[q + 4 * i * mStride];
          float m1 = m[q + (4 * i + 1) * mStride];
          float m2 = m[q + (4 * i + 2) * mStride];
          float m3 = m[q + (4 * i + 3) * mStride];
          r[2 * i] = m0 + m1 + m2;
          r[2 * i + 1] = m1 - m2 - m3;
        }
        int to = yOff + 2 * tx * lanes + lane;
        y[to] = r[0] + r[2] + r[4];
        y[to + lanes] = r[1] + r[3] + r[5];
        y[to + rowStride] = r[2] - r[4] - r[6];
        y[to + rowStride + lanes] = r[3] - r[5] - r[7];
      }
    }
  }

  @Override
  public void winogradGradientTransform(float[] g, int gOff, int rowStride, int tiles, int lanes, float[] m,
      int mOff, int mStride) {
    for (int tx = 0; tx < tiles; tx++) {
      for (int lane = 0; lane < lanes; lane++) {
        int p = gOff + 2 * tx * lanes + lane;
        float a = g[p];
        float b = g[p + lanes];
        float c = g[p + rowStride];
        float d = g[p + rowStride + lanes];
        int to = mOff + tx * lanes + lane;
        gradientRow(m, to, mStride, a, b);
        gradientRow(m, to + 4 * mStride, mStride, a + c, b + d);
        gradientRow(m, to + 8 * mStride, mStride, a - c, b - d);
        gradientRow(m, to + 12 * mStride, mStride, -c, -d);
      }
    }
  }

  private static void gradientRow(float[] m, int at, int stride, float p, float q) {
    m[at] = p;
    m[at + stride] = p + q;
    m[at + 2 * stride] = p - q;
    m[at + 3 * stride] = -q;
  }
}
