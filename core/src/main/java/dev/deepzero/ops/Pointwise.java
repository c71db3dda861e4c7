package dev.deepzero.ops;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Elementwise operations of the layers, on the vector kernels and, for large tensors, both cores: Leaky ReLU and
 * its backward, products with a mask, the drawing of dropout masks, and a bias added to each row or summed from
 * them. Outputs come from {@link Tensor#empty}.
 *
 * <p>Loops that read one array and write another at a different offset ({@code x[base + j] += v[j]}) go through
 * the kernels even when short: C2 left them at about 1 ns per element, against 0.09 with equal offsets.
 */
public final class Pointwise {

  private static final Kernels KERNELS = KernelProvider.get();
  // Elements per parallel task: below this, waking the second thread costs more than it saves.
  private static final int ELEMENTS_PER_TASK = 1 << 15;

  private Pointwise() {}

  /** {@code y = x > 0 ? x : alpha·x}. @param x Not modified */
  public static Tensor leakyRelu(Tensor x, float alpha) {
    Tensor out = Tensor.empty(x.shape());
    float[] in = x.data();
    float[] y = out.data();
    Parallel.common().forRange(x.size(), ELEMENTS_PER_TASK, (from, to) ->
        KERNELS.leakyRelu(alpha, in, from, y, from, to - from));
    return out;
  }

  /**
   * {@code gradInput = x > 0 ? gradOutput : alpha·gradOutput}, where {@code x} is the forward input.
   *
   * @param x Not modified
   * @param gradOutput shaped as {@code x}; Not modified
   */
  public static Tensor leakyReluBackward(Tensor x, Tensor gradOutput, float alpha) {
    Tensor gradInput = Tensor.empty(x.shape());
    float[] in = x.data();
    float[] g = gradOutput.data();
    float[] gi = gradInput.data();
    Parallel.common().forRange(x.size(), ELEMENTS_PER_TASK, (from, to) ->
        KERNELS.leakyReluBackward(alpha, in, from, g, from, gi, from, to - from));
    return gradInput;
  }

  /**
   * {@code a · b} elementwise, for operands of the same shape (no broadcasting).
   *
   * @param a Not modified
   * @param b Not modified; shaped as {@code a} (the caller checks)
   */
  public static Tensor multiply(Tensor a, Tensor b) {
    Tensor out = Tensor.empty(a.shape());
    KERNELS.mul(a.data(), 0, b.data(), 0, out.data(), 0, a.size());
    return out;
  }

  /**
   * {@code x[n, j] += v[j]} for every row {@code n} of {@code x} {@code [N, J]}: a bias added to each row.
   *
   * @param x Modified
   * @param v {@code J} elements; Not modified
   */
  public static void addToEveryRow(Tensor x, Tensor v) {
    float[] rows = x.data();
    float[] add = v.data();
    int cols = add.length;
    for (int base = 0; base < rows.length; base += cols) {
      KERNELS.add(rows, base, add, 0, rows, base, cols);
    }
  }

  /**
   * {@code sum[j] += Σ_n x[n, j]}, the rows added one after another in order: a bias gradient.
   *
   * @param x {@code [N, J]}; Not modified
   * @param sum {@code J} elements; Modified
   */
  public static void addRowsInto(Tensor x, Tensor sum) {
    float[] rows = x.data();
    float[] s = sum.data();
    int cols = s.length;
    for (int base = 0; base < rows.length; base += cols) {
      KERNELS.add(s, 0, rows, base, s, 0, cols);
    }
  }

  /**
   * An inverted-dropout mask of {@code shape}: each element is 0 with probability {@code p} and
   * {@code 1/(1-p)} otherwise, drawn from {@code rng}. An element is dropped when a uniform 32-bit draw falls
   * below {@code p · 2^32}; each {@code nextLong()} serves two elements.
   *
   * @param rng Modified: advanced by one draw per two elements
   */
  public static Tensor dropoutMask(SplittableRandom rng, float p, int... shape) {
    Tensor mask = Tensor.empty(shape);
    float[] m = mask.data();
    long threshold = (long) (p * 0x1p32);
    int keepBits = Float.floatToRawIntBits(1f / (1f - p));
    for (int i = 0; i < m.length; i += 2) {
      long bits = rng.nextLong();
      // Kept (all-ones) when the draw is at least the threshold, dropped (zero bits) below it, without a
      // branch: a branch mispredicted on a quarter of the elements and took most of the time.
      m[i] = Float.intBitsToFloat(keepBits & ~(int) (((bits & 0xFFFFFFFFL) - threshold) >> 63));
      if (i + 1 < m.length) {
        m[i + 1] = Float.intBitsToFloat(keepBits & ~(int) (((bits >>> 32) - threshold) >> 63));
      }
    }
    return mask;
  }
}
