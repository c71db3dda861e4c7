package dev.deepzero.train;

/**
 * The result of evaluating a model on a data set.
 *
 * @param loss the mean loss per sample
 * @param accuracy the fraction classified right ({@code NaN} for non-classification targets)
 * @param samples the number of samples
 */
public record Evaluation(double loss, double accuracy, int samples) {}
