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

  /**
   * {@code dst[dstOff + r·dstStride + i] = src[srcOff + r·srcStride + i]} for {@code rows} rows of
   * {@code length}: im2col's rows of an unpadded layer, one call for all of them (a call per row of ten pixels
   * cost more than the copying).
   */
  void copyRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows,
      int length);

  /** {@code dst[dstOff + r·dstStride + i] += src[srcOff + r·srcStride + i]}: {@link #copyRows}' adjoint. */
  void addRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows,
      int length);

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

  /**
   * The backward of 2x2, stride-2 max pooling along one pair of input rows, {@code windows} windows: window
   * {@code k} covers {@code in[row + 2k]}, {@code in[row + 2k + 1]} and the two pixels {@code w} further (the row
   * below), and its maximum is {@code y[yOff + k]}. Its gradient {@code g[gOff + k] + 0} (a -0 becomes +0, as
   * when added to zeroed memory) goes to the first of the four pixels, row-major, whose float bits equal the
   * maximum's, or to the last pixel if none does; the other three get 0. Writes all four pixels of each window
   * into {@code gi}, at the same indices as {@code in}.
   */
  void maxPool2x2Backward(float[] in, int row, int w, float[] y, int yOff, float[] g, int gOff, float[] gi,
      int windows);

  // ---------------------------------------------------------------- Winograd F(2x2, 3x3) transforms
  //
  // Data for these is lane-interleaved: a point of a plane is `lanes` consecutive floats, one per image of a
  // group, so one vector holds the same pixel of every image. A plane row is `rowStride` floats.

  /**
   * The input transform {@code V = Bᵀ · d · B} of {@code tiles} tiles along a row: tile {@code tx} is the 4x4
   * patch of points whose top left is {@code d[dOff + 2·tx·lanes]}; position {@code ξ = 4i + j} of its
   * transform goes to {@code v[vOff + ξ·vStride + tx·lanes]}. With Bᵀ's rows {@code (1, 0, -1, 0)},
   * {@code (0, 1, 1, 0)}, {@code (0, -1, 1, 0)}, {@code (0, 1, 0, -1)}: down the columns
   * {@code t_0 = d_0 - d_2, t_1 = d_1 + d_2, t_2 = d_2 - d_1, t_3 = d_1 - d_3}, then the same along each row of t.
   */
  void winogradInputTransform(float[] d, int dOff, int rowStride, int tiles, int lanes, float[] v, int vOff,
      int vStride);

  /**
   * The output transform {@code y = Aᵀ · M · A} of {@code tiles} tiles: position {@code ξ = 4i + j} of tile
   * {@code tx} at {@code m[mOff + ξ·mStride + tx·lanes]}; its 2x2 outputs go to the points at
   * {@code y[yOff + 2·tx·lanes]} (and the next point, and the same two a row below). With Aᵀ's rows
   * {@code (1, 1, 1, 0)} and {@code (0, 1, -1, -1)}: along each row {@code r_i0 = (M_i0 + M_i1) + M_i2},
   * {@code r_i1 = (M_i1 - M_i2) - M_i3}, then down the two columns the same.
   */
  void winogradOutputTransform(float[] m, int mOff, int mStride, int tiles, int lanes, float[] y, int yOff,
      int rowStride);

  /**
   * The output-gradient transform {@code A · dy · Aᵀ} of {@code tiles} tiles, the weight gradient's operand:
   * tile {@code tx}'s 2x2 gradient at the points {@code g[gOff + 2·tx·lanes]} (and the next, and the two a row
   * below), position {@code ξ = 4i + j} of its 4x4 transform to {@code m[mOff + ξ·mStride + tx·lanes]}.
   * Each row {@code (p, q)} of {@code A · dy} (rows {@code (a, b), (a + c, b + d), (a - c, b - d), (-c, -d)})
   * becomes {@code (p, p + q, p - q, -q)}.
   */
  void winogradGradientTransform(float[] g, int gOff, int rowStride, int tiles, int lanes, float[] m, int mOff,
      int mStride);
}
