package dev.deepzero.io;

import static dev.deepzero.io.ModelFileTest.assertStateEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.TensorDataset;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.optim.Adam;
import dev.deepzero.optim.Momentum;
import dev.deepzero.optim.Optimizer;
import dev.deepzero.optim.Sgd;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  private static final long SEED = 7;
  private static final int TOTAL_EPOCHS = 5;
  private static final int SAVED_AFTER = 2;
  private static final int BATCH_SIZE = 8;

  @TempDir Path dir;

  /** Three Gaussian blobs in 4 dimensions, labelled by blob: an easy, seeded classification set. */
  static TensorDataset blobs(SplittableRandom rng, int n) {
    float[] x = new float[n * 4];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      int label = i % 3;
      y[i] = label;
      for (int j = 0; j < 4; j++) {
        x[i * 4 + j] = (float) (rng.nextGaussian() * 0.7 + (j == label ? 2.0 : 0.0));
      }
    }
    return new TensorDataset(Tensor.of(x, n, 4), Tensor.of(y, n));
  }

  /** A seeded MLP with BatchNorm buffers (resuming with Dropout is TrainerTest's). */
  private static Sequential mlp() {
    SplittableRandom rng = new SplittableRandom(SEED);
    return new Sequential(new Linear(4, 12, rng), new BatchNorm(12), new Relu(), new Linear(12, 3, rng));
  }

  private static Trainer.Config config(int epochs) {
    return new Trainer.Config(epochs, BATCH_SIZE, SEED, true);
  }

  @Test
  void resumedRunEqualsAnUninterruptedOneBitForBit() throws IOException {
    TensorDataset train = blobs(new SplittableRandom(1), 60);
    TensorDataset validation = blobs(new SplittableRandom(2), 30);

    Sequential straight = mlp();
    new Trainer(straight, new SoftmaxCrossEntropy(), new Adam(straight.parameters(), 0.01f))
        .fit(train, validation, config(TOTAL_EPOCHS));

    Sequential first = mlp();
    Adam adam = new Adam(first.parameters(), 0.01f);
    new Trainer(first, new SoftmaxCrossEntropy(), adam).fit(train, validation, config(SAVED_AFTER));
    Path file = dir.resolve("run.ckpt.safetensors");
    Checkpoint.save(file, first, adam, new Checkpoint.TrainingState(SAVED_AFTER, SEED, BATCH_SIZE, true),
        Map.of(ModelFile.MODEL_NAME_KEY, "mlp", ModelFile.DATA_KEY, "blobs(60)"));

    Checkpoint.Loaded loaded = Checkpoint.load(file);
    Checkpoint.TrainingState state = loaded.state();
    assertEquals(new Checkpoint.TrainingState(SAVED_AFTER, SEED, BATCH_SIZE, true), state);
    assertEquals(new Checkpoint.OptimizerSpec("adam", 0.01f, 0f), loaded.optimizer());
    assertEquals(Map.of(ModelFile.MODEL_NAME_KEY, "mlp", ModelFile.DATA_KEY, "blobs(60)"), loaded.metadata());
    Optimizer restored = loaded.restoreOptimizer();
    assertEquals(adam.steps(), restored.steps());
    new Trainer(loaded.model(), new SoftmaxCrossEntropy(), restored).fit(train, validation,
        new Trainer.Config(TOTAL_EPOCHS, state.batchSize(), state.seed(), state.shuffle()), state.epoch() + 1);

    assertStateEquals(straight.stateDict(), loaded.model().stateDict());
  }

  @Test
  void optimizerStateMattersForTheResumedRun() throws IOException {
    TensorDataset train = blobs(new SplittableRandom(1), 60);
    Sequential first = mlp();
    Adam adam = new Adam(first.parameters(), 0.01f);
    new Trainer(first, new SoftmaxCrossEntropy(), adam).fit(train, null, config(SAVED_AFTER));
    Path file = dir.resolve("run.safetensors");
    Checkpoint.save(file, first, adam, new Checkpoint.TrainingState(SAVED_AFTER, SEED, BATCH_SIZE, true), Map.of());

    Checkpoint.Loaded withState = Checkpoint.load(file);
    new Trainer(withState.model(), new SoftmaxCrossEntropy(), withState.restoreOptimizer())
        .fit(train, null, config(SAVED_AFTER + 1), SAVED_AFTER + 1);
    Checkpoint.Loaded fresh = Checkpoint.load(file);
    new Trainer(fresh.model(), new SoftmaxCrossEntropy(), new Adam(fresh.model().parameters(), 0.01f))
        .fit(train, null, config(SAVED_AFTER + 1), SAVED_AFTER + 1);
    assertFalse(Arrays.equals(withState.model().stateDict().get("0.weight").data(),
        fresh.model().stateDict().get("0.weight").data()), "a fresh Adam would have given the same weights");
  }

  @Test
  void checkpointIsAlsoAModelFile() throws IOException {
    Sequential model = mlp();
    Momentum momentum = new Momentum(model.parameters(), 0.1f, Momentum.DEFAULT_MOMENTUM, 0.001f);
    new Trainer(model, new SoftmaxCrossEntropy(), momentum).fit(blobs(new SplittableRandom(3), 30), null,
        config(1));
    Path file = dir.resolve("ckpt.safetensors");
    Checkpoint.save(file, model, momentum, new Checkpoint.TrainingState(1, SEED, BATCH_SIZE, true),
        Map.of(ModelFile.CLASSES_KEY, "[\"a\",\"b\",\"c\"]"));
    List<String> names = SafeTensors.readHeader(file).entries().stream().map(SafeTensors.Entry::name).toList();
    assertTrue(names.contains("optimizer.0.momentum_buffer"), names.toString());
    assertTrue(names.contains("optimizer.step"), names.toString());

    ModelFile.LoadedModel asModel = ModelFile.load(file);
    assertStateEquals(model.stateDict(), asModel.model().stateDict());
    assertEquals(Map.of(ModelFile.CLASSES_KEY, "[\"a\",\"b\",\"c\"]"), asModel.metadata());

    Checkpoint.Loaded loaded = Checkpoint.load(file);
    assertEquals(new Checkpoint.OptimizerSpec("momentum", 0.1f, 0.001f), loaded.optimizer());
    Optimizer restored = loaded.restoreOptimizer();
    assertTrue(restored instanceof Momentum);
    assertEquals(momentum.steps(), restored.steps());
    for (Map.Entry<String, Tensor> e : momentum.stateDict().entrySet()) {
      assertArrayEquals(e.getValue().data(), restored.stateDict().get(e.getKey()).data(), e.getKey());
    }
  }

  @Test
  void plainModelFileIsNotACheckpoint() throws IOException {
    Path file = dir.resolve("model.safetensors");
    ModelFile.save(file, mlp(), Map.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file));
    assertTrue(e.getMessage().startsWith(file + ": is a model file without training state"), e.getMessage());
  }

  @Test
  void optimizerStateThatDoesNotFitIsReported() throws IOException {
    Sequential model = mlp();
    Adam adam = new Adam(model.parameters(), 0.01f);
    Map<String, Tensor> tensors = new LinkedHashMap<>(model.stateDict());
    for (Map.Entry<String, Tensor> e : adam.stateDict().entrySet()) {
      if (!e.getKey().equals("1.exp_avg")) {
        tensors.put("optimizer." + e.getKey(), e.getValue());
      }
    }
    Path file = dir.resolve("partial.safetensors");
    Path good = dir.resolve("good.safetensors");
    Checkpoint.save(good, model, adam, new Checkpoint.TrainingState(0, SEED, BATCH_SIZE, true), Map.of());
    SafeTensors.write(file, tensors, SafeTensors.readHeader(good).metadata());
    Checkpoint.Loaded loaded = Checkpoint.load(file);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, loaded::restoreOptimizer);
    assertTrue(e.getMessage().startsWith(file + ": the optimizer state does not fit the model (adam)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("missing keys [1.exp_avg]"), e.getMessage());
  }

  @Test
  void malformedTrainingStateIsReported() throws IOException {
    Sequential model = mlp();
    Sgd sgd = new Sgd(model.parameters(), 0.1f);
    Path good = dir.resolve("good.safetensors");
    Checkpoint.save(good, model, sgd, new Checkpoint.TrainingState(3, SEED, BATCH_SIZE, false), Map.of());
    Map<String, String> meta = new LinkedHashMap<>(SafeTensors.readHeader(good).metadata());
    meta.put("deepzero.checkpoint.batch_size", "eight");
    Path file = dir.resolve("bad.safetensors");
    SafeTensors.write(file, SafeTensors.read(good).tensors(), meta);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file));
    assertEquals(file + ": checkpoint entry 'deepzero.checkpoint.batch_size' has the malformed value 'eight'",
        e.getMessage());
  }

  @Test
  void optimizerOverOtherParametersIsRejected() {
    Sequential model = mlp();
    Adam other = new Adam(mlp().parameters().subList(0, 4), 0.01f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(
        dir.resolve("x.safetensors"), model, other, new Checkpoint.TrainingState(0, SEED, BATCH_SIZE, true),
        Map.of()));
    assertTrue(e.getMessage().contains("updates 4 parameters that are not the model's 6 parameters in order"),
        e.getMessage());
  }
}
