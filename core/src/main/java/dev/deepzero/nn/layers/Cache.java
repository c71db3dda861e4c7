package dev.deepzero.nn.layers;

import dev.deepzero.tensor.Tensor;

/** Checks shared by the layers' backward passes. */
final class Cache {

  private Cache() {}

  /**
   * Returns {@code cached} after checking that a forward pass happened and that {@code gradOutput} has the
   * shape of that pass's output.
   */
  static Tensor checkBackward(String layer, Tensor cached, int[] outputShape, Tensor gradOutput) {
    if (cached == null) {
      throw new IllegalStateException(layer + ": backward called before forward");
    }
    if (!java.util.Arrays.equals(outputShape, gradOutput.shape())) {
      throw new IllegalArgumentException(layer + ": gradOutput shape " + gradOutput.shapeString()
          + " does not match the forward output shape " + java.util.Arrays.toString(outputShape));
    }
    return cached;
  }
}
