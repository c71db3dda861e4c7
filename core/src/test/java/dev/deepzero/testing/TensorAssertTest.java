package dev.deepzero.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class TensorAssertTest {

  @Test
  void passesWithinAtolPlusRtolTimesExpected() {
    Tensor expected = Tensor.of(new float[] {100f, 0f}, 2);
    // 100 * 1e-2 + 1e-3 = 1.001 allowed at index 0; 1e-3 at index 1.
    TensorAssert.assertClose(Tensor.of(new float[] {101f, 0.0009f}, 2), expected, 1e-2f, 1e-3f);
  }

  @Test
  void failureNamesTheFirstFailingMultiIndex() {
    Tensor expected = Tensor.zeros(2, 3);
    Tensor actual = Tensor.zeros(2, 3);
    actual.set(1f, 1, 2);
    actual.set(5f, 1, 1);
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> TensorAssert.assertClose(actual, expected, 0f, 0.5f));
    assertTrue(e.getMessage().contains("[1, 1]"), e.getMessage());
  }

  @Test
  void shapeIsCheckedBeforeValues() {
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> TensorAssert.assertClose(Tensor.zeros(6), Tensor.zeros(2, 3), 1f, 1f));
    assertTrue(e.getMessage().contains("[6]") && e.getMessage().contains("[2, 3]"), e.getMessage());
  }

  @Test
  void nanNeverMatchesANumber() {
    assertThrows(AssertionFailedError.class, () -> TensorAssert.assertClose(
        Tensor.of(new float[] {Float.NaN}, 1), Tensor.zeros(1), 1f, 1f));
  }

  @Test
  void multiIndexIsRowMajor() {
    assertArrayEquals(new int[] {1, 0, 2}, TensorAssert.multiIndex(1 * 12 + 0 * 4 + 2, new int[] {2, 3, 4}));
  }
}
