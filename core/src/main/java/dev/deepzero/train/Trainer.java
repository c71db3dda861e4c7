package dev.deepzero.train;

import dev.deepzero.data.Batch;
import dev.deepzero.data.Batches;
import dev.deepzero.data.Dataset;
import dev.deepzero.loss.Loss;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.optim.Optimizer;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.tensor.Workspace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a model with mini-batch gradient descent. One step reads as PyTorch's documentation does:
 *
 * <pre>{@code
 * Tensor output = model.forward(batch.inputs(), Mode.TRAIN);
 * float loss = lossFunction.forward(output, batch.targets());
 * optimizer.zeroGrad();
 * model.backward(lossFunction.backward());
 * optimizer.step();
 * }</pre>
 *
 * <p>Each epoch visits the training set in a fresh random order drawn from a generator seeded by
 * {@link Config#seed()}, so a seeded run repeats exactly. A loss that stops being finite ends training with
 * a {@link TrainingDivergedException} naming the epoch and batch.
 */
public final class Trainer {

  /** The most epochs a run may ask for: epoch numbers and their sums stay far from int overflow. */
  public static final int MAX_EPOCHS = 1_000_000;

  /**
   * How to train.
   *
   * @param epochs the number of passes over the training set, 1 to {@link #MAX_EPOCHS}
   * @param batchSize samples per step, positive; a batch size at least the data set size is full-batch
   * @param seed seeds the order of the samples
   * @param shuffle whether each epoch uses a new random order (true) or the data set's order
   */
  public record Config(int epochs, int batchSize, long seed, boolean shuffle) {
    /** Checks the values. */
    public Config {
      if (epochs <= 0 || epochs > MAX_EPOCHS || batchSize <= 0) {
        throw new IllegalArgumentException("epochs must be in [1, " + MAX_EPOCHS + "] and the batch size positive,"
            + " got " + epochs + " and " + batchSize);
      }
    }
  }

  /**
   * Where a run stands inside an epoch, and what that epoch has measured so far: where {@link #fit} starts, and
   * what it gives {@link TrainingListener#onStop} when a listener stops it mid-epoch.
   *
   * @param epoch the epoch in progress, 1-based
   * @param batch the batches of it already done (their updates applied), from 0
   * @param lossSum the sum over those batches of {@code loss · batch size}
   * @param right the training samples they classified right
   * @param seen the training samples they held
   * @param classification whether every batch so far could count right answers (a classification loss)
   */
  public record Position(int epoch, int batch, double lossSum, long right, int seen, boolean classification) {
    /** Checks the values. */
    public Position {
      if (epoch < 1 || epoch > MAX_EPOCHS || batch < 0 || seen < 0 || right < 0) {
        throw new IllegalArgumentException("Position: need 1 <= epoch <= " + MAX_EPOCHS + " and batch, seen, right"
            + " >= 0, got epoch " + epoch + ", batch " + batch + ", seen " + seen + ", right " + right);
      }
    }

    /** The start of {@code epoch}. */
    public static Position startOf(int epoch) {
      return new Position(epoch, 0, 0, 0, 0, true);
    }
  }

  private final Layer model;
  private final Loss lossFunction;
  private final Optimizer optimizer;
  private final List<TrainingListener> listeners = new ArrayList<>();
  // Activations and gradients of a step live here: the next step reuses their memory.
  private final Workspace workspace = new Workspace();
  private LearningRateSchedule schedule;

  /** A trainer for {@code model} that minimises {@code lossFunction} with {@code optimizer}. */
  public Trainer(Layer model, Loss lossFunction, Optimizer optimizer) {
    this.model = model;
    this.lossFunction = lossFunction;
    this.optimizer = optimizer;
  }

  /** Adds a listener; listeners are called in the order added. Returns this trainer. */
  public Trainer addListener(TrainingListener listener) {
    listeners.add(listener);
    return this;
  }

  /**
   * Sets the learning rate from {@code schedule} at the start of every epoch, before the listeners hear of it;
   * null keeps the optimizer's rate. Returns this trainer.
   */
  public Trainer schedule(LearningRateSchedule schedule) {
    this.schedule = schedule;
    return this;
  }

  /**
   * Trains for {@code config.epochs()} epochs, evaluating on {@code validation} after each when it is not
   * null.
   *
   * @return the statistics of each epoch run (fewer than asked if a listener requested a stop)
   * @throws TrainingDivergedException if the loss becomes NaN or infinite
   */
  public List<EpochStats> fit(Dataset train, Dataset validation, Config config) {
    return fit(train, validation, config, Position.startOf(1));
  }

  /** {@link #fit(Dataset, Dataset, Config, Position)} from the start of epoch {@code firstEpoch}. */
  public List<EpochStats> fit(Dataset train, Dataset validation, Config config, int firstEpoch) {
    return fit(train, validation, config, Position.startOf(firstEpoch));
  }

  /**
   * Trains from {@code start} to the end of epoch {@code config.epochs()}: the form a resumed run uses. Each
   * epoch's sample order, and the generators of augmentation and Dropout, depend only on the seed and the
   * epoch number, so a run resumed at an epoch's start repeats an uninterrupted one exactly. A run resumed
   * mid-epoch first replays the forward passes of the batches already done (no backward, no update, and the
   * model's buffers such as BatchNorm's running statistics restored afterwards), so that every generator
   * stands where the interrupted run left it: that costs up to one epoch of forward passes and keeps the
   * result bit for bit the same as an uninterrupted run's.
   *
   * <p>A listener's stop request ends training after the current batch: at an epoch's last batch the epoch
   * completes as usual; before it, the listeners hear {@link TrainingListener#onStop} with the position
   * instead of {@code onEpochEnd}, so no partial epoch is ever reported as one.
   *
   * @return the statistics of each epoch completed
   * @throws TrainingDivergedException if the loss becomes NaN or infinite
   */
  public List<EpochStats> fit(Dataset train, Dataset validation, Config config, Position start) {
    List<EpochStats> history = new ArrayList<>();
    for (int epoch = start.epoch(); epoch <= config.epochs(); epoch++) {
      List<int[]> batches = config.shuffle()
          ? Batches.shuffled(train.size(), config.batchSize(), epochRandom(config.seed(), epoch))
          : Batches.sequential(train.size(), config.batchSize());
      // Augmentation and dropout restart from the run's seed and the epoch, as the sample order does: a run
      // resumed at this epoch draws what the uninterrupted run draws.
      SplittableRandom draws = epochRandom(config.seed() ^ RESEED_SALT, epoch);
      train.reseed(draws.nextLong());
      model.reseed(draws.nextLong());
      if (schedule != null) {
        optimizer.setLearningRate(schedule.rate(epoch, config.epochs()));
      }
      for (TrainingListener l : listeners) {
        l.onEpochStart(epoch, batches.size());
      }
      Position done = epoch == start.epoch() ? start : Position.startOf(epoch);
      if (done.batch() > batches.size()) {
        throw new IllegalArgumentException("cannot resume epoch " + epoch + " after batch " + done.batch()
            + ": it has " + batches.size() + " batches of " + config.batchSize());
      }
      replay(train, batches.subList(0, done.batch()));
      long startNanos = System.nanoTime();
      double lossSum = done.lossSum();
      long right = done.right();
      boolean classification = done.classification();
      int seen = done.seen();
      boolean stopAfterEpoch = false;
      for (int b = done.batch(); b < batches.size(); b++) {
        Batch batch = train.batch(batches.get(b));
        int[] correct = new int[1];
        float loss = step(batch.inputs(), batch.targets(), correct,
            " at epoch " + epoch + ", batch " + (b + 1) + " of " + batches.size());
        classification &= correct[0] >= 0;
        right += Math.max(correct[0], 0);
        lossSum += (double) loss * batch.size();
        seen += batch.size();
        boolean stopped = false;
        for (TrainingListener l : listeners) {
          l.onBatchEnd(epoch, b + 1, batches.size(), loss, batch.size());
          stopped |= l.stopRequested();
        }
        if (stopped && b + 1 < batches.size()) {
          Position at = new Position(epoch, b + 1, lossSum, right, seen, classification);
          for (TrainingListener l : listeners) {
            l.onStop(at);
          }
          return history;
        }
        stopAfterEpoch = stopped;
      }
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      Evaluation val = validation == null ? null : evaluate(validation, config.batchSize());
      EpochStats stats = new EpochStats(epoch, lossSum / seen, classification ? (double) right / seen : Double.NaN,
          val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(), seconds, seen);
      history.add(stats);
      for (TrainingListener l : listeners) {
        l.onEpochEnd(stats);
      }
      if (stopAfterEpoch) {
        break;
      }
    }
    return history;
  }

  /**
   * One training step, the one {@link #fit} takes: forward in training mode, loss, gradients (without the
   * input's, which no parameter needs) and the optimizer's update, with activations in this trainer's
   * workspace.
   *
   * @param inputs Not modified
   * @param targets Not modified
   * @return the loss before the update
   * @throws TrainingDivergedException if the loss is NaN or infinite (the model is then not updated)
   */
  public float step(Tensor inputs, Tensor targets) {
    return step(inputs, targets, new int[1], "");
  }

  /** {@link #step(Tensor, Tensor)}, also counting right answers into {@code correct[0]} (-1: not a classifier). */
  private float step(Tensor inputs, Tensor targets, int[] correct, String where) {
    try (Workspace.Scope step = workspace.open()) {
      Tensor output = model.forward(inputs, Mode.TRAIN);
      float loss = lossFunction.forward(output, targets);
      if (!Float.isFinite(loss)) {
        throw new TrainingDivergedException("loss became " + loss + where + " (" + optimizer + "); try a lower"
            + " learning rate");
      }
      correct[0] = Metrics.correct(output, targets);
      optimizer.zeroGrad();
      model.backward(lossFunction.backward(), false); // the data needs no gradient
      optimizer.step();
      return loss;
    }
  }

  /**
   * Runs the forward passes of {@code batches} in training mode and throws their results away, restoring the
   * model's state afterwards: only the random generators they draw from (augmentation, Dropout) move on.
   */
  private void replay(Dataset train, List<int[]> batches) {
    if (batches.isEmpty()) {
      return;
    }
    Map<String, Tensor> saved = new LinkedHashMap<>();
    model.stateDict().forEach((name, value) -> saved.put(name, value.copy()));
    for (int[] indices : batches) {
      try (Workspace.Scope replay = workspace.open()) {
        model.forward(train.batch(indices).inputs(), Mode.TRAIN);
      }
    }
    model.loadStateDict(saved);
  }

  // Keeps the seeds of augmentation and dropout apart from the generator of the sample order.
  private static final long RESEED_SALT = 0x5DEECE66DL;

  /**
   * The generator of one epoch's sample order: a fixed function of the seed and the epoch number. Public so that
   * a distributed trainer visits the samples in the same order as this one.
   */
  public static SplittableRandom epochRandom(long seed, int epoch) {
    // Golden-ratio increment, as SplittableRandom's own seeding: distinct epochs give unrelated streams.
    return new SplittableRandom(seed + 0x9E3779B97F4A7C15L * epoch);
  }

  /** The mean loss and the accuracy of the model on {@code data}, in eval mode. */
  public Evaluation evaluate(Dataset data, int batchSize) {
    return evaluate(model, lossFunction, data, batchSize);
  }

  /** The mean loss and the accuracy of {@code model} on {@code data}, in eval mode. */
  public static Evaluation evaluate(Layer model, Loss lossFunction, Dataset data, int batchSize) {
    double lossSum = 0;
    long right = 0;
    boolean classification = true;
    for (int[] indices : Batches.sequential(data.size(), batchSize)) {
      Batch batch = data.batch(indices);
      Tensor output = model.predict(batch.inputs());
      lossSum += (double) lossFunction.forward(output, batch.targets()) * batch.size();
      int correct = Metrics.correct(output, batch.targets());
      classification &= correct >= 0;
      right += Math.max(correct, 0);
    }
    int n = data.size();
    return new Evaluation(n == 0 ? Double.NaN : lossSum / n, classification && n > 0 ? (double) right / n
        : Double.NaN, n);
  }
}
