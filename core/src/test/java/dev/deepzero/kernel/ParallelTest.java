package dev.deepzero.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link Parallel}: chunking and tasks cover every index once and failures surface. */
final class ParallelTest {

  @Test
  void forRangeVisitsEveryIndexExactlyOnce() {
    try (Parallel parallel = new Parallel(3)) {
      for (int n : new int[] {0, 1, 7, 100, 1001}) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        parallel.forRange(n, 16, (from, to) -> {
          for (int i = from; i < to; i++) {
            hits.incrementAndGet(i);
          }
        });
        for (int i = 0; i < n; i++) {
          assertEquals(1, hits.get(i), "n=" + n + " index " + i);
        }
      }
    }
  }

  @Test
  void forTasksRunsEveryTaskOnceAndNoSlotTwiceAtATime() {
    try (Parallel parallel = new Parallel(3)) {
      for (int tasks : new int[] {0, 1, 2, 7, 500}) {
        AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
        int slots = parallel.slots(tasks);
        AtomicIntegerArray busy = new AtomicIntegerArray(Math.max(1, slots));
        parallel.forTasks(tasks, (slot, task) -> {
          assertTrue(slot >= 0 && slot < slots, "slot " + slot + " of " + slots);
          assertEquals(0, busy.getAndIncrement(slot), "slot " + slot + " taken twice at once");
          runs.incrementAndGet(task);
          busy.decrementAndGet(slot);
        });
        for (int t = 0; t < tasks; t++) {
          assertEquals(1, runs.get(t), "tasks=" + tasks + " task " + t);
        }
      }
      assertEquals(3, parallel.slots(500));
      assertEquals(2, parallel.slots(2));
    }
  }

  @Test
  void chunkBoundsAreMultiplesOfGrain() {
    try (Parallel parallel = new Parallel(2)) {
      List<int[]> chunks = new ArrayList<>();
      parallel.forRange(100, 48, (from, to) -> {
        synchronized (chunks) {
          chunks.add(new int[] {from, to});
        }
      });
      chunks.sort((x, y) -> Integer.compare(x[0], y[0]));
      assertEquals(2, chunks.size());
      assertArrayEquals(new int[] {0, 48}, chunks.get(0));
      assertArrayEquals(new int[] {48, 100}, chunks.get(1));
    }
  }

  @Test
  void nestedForRangeFromAWorkerCompletes() {
    try (Parallel parallel = new Parallel(2)) {
      AtomicIntegerArray hits = new AtomicIntegerArray(64);
      parallel.forRange(4, 1, (from, to) -> {
        for (int outer = from; outer < to; outer++) {
          int base = outer * 16;
          parallel.forRange(16, 1, (f, t) -> {
            for (int i = f; i < t; i++) {
              hits.incrementAndGet(base + i);
            }
          });
        }
      });
      for (int i = 0; i < 64; i++) {
        assertEquals(1, hits.get(i), "index " + i);
      }
    }
  }

  @Test
  void chunkFailureIsRethrownToTheCaller() {
    try (Parallel parallel = new Parallel(2)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> parallel.forRange(10, 1, (from, to) -> {
            if (from <= 7 && 7 < to) {
              throw new IllegalStateException("chunk 7");
            }
          }));
      assertEquals("chunk 7", e.getMessage());
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new Parallel(0));
    try (Parallel parallel = new Parallel(1)) {
      assertThrows(IllegalArgumentException.class, () -> parallel.forRange(-1, 1, (f, t) -> { }));
      assertThrows(IllegalArgumentException.class, () -> parallel.forRange(1, 0, (f, t) -> { }));
    }
  }
}
