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
import java.util.List;
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

  /**
   * How to train.
   *
   * @param epochs the number of passes over the training set, positive
   * @param batchSize samples per step, positive; a batch size at least the data set size is full-batch
   * @param seed seeds the order of the samples
   * @param shuffle whether each epoch uses a new random order (true) or the data set's order
   */
  public record Config(int epochs, int batchSize, long seed, boolean shuffle) {
    /** Checks the values. */
    public Config {
      if (epochs <= 0 || batchSize <= 0) {
        throw new IllegalArgumentException("epochs and batch size must be positive, got " + epochs + " and "
            + batchSize);
      }
    }
  }

  private final Layer model;
  private final Loss lossFunction;
  private final Optimizer optimizer;
  private final List<TrainingListener> listeners = new ArrayList<>();

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
   * Trains for {@code config.epochs()} epochs, evaluating on {@code validation} after each when it is not
   * null.
   *
   * @return the statistics of each epoch run (fewer than asked if a listener requested a stop)
   * @throws TrainingDivergedException if the loss becomes NaN or infinite
   */
  public List<EpochStats> fit(Dataset train, Dataset validation, Config config) {
    return fit(train, validation, config, 1);
  }

  /**
   * Trains epochs {@code firstEpoch .. config.epochs()}: the form a resumed run uses. Each epoch's sample
   * order depends only on the seed and the epoch number, so a run resumed at epoch k visits the samples in
   * the same order as an uninterrupted one.
   */
  public List<EpochStats> fit(Dataset train, Dataset validation, Config config, int firstEpoch) {
    List<EpochStats> history = new ArrayList<>();
    Workspace workspace = new Workspace();
    for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
      List<int[]> batches = config.shuffle()
          ? Batches.shuffled(train.size(), config.batchSize(), epochRandom(config.seed(), epoch))
          : Batches.sequential(train.size(), config.batchSize());
      // Augmentation and dropout restart from the run's seed and the epoch, as the sample order does: a run
      // resumed at this epoch draws what the uninterrupted run draws.
      SplittableRandom draws = epochRandom(config.seed() ^ RESEED_SALT, epoch);
      train.reseed(draws.nextLong());
      model.reseed(draws.nextLong());
      for (TrainingListener l : listeners) {
        l.onEpochStart(epoch, batches.size());
      }
      long start = System.nanoTime();
      double lossSum = 0;
      long right = 0;
      boolean classification = true;
      int seen = 0;
      boolean stopped = false;
      for (int b = 0; b < batches.size(); b++) {
        Batch batch = train.batch(batches.get(b));
        float loss;
        // Activations and gradients live in the workspace: the next step reuses their memory.
        try (Workspace.Scope step = workspace.open()) {
          Tensor output = model.forward(batch.inputs(), Mode.TRAIN);
          loss = lossFunction.forward(output, batch.targets());
          if (!Float.isFinite(loss)) {
            throw new TrainingDivergedException("loss became " + loss + " at epoch " + epoch + ", batch " + (b + 1)
                + " of " + batches.size() + " (" + optimizer + "); try a lower learning rate");
          }
          int correct = Metrics.correct(output, batch.targets());
          classification &= correct >= 0;
          right += Math.max(correct, 0);
          optimizer.zeroGrad();
          model.backward(lossFunction.backward(), false); // the data needs no gradient
          optimizer.step();
        }
        lossSum += (double) loss * batch.size();
        seen += batch.size();
        for (TrainingListener l : listeners) {
          l.onBatchEnd(epoch, b + 1, batches.size(), loss, batch.size());
          stopped |= l.stopRequested();
        }
        if (stopped) {
          break;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Evaluation val = validation == null ? null : evaluate(validation, config.batchSize());
      EpochStats stats = new EpochStats(epoch, lossSum / seen, classification ? (double) right / seen : Double.NaN,
          val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(), seconds, seen);
      history.add(stats);
      for (TrainingListener l : listeners) {
        l.onEpochEnd(stats);
      }
      if (stopped) {
        break;
      }
    }
    return history;
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
