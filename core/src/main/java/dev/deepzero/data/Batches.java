package dev.deepzero.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Splits one epoch of a data set into mini-batches.
 *
 * <p>A shuffled epoch is a fresh random permutation of the sample indices cut into consecutive slices, so every
 * sample is seen exactly once per epoch (unlike the book's {@code np.random.choice}, which draws with
 * replacement). The last batch is smaller when the batch size does not divide the data set.
 */
public final class Batches {

  private Batches() {}

  /** The index slices of one epoch in random order, drawn from {@code rng}. */
  public static List<int[]> shuffled(int datasetSize, int batchSize, SplittableRandom rng) {
    int[] order = permutation(datasetSize, rng);
    return slices(order, batchSize);
  }

  /** The index slices of one epoch in order, for evaluation. */
  public static List<int[]> sequential(int datasetSize, int batchSize) {
    int[] order = new int[datasetSize];
    Arrays.setAll(order, i -> i);
    return slices(order, batchSize);
  }

  /** A uniformly random permutation of {@code 0 .. n-1} (Fisher–Yates). */
  public static int[] permutation(int n, SplittableRandom rng) {
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  private static List<int[]> slices(int[] order, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    List<int[]> batches = new ArrayList<>();
    for (int start = 0; start < order.length; start += batchSize) {
      batches.add(Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize)));
    }
    return batches;
  }
}
