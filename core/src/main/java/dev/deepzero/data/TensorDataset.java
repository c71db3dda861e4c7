package dev.deepzero.data;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * A data set held in memory as two tensors whose first axis indexes the samples.
 */
public final class TensorDataset implements Dataset {

  private final Tensor inputs;
  private final Tensor targets;
  private final int inputStride;
  private final int targetStride;

  /**
   * @param inputs {@code [N, ...]}; Not modified, not copied
   * @param targets {@code [N, ...]}; Not modified, not copied
   */
  public TensorDataset(Tensor inputs, Tensor targets) {
    new Batch(inputs, targets); // validates the shared batch axis
    this.inputs = inputs;
    this.targets = targets;
    int n = inputs.dim(0);
    this.inputStride = n == 0 ? 0 : inputs.size() / n;
    this.targetStride = n == 0 ? 0 : targets.size() / n;
  }

  /** All inputs, {@code [N, ...]}. */
  public Tensor inputs() {
    return inputs;
  }

  /** All targets, {@code [N, ...]}. */
  public Tensor targets() {
    return targets;
  }

  @Override
  public int size() {
    return inputs.dim(0);
  }

  @Override
  public int[] inputShape() {
    int[] s = inputs.shape();
    return Arrays.copyOfRange(s, 1, s.length);
  }

  @Override
  public Batch batch(int[] indices) {
    return new Batch(gather(inputs, inputStride, indices), gather(targets, targetStride, indices));
  }

  private Tensor gather(Tensor source, int stride, int[] indices) {
    int[] shape = source.shape();
    shape[0] = indices.length;
    Tensor out = Tensor.zeros(shape);
    float[] src = source.data();
    float[] dst = out.data();
    for (int i = 0; i < indices.length; i++) {
      int index = indices[i];
      if (index < 0 || index >= size()) {
        throw new IllegalArgumentException("sample index " + index + " is outside [0, " + size() + ")");
      }
      System.arraycopy(src, index * stride, dst, i * stride, stride);
    }
    return out;
  }
}
