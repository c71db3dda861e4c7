package dev.deepzero.nn.layers;

/**
 * Rectified linear unit: {@code y = max(0, x)}.
 *
 * <pre>
 * Shape: any -> same
 * backward: gradInput = gradOutput where x > 0, else 0 (the mask of the forward input)
 * </pre>
 */
public final class Relu extends LeakyRelu {

  /** A ReLU. */
  public Relu() {
    super(0f);
  }

  @Override
  public String toString() {
    return "Relu";
  }
}
