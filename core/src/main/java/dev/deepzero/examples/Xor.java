package dev.deepzero.examples;

import dev.deepzero.data.TensorDataset;
import dev.deepzero.loss.MeanSquaredError;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Sigmoid;
import dev.deepzero.optim.Sgd;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.train.EpochStats;
import dev.deepzero.train.Trainer;
import dev.deepzero.train.TrainingListener;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The full-scratch article's XOR demo: {@code Linear(2, 4), Sigmoid, Linear(4, 1)} trained with MSE and plain
 * gradient descent (learning rate 0.4) on the four XOR rows, full batch, for 1000 epochs.
 */
public final class Xor {

  /** The article's learning rate. */
  public static final float LEARNING_RATE = 0.4f;
  /** The article's number of epochs. */
  public static final int EPOCHS = 1000;
  /** The seed used when none is given. */
  public static final long DEFAULT_SEED = 1;

  /** The four inputs {@code [4, 2]}. */
  public static final Tensor INPUTS = Tensor.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
  /** The XOR of each input row {@code [4, 1]}. */
  public static final Tensor TARGETS = Tensor.of(new float[][] {{0}, {1}, {1}, {0}});

  private Xor() {}

  /**
   * The trained network and its training history.
   *
   * @param model the trained network
   * @param history one entry per epoch
   * @param predictions the network's outputs for the four inputs, {@code [4, 1]}
   */
  public record Result(Sequential model, List<EpochStats> history, Tensor predictions) {

    /** Whether every prediction is on the right side of 0.5. */
    public boolean learned() {
      for (int i = 0; i < 4; i++) {
        if ((predictions.data()[i] > 0.5f) != (TARGETS.data()[i] == 1f)) {
          return false;
        }
      }
      return true;
    }
  }

  /** The untrained network, its weights drawn from {@code seed}. */
  public static Sequential network(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return new Sequential(new Linear(2, 4, rng), new Sigmoid(), new Linear(4, 1, rng));
  }

  /** Trains the article's network with its settings; {@code listener} sees every epoch. */
  public static Result train(long seed, int epochs, float learningRate, TrainingListener listener) {
    Sequential model = network(seed);
    Trainer trainer = new Trainer(model, new MeanSquaredError(), new Sgd(model.parameters(), learningRate));
    trainer.addListener(listener);
    List<EpochStats> history = trainer.fit(new TensorDataset(INPUTS, TARGETS), null,
        new Trainer.Config(epochs, INPUTS.dim(0), seed, false));
    return new Result(model, history, model.predict(INPUTS));
  }
}
