package dev.deepzero.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchesTest {

  private static int[] concat(List<int[]> batches) {
    return batches.stream().flatMapToInt(IntStream::of).toArray();
  }

  @Test
  void shuffledEpochIsAPermutationCutIntoBatchesWithAPartialLast() {
    List<int[]> batches = Batches.shuffled(10, 3, new SplittableRandom(1));
    assertArrayEquals(new int[] {3, 3, 3, 1}, batches.stream().mapToInt(b -> b.length).toArray());
    int[] all = concat(batches);
    int[] sorted = all.clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, 10).toArray(), sorted, "every sample exactly once");
    assertFalse(Arrays.equals(IntStream.range(0, 10).toArray(), all), "the order is shuffled");
  }

  @Test
  void sameSeedSameOrderAndDifferentSeedsDiffer() {
    assertArrayEquals(concat(Batches.shuffled(50, 8, new SplittableRandom(4))),
        concat(Batches.shuffled(50, 8, new SplittableRandom(4))));
    assertFalse(Arrays.equals(concat(Batches.shuffled(50, 8, new SplittableRandom(4))),
        concat(Batches.shuffled(50, 8, new SplittableRandom(5)))));
  }

  @Test
  void permutationIsUniformEnough() {
    // Where does element 0 land over many shuffles of 4? Each position about a quarter of the time.
    int[] counts = new int[4];
    SplittableRandom rng = new SplittableRandom(9);
    int trials = 8000;
    for (int t = 0; t < trials; t++) {
      int[] p = Batches.permutation(4, rng);
      for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
          counts[i]++;
        }
      }
    }
    for (int c : counts) {
      assertEquals(0.25, (double) c / trials, 0.025, Arrays.toString(counts)); // ~5 standard deviations
    }
  }

  @Test
  void sequentialKeepsOrderAndHandlesBigBatches() {
    List<int[]> batches = Batches.sequential(5, 2);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, concat(batches));
    assertEquals(3, batches.size());
    assertEquals(1, Batches.sequential(5, 100).size());
    assertEquals(0, Batches.sequential(0, 4).size());
    assertThrows(IllegalArgumentException.class, () -> Batches.sequential(5, 0));
  }
}
