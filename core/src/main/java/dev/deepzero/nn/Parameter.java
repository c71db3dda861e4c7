package dev.deepzero.nn;

import dev.deepzero.tensor.Tensor;

/**
 * A trainable tensor and the gradient of the loss with respect to it.
 *
 * <p>Lifecycle: {@link Layer#backward} adds ({@code +=}) into {@link #grad()}; an optimizer's {@code step()}
 * reads the gradient and updates {@link #value()} in place; {@link #zeroGrad()} clears the gradient before
 * the next backward. Both tensors keep their identity for the parameter's whole life, so optimizers and
 * state dicts may hold on to them.
 */
public final class Parameter {

  private final String name;
  private final Tensor value;
  private final Tensor grad;

  /**
   * @param name the local name within its layer, such as {@code "weight"}
   * @param value becomes the live value (not copied)
   */
  public Parameter(String name, Tensor value) {
    this.name = name;
    this.value = value;
    this.grad = Tensor.zeros(value.shape());
  }

  /** The local name within its layer, such as {@code "weight"} or {@code "bias"}. */
  public String name() {
    return name;
  }

  /** The live value. */
  public Tensor value() {
    return value;
  }

  /** The live accumulated gradient, same shape as the value. */
  public Tensor grad() {
    return grad;
  }

  /** Sets the gradient to zero. */
  public void zeroGrad() {
    grad.fill(0f);
  }

  @Override
  public String toString() {
    return name + value.shapeString();
  }
}
