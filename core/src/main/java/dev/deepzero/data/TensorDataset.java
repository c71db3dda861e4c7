package dev.deepzero.data;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * A data set held in memory as two tensors whose first axis indexes the samples.
 */
public final class TensorDataset implements Dataset {

  private final Tensor inputs;
  private final Tensor targets;

  /**
   * @param inputs {@code [N, ...]}; Not modified, not copied
   * @param targets {@code [N, ...]}; Not modified, not copied
   */
  public TensorDataset(Tensor inputs, Tensor targets) {
    new Batch(inputs, targets); // validates the shared batch axis
    this.inputs = inputs;
    this.targets = targets;
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
    return new Batch(gather(inputs, indices), gather(targets, indices));
  }

  /**
   * The rows {@code indices} of {@code source} along its first axis, stacked in that order into a new tensor.
   *
   * @param source {@code [N, ...]}; Not modified
   * @throws IllegalArgumentException for an index outside {@code [0, N)}
   */
  static Tensor gather(Tensor source, int[] indices) {
    int n = source.dim(0);
    int stride = n == 0 ? 0 : source.size() / n;
    int[] shape = source.shape();
    shape[0] = indices.length;
    Tensor out = Tensor.zeros(shape);
    float[] src = source.data();
    float[] dst = out.data();
    for (int i = 0; i < indices.length; i++) {
      int index = indices[i];
      if (index < 0 || index >= n) {
        throw new IllegalArgumentException("sample index " + index + " is outside [0, " + n + ")");
      }
      System.arraycopy(src, index * stride, dst, i * stride, stride);
    }
    return out;
  }
}
