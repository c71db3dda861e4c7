package dev.deepzero.testing;

/**
 * The one home for numeric test tolerances (EJML lesson). Every test compares floats through these names, so a
 * tolerance is tuned in one place and the reason for its size is written next to it.
 *
 * <p>{@link TensorAssert#assertClose} passes when {@code |actual - expected| <= atol + rtol * |expected|}.
 */
public final class Tolerances {

  /** Relative tolerance for forward values computed in float32 against a hand-worked or double reference. */
  public static final float FORWARD_RTOL = 1e-5f;

  /** Absolute floor for forward values, so that results near zero are not held to a relative bound. */
  public static final float FORWARD_ATOL = 1e-6f;

  /**
   * Relative tolerance for analytic gradients against central differences: float32 with {@code eps = 1e-3}
   * leaves about three significant digits, so 1% is the honest bound.
   */
  public static final float GRAD_RTOL = 1e-2f;

  /** Absolute floor for gradient comparisons, for the same float32 reason as {@link #GRAD_RTOL}. */
  public static final float GRAD_ATOL = 1e-3f;

  /**
   * Relative tolerance for long float32 reductions (matmul, sums over many terms) against a double loop: the
   * rounding error grows with the number of terms, and the kernels may reorder or fuse them (FMA).
   */
  public static final float REDUCTION_RTOL = 1e-4f;

  /** Absolute floor for long reductions, for the same reason as {@link #REDUCTION_RTOL}. */
  public static final float REDUCTION_ATOL = 1e-4f;

  /**
   * Tolerance for values typed in from the articles, which print four or five significant digits: the check
   * is that our result matches the printed number, not that the article carried more digits.
   */
  public static final float ARTICLE_ATOL = 1e-4f;

  private Tolerances() {}
}
