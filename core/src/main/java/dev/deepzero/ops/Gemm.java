package dev.deepzero.ops;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * Matrix products of tensors, split over the thread pool: {@link Kernels#sgemm} does one product on one thread,
 * this class decides how a product is cut into such calls.
 *
 * <p>Every element of {@code C} is computed by one {@code sgemm} call on a sub-matrix, and the kernels'
 * arithmetic for an element does not depend on which sub-matrix it sits in, so the result is bit-identical for
 * any thread count. When {@code C} is too small to split and k is long, k is cut into fixed chunks whose partial
 * products are summed in order, for every thread count alike (so the same holds, though the rounding differs
 * from one {@code sgemm} call).
 */
public final class Gemm {

  private static final Kernels KERNELS = KernelProvider.get();

  // Below this many multiply-adds a product stays on the caller: waking a worker costs tens of microseconds.
  private static final long PARALLEL_MIN_MACS = 1L << 20;
  // A product is cut into chunks of rows (columns) only when it has more than these many: fewer are not worth a
  // thread. The cuts fall at multiples of the kernel's register tile, so that no chunk adds a partial tile, as
  // near the middle as that allows (cutting at multiples of these grains instead gave Linear's 256 columns to
  // two threads as 96 and 160).
  private static final int ROW_GRAIN = 48;
  private static final int COLUMN_GRAIN = 96;
  // Depth of each partial product when a product is split along k: a multiple of the kernels' depth blocks.
  private static final int DEPTH_CHUNK = 4096;

  private Gemm() {}

  /** Matrix product {@code op(a) · op(b)}, where {@code op(x)} is {@code x} or {@code xᵀ} (not materialised). */
  public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
    Tensor out = Tensor.zeros(productShape(a, transA, b, transB));
    multiply(a, transA, b, transB, 0f, out);
    return out;
  }

  /**
   * {@code dst = op(a) · op(b) + beta · dst}; {@code beta = 1} accumulates, as gradient updates need.
   *
   * @param dst Modified; must have the product's shape
   * @throws IllegalArgumentException naming both shapes when they do not multiply or do not fit {@code dst}
   */
  public static void multiply(Tensor a, boolean transA, Tensor b, boolean transB, float beta, Tensor dst) {
    int[] s = productShape(a, transA, b, transB);
    if (!Arrays.equals(s, dst.shape())) {
      throw new IllegalArgumentException("matmul: result " + Arrays.toString(s)
          + " does not match destination " + dst.shapeString());
    }
    int k = transA ? a.dim(0) : a.dim(1);
    sgemm(Parallel.common(), KERNELS, transA, transB, s[0], s[1], k, a.data(), 0, a.dim(1), b.data(), 0, b.dim(1),
        beta, dst.data(), 0, s[1]);
  }

  private static int[] productShape(Tensor a, boolean transA, Tensor b, boolean transB) {
    if (a.rank() != 2 || b.rank() != 2) {
      throw new IllegalArgumentException("matmul: " + a.shapeString() + " x " + b.shapeString()
          + ": both must be rank 2");
    }
    int m = transA ? a.dim(1) : a.dim(0);
    int ka = transA ? a.dim(0) : a.dim(1);
    int kb = transB ? b.dim(1) : b.dim(0);
    int n = transB ? b.dim(0) : b.dim(1);
    if (ka != kb) {
      throw new IllegalArgumentException("matmul: " + a.shapeString() + (transA ? "ᵀ" : "") + " x "
          + b.shapeString() + (transB ? "ᵀ" : "") + ": inner sizes " + ka + " and " + kb + " differ");
    }
    return new int[] {m, n};
  }

  /**
   * {@link Kernels#sgemm} with the rows of {@code C} (or its columns, when it has more columns than rows) split
   * over {@code pool}. Arguments are as in {@link Kernels#sgemm}, and are trusted.
   *
   * @param c Modified
   */
  public static void sgemm(Parallel pool, Kernels kernels, boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    if (m < 2 * ROW_GRAIN && n < 2 * COLUMN_GRAIN && k >= 2 * DEPTH_CHUNK) {
      // Too few rows and columns to split, and a long k (the weight gradient of a whole batch's im2col):
      // split k instead. Done whatever the thread count, so the arithmetic is the same for any count.
      depthSplit(pool, kernels, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else if (pool.threads() == 1 || (long) m * n * k < PARALLEL_MIN_MACS) {
      kernels.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else if (n > COLUMN_GRAIN && (n > m || m <= ROW_GRAIN)) {
      // Each chunk of columns multiplies all of op(A) (reading or packing all of it), each chunk of rows all of
      // op(B) (packing all of it): split the longer side, so that the operand every thread takes whole is the
      // smaller one. (Splitting the rows of Linear's input gradient, 100 x 4320 by k = 100, packed all 4320
      // columns of B in both threads: 15-20% slower.)
      // op(B) column j starts at b[j] when stored [k, n], at b[j * ldb] when stored [n, k].
      pool.forRange(n, kernels.sgemmTileColumns(), (from, to) -> kernels.sgemm(transA, transB, m, to - from, k,
          a, aOff, lda, b, bOff + (transB ? from * ldb : from), ldb, beta, c, cOff + from, ldc));
    } else {
      // op(A) row i starts at a[i * lda] when stored [m, k], at a[i] when stored [k, m].
      pool.forRange(m, kernels.sgemmTileRows(), (from, to) -> kernels.sgemm(transA, transB, to - from, n, k,
          a, aOff + (transA ? from : from * lda), lda, b, bOff, ldb, beta, c, cOff + from * ldc, ldc));
    }
  }

  /**
   * {@code C = beta · C + Σ_chunks op(A)[:, chunk] · op(B)[chunk, :]} over fixed chunks of {@link #DEPTH_CHUNK}
   * along k: each chunk's product goes to its own partial (in parallel), and the partials are summed in chunk
   * order.
   */
  private static void depthSplit(Parallel pool, Kernels kernels, boolean transA, boolean transB, int m, int n,
      int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    int chunks = (k + DEPTH_CHUNK - 1) / DEPTH_CHUNK;
    int size = m * n;
    float[] partials = Tensor.empty(chunks * size).data(); // each chunk overwrites its own (beta 0)
    pool.forRange(chunks, 1, (from, to) -> {
      for (int q = from; q < to; q++) {
        int p = q * DEPTH_CHUNK;
        // op(A) column p starts at a[p * lda] when stored [k, m], at a[p] when stored [m, k]; op(B) row p at
        // b[p] when stored [n, k], at b[p * ldb] when stored [k, n].
        kernels.sgemm(transA, transB, m, n, Math.min(DEPTH_CHUNK, k - p), a, aOff + (transA ? p * lda : p),
            lda, b, bOff + (transB ? p : p * ldb), ldb, 0f, partials, q * size, n);
      }
    });
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float sum = partials[i * n + j];
        for (int q = 1; q < chunks; q++) {
          sum += partials[q * size + i * n + j];
        }
        int at = cOff + i * ldc + j;
        c[at] = beta == 0f ? sum : beta == 1f ? c[at] + sum : beta * c[at] + sum;
      }
    }
  }
}
