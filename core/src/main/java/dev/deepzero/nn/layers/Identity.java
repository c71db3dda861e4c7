package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;

/**
 * The identity activation, {@code y = x}: the articles' "no activation" for a linear output layer.
 *
 * <pre>
 * Shape: any -> same
 * backward: gradInput = gradOutput (the same tensor: layers never write into their arguments)
 * </pre>
 */
public final class Identity implements Layer {

  private int[] shape;

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    shape = x.shape();
    return x;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    BackwardCheck.cached("Identity", shape == null ? null : gradOutput, shape, gradOutput);
    return gradOutput;
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("Identity");
  }

  @Override
  public String toString() {
    return "Identity";
  }
}
