package dev.deepzero.spark;

import dev.deepzero.data.Batch;
import dev.deepzero.data.Batches;
import dev.deepzero.io.ModelFile;
import dev.deepzero.io.SafeTensors;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Parameter;
import dev.deepzero.nn.StateDicts;
import dev.deepzero.optim.Optimizer;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.train.Metrics;
import dev.deepzero.train.Trainer;
import dev.deepzero.train.TrainingDivergedException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Trains an image classifier (softmax cross-entropy) on data spread over the partitions of an RDD, with Spark's
 * own primitives only: a broadcast carries the weights to the executors, a {@code treeAggregate} brings sums
 * back, and the driver holds the master model and its optimizer.
 *
 * <p><b>Synchronous data-parallel SGD</b> ({@link SyncMode#SYNC}): one Spark job per step. Step {@code s} of epoch
 * {@code e} uses the global batch {@code s} of {@link Batches#shuffled} seeded with
 * {@link Trainer#epochRandom}{@code (seed, e)}, exactly the batch a single-process {@link Trainer} would use.
 * Each partition holds a contiguous range of the samples; it loads the broadcast weights into its replica and
 * computes the gradient of its shard {@code S_p} of the batch {@code B}, scaled to the global mean:
 *
 * <pre>
 * g = sum_p (|S_p| / |B|) * grad (1/|S_p|) sum_{i in S_p} loss_i  =  grad (1/|B|) sum_{i in B} loss_i
 * </pre>
 *
 * The scaled gradients are summed by a {@link TreeSum} (a fixed balanced tree over the partition indices, so the
 * result is bit-identical whatever order the tasks finish in, and on a retried task) and the driver applies
 * the optimizer's update once; the next step broadcasts the new weights, so every replica computes on identical
 * weights. BatchNorm running statistics are averaged the same way, weighted by shard size.
 *
 * <p><b>Parameter averaging</b> ({@link SyncMode#AVERAGE}): one Spark job per round of {@code K} local steps. Each
 * partition loads the broadcast weights and optimizer state, takes {@code K} steps of batch
 * {@code batchSize / partitions} over its own samples (in an order seeded by the seed, the epoch and the
 * partition), and the driver replaces the master's weights, buffers and optimizer state by their average
 * weighted by partition size. An epoch has as many local steps as synchronous mode has steps.
 *
 * <p>Each task's model is built once per executor JVM ({@link Replicas}) from the model file broadcast at the
 * start, and each step's weights travel as safetensors bytes. Layers that draw random numbers (Dropout) are
 * reseeded from the seed, epoch, step and partition before each step, so a retried task repeats its attempt
 * exactly. A loss that is not finite fails the task with a message naming the partition, epoch and step, and
 * the driver rethrows it as a {@link TrainingDivergedException}.
 */
public final class DistributedTrainer {

  /** How replicas are kept in step. */
  public enum SyncMode {
    /** Gradients summed every step (equivalent to single-process training). */
    SYNC,
    /** Weights and optimizer state averaged every {@code averagingPeriod} local steps. */
    AVERAGE
  }

  /**
   * How to train.
   *
   * @param epochs the last epoch to train (a resumed run starts later), positive
   * @param batchSize the global batch: samples per step summed over all partitions, positive
   * @param seed seeds the sample order
   * @param mode synchronous or parameter averaging
   * @param averagingPeriod local steps between averages (parameter averaging only), positive
   */
  public record Config(int epochs, int batchSize, long seed, SyncMode mode, int averagingPeriod)
      implements Serializable {
    /** Checks the values. */
    public Config {
      if (epochs <= 0 || batchSize <= 0 || averagingPeriod <= 0) {
        throw new IllegalArgumentException("epochs, batch size and averaging period must be positive, got "
            + epochs + ", " + batchSize + " and " + averagingPeriod);
      }
    }
  }

  /**
   * Where the time of the epoch's Spark jobs went, in seconds summed over the epoch.
   *
   * @param driver encoding the weights and applying updates on the driver
   * @param jobs wall time of the Spark jobs (scheduling, broadcast fetch, compute, aggregation)
   * @param compute the mean time a task spent computing (forward, backward, local updates)
   * @param jobCount the number of jobs (steps or rounds)
   */
  public record Timing(double driver, double jobs, double compute, int jobCount) implements Serializable {
    /** The Spark overhead per job: job wall time not spent computing, in milliseconds. */
    public double overheadMillisPerJob() {
      return jobCount == 0 ? Double.NaN : (jobs - compute) / jobCount * 1e3;
    }
  }

  /**
   * One epoch's result.
   *
   * @param epoch the 1-based epoch number
   * @param trainLoss mean loss over the samples stepped on
   * @param trainAccuracy fraction of those samples classified right (before each step's update)
   * @param samples the samples stepped on
   * @param seconds wall time of the epoch
   * @param timing where the time went
   */
  public record EpochResult(int epoch, double trainLoss, double trainAccuracy, long samples, double seconds,
      Timing timing) {
    /** Throughput. */
    public double samplesPerSecond() {
      return samples / seconds;
    }
  }

  /** Called on the driver after each epoch, with the master model and optimizer (to checkpoint, evaluate). */
  public interface EpochListener {
    /** Called once per epoch. */
    void onEpochEnd(EpochResult result) throws IOException;
  }

  /** How the learning rate is set at the start of each epoch, from the base rate. */
  public interface Schedule extends Serializable {
    /** The rate of {@code epoch} (1-based) out of {@code epochs}. */
    float rate(float baseRate, int epoch, int epochs);
  }

  // Stats slots summed with the vectors.
  private static final int LOSS_SUM = 0;
  private static final int CORRECT = 1;
  private static final int SAMPLES = 2;
  private static final int COMPUTE_NANOS = 3;
  private static final int STATS = 4;
  // Keeps each partition's local sample order apart from the others' and from the global one.
  private static final long PARTITION_SALT = 0xC2B2AE3D27D4EB4FL;

  private final JavaSparkContext sc;
  private final Config config;

  /** A trainer that runs its jobs on {@code sc}. */
  public DistributedTrainer(JavaSparkContext sc, Config config) {
    this.sc = sc;
    this.config = config;
  }

  /**
   * Turns rows of (input, class index) into one cached {@link Block} per partition, keeping the partitioning.
   *
   * @param samples each element a pair of the flattened input and the class index
   * @param sampleShape the shape of one input
   */
  public static JavaRDD<Block> blocks(JavaRDD<Sample> samples, int[] sampleShape) {
    JavaRDD<Long> counts = samples.mapPartitions(it -> {
      long n = 0;
      for (; it.hasNext(); it.next()) {
        n++;
      }
      return List.of(n).iterator();
    });
    List<Long> perPartition = counts.collect();
    long[] firsts = new long[perPartition.size()];
    for (int p = 1; p < firsts.length; p++) {
      firsts[p] = firsts[p - 1] + perPartition.get(p - 1);
    }
    int[] shape = sampleShape.clone();
    JavaRDD<Block> blocks = samples.mapPartitionsWithIndex((p, it) -> List.of(Block.of(p, firsts[p], shape, it))
        .iterator(), true);
    // Cut the lineage once the blocks are cached: a source made by parallelize() carries its data in its
    // partitions, and every step's task would otherwise ship the whole partition (93 MB for half of
    // Fashion-MNIST). A lost executor's blocks cannot then be recomputed; a failed task still reads the cache.
    blocks.rdd().localCheckpoint();
    return blocks;
  }

  /** One labelled sample: the input flattened, and its class index. */
  public record Sample(float[] input, int label) implements Serializable {}

  /**
   * Trains {@code model} with {@code optimizer} (both on the driver, updated in place) on {@code data}, epochs
   * {@code firstEpoch .. config.epochs()}.
   *
   * @param data one block per partition, from {@link #blocks}; cached
   * @param model Modified: the master model; must be a model {@link ModelFile} can save
   * @param optimizer Modified: over {@code model}'s parameters; named as {@code Optimizers.byName} knows it
   * @param schedule sets the learning rate at each epoch's start from the optimizer's rate at the call
   * @param listener called after each epoch
   * @return the results of the epochs run
   * @throws TrainingDivergedException if a partition's loss stops being finite
   */
  public List<EpochResult> fit(JavaRDD<Block> data, Layer model, Optimizer optimizer, Schedule schedule,
      int firstEpoch, EpochListener listener) throws IOException {
    List<long[]> layout = data.map(b -> new long[] {b.partition(), b.first(), b.count()}).collect();
    long total = layout.stream().mapToLong(l -> l[2]).sum();
    if (total == 0 || total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("DistributedTrainer: need between 1 and 2^31-1 samples, got " + total);
    }
    int partitions = data.getNumPartitions();
    String optimizerName = optimizer.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    Broadcast<Replicas.Spec> spec = sc.broadcast(new Replicas.Spec(UUID.randomUUID().toString(),
        ModelFile.toBytes(model, Map.of()), optimizerName, optimizer.learningRate(), optimizer.weightDecay()));
    float baseRate = optimizer.learningRate();
    List<EpochResult> results = new ArrayList<>();
    try {
      for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
        optimizer.setLearningRate(schedule.rate(baseRate, epoch, config.epochs()));
        long start = System.nanoTime();
        EpochResult result = config.mode() == SyncMode.SYNC
            ? syncEpoch(data, spec, model, optimizer, epoch, (int) total, partitions, start)
            : averagingEpoch(data, spec, model, optimizer, epoch, (int) total, partitions, start);
        results.add(result);
        listener.onEpochEnd(result);
      }
    } catch (Exception e) { // Scala code throws SparkException without declaring it
      TrainingDivergedException diverged = e instanceof SparkException ? divergence((SparkException) e) : null;
      if (diverged != null) {
        throw diverged;
      }
      if (e instanceof IOException || e instanceof RuntimeException) {
        throw e;
      }
      throw new IllegalStateException("Spark training job failed: " + e.getMessage(), e);
    } finally {
      spec.destroy();
    }
    return results;
  }

  // ---------------------------------------------------------------- synchronous SGD

  private EpochResult syncEpoch(JavaRDD<Block> data, Broadcast<Replicas.Spec> spec, Layer model,
      Optimizer optimizer, int epoch, int total, int partitions, long start) {
    List<int[]> batches = Batches.shuffled(total, config.batchSize(), Trainer.epochRandom(config.seed(), epoch));
    List<Parameter> parameters = model.parameters();
    List<Tensor> buffers = buffers(model);
    double[] epochStats = new double[STATS];
    double driver = 0;
    double jobs = 0;
    Config cfg = config;
    for (int step = 0; step < batches.size(); step++) {
      long t0 = System.nanoTime();
      Broadcast<byte[]> weights = sc.broadcast(SafeTensors.toBytes(model.stateDict(), Map.of()));
      long t1 = System.nanoTime();
      int s = step;
      TreeSum sum = sum(data.map(b -> syncShard(b, spec.value(), weights.value(), cfg, epoch, s, total)),
          partitions);
      long t2 = System.nanoTime();
      weights.destroy();
      float[] values = sum.values();
      optimizer.zeroGrad();
      int at = 0;
      for (Parameter p : parameters) {
        float[] g = p.grad().data();
        System.arraycopy(values, at, g, 0, g.length);
        at += g.length;
      }
      optimizer.step();
      for (Tensor buffer : buffers) {
        System.arraycopy(values, at, buffer.data(), 0, buffer.size());
        at += buffer.size();
      }
      add(epochStats, sum.stats());
      long t3 = System.nanoTime();
      driver += (t1 - t0 + t3 - t2) / 1e9;
      jobs += (t2 - t1) / 1e9;
    }
    return result(epoch, epochStats, start, new Timing(driver, jobs, epochStats[COMPUTE_NANOS] / 1e9 / partitions,
        batches.size()));
  }

  /** The scaled gradient (then buffers) of one partition's shard of global batch {@code step}. */
  private static Leaf syncShard(Block block, Replicas.Spec spec, byte[] weights, Config config, int epoch, int step,
      int total) {
    int[] batch = EpochOrders.batches(total, config.batchSize(), config.seed(), epoch).get(step);
    int[] rows = EpochOrders.shard(batch, block.first(), block.count());
    return Replicas.with(spec, replica -> {
      Layer model = replica.model();
      StateDicts.load(model.stateDict(), SafeTensors.read("weights of step " + step, weights).tensors());
      double[] stats = new double[STATS];
      if (rows.length == 0) {
        return new Leaf(block.partition(), new float[gradientLength(model)], stats);
      }
      long t0 = System.nanoTime();
      model.reseed(stepSeed(config.seed(), epoch, step, block.partition()));
      for (Parameter p : model.parameters()) {
        p.zeroGrad();
      }
      stepOn(model, block.batch(rows), stats, block.partition(), epoch, step);
      float scale = (float) rows.length / batch.length;
      float[] values = new float[gradientLength(model)];
      int at = 0;
      for (Parameter p : model.parameters()) {
        at = scaled(p.grad(), scale, values, at);
      }
      for (Tensor buffer : buffers(model)) {
        at = scaled(buffer, scale, values, at);
      }
      stats[COMPUTE_NANOS] = System.nanoTime() - t0;
      return new Leaf(block.partition(), values, stats);
    });
  }

  // ---------------------------------------------------------------- parameter averaging

  private EpochResult averagingEpoch(JavaRDD<Block> data, Broadcast<Replicas.Spec> spec, Layer model,
      Optimizer optimizer, int epoch, int total, int partitions, long start) {
    int steps = (total + config.batchSize() - 1) / config.batchSize();
    int rounds = (steps + config.averagingPeriod() - 1) / config.averagingPeriod();
    int localBatch = Math.max(1, config.batchSize() / partitions);
    double[] epochStats = new double[STATS];
    double driver = 0;
    double jobs = 0;
    Config cfg = config;
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      Broadcast<byte[]> state = sc.broadcast(SafeTensors.toBytes(withOptimizer(model, optimizer), Map.of()));
      long t1 = System.nanoTime();
      int firstStep = round * config.averagingPeriod();
      int count = Math.min(config.averagingPeriod(), steps - firstStep);
      float rate = optimizer.learningRate();
      TreeSum sum = sum(data.map(b -> localSteps(b, spec.value(), state.value(), cfg, epoch, firstStep, count,
          localBatch, rate, total)), partitions);
      long t2 = System.nanoTime();
      state.destroy();
      Map<String, Tensor> averaged = new LinkedHashMap<>();
      float[] values = sum.values();
      int at = 0;
      for (Map.Entry<String, Tensor> e : withOptimizer(model, optimizer).entrySet()) {
        int n = e.getValue().size();
        averaged.put(e.getKey(), Tensor.wrap(Arrays.copyOfRange(values, at, at + n), e.getValue().shape()));
        at += n;
      }
      // The step count stays an exact integer (its weighted average may round below it).
      averaged.put(OPTIMIZER_PREFIX + STEP_KEY, Tensor.scalar(optimizer.steps() + count));
      loadState(model, optimizer, averaged);
      add(epochStats, sum.stats());
      long t3 = System.nanoTime();
      driver += (t1 - t0 + t3 - t2) / 1e9;
      jobs += (t2 - t1) / 1e9;
    }
    return result(epoch, epochStats, start, new Timing(driver, jobs, epochStats[COMPUTE_NANOS] / 1e9 / partitions,
        rounds));
  }

  /** {@code count} local steps of one partition, then its state weighted by its share of the samples. */
  private static Leaf localSteps(Block block, Replicas.Spec spec, byte[] state, Config config, int epoch,
      int firstStep, int count, int localBatch, float rate, int total) {
    return Replicas.with(spec, replica -> {
      Layer model = replica.model();
      Optimizer optimizer = replica.optimizer();
      loadState(model, optimizer, SafeTensors.read("state of step " + firstStep, state).tensors());
      optimizer.setLearningRate(rate);
      double[] stats = new double[STATS];
      long t0 = System.nanoTime();
      if (block.count() > 0) {
        List<int[]> order = EpochOrders.batches(block.count(), localBatch, config.seed() ^ PARTITION_SALT
            * (block.partition() + 1), epoch);
        for (int s = firstStep; s < firstStep + count; s++) {
          model.reseed(stepSeed(config.seed(), epoch, s, block.partition()));
          optimizer.zeroGrad();
          stepOn(model, block.batch(order.get(s % order.size())), stats, block.partition(), epoch, s);
          optimizer.step();
        }
      }
      float weight = (float) block.count() / total;
      Map<String, Tensor> trained = withOptimizer(model, optimizer);
      float[] values = new float[trained.values().stream().mapToInt(Tensor::size).sum()];
      int at = 0;
      for (Tensor t : trained.values()) {
        at = scaled(t, weight, values, at);
      }
      stats[COMPUTE_NANOS] = System.nanoTime() - t0;
      return new Leaf(block.partition(), values, stats);
    });
  }

  private static final String OPTIMIZER_PREFIX = "optimizer.";
  private static final String STEP_KEY = "step";

  /** The model's state dict followed by its optimizer's state, under {@code "optimizer."} names. */
  private static Map<String, Tensor> withOptimizer(Layer model, Optimizer optimizer) {
    Map<String, Tensor> all = new LinkedHashMap<>(model.stateDict());
    for (Map.Entry<String, Tensor> e : optimizer.stateDict().entrySet()) {
      all.put(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
    }
    return all;
  }

  /** Loads what {@link #withOptimizer} lists into the model and the optimizer, strictly. */
  private static void loadState(Layer model, Optimizer optimizer, Map<String, Tensor> state) {
    Map<String, Tensor> weights = new LinkedHashMap<>();
    Map<String, Tensor> optimizerState = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : state.entrySet()) {
      if (e.getKey().startsWith(OPTIMIZER_PREFIX)) {
        optimizerState.put(e.getKey().substring(OPTIMIZER_PREFIX.length()), e.getValue());
      } else {
        weights.put(e.getKey(), e.getValue());
      }
    }
    StateDicts.load(model.stateDict(), weights);
    optimizer.loadStateDict(optimizerState);
  }

  // ---------------------------------------------------------------- shared

  /** A partition's contribution: the vector to sum, and its statistics. */
  private record Leaf(int partition, float[] values, double[] stats) implements Serializable {}

  /** The fixed-order sum of the partitions' leaves, through {@code treeAggregate}. */
  private static TreeSum sum(JavaRDD<Leaf> leaves, int partitions) {
    return leaves.treeAggregate(new TreeSum(partitions),
        (partial, leaf) -> partial.add(leaf.partition(), leaf.values(), leaf.stats()), TreeSum::merge);
  }

  /** Forward and backward of one batch in train mode; adds loss, right answers and samples to {@code stats}. */
  private static void stepOn(Layer model, Batch batch, double[] stats, int partition, int epoch, int step) {
    SoftmaxCrossEntropy lossFunction = new SoftmaxCrossEntropy();
    Tensor output = model.forward(batch.inputs(), Mode.TRAIN);
    float loss = lossFunction.forward(output, batch.targets());
    if (!Float.isFinite(loss)) {
      throw new IllegalStateException(DIVERGED + "loss became " + loss + " in partition " + partition + " at epoch "
          + epoch + ", step " + (step + 1) + "; try a lower learning rate");
    }
    stats[LOSS_SUM] += (double) loss * batch.size();
    stats[CORRECT] += Math.max(Metrics.correct(output, batch.targets()), 0);
    stats[SAMPLES] += batch.size();
    model.backward(lossFunction.backward(), false);
  }

  private static final String DIVERGED = "training diverged: ";

  /** The divergence a task reported, if that is why the job failed. */
  private static TrainingDivergedException divergence(SparkException e) {
    String message = e.getMessage();
    int at = message == null ? -1 : message.indexOf(DIVERGED);
    if (at < 0) {
      return null;
    }
    int end = message.indexOf('\n', at);
    TrainingDivergedException diverged = new TrainingDivergedException(message.substring(at, end < 0
        ? message.length() : end));
    diverged.initCause(e);
    return diverged;
  }

  private static long stepSeed(long seed, int epoch, int step, int partition) {
    return Trainer.epochRandom(seed ^ PARTITION_SALT * (partition + 1), epoch).nextLong() + step;
  }

  private static List<Tensor> buffers(Layer model) {
    Set<Tensor> parameterValues = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Parameter p : model.parameters()) {
      parameterValues.add(p.value());
    }
    List<Tensor> buffers = new ArrayList<>();
    for (Tensor t : model.stateDict().values()) {
      if (!parameterValues.contains(t)) {
        buffers.add(t);
      }
    }
    return buffers;
  }

  private static int gradientLength(Layer model) {
    int n = 0;
    for (Parameter p : model.parameters()) {
      n += p.value().size();
    }
    for (Tensor b : buffers(model)) {
      n += b.size();
    }
    return n;
  }

  private static int scaled(Tensor source, float scale, float[] dst, int at) {
    float[] x = source.data();
    for (int i = 0; i < x.length; i++) {
      dst[at + i] = x[i] * scale;
    }
    return at + x.length;
  }

  private static void add(double[] sum, double[] x) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += x[i];
    }
  }

  private static EpochResult result(int epoch, double[] stats, long start, Timing timing) {
    double samples = stats[SAMPLES];
    return new EpochResult(epoch, stats[LOSS_SUM] / samples, stats[CORRECT] / samples, (long) samples,
        (System.nanoTime() - start) / 1e9, timing);
  }
}
