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
    int n = x.dim(0);
    return x.reshape(n, n == 0 ? 0 : x.size() / n);
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    int n = inputShape == null ? 0 : inputShape[0];
    Cache.checkBackward("Flatten", inputShape == null ? null : gradOutput,
        new int[] {n, n == 0 ? 0 : gradOutputSize() / n}, gradOutput);
    return gradOutput.reshape(inputShape);
  }

  private int gradOutputSize() {
    int s = 1;
    for (int d : inputShape) {
      s *= d;
    }
    return s;
  }

  @Override
  public boolean samplewiseInEval() {
    return true;
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
