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

  /**
   * Restarts the data set's random draws (augmentation), and those of the data sets it views, from {@code seed}.
   * The trainer calls it at the start of every epoch with a seed made from the run's seed and the epoch number,
   * so that a run resumed from a checkpoint sees what the uninterrupted run would have seen. Data sets without
   * randomness ignore it, which is the default; views pass it on to what they view.
   */
  default void reseed(long seed) {}
}
