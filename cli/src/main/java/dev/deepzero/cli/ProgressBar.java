package dev.deepzero.cli;

import dev.deepzero.train.EpochStats;
import dev.deepzero.train.TrainingListener;
import java.io.PrintStream;

/**
 * A per-epoch progress bar with the running loss, images per second and the time left in the epoch.
 *
 * <p>On a terminal it redraws one line in place at most {@value #REDRAWS_PER_SECOND} times a second; when
 * the output is a file or a pipe it prints nothing per batch, so logs stay readable.
 */
final class ProgressBar implements TrainingListener {

  private static final int REDRAWS_PER_SECOND = 10;
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final boolean interactive;
  private final int epochs;
  private long epochStart;
  private long lastDraw;
  private double lossSum;
  private long samples;
  private int batchesSeen;

  ProgressBar(PrintStream out, boolean interactive, int epochs) {
    this.out = out;
    this.interactive = interactive;
    this.epochs = epochs;
  }

  @Override
  public void onEpochStart(int epoch, int batches) {
    epochStart = System.nanoTime();
    lastDraw = 0;
    lossSum = 0;
    samples = 0;
    batchesSeen = 0;
  }

  @Override
  public void onBatchEnd(int epoch, int batch, int batches, float loss, int batchSize) {
    lossSum += loss;
    batchesSeen++;
    samples += batchSize;
    long now = System.nanoTime();
    if (!interactive || (batch < batches && now - lastDraw < 1_000_000_000L / REDRAWS_PER_SECOND)) {
      return;
    }
    lastDraw = now;
    double seconds = (now - epochStart) / 1e9;
    double rate = seconds > 0 ? samples / seconds : 0;
    double eta = batch > 0 ? seconds / batch * (batches - batch) : 0;
    int filled = (int) ((long) WIDTH * batch / batches);
    String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
    out.printf("\repoch %d/%d [%s] %d/%d  loss %.4f  %,.0f img/s  ETA %s ", epoch, epochs, bar, batch, batches,
        lossSum / batchesSeen, rate, duration(eta));
    out.flush();
  }

  @Override
  public void onEpochEnd(EpochStats stats) {
    if (interactive) {
      out.print("\r" + " ".repeat(110) + "\r");
      out.flush();
    }
  }

  /** Seconds as {@code m:ss} or {@code h:mm:ss}. */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%d:%02d", s / 60, s % 60);
  }
}
