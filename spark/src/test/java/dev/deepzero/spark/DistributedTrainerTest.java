package dev.deepzero.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.Dataset;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Sequential;
import dev.deepzero.optim.Optimizer;
import dev.deepzero.optim.Optimizers;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.train.Trainer;
import dev.deepzero.train.TrainingDivergedException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

class DistributedTrainerTest {

  private static final int[] SHAPE = {1, 28, 28};
  private static final long SEED = 11;
  private static final DistributedTrainer.Schedule CONSTANT = (rate, epoch, epochs) -> rate;

  private static JavaSparkContext sc() {
    return JavaSparkContext.fromSparkContext(SparkTests.session().sparkContext());
  }

  private static Sequential model() {
    return Models.byName("simple-cnn", 1, 28, 28, 10, new SplittableRandom(SEED));
  }

  @Test
  void synchronousTrainingEqualsSingleProcessTraining() throws IOException {
    Dataset train = SparkTests.data().train(); // 5,000 images: one epoch of 50 steps of 100
    Sequential single = model();
    new Trainer(single, new SoftmaxCrossEntropy(), Optimizers.byName("sgd", single.parameters(), 0.1f, 0))
        .fit(train, null, new Trainer.Config(1, 100, SEED, true));

    Sequential distributed = model();
    Optimizer optimizer = Optimizers.byName("sgd", distributed.parameters(), 0.1f, 0);
    JavaRDD<Block> blocks = DistributedTrainer.blocks(sc().parallelize(SparkTests.samples(train), 2), SHAPE);
    List<DistributedTrainer.EpochResult> results = new DistributedTrainer(sc(),
        new DistributedTrainer.Config(1, 100, SEED, DistributedTrainer.SyncMode.SYNC, 1))
        .fit(blocks, distributed, optimizer, CONSTANT, 1, r -> {});
    blocks.unpersist();

    assertEquals(50, results.get(0).timing().jobCount());
    assertEquals(5000, results.get(0).samples());
    double normwise = SparkTests.relativeNormDifference(distributed, single);
    double elementwise = SparkTests.maxRelativeDifference(distributed, single);
    System.out.printf("sync (2 partitions) vs single process after 50 steps: relative L2 difference %.3g, largest"
        + " element difference %.3g of the tensor's largest magnitude%n", normwise, elementwise);
    // Not bit-exact: the shards' gradients are summed in another order than the single batch's GEMM sums, and the
    // rounding differences (3e-7 after 20 steps) grow where a ReLU or a max-pool choice flips.
    assertTrue(normwise <= 1e-5, "relative L2 difference after 50 steps: " + normwise);
  }

  private static final int SMALL = 400; // 4 steps of 100

  private static List<DistributedTrainer.Sample> smallSamples() {
    return SparkTests.samples(dev.deepzero.data.Datasets.subset(SparkTests.data().train(),
        java.util.stream.IntStream.range(0, SMALL).toArray()));
  }

  private static Sequential train(JavaRDD<Block> blocks, DistributedTrainer.SyncMode mode, String optimizer,
      float rate) throws IOException {
    Sequential model = model();
    new DistributedTrainer(sc(), new DistributedTrainer.Config(2, 100, SEED, mode, 2))
        .fit(blocks, model, Optimizers.byName(optimizer, model.parameters(), rate, 0), CONSTANT, 1, r -> {});
    return model;
  }

  @Test
  void aFailedTaskIsRetriedWithTheSameResult() throws IOException {
    JavaRDD<DistributedTrainer.Sample> source = sc().parallelize(smallSamples(), 2);
    JavaRDD<Block> reliable = DistributedTrainer.blocks(source, SHAPE);
    // Not cached: every job rebuilds the blocks, and every job's first attempt at partition 1 fails, so every
    // step (and every averaging round) runs one task twice.
    JavaRDD<Block> failing = source.mapPartitionsWithIndex((p, it) -> {
      if (p == 1 && TaskContext.get().attemptNumber() == 0) {
        throw new IllegalStateException("injected failure of partition 1, attempt 0");
      }
      return List.of(Block.of(p, p * (SMALL / 2L), SHAPE, it)).iterator();
    }, true);
    for (DistributedTrainer.SyncMode mode : DistributedTrainer.SyncMode.values()) {
      Map<String, Tensor> expected = train(reliable, mode, "adam", 1e-3f).stateDict();
      Map<String, Tensor> retried = train(failing, mode, "adam", 1e-3f).stateDict();
      for (String key : expected.keySet()) {
        assertArrayEquals(expected.get(key).data(), retried.get(key).data(), mode + " " + key);
      }
    }
    reliable.unpersist();
  }

  @Test
  void aPartitionWhoseLossIsNotFiniteStopsTheJobNamingPartitionAndStep() {
    JavaRDD<Block> blocks = DistributedTrainer.blocks(sc().parallelize(smallSamples(), 2), SHAPE);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> train(blocks, DistributedTrainer.SyncMode.SYNC, "sgd", 1e12f));
    assertTrue(e.getMessage().matches("training diverged: loss became (NaN|Infinity) in partition [01] at epoch \\d+,"
        + " step \\d+; try a lower learning rate"), e.getMessage());
    blocks.unpersist();
  }

  @Test
  void parameterAveragingLowersTheLoss() throws IOException {
    JavaRDD<Block> blocks = DistributedTrainer.blocks(sc().parallelize(smallSamples(), 2), SHAPE);
    Sequential model = model();
    List<DistributedTrainer.EpochResult> results = new DistributedTrainer(sc(),
        new DistributedTrainer.Config(3, 100, SEED, DistributedTrainer.SyncMode.AVERAGE, 2))
        .fit(blocks, model, Optimizers.byName("sgd", model.parameters(), 0.1f, 0), CONSTANT, 1, r -> {});
    blocks.unpersist();
    assertEquals(2, results.get(0).timing().jobCount()); // 4 local steps per epoch, averaged every 2
    assertTrue(results.get(2).trainLoss() < results.get(0).trainLoss() - 0.3, results.toString());
  }
}
