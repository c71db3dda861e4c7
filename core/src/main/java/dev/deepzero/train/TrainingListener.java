package dev.deepzero.train;

/**
 * Hooks called by {@link Trainer#fit} on the training thread, for progress bars, metric logs and early
 * stopping. Every method does nothing by default.
 */
public interface TrainingListener {

  /** Before the first batch of an epoch. */
  default void onEpochStart(int epoch, int batches) {}

  /** After the update of one batch; {@code loss} is that batch's loss before the update. */
  default void onBatchEnd(int epoch, int batch, int batches, float loss, int batchSize) {}

  /** After an epoch and its validation. */
  default void onEpochEnd(EpochStats stats) {}

  /**
   * When a stop request ends training before the epoch's last batch, instead of {@link #onEpochEnd}: where it
   * stopped, which {@link Trainer#fit(dev.deepzero.data.Dataset, dev.deepzero.data.Dataset, Trainer.Config,
   * Trainer.Position)} can resume from.
   */
  default void onStop(Trainer.Position position) {}

  /** Whether training should stop after the current batch (for Ctrl-C or early stopping). */
  default boolean stopRequested() {
    return false;
  }
}
