package dev.deepzero.data;

import dev.deepzero.tensor.Tensor;

/**
 * A mini-batch: {@code inputs} {@code [B, ...]} and {@code targets} {@code [B, ...]} with the same B.
 *
 * @param inputs the model's input
 * @param targets what the loss compares the output with (class indices {@code [B]} or values)
 */
public record Batch(Tensor inputs, Tensor targets) {

  /** Checks that both tensors have the same batch size. */
  public Batch {
    if (inputs.rank() == 0 || targets.rank() == 0 || inputs.dim(0) != targets.dim(0)) {
      throw new IllegalArgumentException("Batch: inputs " + inputs.shapeString() + " and targets "
          + targets.shapeString() + " must share their first (batch) axis");
    }
  }

  /** The number of samples. */
  public int size() {
    return inputs.dim(0);
  }
}
