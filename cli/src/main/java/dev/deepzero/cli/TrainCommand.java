package dev.deepzero.cli;

import dev.deepzero.data.ClassificationData;
import dev.deepzero.data.AugmentedDataset;
import dev.deepzero.data.Dataset;
import dev.deepzero.data.Datasets;
import dev.deepzero.data.Normalization;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.Checkpoint;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Normalize;
import dev.deepzero.optim.Optimizer;
import dev.deepzero.optim.Optimizers;
import dev.deepzero.train.EpochStats;
import dev.deepzero.train.Evaluation;
import dev.deepzero.train.Trainer;
import dev.deepzero.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deepzero train}: trains an image classifier with a progress bar, metrics, a curve and a model file. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train an image classifier on (Fashion-)MNIST and write, in --out: model.safetensors (architecture,"
        + " weights and optimizer state: a checkpoint for --resume), metrics.csv and learning-curve.png.",
        "Ctrl-C stops after the current batch and saves."})
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--model", defaultValue = "simple-cnn",
      description = "Architecture: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      completionCandidates = BenchCommand.ModelNames.class)
  String modelName;

  @Mixin
  DataOptions data;

  @Option(names = "--epochs", defaultValue = "5", description = "Epochs in total (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100", description = "Samples per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--optimizer", defaultValue = "sgd",
      description = "sgd, momentum, nesterov, adagrad, rmsprop or adam (default: ${DEFAULT-VALUE}).")
  String optimizerName;

  @Option(names = "--lr", defaultValue = "0.1", description = "Learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  /** How the learning rate changes over the epochs. */
  enum Schedule { CONSTANT, COSINE }

  @Option(names = "--schedule", defaultValue = "CONSTANT",
      description = "Learning-rate schedule: constant, or cosine (from --lr down to 0 over --epochs, set at each"
          + " epoch's start) (default: ${DEFAULT-VALUE}).")
  Schedule schedule;

  @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
  float weightDecay;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, split and sample order (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--validation", defaultValue = "0.1",
      description = "Fraction of the training set held out for validation (default: ${DEFAULT-VALUE}).")
  double validationFraction;

  @Option(names = "--augment", defaultValue = "0", paramLabel = "PIXELS",
      description = "Shift training images randomly by up to this many pixels (default: ${DEFAULT-VALUE}).")
  int augmentShift;

  @Option(names = "--out", defaultValue = "runs/train", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--resume", paramLabel = "FILE", description = "Continue from a model.safetensors checkpoint.")
  Path resume;

  @Option(names = "--json", description = "Print one machine-readable summary line at the end.")
  boolean json;

  // Evaluation batches stay small: a wide network's activations for 1000 images would take over a GB.
  static final int EVAL_BATCH = 200;
  private static final String METRICS_KEY = "metrics_csv";
  private static final String SCHEDULE_KEY = "lr_schedule";
  private static final String BASE_RATE_KEY = "base_learning_rate";
  private static final String CSV_HEADER = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,"
      + "test_loss,test_accuracy,seconds,images_per_sec";

  /**
   * Prints, once, how long the process took to reach its first training step (from JVM start, without the data
   * loading) and how long that step took: the JIT compiles the kernels during the first steps.
   */
  private static final class StartupTimer implements TrainingListener {
    private final PrintStream log;
    private final long loadNanos;
    private long firstStepStart;

    StartupTimer(PrintStream log, long loadNanos) {
      this.log = log;
      this.loadNanos = loadNanos;
    }

    @Override
    public void onEpochStart(int epoch, int batches) {
      if (firstStepStart == 0) {
        firstStepStart = System.nanoTime();
      }
    }

    @Override
    public void onBatchEnd(int epoch, int batch, int batches, float loss, int samples) {
      if (firstStepStart != Long.MIN_VALUE) {
        long now = System.nanoTime();
        // JVM start as wall-clock milliseconds; the rest in nanoTime, converted once.
        double sinceLaunch = (System.currentTimeMillis() - (now - firstStepStart) / 1_000_000
            - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
        log.printf(Locale.ROOT, "startup: first step began %.2f s after JVM start, not counting %.2f s of data"
            + " loading; it took %.2f s%n", sinceLaunch - loadNanos / 1e9, loadNanos / 1e9,
            (now - firstStepStart) / 1e9);
        firstStepStart = Long.MIN_VALUE;
      }
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintStream log = json ? System.err : System.out;
    long loadStart = System.nanoTime();
    ClassificationData loaded = data.load();
    log.println("data: " + loaded.description());
    int[] shape = loaded.train().inputShape();
    int classes = loaded.classNames().size();

    Layer model;
    Optimizer optimizer;
    int firstEpoch = 1;
    List<String> csvRows = new ArrayList<>();
    if (resume != null) {
      Checkpoint.Loaded checkpoint = Checkpoint.load(resume, new SplittableRandom(seed));
      model = checkpoint.model();
      optimizer = checkpoint.restoreOptimizer();
      firstEpoch = checkpoint.state().epoch() + 1;
      seed = checkpoint.state().seed();
      batchSize = checkpoint.state().batchSize();
      modelName = checkpoint.metadata().getOrDefault(ModelFile.MODEL_NAME_KEY, modelName);
      schedule = Schedule.valueOf(checkpoint.metadata().getOrDefault(SCHEDULE_KEY, schedule.name()));
      learningRate = Float.parseFloat(checkpoint.metadata().getOrDefault(BASE_RATE_KEY,
          Float.toString(optimizer.learningRate())));
      String previous = checkpoint.metadata().getOrDefault(METRICS_KEY, "");
      previous.lines().filter(l -> !l.isBlank()).forEach(csvRows::add);
      log.printf("resuming %s from %s after epoch %d (%s)%n", modelName, resume, firstEpoch - 1, optimizer);
      if (firstEpoch > epochs) {
        throw new IllegalArgumentException(resume + " already has " + (firstEpoch - 1) + " epochs; pass --epochs "
            + "with a larger total to train on");
      }
    } else {
      // The model standardises its own input with the training set's statistics (a Normalize first layer), so
      // the saved file works on raw [0, 1] pixels in evaluate and predict.
      Normalization stats = Normalization.fit(loaded.train());
      List<Layer> layers = new ArrayList<>();
      layers.add(new Normalize(stats.mean(), stats.std()));
      layers.addAll(Models.byName(modelName, shape[0], shape[1], shape[2], classes, new SplittableRandom(seed))
          .layers());
      model = new Sequential(layers);
      optimizer = Optimizers.byName(optimizerName, model.parameters(), learningRate, weightDecay);
    }
    log.printf("model %s, %,d parameters; %s, batch %d; kernels %s, %d threads, JDK %s%n", modelName,
        parameterCount(model), optimizer, batchSize, KernelProvider.get().name(), Parallel.common().threads(),
        Runtime.version());

    Datasets.Split split = validationFraction > 0
        ? Datasets.split(loaded.train(), validationFraction, seed)
        : new Datasets.Split(loaded.train(), null);
    Dataset train = augmentShift > 0 ? new AugmentedDataset(split.train(), augmentShift, seed) : split.train();
    Files.createDirectories(out);
    Path modelFile = out.resolve("model.safetensors");
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(ModelFile.MODEL_NAME_KEY, modelName);
    metadata.put(ModelFile.DATA_KEY, loaded.description());
    metadata.put(SCHEDULE_KEY, schedule.name());
    metadata.put(BASE_RATE_KEY, Float.toString(learningRate));
    metadata.putAll(ModelMetadata.classifier(loaded.classNames(), shape).entries());

    long loadNanos = System.nanoTime() - loadStart; // reading, standardisation statistics and the split
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    Trainer trainer = new Trainer(model, loss, optimizer);
    Trainer.Config config = new Trainer.Config(epochs, batchSize, seed, true);
    long start = System.nanoTime();
    double[] lastTest = {Double.NaN, Double.NaN};
    try (StopOnInterrupt stop = new StopOnInterrupt()) {
      float baseRate = learningRate;
      if (schedule == Schedule.COSINE) {
        trainer.addListener(new TrainingListener() {
          @Override
          public void onEpochStart(int epoch, int batches) {
            double progress = (epoch - 1) / (double) epochs;
            // Never exactly 0: the optimizers reject a zero learning rate.
            optimizer.setLearningRate((float) Math.max(baseRate * 0.5 * (1 + Math.cos(Math.PI * progress)), 1e-8));
          }
        });
      }
      trainer.addListener(new StartupTimer(log, loadNanos));
      trainer.addListener(new ProgressBar(System.err, System.console() != null, epochs));
      trainer.addListener(stop);
      trainer.addListener(new TrainingListener() {
        @Override
        public void onEpochEnd(EpochStats s) {
          Evaluation test = Trainer.evaluate(model, loss, loaded.test(), EVAL_BATCH);
          lastTest[0] = test.loss();
          lastTest[1] = test.accuracy();
          csvRows.add(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f,%.1f", s.epoch(),
              s.trainLoss(), s.trainAccuracy(), s.validationLoss(), s.validationAccuracy(), test.loss(),
              test.accuracy(), s.seconds(), s.samplesPerSecond()));
          log.printf("epoch %d/%d  loss %.4f  train acc %.4f  val acc %s  test acc %.4f  %,.0f img/s  %.1f s%n",
              s.epoch(), epochs, s.trainLoss(), s.trainAccuracy(), format(s.validationAccuracy()),
              test.accuracy(), s.samplesPerSecond(), s.seconds());
          metadata.put(METRICS_KEY, String.join("\n", csvRows));
          // Every epoch ends with a checkpoint, so a crash loses at most one epoch.
          boolean complete = !stop.interrupted();
          Reports.saveCheckpoint(modelFile, model, optimizer,
              new Checkpoint.TrainingState(complete ? s.epoch() : s.epoch() - 1, seed, batchSize, true), metadata);
        }
      });
      trainer.fit(train, split.validation(), config, firstEpoch);
      writeReports(csvRows);
      if (stop.interrupted()) {
        log.println("interrupted: saved " + modelFile + " (resume with --resume " + modelFile + ")");
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    log.printf("wrote %s, %s, %s (%.1f s)%n", modelFile, out.resolve("metrics.csv"),
        out.resolve("learning-curve.png"), seconds);
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("model", modelName);
      summary.put("data", loaded.description());
      summary.put("epochs", csvRows.size());
      summary.put("test_accuracy", lastTest[1]);
      summary.put("test_loss", lastTest[0]);
      summary.put("seconds", seconds);
      summary.put("model_file", modelFile.toString());
      summary.put("jdk", Runtime.version().toString());
      System.out.println(Json.write(summary));
    }
    return 0;
  }

  private void writeReports(List<String> rows) throws IOException {
    Reports.writeCsv(out.resolve("metrics.csv"), CSV_HEADER, rows);
    Reports.learningCurve(rows, out.resolve("learning-curve.png"));
  }

  private static long parameterCount(Layer model) {
    return model.parameters().stream().mapToLong(p -> p.value().size()).sum();
  }

  private static String format(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.4f", v);
  }
}
