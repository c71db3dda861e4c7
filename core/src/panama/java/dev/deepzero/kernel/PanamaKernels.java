package dev.deepzero.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the Vector API ({@code jdk.incubator.vector}), at the platform's preferred width.
 * Loaded reflectively by {@link KernelProvider}; tested against {@link ScalarKernels}.
 *
 * <p>Elementwise methods do the same IEEE operations as the scalar reference (no fused multiply-add), so they
 * agree exactly. Reductions keep one partial per lane and differ from the reference by rounding only.
 *
 * <p>The matrix products are {@link PanamaGemm}'s; this class holds the elementwise kernels and reductions.
 */
final class PanamaKernels implements Kernels {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();
  // One vector's lanes on their way to lanesSum, per thread: dot and sum are called per image and channel by
  // the convolution and the channel norm, and a new float[VL] per call was over a gigabyte per deep-cnn
  // benchmark. Per thread for the reasons PanamaGemm's buffers are (below the workspace, on worker threads).
  private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[VL]);

  PanamaKernels() {}

  @Override
  public String name() {
    return "panama";
  }

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    PanamaGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  @Override
  public int sgemmTileRows() {
    return PanamaGemm.MR;
  }

  @Override
  public int sgemmTileColumns() {
    return PanamaGemm.NR;
  }

  @Override
  public void accumulateRowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    PanamaGemm.accumulateRowDots(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
  }

  // ---------------------------------------------------------------- reductions

  /**
   * The sum of one vector's lanes, stored at {@code lanes[from, from + VL)}, in lane order. Not
   * {@code reduceLanes(ADD)}: its order is unspecified, and in practice differs between the JIT's compiled code
   * and the interpreter's, so a result would depend on when the JIT got to a method, and seeded training runs
   * would differ in their last digits. The caller stores the vector, into an array it reuses where it reduces
   * many (a new {@code float[VL]} per reduction was a fifth of the bytes a training step allocated).
   */
  static float lanesSum(float[] lanes, int from) {
    float sum = 0f;
    for (int i = from; i < from + VL; i++) {
      sum += lanes[i];
    }
    return sum;
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    return dotProduct(a, aOff, b, bOff, n);
  }

  /** {@link #dot}, for {@link PanamaGemm}'s edge rows as well. */
  static float dotProduct(float[] a, int aOff, float[] b, int bOff, int n) {
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = acc0;
    int i = 0;
    int bound2 = n - n % (2 * VL);
    for (; i < bound2; i += 2 * VL) {
      acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
      acc1 = FloatVector.fromArray(S, a, aOff + i + VL).fma(FloatVector.fromArray(S, b, bOff + i + VL), acc1);
    }
    for (int bound = S.loopBound(n); i < bound; i += VL) {
      acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
    }
    float[] lanes = LANES.get();
    acc0.add(acc1).intoArray(lanes, 0);
    float res = lanesSum(lanes, 0);
    // scalar tail
    for (; i < n; i++) {
      res = Math.fma(a[aOff + i], b[bOff + i], res);
    }
    return res;
  }

  @Override
  public float sum(float[] a, int aOff, int n) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += VL) {
      acc = acc.add(FloatVector.fromArray(S, a, aOff + i));
    }
    float[] lanes = LANES.get();
    acc.intoArray(lanes, 0);
    float res = lanesSum(lanes, 0);
    // scalar tail
    for (; i < n; i++) {
      res += a[aOff + i];
    }
    return res;
  }

  @Override
  public float sumSquaredDeviations(float[] a, int aOff, int n, float center) {
    FloatVector c = FloatVector.broadcast(S, center);
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = acc0;
    int i = 0;
    // Two chains of multiply-adds, as in dotProduct: one would wait on its own latency.
    int bound2 = n - n % (2 * VL);
    for (; i < bound2; i += 2 * VL) {
      FloatVector d0 = FloatVector.fromArray(S, a, aOff + i).sub(c);
      FloatVector d1 = FloatVector.fromArray(S, a, aOff + i + VL).sub(c);
      acc0 = d0.fma(d0, acc0);
      acc1 = d1.fma(d1, acc1);
    }
    for (int bound = S.loopBound(n); i < bound; i += VL) {
      FloatVector d = FloatVector.fromArray(S, a, aOff + i).sub(c);
      acc0 = d.fma(d, acc0);
    }
    float[] lanes = LANES.get();
    acc0.add(acc1).intoArray(lanes, 0);
    float res = lanesSum(lanes, 0);
    // scalar tail
    for (; i < n; i++) {
      float d = a[aOff + i] - center;
      res = Math.fma(d, d, res);
    }
    return res;
  }

  @Override
  public float max(float[] a, int aOff, int n) {
    float res = a[aOff];
    int i = 0;
    int bound = S.loopBound(n);
    if (bound > 0) {
      FloatVector acc = FloatVector.fromArray(S, a, aOff);
      for (i = VL; i < bound; i += VL) {
        acc = acc.max(FloatVector.fromArray(S, a, aOff + i));
      }
      res = acc.reduceLanes(VectorOperators.MAX);
    }
    // scalar tail
    for (; i < n; i++) {
      res = Math.max(res, a[aOff + i]);
    }
    return res;
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += VL) {
      // mul then add, not fma: the result must equal the scalar reference exactly.
      FloatVector.fromArray(S, x, xOff + i).mul(alpha).add(FloatVector.fromArray(S, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    // scalar tail
    for (; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public void scale(float alpha, float[] x, int xOff, float[] dst, int dstOff, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += VL) {
      FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(dst, dstOff + i);
    }
    // scalar tail
    for (; i < n; i++) {
      dst[dstOff + i] = alpha * x[xOff + i];
    }
  }

  @Override
  public void add(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += VL) {
      FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(dst, dstOff + i);
    }
    // scalar tail
    for (; i < n; i++) {
      dst[dstOff + i] = a[aOff + i] + b[bOff + i];
    }
  }

  @Override
  public void mul(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += VL) {
      FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(dst, dstOff + i);
    }
    // scalar tail
    for (; i < n; i++) {
      dst[dstOff + i] = a[aOff + i] * b[bOff + i];
    }
  }

  @Override
  public void leakyRelu(float slope, float[] x, int xOff, float[] dst, int dstOff, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += VL) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(dst, dstOff + i);
    }
    // scalar tail
    for (; i < n; i++) {
      float v = x[xOff + i];
      dst[dstOff + i] = v > 0f ? v : slope * v;
    }
  }

  @Override
  public void leakyReluBackward(float slope, float[] x, int xOff, float[] gradOut, int gOff,
      float[] dst, int dstOff, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += VL) {
      FloatVector g = FloatVector.fromArray(S, gradOut, gOff + i);
      VectorMask<Float> positive = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
      g.mul(slope).blend(g, positive).intoArray(dst, dstOff + i);
    }
    // scalar tail
    for (; i < n; i++) {
      float g = gradOut[gOff + i];
      dst[dstOff + i] = x[xOff + i] > 0f ? g : slope * g;
    }
  }
}
