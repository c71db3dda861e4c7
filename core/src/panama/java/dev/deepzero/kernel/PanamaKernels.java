package dev.deepzero.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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
  public void copyRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows,
      int length) {
    rows(false, src, srcOff, srcStride, dst, dstOff, dstStride, rows, length);
  }

  @Override
  public void addRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows,
      int length) {
    rows(true, src, srcOff, srcStride, dst, dstOff, dstStride, rows, length);
  }

  /** {@link #copyRows}, or {@link #addRows} with {@code add}. */
  private static void rows(boolean add, float[] src, int srcOff, int srcStride, float[] dst, int dstOff,
      int dstStride, int rows, int length) {
    int bound = S.loopBound(length);
    for (int r = 0; r < rows; r++) {
      int from = srcOff + r * srcStride;
      int to = dstOff + r * dstStride;
      int i = 0;
      for (; i < bound; i += VL) {
        FloatVector v = FloatVector.fromArray(S, src, from + i);
        (add ? FloatVector.fromArray(S, dst, to + i).add(v) : v).intoArray(dst, to + i);
      }
      // scalar tail
      for (; i < length; i++) {
        dst[to + i] = add ? dst[to + i] + src[from + i] : src[from + i];
      }
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

  // ---------------------------------------------------------------- max-pool backward

  // A vector holds VL / 2 windows' pixel pairs of one row: lane l is pixel l & 1 of window l / 2.
  private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
  // Each window's maximum and gradient repeated for its two pixels.
  private static final VectorShuffle<Float> PAIR_UP = VectorShuffle.fromOp(S, lane -> lane / 2);
  // The other pixel of the same window.
  private static final VectorShuffle<Integer> PARTNER = VectorShuffle.fromOp(SI, lane -> lane ^ 1);
  // All ones on the odd lanes (a window's second pixel), zero on the even ones.
  private static final IntVector ODD = IntVector.zero(SI).blend(-1, VectorMask.fromLong(SI, 0xAAAAAAAAAAAAAAAAL));

  @Override
  public void maxPool2x2Backward(float[] in, int row, int w, float[] y, int yOff, float[] g, int gOff, float[] gi,
      int windows) {
    int k = 0;
    int step = VL / 2;
    // Whole vectors of y and g are read, of which the first half is used: stop while a whole one still fits.
    int end = Math.min(windows, Math.min(y.length - yOff, g.length - gOff) - VL + 1);
    IntVector even = ODD.not();
    for (; k + step <= end; k += step) {
      int i = row + 2 * k;
      IntVector max = FloatVector.fromArray(S, y, yOff + k).rearrange(PAIR_UP).reinterpretAsInts();
      IntVector grad = FloatVector.fromArray(S, g, gOff + k).add(0f).rearrange(PAIR_UP).reinterpretAsInts();
      IntVector top = equalBits(FloatVector.fromArray(S, in, i), max);
      IntVector bottom = equalBits(FloatVector.fromArray(S, in, i + w), max);
      IntVector topPartner = top.rearrange(PARTNER);
      // Top row: the first pixel if it matches; the second if it matches and the first does not.
      IntVector toTop = top.and(topPartner.and(ODD).not());
      // Bottom row, when neither top pixel matched: the first if it matches, else the second (the last resort).
      IntVector toBottom = top.or(topPartner).not()
          .and(bottom.and(even).or(bottom.rearrange(PARTNER).not().and(ODD)));
      grad.and(toTop).reinterpretAsFloats().intoArray(gi, i);
      grad.and(toBottom).reinterpretAsFloats().intoArray(gi, i + w);
    }
    if (k < windows) {
      ScalarKernels.INSTANCE.maxPool2x2Backward(in, row + 2 * k, w, y, yOff + k, g, gOff + k, gi, windows - k);
    }
  }

  /** All ones in the lanes where {@code x} has the same bits as {@code bits}, zero elsewhere. */
  private static IntVector equalBits(FloatVector x, IntVector bits) {
    return IntVector.zero(SI).blend(-1, x.reinterpretAsInts().compare(VectorOperators.EQ, bits));
  }

  // ---------------------------------------------------------------- Winograd transforms
  //
  // A vector per point when a point is 8 lanes (the convolution's groups of 8 images) and the platform has 256-bit
  // vectors; otherwise the scalar reference. The same operations in the same order as the reference: same bits.

  private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
  private static final boolean POINT_VECTORS = VL >= 8;

  @Override
  public void winogradInputTransform(float[] d, int dOff, int rowStride, int tiles, int lanes, float[] v, int vOff,
      int vStride) {
    if (!POINT_VECTORS || lanes != 8) {
      ScalarKernels.INSTANCE.winogradInputTransform(d, dOff, rowStride, tiles, lanes, v, vOff, vStride);
      return;
    }
    for (int tx = 0; tx < tiles; tx++) {
      int p = dOff + 16 * tx;
      int to = vOff + 8 * tx;
      // Rows of t = Bᵀ · d, each the sum or difference of two rows of d, then each row of t times B.
      inputRow(d, p, p + 2 * rowStride, true, v, to, vStride);
      inputRow(d, p + rowStride, p + 2 * rowStride, false, v, to + 4 * vStride, vStride);
      inputRow(d, p + 2 * rowStride, p + rowStride, true, v, to + 8 * vStride, vStride);
      inputRow(d, p + rowStride, p + 3 * rowStride, true, v, to + 12 * vStride, vStride);
    }
  }

  /** Row {@code t = a ∓ b} of {@code Bᵀ · d} (rows of 4 points at {@code a}, {@code b}), then {@code t · B}. */
  private static void inputRow(float[] d, int a, int b, boolean subtract, float[] v, int to, int vStride) {
    FloatVector t0 = point(d, a, b, 0, subtract);
    FloatVector t1 = point(d, a, b, 8, subtract);
    FloatVector t2 = point(d, a, b, 16, subtract);
    FloatVector t3 = point(d, a, b, 24, subtract);
    t0.sub(t2).intoArray(v, to);
    t1.add(t2).intoArray(v, to + vStride);
    t2.sub(t1).intoArray(v, to + 2 * vStride);
    t1.sub(t3).intoArray(v, to + 3 * vStride);
  }

  private static FloatVector point(float[] d, int a, int b, int offset, boolean subtract) {
    FloatVector x = FloatVector.fromArray(S8, d, a + offset);
    FloatVector y = FloatVector.fromArray(S8, d, b + offset);
    return subtract ? x.sub(y) : x.add(y);
  }

  @Override
  public void winogradOutputTransform(float[] m, int mOff, int mStride, int tiles, int lanes, float[] y, int yOff,
      int rowStride) {
    if (!POINT_VECTORS || lanes != 8) {
      ScalarKernels.INSTANCE.winogradOutputTransform(m, mOff, mStride, tiles, lanes, y, yOff, rowStride);
      return;
    }
    for (int tx = 0; tx < tiles; tx++) {
      int q = mOff + 8 * tx;
      // M · A, row by row: r_i0 = (M_i0 + M_i1) + M_i2 and r_i1 = (M_i1 - M_i2) - M_i3.
      FloatVector r00 = rowSum(m, q, mStride);
      FloatVector r01 = rowDifference(m, q, mStride);
      FloatVector r10 = rowSum(m, q + 4 * mStride, mStride);
      FloatVector r11 = rowDifference(m, q + 4 * mStride, mStride);
      FloatVector r20 = rowSum(m, q + 8 * mStride, mStride);
      FloatVector r21 = rowDifference(m, q + 8 * mStride, mStride);
      FloatVector r30 = rowSum(m, q + 12 * mStride, mStride);
      FloatVector r31 = rowDifference(m, q + 12 * mStride, mStride);
      int to = yOff + 16 * tx;
      r00.add(r10).add(r20).intoArray(y, to);
      r01.add(r11).add(r21).intoArray(y, to + 8);
      r10.sub(r20).sub(r30).intoArray(y, to + rowStride);
      r11.sub(r21).sub(r31).intoArray(y, to + rowStride + 8);
    }
  }

  private static FloatVector rowSum(float[] m, int q, int stride) {
    return FloatVector.fromArray(S8, m, q).add(FloatVector.fromArray(S8, m, q + stride))
        .add(FloatVector.fromArray(S8, m, q + 2 * stride));
  }

  private static FloatVector rowDifference(float[] m, int q, int stride) {
    return FloatVector.fromArray(S8, m, q + stride).sub(FloatVector.fromArray(S8, m, q + 2 * stride))
        .sub(FloatVector.fromArray(S8, m, q + 3 * stride));
  }

  @Override
  public void winogradGradientTransform(float[] g, int gOff, int rowStride, int tiles, int lanes, float[] m,
      int mOff, int mStride) {
    if (!POINT_VECTORS || lanes != 8) {
      ScalarKernels.INSTANCE.winogradGradientTransform(g, gOff, rowStride, tiles, lanes, m, mOff, mStride);
      return;
    }
    for (int tx = 0; tx < tiles; tx++) {
      int p = gOff + 16 * tx;
      FloatVector a = FloatVector.fromArray(S8, g, p);
      FloatVector b = FloatVector.fromArray(S8, g, p + 8);
      FloatVector c = FloatVector.fromArray(S8, g, p + rowStride);
      FloatVector d = FloatVector.fromArray(S8, g, p + rowStride + 8);
      int to = mOff + 8 * tx;
      gradientRow(m, to, mStride, a, b);
      gradientRow(m, to + 4 * mStride, mStride, a.add(c), b.add(d));
      gradientRow(m, to + 8 * mStride, mStride, a.sub(c), b.sub(d));
      gradientRow(m, to + 12 * mStride, mStride, c.neg(), d.neg());
    }
  }

  private static void gradientRow(float[] m, int at, int stride, FloatVector p, FloatVector q) {
    p.intoArray(m, at);
    p.add(q).intoArray(m, at + stride);
    p.sub(q).intoArray(m, at + 2 * stride);
    q.neg().intoArray(m, at + 3 * stride);
  }
}
