package dev.deepzero.nn.layers;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/** The check every layer's backward pass starts with: did a forward pass happen, and does gradOutput fit it. */
final class BackwardCheck {

  private BackwardCheck() {}

  /**
   * Returns {@code cached} after checking that a forward pass happened and that {@code gradOutput} has the
   * shape of that pass's output.
   */
  static Tensor cached(String layer, Tensor cached, int[] outputShape, Tensor gradOutput) {
    if (cached == null) {
      throw new IllegalStateException(layer + ": backward called before forward");
    }
    if (!Arrays.equals(outputShape, gradOutput.shape())) {
      throw new IllegalArgumentException(layer + ": gradOutput shape " + gradOutput.shapeString()
          + " does not match the forward output shape " + Arrays.toString(outputShape));
    }
    return cached;
  }
}
