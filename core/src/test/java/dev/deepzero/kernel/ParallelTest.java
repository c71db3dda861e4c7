package dev.deepzero.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link Parallel}: chunking covers every index once, failures surface, and GEMM does not depend on threads. */
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

  @Test
  void sgemmIsBitIdenticalForOneAndTwoThreads() {
    List<Kernels> implementations = new ArrayList<>(List.of(ScalarKernels.INSTANCE));
    if (KernelProvider.panamaOrNull() != null) {
      implementations.add(KernelProvider.panamaOrNull());
    }
    // Rows split (m large), columns split (m small, n large; and n > m with m over two row chunks), an
    // im2col-like skinny product, and a small C with a long k (split along k, with a short last chunk).
    int[][] shapes = {{301, 70, 130}, {30, 333, 200}, {120, 700, 60}, {2000, 30, 25}, {30, 25, 9000}};
    SplittableRandom rng = new SplittableRandom(6);
    try (Parallel one = new Parallel(1); Parallel two = new Parallel(2)) {
      for (Kernels kernels : implementations) {
        for (int[] s : shapes) {
          for (int t = 0; t < 4; t++) {
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = KernelsAgreementTest.random(rng, m * k);
            float[] b = KernelsAgreementTest.random(rng, k * n);
            float[] c0 = KernelsAgreementTest.random(rng, m * n);
            int lda = transA ? m : k;
            int ldb = transB ? k : n;
            float[] serial = c0.clone();
            one.sgemm(kernels, transA, transB, m, n, k, a, 0, lda, b, 0, ldb, 1f, serial, 0, n);
            float[] split = c0.clone();
            two.sgemm(kernels, transA, transB, m, n, k, a, 0, lda, b, 0, ldb, 1f, split, 0, n);
            assertArrayEquals(serial, split, kernels.name() + " " + t + " " + m + "x" + n + "x" + k);
          }
        }
      }
    }
  }
}
