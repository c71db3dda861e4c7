package dev.deepzero.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * Assertions on tensors: shape first, then every element within {@code atol + rtol * |expected|} (DJL's
 * formula), with a message that names the first failing multi-index.
 */
public final class TensorAssert {

  private TensorAssert() {}

  /**
   * Asserts that {@code actual} has {@code expected}'s shape and that every element satisfies
   * {@code |a - b| <= atol + rtol * |b|}, where {@code b} is the expected value. NaN never passes unless both are
   * NaN.
   *
   * @param actual Not modified
   * @param expected Not modified
   */
  public static void assertClose(Tensor actual, Tensor expected, float rtol, float atol) {
    assertClose(actual, expected, rtol, atol, "");
  }

  /**
   * As {@link #assertClose(Tensor, Tensor, float, float)}, with {@code what} prefixed to the failure message.
   *
   * @param actual Not modified
   * @param expected Not modified
   */
  public static void assertClose(Tensor actual, Tensor expected, float rtol, float atol, String what) {
    String prefix = what.isEmpty() ? "" : what + ": ";
    if (!actual.sameShape(expected)) {
      fail(prefix + "shape " + actual.shapeString() + " differs from expected " + expected.shapeString());
    }
    float[] a = actual.data();
    float[] b = expected.data();
    for (int i = 0; i < a.length; i++) {
      if (!close(a[i], b[i], rtol, atol)) {
        fail(prefix + "at index " + Arrays.toString(multiIndex(i, expected.shape())) + ": actual " + a[i]
            + ", expected " + b[i] + " (|diff| " + Math.abs(a[i] - b[i]) + " > atol " + atol + " + rtol " + rtol
            + " * |expected|); shape " + expected.shapeString());
      }
    }
  }

  /**
   * Asserts closeness to the given values, read in {@code actual}'s shape.
   *
   * @param actual Not modified
   * @param expected Not modified
   */
  public static void assertClose(Tensor actual, float[] expected, float rtol, float atol) {
    if (actual.size() != expected.length) {
      fail("shape " + actual.shapeString() + " holds " + actual.size() + " values, expected " + expected.length);
    }
    assertClose(actual, Tensor.of(expected, actual.shape()), rtol, atol);
  }

  /**
   * Asserts that two tensors have the same shape and bit-for-bit equal values.
   *
   * @param actual Not modified
   * @param expected Not modified
   */
  public static void assertExactlyEquals(Tensor actual, Tensor expected) {
    assertClose(actual, expected, 0f, 0f);
  }

  private static boolean close(float a, float b, float rtol, float atol) {
    if (Float.isNaN(a) || Float.isNaN(b)) {
      return Float.isNaN(a) && Float.isNaN(b);
    }
    if (a == b) {
      return true; // covers equal infinities, where a - b would be NaN
    }
    return Math.abs((double) a - b) <= atol + rtol * Math.abs((double) b);
  }

  /** The multi-index of flat position {@code flat} in a row-major array of {@code shape}. */
  static int[] multiIndex(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    int rest = flat;
    for (int i = shape.length - 1; i >= 0; i--) {
      idx[i] = rest % shape[i];
      rest /= shape[i];
    }
    return idx;
  }
}
