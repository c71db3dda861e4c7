package dev.deepzero.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The library's one home for threads: a fixed pool of daemon threads and a deterministic parallel-for.
 *
 * <p>{@link #forRange} cuts {@code [0, n)} into contiguous chunks whose bounds depend only on {@code n},
 * {@code grain} and the thread count, and runs them on the pool and the calling thread. Callers keep results
 * independent of the thread count by computing each output element inside exactly one chunk, with the same
 * arithmetic as the single-threaded path; {@link #sgemm} does so for matrix products.
 *
 * <p>Lifecycle: {@link #common()} is created on first use, sized to {@link Runtime#availableProcessors()} or to
 * the system property {@value #PROPERTY}, and lives as long as the JVM (its threads are daemons). Instances made
 * with {@link #Parallel(int)} are for tests and benchmarks and should be {@link #close() closed}.
 *
 * <p>The caller claims chunks too, and waits only for chunks already started by others. One {@code forRange}
 * runs on the pool at a time: one issued while another is running (from inside a chunk, or from a second
 * thread) runs all its chunks on its caller, so it cannot deadlock, and its results are the same.
 *
 * <p>Workers wait for the next {@code forRange} by spinning for {@value #SPIN_MICROS} µs, then sleep until
 * woken. A training step issues dozens of them a few hundred microseconds apart; waking a sleeping thread
 * took 10-50 µs each on the 2-core VM we measure on (an OpenMP runtime or OpenBLAS spins likewise).
 */
public final class Parallel implements AutoCloseable {

  /** System property that sets the thread count of {@link #common()}, such as {@code 1} for serial runs. */
  public static final String PROPERTY = "dev.deepzero.threads";

  // Below this many multiply-adds a GEMM stays on the caller: waking a worker costs tens of microseconds.
  private static final long GEMM_PARALLEL_MIN_MACS = 1L << 20;
  // Chunks of a GEMM are cut at multiples of these many rows / columns: multiples of every register-tile height
  // (4, 6, 8) and width (16, 32, 64 floats) in use, so that no chunk adds an extra partial tile.
  private static final int GEMM_ROW_GRAIN = 48;
  private static final int GEMM_COLUMN_GRAIN = 64;
  // Depth of each partial product when a GEMM is split along k: a multiple of the kernels' depth blocks.
  private static final int GEMM_DEPTH_CHUNK = 4096;

  /** The work done on one chunk {@code [from, to)} of a range. */
  @FunctionalInterface
  public interface RangeBody {
    /** Processes indices {@code from} (inclusive) to {@code to} (exclusive). */
    void run(int from, int to);
  }

  // How long an idle worker spins before it sleeps.
  private static final long SPIN_MICROS = 200;

  private final int threads;
  private final boolean shared;
  private final Worker[] workers;
  // Held by the forRange whose chunks the workers are offered; others run serially on their callers.
  private final AtomicBoolean offering = new AtomicBoolean();
  private volatile Job offered;
  private volatile boolean closed;

  /**
   * Creates a pool that runs up to {@code threads} chunks at once: {@code threads - 1} daemon workers plus
   * the calling thread.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public Parallel(int threads) {
    this(threads, false);
  }

  private Parallel(int threads, boolean shared) {
    if (threads < 1) {
      throw new IllegalArgumentException("Parallel: threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.shared = shared;
    this.workers = new Worker[threads - 1];
    for (int w = 0; w < workers.length; w++) {
      workers[w] = new Worker("deepzero-worker-" + (w + 1));
      workers[w].start();
    }
  }

  /** Returns the shared instance, sized by {@value #PROPERTY} or else the number of available processors. */
  public static Parallel common() {
    return Holder.COMMON;
  }

  // Holder idiom: the pool starts on first use, so programs that never multiply big matrices start no threads.
  private static final class Holder {
    static final Parallel COMMON = new Parallel(threadsFromProperty(), true);
  }

  private static int threadsFromProperty() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below, which names the property and the bad value
    }
    throw new IllegalStateException(PROPERTY + " must be a positive integer, not '" + value + "'");
  }

  /** Returns the maximum number of chunks run at once. */
  public int threads() {
    return threads;
  }

  /**
   * Runs {@code body} over {@code [0, n)} cut into at most {@link #threads()} contiguous chunks whose inner
   * bounds are multiples of {@code grain}; returns when every chunk is done. An exception thrown by a chunk is
   * rethrown here after all chunks have finished.
   *
   * @param grain the smallest chunk worth a thread, and the alignment of chunk bounds; {@code >= 1}
   * @throws IllegalArgumentException if {@code n < 0} or {@code grain < 1}
   */
  public void forRange(int n, int grain, RangeBody body) {
    if (n < 0 || grain < 1) {
      throw new IllegalArgumentException("forRange: n = " + n + ", grain = " + grain
          + ": need n >= 0 and grain >= 1");
    }
    int units = (int) ((n + (long) grain - 1) / grain);
    int chunks = Math.min(threads, units);
    if (chunks <= 1) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    Job job = new Job(n, grain, units, chunks, body);
    if (closed || !offering.compareAndSet(false, true)) {
      job.runChunks();
    } else {
      try {
        offered = job;
        for (Worker worker : workers) {
          if (worker.sleeping) {
            LockSupport.unpark(worker);
          }
        }
        job.runChunks();
        job.awaitChunks();
      } finally {
        offering.set(false);
      }
    }
    Throwable t = job.failure.get();
    if (t instanceof RuntimeException) {
      throw (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
  }

  /** One forRange: its chunks, claimed in order by whichever threads come. */
  private static final class Job {
    private final int n;
    private final int grain;
    private final int units;
    private final int chunks;
    private final RangeBody body;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Job(int n, int grain, int units, int chunks, RangeBody body) {
      this.n = n;
      this.grain = grain;
      this.units = units;
      this.chunks = chunks;
      this.body = body;
    }

    /** Claims and runs chunks until none is left. */
    void runChunks() {
      for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
        int from = (int) Math.min(n, (long) c * units / chunks * grain);
        int to = (int) Math.min(n, (long) (c + 1) * units / chunks * grain);
        try {
          body.run(from, to);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          done.incrementAndGet();
        }
      }
    }

    /** Waits for chunks that other threads claimed: they are running, so this is short. */
    void awaitChunks() {
      for (int spins = 0; done.get() < chunks; spins++) {
        if (spins < 1 << 16) {
          Thread.onSpinWait();
        } else {
          Thread.yield(); // a worker was descheduled mid-chunk
        }
      }
    }
  }

  /** A pool thread: runs the chunks of each offered job, spinning between jobs, then sleeping. */
  private final class Worker extends Thread {
    volatile boolean sleeping;

    Worker(String name) {
      super(name);
      setDaemon(true);
    }

    @Override
    public void run() {
      Job seen = null;
      while (!closed) {
        Job job = offered;
        if (job != seen) {
          seen = job;
          job.runChunks();
          continue;
        }
        long spinUntil = System.nanoTime() + SPIN_MICROS * 1000;
        while (offered == seen && !closed && System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        }
        // Publish that this thread sleeps before the last look, so that an offer either is seen here or sees
        // this flag and wakes the thread (both fields are volatile).
        sleeping = true;
        if (offered == seen && !closed) {
          LockSupport.park(this);
        }
        sleeping = false;
      }
    }
  }

  /**
   * {@link Kernels#sgemm} with the rows of {@code C} (or its columns, when it has more columns than rows) split
   * over the pool. Every element of {@code C} is computed by one call of {@code kernels.sgemm} on a sub-matrix,
   * and the kernels' arithmetic for an element does not depend on which sub-matrix it sits in, so the result is
   * bit-identical for any thread count. When {@code C} is too small to split and k is long, k is cut into fixed
   * chunks whose partial products are summed in order, for every thread count alike (so the same holds, though
   * the rounding differs from one {@code kernels.sgemm} call). Arguments are as in {@link Kernels#sgemm}, and
   * are trusted.
   *
   * @param c Modified
   */
  public void sgemm(Kernels kernels, boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    if (m < 2 * GEMM_ROW_GRAIN && n < 2 * GEMM_COLUMN_GRAIN && k >= 2 * GEMM_DEPTH_CHUNK) {
      // Too few rows and columns to split, and a long k (the weight gradient of a whole batch's im2col):
      // split k instead. Done whatever the thread count, so the arithmetic is the same for any count.
      depthSplitSgemm(kernels, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else if (threads == 1 || (long) m * n * k < GEMM_PARALLEL_MIN_MACS) {
      kernels.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else if (n > GEMM_COLUMN_GRAIN && (n > m || m <= GEMM_ROW_GRAIN)) {
      // Each chunk of columns multiplies all of op(A) (reading or packing all of it), each chunk of rows all of
      // op(B) (packing all of it): split the longer side, so that the operand every thread takes whole is the
      // smaller one. (Splitting the rows of Linear's input gradient, 100 x 4320 by k = 100, packed all 4320
      // columns of B in both threads: 15-20% slower.)
      // op(B) column j starts at b[j] when stored [k, n], at b[j * ldb] when stored [n, k].
      forRange(n, GEMM_COLUMN_GRAIN, (from, to) -> kernels.sgemm(transA, transB, m, to - from, k,
          a, aOff, lda, b, bOff + (transB ? from * ldb : from), ldb, beta, c, cOff + from, ldc));
    } else {
      // op(A) row i starts at a[i * lda] when stored [m, k], at a[i] when stored [k, m].
      forRange(m, GEMM_ROW_GRAIN, (from, to) -> kernels.sgemm(transA, transB, to - from, n, k,
          a, aOff + (transA ? from : from * lda), lda, b, bOff, ldb, beta, c, cOff + from * ldc, ldc));
    }
  }

  /**
   * {@code C = beta · C + Σ_chunks op(A)[:, chunk] · op(B)[chunk, :]} over fixed chunks of
   * {@link #GEMM_DEPTH_CHUNK} along k: each chunk's product goes to its own partial (in parallel), and the
   * partials are summed in chunk order.
   */
  private void depthSplitSgemm(Kernels kernels, boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    int chunks = (k + GEMM_DEPTH_CHUNK - 1) / GEMM_DEPTH_CHUNK;
    int size = m * n;
    float[] partials = new float[chunks * size];
    forRange(chunks, 1, (from, to) -> {
      for (int q = from; q < to; q++) {
        int p = q * GEMM_DEPTH_CHUNK;
        // op(A) column p starts at a[p * lda] when stored [k, m], at a[p] when stored [m, k]; op(B) row p at
        // b[p] when stored [n, k], at b[p * ldb] when stored [k, n].
        kernels.sgemm(transA, transB, m, n, Math.min(GEMM_DEPTH_CHUNK, k - p), a, aOff + (transA ? p * lda : p),
            lda, b, bOff + (transB ? p : p * ldb), ldb, 0f, partials, q * size, n);
      }
    });
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float sum = partials[i * n + j];
        for (int q = 1; q < chunks; q++) {
          sum += partials[q * size + i * n + j];
        }
        int at = cOff + i * ldc + j;
        c[at] = beta == 0f ? sum : beta == 1f ? c[at] + sum : beta * c[at] + sum;
      }
    }
  }

  /** Stops the workers of an instance made with {@link #Parallel(int)}; {@link #common()} ignores this. */
  @Override
  public void close() {
    if (!shared) {
      closed = true;
      for (Worker worker : workers) {
        LockSupport.unpark(worker);
      }
    }
  }
}
