/**
 * The training loop: {@link dev.deepzero.train.Trainer} (shuffled mini-batch epochs, one public step,
 * evaluation, NaN guard, a {@link dev.deepzero.train.LearningRateSchedule}), a
 * {@link dev.deepzero.train.TrainingRun} that checkpoints every epoch and every interruption and resumes from
 * them, {@link dev.deepzero.train.ConfusionMatrix},
 * {@link dev.deepzero.train.TrainingListener} hooks with {@link dev.deepzero.train.EpochStats}, the articles'
 * {@code debug_loss_interval} printing as {@link dev.deepzero.train.LossPrinter}, and
 * {@link dev.deepzero.train.Metrics}.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn}, {@code dev.deepzero.loss},
 * {@code dev.deepzero.optim}, {@code dev.deepzero.data}, {@code dev.deepzero.io} (checkpoints).
 */
package dev.deepzero.train;
