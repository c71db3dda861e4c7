package dev.deepzero.loss;

import dev.deepzero.tensor.Tensor;

/**
 * A scalar training objective over a batch.
 *
 * <p>Lifecycle: {@link #forward} computes the batch-mean loss and caches what {@link #backward} needs;
 * {@link #backward} returns dLoss/dPrediction for that forward call (already divided by the batch size, so
 * the next step is {@code model.backward(loss.backward())}). Neither method modifies its arguments.
 */
public interface Loss {

  /**
   * The mean loss over the batch.
   *
   * @param prediction Not modified
   * @param target Not modified; its accepted shapes depend on the loss
   * @throws IllegalArgumentException naming both shapes when they do not fit together
   */
  float forward(Tensor prediction, Tensor target);

  /**
   * dLoss/dPrediction for the last forward call, with the prediction's shape: a new tensor on every call, which
   * the caller may modify (to weight the loss, say) without changing what the next call returns.
   *
   * @throws IllegalStateException if called before forward
   */
  Tensor backward();
}
