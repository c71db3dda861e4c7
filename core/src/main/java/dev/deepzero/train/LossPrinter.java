package dev.deepzero.train;

import java.io.PrintStream;

/**
 * Prints {@code Epoch e, Loss: l} on the first epoch and every {@code every} epochs, as the full-scratch
 * article's {@code debug_loss_interval} does.
 */
public final class LossPrinter implements TrainingListener {

  private final PrintStream out;
  private final int every;

  /**
   * @param out where to print
   * @param every the interval in epochs, positive
   */
  public LossPrinter(PrintStream out, int every) {
    if (every <= 0) {
      throw new IllegalArgumentException("loss print interval must be positive, got " + every);
    }
    this.out = out;
    this.every = every;
  }

  @Override
  public void onEpochEnd(EpochStats stats) {
    if (stats.epoch() == 1 || stats.epoch() % every == 0) {
      out.printf(java.util.Locale.ROOT, "Epoch %d, Loss: %.6f%n", stats.epoch(), stats.trainLoss());
    }
  }
}
