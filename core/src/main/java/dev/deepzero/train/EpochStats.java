package dev.deepzero.train;

/**
 * What one training epoch measured. Accuracies are {@code NaN} where they do not apply (regression losses)
 * and validation figures are {@code NaN} when there is no validation set.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean of the batch losses over the epoch (each measured before that batch's update)
 * @param trainAccuracy fraction of training samples classified right during the epoch
 * @param validationLoss mean loss on the validation set after the epoch
 * @param validationAccuracy accuracy on the validation set after the epoch
 * @param seconds wall time of the epoch's training steps
 * @param samples the number of training samples seen
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
    double validationAccuracy, double seconds, int samples) {

  /** Training samples per second. */
  public double samplesPerSecond() {
    return seconds > 0 ? samples / seconds : Double.NaN;
  }
}
