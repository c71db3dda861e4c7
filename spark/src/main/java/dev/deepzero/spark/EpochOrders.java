package dev.deepzero.spark;

import dev.deepzero.data.Batches;
import dev.deepzero.train.Trainer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sample orders of an epoch, computed once per executor JVM and kept while the epoch runs: every step's task
 * needs the same permutation, and drawing 60,000 indices per task would cost more than the step's own work.
 */
final class EpochOrders {

  private record Key(int size, int batchSize, long seed, int epoch) {}

  // Few entries: the current epoch of each partition's order (and of the global one).
  private static final int KEPT = 64;
  private static final Map<Key, List<int[]>> ORDERS = new ConcurrentHashMap<>();

  private EpochOrders() {}

  /**
   * The batches of {@code size} samples shuffled by {@link Trainer#epochRandom}{@code (seed, epoch)}: with the
   * run's seed, the batches of a single-process {@link Trainer} epoch.
   */
  static List<int[]> batches(int size, int batchSize, long seed, int epoch) {
    Key key = new Key(size, batchSize, seed, epoch);
    List<int[]> order = ORDERS.get(key);
    if (order == null) {
      if (ORDERS.size() >= KEPT) {
        ORDERS.clear();
      }
      order = Batches.shuffled(size, batchSize, Trainer.epochRandom(seed, epoch));
      ORDERS.put(key, order);
    }
    return order;
  }

  /**
   * The samples of {@code batch} held by a block of {@code count} samples from {@code first}, as positions in
   * the block, in the batch's order.
   */
  static int[] shard(int[] batch, long first, int count) {
    return Arrays.stream(batch).filter(i -> i >= first && i < first + count).map(i -> (int) (i - first)).toArray();
  }
}
