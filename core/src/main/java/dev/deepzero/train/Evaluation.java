package dev.deepzero.train;

/**
 * The result of evaluating a model on a data set.
 *
 * @param loss the mean loss per sample
 * @param accuracy the fraction classified right ({@code NaN} for non-classification targets)
 * @param samples the number of samples
 */
public record Evaluation(double loss, double accuracy, int samples) {

  /**
   * The batch size of evaluation passes when the caller has no reason to choose: small, because a wide
   * network's activations for 1000 images would take over a GB.
   */
  public static final int DEFAULT_BATCH = 200;
}
