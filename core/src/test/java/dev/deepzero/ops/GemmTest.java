package dev.deepzero.ops;

import static dev.deepzero.testing.TensorAssert.assertClose;
import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.kernel.ScalarKernels;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.testing.Tolerances;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Gemm}: products of tensors against the triple loop, and the split over threads changes no bit. */
class GemmTest {

  /** A 2x3 tensor with values 1..6, row-major. */
  private static Tensor oneToSix() {
    return Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
  }

  private static void assertMessageNames(IllegalArgumentException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should name " + part);
    }
  }

  static Stream<Arguments> awkwardSizes() {
    int[] sizes = {1, 3, 7, 17, 33};
    Stream.Builder<Arguments> b = Stream.builder();
    for (int m : sizes) {
      for (int k : sizes) {
        for (int n : sizes) {
          // All 125 would be slow-ish to read in a report; every size appears on every axis anyway.
          if ((m + 2 * k + 3 * n) % 3 == 0 || m == k && k == n) {
            b.add(Arguments.of(m, k, n));
          }
        }
      }
    }
    return b.build();
  }

  /** The product by the textbook triple loop, in double. */
  private static Tensor naive(Tensor a, Tensor b) {
    int m = a.dim(0);
    int k = a.dim(1);
    int n = b.dim(1);
    Tensor out = Tensor.zeros(m, n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int p = 0; p < k; p++) {
          acc += (double) a.get(i, p) * b.get(p, j);
        }
        out.set((float) acc, i, j);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "[{0}, {1}] x [{1}, {2}]")
  @MethodSource("awkwardSizes")
  void matchesTripleLoopWithEveryTransposeFlag(int m, int k, int n) {
    SplittableRandom rng = new SplittableRandom(31L * m + 7L * k + n);
    Tensor a = Tensor.randn(rng, 1f, m, k);
    Tensor b = Tensor.randn(rng, 1f, k, n);
    Tensor expected = naive(a, b);
    float rtol = Tolerances.REDUCTION_RTOL;
    float atol = Tolerances.REDUCTION_ATOL;
    assertClose(Gemm.matmul(a, false, b, false), expected, rtol, atol, "a·b");
    assertClose(Gemm.matmul(a.transpose(), true, b, false), expected, rtol, atol, "(aᵀ)ᵀ·b");
    assertClose(Gemm.matmul(a, false, b.transpose(), true), expected, rtol, atol, "a·(bᵀ)ᵀ");
    assertClose(Gemm.matmul(a.transpose(), true, b.transpose(), true), expected, rtol, atol, "both");
  }

  @Test
  void handWorkedProduct() {
    Tensor b = Tensor.of(new float[][] {{7, 8}, {9, 10}, {11, 12}});
    assertExactlyEquals(Gemm.matmul(oneToSix(), false, b, false), Tensor.of(new float[][] {{58, 64}, {139, 154}}));
  }

  @Test
  void multiplyAccumulatesWithBetaOne() {
    Tensor a = oneToSix();
    Tensor b = Tensor.ones(3, 1);
    Tensor dst = Tensor.of(new float[] {1, 1}, 2, 1);
    Gemm.multiply(a, false, b, false, 1f, dst);
    assertExactlyEquals(dst, Tensor.of(new float[] {7, 16}, 2, 1));
    Gemm.multiply(a, false, b, false, 0f, dst);
    assertExactlyEquals(dst, Tensor.of(new float[] {6, 15}, 2, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.multiply(a, false, b, false, 0f, Tensor.zeros(1, 2)));
    assertMessageNames(e, "[2, 1]", "[1, 2]");
  }

  @Test
  void shapeMismatchNamesBothShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.matmul(Tensor.zeros(64, 784), false, Tensor.zeros(100, 10), false));
    assertMessageNames(e, "matmul", "[64, 784]", "[100, 10]");
    e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.matmul(Tensor.zeros(3), false, Tensor.zeros(3, 1), false));
    assertMessageNames(e, "matmul", "[3]", "[3, 1]");
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
            float[] a = Tensor.randn(rng, 1f, m * k).data();
            float[] b = Tensor.randn(rng, 1f, k * n).data();
            float[] c0 = Tensor.randn(rng, 1f, m * n).data();
            int lda = transA ? m : k;
            int ldb = transB ? k : n;
            float[] serial = c0.clone();
            Gemm.sgemm(one, kernels, transA, transB, m, n, k, a, 0, lda, b, 0, ldb, 1f, serial, 0, n);
            float[] split = c0.clone();
            Gemm.sgemm(two, kernels, transA, transB, m, n, k, a, 0, lda, b, 0, ldb, 1f, split, 0, n);
            assertArrayEquals(serial, split, kernels.name() + " " + t + " " + m + "x" + n + "x" + k);
          }
        }
      }
    }
  }
}
