package dev.deepzero.train;

import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.AugmentedDataset;
import dev.deepzero.data.Dataset;
import dev.deepzero.data.TensorDataset;
import dev.deepzero.io.Checkpoint;
import dev.deepzero.io.ModelFile;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Dropout;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.optim.Adam;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run checkpointed every epoch and stopped mid-epoch (as by Ctrl-C), then resumed from its file in a fresh
 * model, optimizer and data set (as a new process would), ends where an uninterrupted run ends, with each
 * epoch's metrics row once.
 */
class TrainingRunTest {

  @TempDir Path dir;

  private static final int EPOCHS = 3;

  private static Sequential net(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return new Sequential(new Flatten(), new Linear(36, 16, rng), new BatchNorm(16), new Relu(),
        new Dropout(0.3f, rng.split()), new Linear(16, 3, rng));
  }

  private static Dataset data(long augmentSeed) {
    SplittableRandom rng = new SplittableRandom(4);
    Tensor images = Tensor.randn(rng, 1f, 30, 1, 6, 6);
    Tensor labels = Tensor.zeros(30);
    for (int i = 0; i < 30; i++) {
      labels.data()[i] = rng.nextInt(3);
    }
    return new AugmentedDataset(new TensorDataset(images, labels), 1, augmentSeed);
  }

  /** Adds a metrics row per epoch (without the seconds, which differ) and stops after {@code stopAfter} steps. */
  private static List<TrainingListener> rowsAndStop(TrainingRun run, int stopAfter) {
    return List.of(new TrainingListener() {
      private int steps;

      @Override
      public void onBatchEnd(int epoch, int batch, int batches, float loss, int size) {
        steps++;
      }

      @Override
      public boolean stopRequested() {
        return steps == stopAfter;
      }

      @Override
      public void onEpochEnd(EpochStats s) {
        run.addMetricsRow(String.format(Locale.ROOT, "%d,%s,%s,%d", s.epoch(), s.trainLoss(), s.trainAccuracy(),
            s.samples()));
      }
    });
  }

  private TrainingRun fresh(long seed) {
    Sequential model = net(seed);
    return TrainingRun.start(model, new Adam(model.parameters(), 0.01f),
        LearningRateSchedule.cosine(0.01f, 0.1), 17, 8);
  }

  @Test
  void anInterruptedAndResumedRunEqualsAnUninterruptedOneBitForBit() throws IOException {
    TrainingRun straight = fresh(1);
    straight.fit(new SoftmaxCrossEntropy(), data(1), null, EPOCHS, dir.resolve("straight.safetensors"), Map.of(),
        rowsAndStop(straight, -1));
    assertNull(straight.stoppedAt());

    Path file = dir.resolve("run.safetensors");
    TrainingRun first = fresh(1);
    // 4 batches per epoch: stop after batch 3 of epoch 2.
    first.fit(new SoftmaxCrossEntropy(), data(2), null, EPOCHS, file, Map.of("model", "net"), rowsAndStop(first, 7));
    assertEquals(new Trainer.Position(2, 3, first.stoppedAt().lossSum(), first.stoppedAt().right(), 24, true),
        first.stoppedAt());
    Checkpoint.Loaded saved = Checkpoint.load(file);
    assertEquals(1, saved.state().epoch(), "the checkpoint counts completed epochs only");
    assertTrue(saved.metadata().get(TrainingRun.STOPPED_KEY).startsWith("{\"epoch\":2,\"batch\":3,"),
        saved.metadata().toString());
    assertEquals(1, saved.metadata().get(TrainingRun.METRICS_KEY).lines().count());

    TrainingRun resumed = TrainingRun.resume(file, new SplittableRandom(99));
    assertEquals(first.stoppedAt(), resumed.start());
    assertEquals(first.schedule(), resumed.schedule());
    assertEquals("net", resumed.metadata().get("model"));
    resumed.fit(new SoftmaxCrossEntropy(), data(3), null, EPOCHS, file, resumed.metadata(),
        rowsAndStop(resumed, -1));
    straight.model().stateDict().forEach((k, v) -> assertExactlyEquals(v, resumed.model().stateDict().get(k)));
    straight.optimizer().stateDict().forEach((k, v) -> assertExactlyEquals(v, resumed.optimizer().stateDict().get(k)));
    assertEquals(straight.metricsRows(), resumed.metricsRows(), "every epoch once, with the same figures");

    TrainingRun done = TrainingRun.resume(file, new SplittableRandom(1));
    assertEquals(Trainer.Position.startOf(EPOCHS + 1), done.start());
    assertEquals(straight.metricsRows(), done.metricsRows());
    assertNull(done.metadata().get(TrainingRun.STOPPED_KEY));
    String m = assertThrows(IllegalArgumentException.class, () -> done.fit(new SoftmaxCrossEntropy(), data(1), null,
        EPOCHS, file, Map.of(), List.of())).getMessage();
    assertTrue(m.contains("already has 3 epochs"), m);
  }

  @Test
  void aCheckpointAtTheLastPossibleEpochIsRefusedNotOverflowed() throws IOException {
    Sequential model = net(1);
    Adam adam = new Adam(model.parameters(), 0.01f);
    Path file = dir.resolve("late.safetensors");
    Checkpoint.save(file, model, adam, new Checkpoint.TrainingState(Integer.MAX_VALUE, 1, 8, true), Map.of());
    String m = assertThrows(IllegalArgumentException.class, () -> TrainingRun.resume(file, new SplittableRandom(1)))
        .getMessage();
    assertTrue(m.startsWith(file + ": checkpoint after epoch 2147483647"), m);
    ModelFile.load(file); // still a model file
  }
}
