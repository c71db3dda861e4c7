package dev.deepzero.kernel;

/**
 * Float32 kernels on flat arrays with explicit offsets.
 *
 * <p>Conventions, shared by every method: matrices are row-major; an array argument named {@code dst}
 * (or {@code c} in {@link #sgemm}) is <em>Modified</em>, every other array is <em>Not modified</em>;
 * {@code n} is an element count. Implementations do not validate their arguments (callers in
 * {@code dev.deepzero.tensor} do) and may only {@code assert}. {@code dst} may alias an input for the
 * elementwise methods.
 *
 * <p>Two implementations exist: {@link ScalarKernels} (the reference) and a Vector API one. Both must agree:
 * exactly for elementwise methods, and within float rounding ({@code 1e-5 * n} relative) for reductions and
 * {@link #sgemm}.
 */
public interface Kernels {

  /** A short name for logs and benchmarks, such as {@code "scalar"} or {@code "panama"}. */
  String name();

  /**
   * General matrix multiply: {@code C = op(A) · op(B) + beta · C}, where {@code op(X)} is {@code X} or
   * {@code Xᵀ}.
   *
   * <pre>
   * op(A): [m, k]   stored as [m, k] (lda >= k) or, when transA, as [k, m] (lda >= m)
   * op(B): [k, n]   stored as [k, n] (ldb >= n) or, when transB, as [n, k] (ldb >= k)
   * C:     [m, n]   stored with row stride ldc >= n
   * </pre>
   *
   * @param beta 0 to overwrite {@code c} (its old contents are ignored, even NaN), 1 to accumulate into it;
   *     other values scale it
   * @param c Modified
   */
  void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc);

  /**
   * Rows of {@link #sgemm}'s register tile: a product cut into chunks of rows at multiples of this costs no
   * partial tile more than the whole. 1 for an untiled implementation.
   */
  int sgemmTileRows();

  /** Columns of {@link #sgemm}'s register tile, as {@link #sgemmTileRows} is for rows. */
  int sgemmTileColumns();

  /**
   * Accumulated dot products of rows: {@code C[i][j] += Σ_p A[i][p] · B[j][p]}, that is {@code C += A · Bᵀ} with
   * both operands stored row-major. For a few rows sharing a long {@code k} (a convolution's weight gradient per
   * image: 30 × 25 dot products of 576) it reads both operands in place, where {@link #sgemm} would first pack
   * a transposed copy of B.
   *
   * <pre>
   * A: [m, k] with row stride lda >= k;  B: [n, k] with row stride ldb >= k;  C: [m, n] with row stride ldc >= n
   * </pre>
   *
   * @param c Modified
   */
  void accumulateRowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc);

  /** Returns {@code Σ a[i]·b[i]} over {@code n} elements. */
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  /** Returns {@code Σ a[i]} over {@code n} elements. */
  float sum(float[] a, int aOff, int n);

  /**
   * Returns {@code Σ (a[i] - center)²} over {@code n} elements: a variance's second pass, reading {@code a} once
   * without storing the deviations.
   */
  float sumSquaredDeviations(float[] a, int aOff, int n, float center);

  /** Returns {@code max a[i]} over {@code n >= 1} elements. */
  float max(float[] a, int aOff, int n);

  /** {@code y[i] += alpha · x[i]}. @param y Modified */
  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

  /** {@code dst[i] = alpha · x[i]}. */
  void scale(float alpha, float[] x, int xOff, float[] dst, int dstOff, int n);

  /** {@code dst[i] = a[i] + b[i]}. */
  void add(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n);

  /** {@code dst[i] = a[i] · b[i]}. */
  void mul(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n);

  /** {@code dst[i] = x[i] > 0 ? x[i] : slope · x[i]}: ReLU for {@code slope = 0}, Leaky ReLU otherwise. */
  void leakyRelu(float slope, float[] x, int xOff, float[] dst, int dstOff, int n);

  /**
   * {@code dst[i] = x[i] > 0 ? gradOut[i] : slope · gradOut[i]}: the backward of {@link #leakyRelu}, where
   * {@code x} is the forward input.
   */
  void leakyReluBackward(float slope, float[] x, int xOff, float[] gradOut, int gOff,
      float[] dst, int dstOff, int n);
}
