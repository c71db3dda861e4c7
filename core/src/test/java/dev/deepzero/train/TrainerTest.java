package dev.deepzero.train;

import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.AugmentedDataset;
import dev.deepzero.data.Batch;
import dev.deepzero.data.Dataset;
import dev.deepzero.data.TensorDataset;
import dev.deepzero.loss.MeanSquaredError;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Dropout;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.optim.Adam;
import dev.deepzero.optim.Sgd;
import dev.deepzero.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrainerTest {

  private static final int FEATURES = 6;
  private static final int CLASSES = 3;

  /** {@code n} Gaussian inputs with random class labels: only memorising fits it. */
  private static TensorDataset randomLabels(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Tensor x = Tensor.randn(rng, 1f, n, FEATURES);
    Tensor y = Tensor.zeros(n);
    for (int i = 0; i < n; i++) {
      y.data()[i] = rng.nextInt(CLASSES);
    }
    return new TensorDataset(x, y);
  }

  private static Sequential mlp(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return new Sequential(new Linear(FEATURES, 32, rng), new Relu(), new Linear(32, CLASSES, rng));
  }

  /** A data set that records every batch of indices it is asked for. */
  private static final class Recording implements Dataset {
    final Dataset inner;
    final List<int[]> requests = new ArrayList<>();

    Recording(Dataset inner) {
      this.inner = inner;
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public Batch batch(int[] indices) {
      requests.add(indices.clone());
      return inner.batch(indices);
    }

    @Override
    public int[] inputShape() {
      return inner.inputShape();
    }
  }

  private static Trainer trainer(Sequential model) {
    return new Trainer(model, new SoftmaxCrossEntropy(), new Sgd(model.parameters(), 0.05f));
  }

  @Test
  void everyShuffledEpochVisitsEverySampleExactlyOnce() {
    Recording data = new Recording(randomLabels(23, 1));
    trainer(mlp(1)).fit(data, null, new Trainer.Config(3, 5, 7, true));
    assertEquals(3 * 5, data.requests.size(), "ceil(23 / 5) batches per epoch");
    List<int[]> orders = new ArrayList<>();
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] order = data.requests.subList(epoch * 5, epoch * 5 + 5).stream().flatMapToInt(Arrays::stream).toArray();
      assertEquals(3, data.requests.get(epoch * 5 + 4).length, "the last batch is partial");
      int[] sorted = order.clone();
      Arrays.sort(sorted);
      assertArrayEquals(IntStream.range(0, 23).toArray(), sorted, "epoch " + (epoch + 1));
      orders.add(order);
    }
    assertTrue(!Arrays.equals(orders.get(0), orders.get(1)), "each epoch draws a new order");
  }

  @Test
  void sameSeedGivesTheSameHistoryAndWeights() {
    Sequential a = mlp(3);
    Sequential b = mlp(3);
    Trainer.Config config = new Trainer.Config(4, 8, 11, true);
    List<EpochStats> ha = trainer(a).fit(randomLabels(40, 2), null, config);
    List<EpochStats> hb = trainer(b).fit(randomLabels(40, 2), null, config);
    assertEquals(4, ha.size());
    for (int i = 0; i < ha.size(); i++) {
      assertEquals(ha.get(i).trainLoss(), hb.get(i).trainLoss(), 0.0, "epoch " + (i + 1));
      assertEquals(ha.get(i).trainAccuracy(), hb.get(i).trainAccuracy(), 0.0);
    }
    a.stateDict().forEach((k, v) -> assertExactlyEquals(b.stateDict().get(k), v));
  }

  @Test
  void aResumedRunMatchesAnUninterruptedOne() {
    Sequential straight = mlp(5);
    Trainer.Config config = new Trainer.Config(4, 8, 13, true);
    trainer(straight).fit(randomLabels(40, 2), null, config);
    Sequential resumed = mlp(5);
    trainer(resumed).fit(randomLabels(40, 2), null, new Trainer.Config(2, 8, 13, true));
    trainer(resumed).fit(randomLabels(40, 2), null, config, 3); // plain SGD has no state to carry over
    straight.stateDict().forEach((k, v) -> assertExactlyEquals(resumed.stateDict().get(k), v));
  }

  /**
   * Augmentation and dropout are random too: the resumed half runs on a fresh model and a fresh data set whose
   * generators were seeded differently (as after a restart), and must still end bit-identical to the straight
   * run, because the trainer reseeds them from the run's seed at every epoch.
   */
  @Test
  void aResumedRunWithDropoutAndAugmentationMatchesAnUninterruptedOne() {
    SplittableRandom data = new SplittableRandom(3);
    Tensor images = Tensor.randn(data, 1f, 30, 1, 6, 6);
    Tensor labels = Tensor.zeros(30);
    for (int i = 0; i < 30; i++) {
      labels.data()[i] = data.nextInt(CLASSES);
    }
    Trainer.Config config = new Trainer.Config(4, 8, 21, true);
    Sequential straight = dropoutNet(1);
    trainer(straight).fit(new AugmentedDataset(new TensorDataset(images, labels), 2, 100), null, config);

    Sequential firstHalf = dropoutNet(2);
    trainer(firstHalf).fit(new AugmentedDataset(new TensorDataset(images, labels), 2, 200), null,
        new Trainer.Config(2, 8, 21, true));
    Sequential resumed = dropoutNet(3); // another dropout generator, as a restarted process would build
    resumed.loadStateDict(firstHalf.stateDict());
    trainer(resumed).fit(new AugmentedDataset(new TensorDataset(images, labels), 2, 300), null, config, 3);
    straight.stateDict().forEach((k, v) -> assertExactlyEquals(resumed.stateDict().get(k), v));
  }

  /** The same initial weights for every {@code dropoutSeed}; only Dropout's generator differs. */
  private static Sequential dropoutNet(long dropoutSeed) {
    SplittableRandom weights = new SplittableRandom(8);
    return new Sequential(new Flatten(), new Linear(36, 16, weights), new Relu(),
        new Dropout(0.3f, new SplittableRandom(dropoutSeed)), new Linear(16, CLASSES, weights));
  }

  @Test
  void listenersSeeEveryEpochAndBatchInOrder() {
    List<String> calls = new ArrayList<>();
    TrainingListener listener = new TrainingListener() {
      @Override
      public void onEpochStart(int epoch, int batches) {
        calls.add("start " + epoch + "/" + batches);
      }

      @Override
      public void onBatchEnd(int epoch, int batch, int batches, float loss, int batchSize) {
        assertTrue(Float.isFinite(loss));
        calls.add("batch " + epoch + "." + batch + " of " + batchSize);
      }

      @Override
      public void onEpochEnd(EpochStats stats) {
        calls.add("end " + stats.epoch() + " " + stats.samples());
      }
    };
    trainer(mlp(1)).addListener(listener).fit(randomLabels(10, 1), null, new Trainer.Config(2, 4, 1, true));
    assertEquals(List.of("start 1/3", "batch 1.1 of 4", "batch 1.2 of 4", "batch 1.3 of 2", "end 1 10",
        "start 2/3", "batch 2.1 of 4", "batch 2.2 of 4", "batch 2.3 of 2", "end 2 10"), calls);
  }

  @Test
  void aListenerCanStopTraining() {
    int[] batches = {0};
    TrainingListener stopAfterThree = new TrainingListener() {
      @Override
      public void onBatchEnd(int epoch, int batch, int total, float loss, int size) {
        batches[0]++;
      }

      @Override
      public boolean stopRequested() {
        return batches[0] >= 3;
      }
    };
    List<Trainer.Position> stops = new ArrayList<>();
    List<EpochStats> history = trainer(mlp(1)).addListener(stopAfterThree).addListener(new TrainingListener() {
      @Override
      public void onStop(Trainer.Position position) {
        stops.add(position);
      }
    }).fit(randomLabels(20, 1), null, new Trainer.Config(5, 4, 1, true));
    assertEquals(3, batches[0]);
    assertEquals(List.of(), history, "a partial epoch is not reported as an epoch");
    assertEquals(1, stops.size());
    assertEquals(1, stops.get(0).epoch());
    assertEquals(3, stops.get(0).batch());
    assertEquals(12, stops.get(0).seen());
  }

  /** A stop at an epoch's last batch completes that epoch and goes no further. */
  @Test
  void aStopAtTheLastBatchCompletesTheEpoch() {
    TrainingListener stopAtFive = new TrainingListener() {
      private int batches;

      @Override
      public void onBatchEnd(int epoch, int batch, int total, float loss, int size) {
        batches++;
      }

      @Override
      public boolean stopRequested() {
        return batches == 5;
      }
    };
    List<EpochStats> history = trainer(mlp(1)).addListener(stopAtFive)
        .fit(randomLabels(20, 1), null, new Trainer.Config(5, 4, 1, true));
    assertEquals(1, history.size());
    assertEquals(20, history.get(0).samples());
  }

  /**
   * Stopped after batch 2 of epoch 2 and resumed from that position on a fresh model, data set and Dropout
   * generator: weights and the interrupted epoch's statistics equal an uninterrupted run's, bit for bit.
   */
  @Test
  void aRunResumedMidEpochMatchesAnUninterruptedOne() {
    SplittableRandom data = new SplittableRandom(4);
    Tensor images = Tensor.randn(data, 1f, 30, 1, 6, 6);
    Tensor labels = Tensor.zeros(30);
    for (int i = 0; i < 30; i++) {
      labels.data()[i] = data.nextInt(CLASSES);
    }
    Trainer.Config config = new Trainer.Config(3, 8, 23, true);
    Sequential straight = dropoutNet(1);
    List<EpochStats> expected = trainer(straight).fit(new AugmentedDataset(new TensorDataset(images, labels), 2, 100),
        null, config);

    Sequential first = dropoutNet(2);
    Trainer.Position[] stop = {null};
    int[] steps = {0};
    trainer(first).addListener(new TrainingListener() {
      @Override
      public void onBatchEnd(int epoch, int batch, int total, float loss, int size) {
        steps[0]++;
      }

      @Override
      public boolean stopRequested() {
        return steps[0] == 6; // 4 batches per epoch: batch 2 of epoch 2
      }

      @Override
      public void onStop(Trainer.Position position) {
        stop[0] = position;
      }
    }).fit(new AugmentedDataset(new TensorDataset(images, labels), 2, 200), null, config);
    assertEquals(2, stop[0].epoch());
    assertEquals(2, stop[0].batch());
    Sequential resumed = dropoutNet(3);
    resumed.loadStateDict(first.stateDict());
    List<EpochStats> rest = trainer(resumed).fit(new AugmentedDataset(new TensorDataset(images, labels), 2, 300),
        null, config, stop[0]);
    straight.stateDict().forEach((k, v) -> assertExactlyEquals(resumed.stateDict().get(k), v));
    assertEquals(2, rest.size());
    for (int i = 0; i < 2; i++) {
      assertEquals(expected.get(i + 1).trainLoss(), rest.get(i).trainLoss(), 0.0);
      assertEquals(expected.get(i + 1).trainAccuracy(), rest.get(i).trainAccuracy(), 0.0);
      assertEquals(expected.get(i + 1).samples(), rest.get(i).samples());
    }
  }

  /** The public step is the one fit takes: no input gradient, the update applied. */
  @Test
  void stepIsOneTrainingStepOfFit() {
    Sequential a = mlp(9);
    Sequential b = mlp(9);
    TensorDataset data = randomLabels(8, 3);
    trainer(a).fit(data, null, new Trainer.Config(1, 8, 1, false));
    Batch all = data.batch(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
    trainer(b).step(all.inputs(), all.targets());
    a.stateDict().forEach((k, v) -> assertExactlyEquals(b.stateDict().get(k), v));
  }

  @Test
  void nanLossThrowsNamingTheEpoch() {
    Sequential model = mlp(1);
    TrainingListener poison = new TrainingListener() {
      @Override
      public void onEpochEnd(EpochStats stats) {
        if (stats.epoch() == 2) {
          model.parameters().get(0).value().fill(Float.NaN);
        }
      }
    };
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> trainer(model).addListener(poison).fit(randomLabels(10, 1), null, new Trainer.Config(5, 4, 1, true)));
    assertTrue(e.getMessage().contains("epoch 3") && e.getMessage().contains("batch 1"), e.getMessage());
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }

  @Test
  void seededMlpOverfitsASmallClassificationSet() {
    TensorDataset data = randomLabels(64, 21);
    Sequential model = mlp(8);
    Trainer t = new Trainer(model, new SoftmaxCrossEntropy(), new Adam(model.parameters(), 0.01f));
    List<EpochStats> history = t.fit(data, null, new Trainer.Config(200, 16, 3, true));
    Evaluation eval = t.evaluate(data, 64);
    assertTrue(eval.accuracy() >= 0.99, "accuracy " + eval.accuracy() + ", final loss " + eval.loss());
    assertTrue(history.get(199).trainLoss() < history.get(0).trainLoss() / 10,
        history.get(0) + " -> " + history.get(199));
  }

  @Test
  void validationIsEvaluatedEachEpoch() {
    List<EpochStats> history = trainer(mlp(1)).fit(randomLabels(20, 1), randomLabels(9, 2),
        new Trainer.Config(2, 5, 1, true));
    for (EpochStats s : history) {
      assertTrue(Double.isFinite(s.validationLoss()) && s.validationAccuracy() >= 0 && s.validationAccuracy() <= 1,
          s.toString());
    }
    List<EpochStats> noValidation = trainer(mlp(1)).fit(randomLabels(20, 1), null, new Trainer.Config(1, 5, 1,
        true));
    assertTrue(Double.isNaN(noValidation.get(0).validationLoss()));
  }

  @Test
  void regressionHasNoAccuracy() {
    SplittableRandom rng = new SplittableRandom(1);
    Sequential model = new Sequential(new Linear(2, 1, rng));
    TensorDataset data = new TensorDataset(Tensor.randn(rng, 1f, 8, 2), Tensor.randn(rng, 1f, 8, 1).mul(5f));
    Trainer t = new Trainer(model, new MeanSquaredError(), new Sgd(model.parameters(), 0.1f));
    List<EpochStats> history = t.fit(data, null, new Trainer.Config(2, 8, 1, false));
    assertTrue(Double.isNaN(history.get(0).trainAccuracy()));
    assertTrue(Double.isNaN(t.evaluate(data, 3).accuracy()));
  }

  @Test
  void configRejectsNonPositiveValues() {
    assertThrows(IllegalArgumentException.class, () -> new Trainer.Config(0, 4, 1, true));
    assertThrows(IllegalArgumentException.class, () -> new Trainer.Config(3, 0, 1, true));
  }

  @Test
  void metricsCountArgmaxAndThresholdAgreement() {
    Tensor logits = Tensor.of(new float[][] {{0.1f, 0.9f}, {0.8f, 0.2f}, {0.3f, 0.7f}});
    assertEquals(2, Metrics.correct(logits, Tensor.of(new float[] {1, 0, 0}, 3)));
    assertEquals(2, Metrics.correct(logits, Tensor.of(new float[][] {{0, 1}, {1, 0}, {1, 0}})));
    Tensor probs = Tensor.of(new float[] {0.2f, 0.6f, 0.5f}, 3, 1);
    assertEquals(3, Metrics.correct(probs, Tensor.of(new float[] {0, 1, 1}, 3, 1)));
    assertEquals(-1, Metrics.correct(probs, Tensor.of(new float[] {0.3f, 1, 1}, 3, 1)));
  }

  @Test
  void lossPrinterPrintsTheFirstEpochAndEveryNth() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LossPrinter printer = new LossPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), 100);
    for (int epoch = 1; epoch <= 300; epoch++) {
      printer.onEpochEnd(new EpochStats(epoch, 1.0 / epoch, Double.NaN, Double.NaN, Double.NaN, 0, 4));
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\\R");
    assertEquals(4, lines.length, String.join("|", lines));
    assertTrue(lines[0].startsWith("Epoch 1, Loss: 1.0"), lines[0]);
    assertTrue(lines[1].startsWith("Epoch 100, Loss: 0.01"), lines[1]);
    assertTrue(lines[3].startsWith("Epoch 300, "), lines[3]);
    assertThrows(IllegalArgumentException.class, () -> new LossPrinter(System.out, 0));
  }
}
