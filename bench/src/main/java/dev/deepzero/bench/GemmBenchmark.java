package dev.deepzero.bench;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.ops.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time of one {@code C = op(A) · op(B)} through the library's path ({@link Gemm#sgemm} on
 * {@link Parallel#common()} over {@link KernelProvider#get()}), for the shapes the library produces. GFLOP/s = {@code 2·m·n·k / time};
 * {@code bench/gemm.sh} prints it.
 *
 * <p>A shape is {@code OP-MxNxK}, where {@code OP} is two letters, {@code N} or {@code T}, for op(A) and op(B).
 * The defaults: squares, and the products the models' training steps run, as Conv2d and Linear call them:
 * the articles' CNN's convolution per image ({@code W[30, 25] · col[25, 576]}) and first Linear ({@code x[100,
 * 4320] · Wᵀ}, W stored [100, 4320]); deep-cnn's second and third convolutions (per group of two and eight
 * images), the second's weight gradient ({@code g · colᵀ}) and column gradient ({@code Wᵀ · g}), and its
 * first Linear ({@code x[100, 6272] · Wᵀ}); the detector's first 3x3 convolution (32x32 plane) and its
 * context convolution (four 8x8 planes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// The launcher's JVM flags: on this VM, transparent huge pages alone moved 2048^3 from 212 to 282 GFLOP/s.
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC",
    "-XX:+UseTransparentHugePages"})
public class GemmBenchmark {

  /** Transposes and sizes, {@code OP-MxNxK}. */
  @Param({
      "NN-1024x1024x1024",
      "NN-2048x2048x2048",
      "NN-30x576x25",
      "NT-100x100x4320",
      "NN-64x392x288",
      "NN-128x392x576",
      "NT-64x288x392",
      "TN-288x392x64",
      "NT-100x256x6272",
      "NN-32x1024x144",
      "NN-128x256x576",
  })
  public String shape;

  private final Kernels kernels = KernelProvider.get();
  private final Parallel parallel = Parallel.common();
  private boolean transA;
  private boolean transB;
  private int m;
  private int n;
  private int k;
  private float[] a;
  private float[] b;
  private float[] c;

  /** Parses {@link #shape} and fills the operands with seeded values in [-1, 1). */
  @Setup
  public void setUp() {
    String[] parts = shape.split("-");
    transA = parts[0].charAt(0) == 'T';
    transB = parts[0].charAt(1) == 'T';
    String[] mnk = parts[1].split("x");
    m = Integer.parseInt(mnk[0]);
    n = Integer.parseInt(mnk[1]);
    k = Integer.parseInt(mnk[2]);
    SplittableRandom rng = new SplittableRandom(42);
    a = random(rng, m * k);
    b = random(rng, k * n);
    c = new float[m * n];
  }

  /** One product, overwriting C (beta 0). */
  @Benchmark
  public float[] sgemm() {
    Gemm.sgemm(parallel, kernels, transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, c, 0, n);
    return c;
  }

  private static float[] random(SplittableRandom rng, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) rng.nextDouble(-1, 1);
    }
    return v;
  }
}
