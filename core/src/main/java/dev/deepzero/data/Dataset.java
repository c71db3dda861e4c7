package dev.deepzero.data;

/**
 * A finite, indexable collection of (input, target) samples.
 */
public interface Dataset {

  /** The number of samples. */
  int size();

  /**
   * The samples at {@code indices}, stacked into one batch in that order.
   *
   * @param indices Not modified; each in {@code [0, size())}
   * @throws IllegalArgumentException for an index out of range
   */
  Batch batch(int[] indices);

  /** The shape of one input sample, without the batch axis. */
  int[] inputShape();
}
