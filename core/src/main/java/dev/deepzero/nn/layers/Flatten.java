package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;

/**
 * Flattens every axis but the batch axis, as between a convolutional backbone and a Linear head.
 *
 * <pre>
 * Shape: input [N, d1, d2, ...] -> output [N, d1·d2·...]
 * backward: gradInput = gradOutput reshaped to the input's shape
 * </pre>
 *
 * <p>Both directions return views that share storage with their argument; layers never write into their
 * inputs, so no copy is needed.
 */
public final class Flatten implements Layer {

  private int[] inputShape;

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    if (x.rank() < 1) {
      throw new IllegalArgumentException("Flatten: input " + x.shapeString() + " has no batch axis");
    }
    inputShape = x.shape();
    return x.reshape(x.dim(0), features(inputShape));
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    BackwardCheck.cached("Flatten", inputShape == null ? null : gradOutput,
        inputShape == null ? null : new int[] {inputShape[0], features(inputShape)}, gradOutput);
    return gradOutput.reshape(inputShape);
  }

  /** The values per sample: the product of every axis but the first, also for an empty batch. */
  private static int features(int[] shape) {
    int s = 1;
    for (int i = 1; i < shape.length; i++) {
      s *= shape[i];
    }
    return s;
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("Flatten");
  }

  @Override
  public String toString() {
    return "Flatten";
  }
}
