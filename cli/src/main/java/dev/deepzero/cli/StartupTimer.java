package dev.deepzero.cli;

import dev.deepzero.train.TrainingListener;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Prints, once, how long the process took to reach its first training step (from JVM start, without the data
 * loading) and how long that step took: the JIT compiles the kernels during the first steps.
 */
final class StartupTimer implements TrainingListener {
  private final PrintStream log;
  private final long loadNanos;
  private long firstStepStart;

  StartupTimer(PrintStream log, long loadNanos) {
    this.log = log;
    this.loadNanos = loadNanos;
  }

  @Override
  public void onEpochStart(int epoch, int batches) {
    if (firstStepStart == 0) {
      firstStepStart = System.nanoTime();
    }
  }

  @Override
  public void onBatchEnd(int epoch, int batch, int batches, float loss, int samples) {
    if (firstStepStart != Long.MIN_VALUE) {
      long now = System.nanoTime();
      // JVM start as wall-clock milliseconds; the rest in nanoTime, converted once.
      double sinceLaunch = (System.currentTimeMillis() - (now - firstStepStart) / 1_000_000
          - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
      log.printf(Locale.ROOT, "startup: first step began %.2f s after JVM start, not counting %.2f s of data"
          + " loading; it took %.2f s%n", sinceLaunch - loadNanos / 1e9, loadNanos / 1e9,
          (now - firstStepStart) / 1e9);
      firstStepStart = Long.MIN_VALUE;
    }
  }
}
