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
 * arithmetic as the single-threaded path. How a computation is cut into chunks is the caller's business (the
 * operations in {@code dev.deepzero.ops}); this class only runs them. {@link #forTasks} instead hands out
 * numbered tasks one at a time to whichever thread is free, for work whose pieces cost unequal time, or run on
 * cores that a busy neighbour slows (a virtual machine's shared cores): there the caller's results must not
 * depend on which thread ran a task.
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

  /** The work done on one chunk {@code [from, to)} of a range. */
  @FunctionalInterface
  public interface RangeBody {
    /** Processes indices {@code from} (inclusive) to {@code to} (exclusive). */
    void run(int from, int to);
  }

  /** The work done on chunk number {@code chunk} of a range: indices {@code [from, to)}. */
  @FunctionalInterface
  public interface ChunkBody {
    /**
     * Processes indices {@code from} (inclusive) to {@code to} (exclusive), the chunk numbered {@code chunk}
     * ({@code 0 <= chunk < chunks(n, grain)}); no two chunks of one call run with the same number.
     */
    void run(int chunk, int from, int to);
  }

  /** The work of one task of {@link #forTasks}, run by the thread that holds scratch slot {@code slot}. */
  @FunctionalInterface
  public interface TaskBody {
    /**
     * Runs task number {@code task}. {@code slot} ({@code 0 <= slot < slots(tasks)}) names the thread running
     * it: no two tasks run at once with the same slot, so a caller can give each slot its own scratch memory.
     */
    void run(int slot, int task);
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
    forChunks(n, grain, (chunk, from, to) -> body.run(from, to));
  }

  /**
   * The number of chunks {@link #forChunks} cuts {@code [0, n)} into: a caller that gives each chunk its own
   * scratch memory takes this many pieces.
   *
   * @throws IllegalArgumentException if {@code n < 0} or {@code grain < 1}
   */
  public int chunks(int n, int grain) {
    if (n < 0 || grain < 1) {
      throw new IllegalArgumentException("forRange: n = " + n + ", grain = " + grain
          + ": need n >= 0 and grain >= 1");
    }
    return n == 0 ? 0 : Math.min(threads, (int) ((n + (long) grain - 1) / grain));
  }

  /** The number of slots {@link #forTasks} runs {@code tasks} tasks in: at most {@link #threads()}. */
  public int slots(int tasks) {
    return chunks(tasks, 1);
  }

  /**
   * Runs tasks {@code 0 .. tasks - 1}, each claimed in increasing order by whichever thread is free: where
   * {@link #forRange} gives each thread a fixed share, here a thread that finishes early (its tasks were
   * cheaper, or its core was not shared) takes more. Which thread runs a task, and in which slot, varies from
   * run to run; callers keep results deterministic by making each task's result independent of that (each
   * writes its own outputs, and anything summed across tasks is summed afterwards in task order).
   *
   * @throws IllegalArgumentException if {@code tasks < 0}
   */
  public void forTasks(int tasks, TaskBody body) {
    AtomicInteger next = new AtomicInteger();
    forChunks(tasks, 1, (slot, from, to) -> {
      for (int task = next.getAndIncrement(); task < tasks; task = next.getAndIncrement()) {
        body.run(slot, task);
      }
    });
  }

  /** {@link #forRange} that also tells each chunk its number, {@code 0 .. chunks(n, grain) - 1}. */
  public void forChunks(int n, int grain, ChunkBody body) {
    int chunks = chunks(n, grain);
    if (chunks <= 1) {
      if (n > 0) {
        body.run(0, 0, n);
      }
      return;
    }
    int units = (int) ((n + (long) grain - 1) / grain);
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
    private final ChunkBody body;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Job(int n, int grain, int units, int chunks, ChunkBody body) {
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
          body.run(c, from, to);
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
