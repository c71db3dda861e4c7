/**
 * Loss functions with forward (the batch mean) and backward (dLoss/dPrediction, already divided by the batch):
 * {@link dev.deepzero.loss.MeanSquaredError}, {@link dev.deepzero.loss.CrossEntropy} (on probabilities),
 * {@link dev.deepzero.loss.BinaryCrossEntropy}, and {@link dev.deepzero.loss.SoftmaxCrossEntropy}, the
 * articles' fused SoftmaxWithLoss. {@link dev.deepzero.loss.Losses} builds one from its name, as the
 * full-scratch article's {@code return_loss_function} does.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}.
 */
package dev.deepzero.loss;
