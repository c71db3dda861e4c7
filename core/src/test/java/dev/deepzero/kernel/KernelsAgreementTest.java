package dev.deepzero.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels against the scalar reference, over sizes around vector widths and tile sizes:
 * exact equality for elementwise methods and max, {@code 1e-5 · n} relative for sums and GEMM.
 */
final class KernelsAgreementTest {

  private static final int[] SIZES = {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1023};
  // Float32 rounding grows at most linearly with the number of terms summed.
  private static final float RTOL_PER_TERM = 1e-5f;
  private static final float[] BETAS = {0f, 1f, 0.5f};

  private final Kernels scalar = ScalarKernels.INSTANCE;
  private Kernels panama;

  @BeforeEach
  void requirePanama() {
    panama = KernelProvider.panamaOrNull();
    assumeTrue(panama != null, "jdk.incubator.vector is not available");
  }

  @Test
  void namesDiffer() {
    assertEquals("scalar", scalar.name());
    assertEquals("panama", panama.name());
  }

  @Test
  void elementwiseMethodsAgreeExactly() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int n : SIZES) {
      int off = 1 + rng.nextInt(5);
      float[] x = random(rng, n + off);
      float[] y = random(rng, n + off);
      x[off] = 0f; // ReLU's boundary: 0 is not > 0
      float alpha = (float) rng.nextDouble(-2, 2);
      for (float slope : new float[] {0f, 0.01f}) {
        assertSame(n, off, (k, d) -> k.leakyRelu(slope, x, off, d, off, n));
        assertSame(n, off, (k, d) -> k.leakyReluBackward(slope, x, off, y, off, d, off, n));
      }
      assertSame(n, off, (k, d) -> k.scale(alpha, x, off, d, off, n));
      assertSame(n, off, (k, d) -> k.add(x, off, y, off, d, off, n));
      assertSame(n, off, (k, d) -> k.mul(x, off, y, off, d, off, n));
      assertSame(n, off, (k, d) -> {
        System.arraycopy(y, 0, d, 0, n + off);
        k.axpy(alpha, x, off, d, off, n);
      });
    }
  }

  @Test
  void rowCopiesAndAddsAgreeExactly() {
    SplittableRandom rng = new SplittableRandom(14);
    for (int length : new int[] {1, 7, 8, 10, 17, 33}) {
      int rows = 1 + rng.nextInt(6);
      int srcStride = length + rng.nextInt(5);
      int dstStride = length + rng.nextInt(5);
      float[] src = random(rng, 3 + rows * srcStride);
      float[] base = random(rng, 2 + rows * dstStride);
      assertSameArrays(base.length, "copyRows " + length, (k, d) -> {
        System.arraycopy(base, 0, d, 0, base.length);
        k.copyRows(src, 3, srcStride, d, 2, dstStride, rows, length);
      });
      assertSameArrays(base.length, "addRows " + length, (k, d) -> {
        System.arraycopy(base, 0, d, 0, base.length);
        k.addRows(src, 3, srcStride, d, 2, dstStride, rows, length);
      });
    }
  }

  @Test
  void elementwiseMethodsMayWriteInPlace() {
    SplittableRandom rng = new SplittableRandom(2);
    float[] x = random(rng, 33);
    float[] expected = x.clone();
    scalar.leakyRelu(0.1f, expected, 0, expected, 0, 33);
    float[] actual = x.clone();
    panama.leakyRelu(0.1f, actual, 0, actual, 0, 33);
    assertArrayEquals(expected, actual);
  }

  @Test
  void reductionsAgree() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int n : SIZES) {
      int off = rng.nextInt(4);
      float[] a = random(rng, n + off);
      float[] b = random(rng, n + off);
      float delta = RTOL_PER_TERM * n;
      assertEquals(scalar.dot(a, off, b, off, n), panama.dot(a, off, b, off, n), delta, "dot " + n);
      assertEquals(scalar.sum(a, off, n), panama.sum(a, off, n), delta, "sum " + n);
      // Values in [-1, 1] and a center in [-1, 1]: each squared deviation is at most 4.
      float center = a[off];
      assertEquals(scalar.sumSquaredDeviations(a, off, n, center), panama.sumSquaredDeviations(a, off, n, center),
          4 * delta, "sumSquaredDeviations " + n);
      assertEquals(scalar.max(a, off, n), panama.max(a, off, n), 0f, "max " + n);
    }
  }

  /**
   * The Winograd transforms do the reference's operations in its order, so they agree to the bit: with 8 lanes
   * (a vector per point) and with 3 (the reference itself), on rows of 1 to 5 tiles, at offsets and strides
   * that are not multiples of a vector.
   */
  @Test
  void winogradTransformsAgreeExactly() {
    SplittableRandom rng = new SplittableRandom(12);
    for (int lanes : new int[] {8, 3}) {
      for (int tiles = 1; tiles <= 5; tiles++) {
        int t = tiles;
        int off = 1 + rng.nextInt(7);
        int rowStride = (2 * tiles + 2) * lanes + rng.nextInt(5);
        int stride = tiles * lanes + 1 + rng.nextInt(5);
        float[] d = random(rng, off + 4 * rowStride);
        float[] m = random(rng, off + 16 * stride);
        String what = tiles + " tiles of " + lanes + " lanes";
        assertSameArrays(off + 16 * stride, what + ": input",
            (k, v) -> k.winogradInputTransform(d, off, rowStride, t, lanes, v, off, stride));
        assertSameArrays(off + 2 * rowStride, what + ": output",
            (k, y) -> k.winogradOutputTransform(m, off, stride, t, lanes, y, off, rowStride));
        assertSameArrays(off + 16 * stride, what + ": gradient",
            (k, v) -> k.winogradGradientTransform(d, off, rowStride, t, lanes, v, off, stride));
      }
    }
  }

  /**
   * Max-pool backward: values drawn from a few, with both zeros and NaN, so that windows tie, and some maxima
   * that match no pixel (the last pixel takes the gradient); a -0 gradient arrives as +0. Rows of 1 to 20
   * windows, with the row below {@code w} further (even and odd widths).
   */
  @Test
  void maxPoolBackwardAgreesExactly() {
    SplittableRandom rng = new SplittableRandom(13);
    float[] values = {-1f, -0f, 0f, 1f, 2f, Float.NaN};
    for (int windows = 1; windows <= 20; windows++) {
      int w = 2 * windows + rng.nextInt(3);
      int off = rng.nextInt(5);
      float[] in = new float[off + 2 * w];
      for (int i = 0; i < in.length; i++) {
        in[i] = values[rng.nextInt(values.length)];
      }
      float[] y = new float[windows + 3];
      float[] g = new float[windows + 3];
      for (int k = 0; k < windows; k++) {
        int i = off + 2 * k;
        y[k] = rng.nextInt(5) == 0 ? 3f
            : Math.max(Math.max(in[i], in[i + 1]), Math.max(in[i + w], in[i + w + 1]));
        g[k] = rng.nextInt(4) == 0 ? -0f : (float) rng.nextDouble(-1, 1);
      }
      int n = windows;
      assertSameArrays(off + 2 * w, windows + " windows, w " + w,
          (k, gi) -> k.maxPool2x2Backward(in, off, w, y, 0, g, 0, gi, n));
    }
  }

  @Test
  void winogradTransformsComputeBTransposeDB() {
    // One tile of one lane: V = Bᵀ · d · B for d = 1..16, written out by hand from Bᵀ's rows.
    float[] d = new float[16];
    for (int i = 0; i < 16; i++) {
      d[i] = i + 1;
    }
    float[] v = new float[16];
    scalar.winogradInputTransform(d, 0, 4, 1, 1, v, 0, 1);
    // t = Bᵀ · d: rows d0 - d2, d1 + d2, d2 - d1, d1 - d3 of the 4x4 (rows of d are 4 apart: 1..4, 5..8, ...).
    float[][] t = {{-8, -8, -8, -8}, {14, 16, 18, 20}, {4, 4, 4, 4}, {-8, -8, -8, -8}};
    float[] expected = new float[16];
    for (int i = 0; i < 4; i++) {
      expected[4 * i] = t[i][0] - t[i][2];
      expected[4 * i + 1] = t[i][1] + t[i][2];
      expected[4 * i + 2] = t[i][2] - t[i][1];
      expected[4 * i + 3] = t[i][1] - t[i][3];
    }
    assertArrayEquals(expected, v);
  }

  @Test
  void sgemmAgreesForAllTransposesAndBetas() {
    SplittableRandom rng = new SplittableRandom(4);
    int[][] shapes = new int[40][];
    for (int i = 0; i < shapes.length; i++) {
      shapes[i] = new int[] {pick(rng), pick(rng), pick(rng)};
    }
    // Shapes that cross the blocking: k beyond one packed block, n beyond one packed B block (and A packed),
    // A packed over several k blocks with a row tail, m tails.
    int[][] fixed = {{1023, 17, 33}, {7, 2100, 3}, {33, 31, 1023}, {100, 100, 300}, {64, 64, 64}, {151, 200, 300}};
    for (int[] s : concat(shapes, fixed)) {
      for (int t = 0; t < 4; t++) {
        boolean transA = (t & 1) != 0;
        boolean transB = (t & 2) != 0;
        checkSgemm(rng, transA, transB, s[0], s[1], s[2], BETAS[rng.nextInt(BETAS.length)]);
      }
    }
  }

  @Test
  void reductionsGiveTheSameBitsBeforeAndAfterTheJitCompilesThem() {
    // Values over many magnitudes, so that a different order of adding the lanes changes the rounding. The first
    // calls run interpreted, later ones compiled: seeded training must not depend on when the JIT got there.
    SplittableRandom rng = new SplittableRandom(8);
    int n = 301;
    float[] a = new float[n];
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rng.nextDouble(-1, 1) * Math.pow(10, rng.nextInt(-6, 7)));
      b[i] = (float) rng.nextDouble(-1, 1);
    }
    float[] c = new float[9];
    float firstDot = panama.dot(a, 0, b, 0, n);
    float firstSum = panama.sum(a, 0, n);
    panama.accumulateRowDots(3, 3, 100, a, 0, 100, b, 0, 100, c, 0, 3);
    float[] firstDots = c.clone();
    for (int call = 0; call < 30_000; call++) {
      assertEquals(Float.floatToRawIntBits(firstDot), Float.floatToRawIntBits(panama.dot(a, 0, b, 0, n)), "dot");
      assertEquals(Float.floatToRawIntBits(firstSum), Float.floatToRawIntBits(panama.sum(a, 0, n)), "sum");
      if (call % 10 == 0) {
        java.util.Arrays.fill(c, 0f);
        panama.accumulateRowDots(3, 3, 100, a, 0, 100, b, 0, 100, c, 0, 3);
        assertArrayEquals(firstDots, c, "row dots, call " + call);
      }
    }
  }

  @Test
  void rowDotsAgreeOnAwkwardSizesAndOffsets() {
    SplittableRandom rng = new SplittableRandom(6);
    int[][] fixed = {{30, 25, 576}, {1, 1, 1}, {3, 3, 1023}, {7, 5, 17}, {4, 8, 33}, {17, 15, 100}};
    for (int[] s : fixed) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      int lda = k + 3;
      int ldb = k + 1;
      int ldc = n + 2;
      float[] a = random(rng, 5 + m * lda);
      float[] b = random(rng, 2 + n * ldb);
      float[] c = random(rng, 1 + m * ldc);
      float[] expected = c.clone();
      scalar.accumulateRowDots(m, n, k, a, 5, lda, b, 2, ldb, expected, 1, ldc);
      panama.accumulateRowDots(m, n, k, a, 5, lda, b, 2, ldb, c, 1, ldc);
      for (int i = 0; i < c.length; i++) {
        assertEquals(expected[i], c[i], 1e-5f * k + 1e-5f, "row dots " + m + "x" + n + "x" + k + " at " + i);
      }
    }
  }

  @Test
  void sgemmBetaZeroIgnoresNanInC() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int[] s : new int[][] {{3, 3, 3}, {40, 40, 40}}) {
      float[] a = random(rng, s[0] * s[2]);
      float[] b = random(rng, s[2] * s[1]);
      float[] c = new float[s[0] * s[1]];
      java.util.Arrays.fill(c, Float.NaN);
      panama.sgemm(false, false, s[0], s[1], s[2], a, 0, s[2], b, 0, s[1], 0f, c, 0, s[1]);
      for (float v : c) {
        assertTrue(Float.isFinite(v), "beta 0 must overwrite NaN");
      }
    }
  }

  @Test
  void sgemmWithEmptyInnerDimensionScalesC() {
    float[] c = {1f, Float.NaN, 3f, 4f};
    panama.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
    assertArrayEquals(new float[4], c);
    float[] d = {1f, 2f, 3f, 4f};
    panama.sgemm(true, true, 2, 2, 0, new float[0], 0, 2, new float[0], 0, 1, 0.5f, d, 0, 2);
    assertArrayEquals(new float[] {0.5f, 1f, 1.5f, 2f}, d);
  }

  /** A hand-worked product, so the reference itself is checked too. */
  @Test
  void sgemmMatchesHandWorkedCase() {
    float[] a = {1, 2, 3, 4, 5, 6}; // [2, 3]
    float[] b = {7, 8, 9, 10, 11, 12}; // [3, 2]
    float[] expected = {58, 64, 139, 154};
    for (Kernels k : new Kernels[] {scalar, panama}) {
      float[] c = new float[4];
      k.sgemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
      assertArrayEquals(expected, c, k.name());
    }
  }

  /**
   * B stored [n, k] is packed by a transpose (8 x 8 blocks in registers where the panel is deep enough, a
   * scalar loop for the rest); stored [k, n] by a copy. Both must give the same packed panels, so the products
   * must be bit-identical: the shapes cover whole and partial 8-column blocks, depths below and above the
   * register transpose's threshold and beyond one packed block, and row strides with padding. With fewer rows
   * than a register tile (a batch of 1 or 2 through Linear), B stored [n, k] is packed and B stored [k, n] is not:
   * the two paths must agree to the bit too, or a batch-1 prediction would differ from the same sample's row in
   * a larger batch.
   */
  @Test
  void sgemmGivesTheSameBitsForBothStoredLayoutsOfB() {
    SplittableRandom rng = new SplittableRandom(6);
    int[][] shapes = {{7, 33, 100}, {13, 64, 64}, {6, 47, 300}, {100, 100, 4320}, {20, 17, 63}, {9, 96, 257},
        {31, 1, 80}, {12, 130, 513}, {1, 256, 784}, {2, 100, 300}, {1, 10, 84}};
    for (int[] s : shapes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      int pad = rng.nextInt(3);
      float[] a = random(rng, m * k);
      float[] stored = random(rng, n * (k + pad)); // B stored [n, k], row stride k + pad
      float[] plain = new float[k * n]; // the same B stored [k, n]
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < k; p++) {
          plain[p * n + j] = stored[j * (k + pad) + p];
        }
      }
      float[] fromTransposed = new float[m * n];
      float[] fromPlain = new float[m * n];
      panama.sgemm(false, true, m, n, k, a, 0, k, stored, 0, k + pad, 0f, fromTransposed, 0, n);
      panama.sgemm(false, false, m, n, k, a, 0, k, plain, 0, n, 0f, fromPlain, 0, n);
      assertArrayEquals(fromPlain, fromTransposed, "m=" + m + " n=" + n + " k=" + k);
    }
  }

  private void checkSgemm(SplittableRandom rng, boolean transA, boolean transB, int m, int n, int k, float beta) {
    int rowsA = transA ? k : m;
    int colsA = transA ? m : k;
    int rowsB = transB ? n : k;
    int colsB = transB ? k : n;
    int lda = colsA + rng.nextInt(3);
    int ldb = colsB + rng.nextInt(3);
    int ldc = n + rng.nextInt(3);
    int aOff = 1 + rng.nextInt(4);
    int bOff = 1 + rng.nextInt(4);
    int cOff = 1 + rng.nextInt(4);
    float[] a = random(rng, aOff + rowsA * lda);
    float[] b = random(rng, bOff + rowsB * ldb);
    float[] c0 = random(rng, cOff + m * ldc);
    if (beta == 0f) {
      java.util.Arrays.fill(c0, Float.NaN);
    }
    float[] expected = c0.clone();
    scalar.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
    float[] actual = c0.clone();
    panama.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, actual, cOff, ldc);
    String what = "sgemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
        + " beta=" + beta;
    for (int i = 0; i < actual.length; i++) {
      int row = (i - cOff) / ldc;
      int col = (i - cOff) % ldc;
      boolean inC = i >= cOff && row < m && col < n;
      if (!inC) {
        assertEquals(c0[i], actual[i], 0f, what + ": wrote outside C at " + i);
        continue;
      }
      // Values are in [-1, 1], so k + 1 bounds the sum of absolute terms.
      float delta = RTOL_PER_TERM * (k + 1);
      assertEquals(expected[i], actual[i], delta, what + " at (" + row + ", " + col + ")");
    }
  }

  @FunctionalInterface
  private interface Op {
    void apply(Kernels kernels, float[] dst);
  }

  /** Runs {@code op} with both implementations on fresh destinations and asserts bit-identical results. */
  private void assertSameArrays(int length, String what, Op op) {
    float[] expected = new float[length];
    float[] actual = new float[length];
    op.apply(scalar, expected);
    op.apply(panama, actual);
    assertArrayEquals(expected, actual, what);
  }

  private void assertSame(int n, int off, Op op) {
    float[] expected = new float[n + off + 2];
    float[] actual = new float[n + off + 2];
    op.apply(scalar, expected);
    op.apply(panama, actual);
    assertArrayEquals(expected, actual, "size " + n);
  }

  private static int pick(SplittableRandom rng) {
    return SIZES[rng.nextInt(SIZES.length - 1)]; // 1023 only in the fixed shapes, to keep the test fast
  }

  private static int[][] concat(int[][] x, int[][] y) {
    int[][] all = java.util.Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, all, x.length, y.length);
    return all;
  }

  static float[] random(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rng.nextDouble(-1, 1);
    }
    return v;
  }
}
