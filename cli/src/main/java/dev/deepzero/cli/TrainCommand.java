package dev.deepzero.cli;

import dev.deepzero.data.AugmentedDataset;
import dev.deepzero.data.ClassificationData;
import dev.deepzero.data.Dataset;
import dev.deepzero.data.Datasets;
import dev.deepzero.data.Normalization;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Normalize;
import dev.deepzero.optim.Optimizers;
import dev.deepzero.train.EpochStats;
import dev.deepzero.train.Evaluation;
import dev.deepzero.train.LearningRateSchedule;
import dev.deepzero.train.Trainer;
import dev.deepzero.train.TrainingListener;
import dev.deepzero.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
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
      completionCandidates = ModelNames.class)
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
      description = "Learning-rate schedule: constant, or cosine (from --lr at the first epoch down to --lr/100 at"
          + " the last, set at each epoch's start) (default: ${DEFAULT-VALUE}).")
  Schedule schedule;

  @Option(names = "--warmup", defaultValue = "0", paramLabel = "EPOCHS",
      description = "Raise the learning rate linearly over this many first epochs (default: ${DEFAULT-VALUE}).")
  int warmup;

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

  /** The cosine schedule ends at this fraction of --lr, as detect-train's does. */
  private static final double COSINE_FLOOR = 0.01;

  @Option(names = "--resume", paramLabel = "FILE", description = "Continue from a model.safetensors checkpoint.")
  Path resume;

  @Option(names = "--json", description = "Print one machine-readable summary line at the end.")
  boolean json;

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
    Options.range("--validation", validationFraction, 0, 1, false);
    Options.atLeast("--augment", augmentShift, 0);
    Options.range("--epochs", epochs, 1, Trainer.MAX_EPOCHS);
    Options.range("--warmup", warmup, 0, epochs - 1);
    Options.atLeast("--batch-size", batchSize, 1);
    Options.positive("--lr", learningRate);
    Path modelFile = out.resolve("model.safetensors");
    Reports.checkWritable(out, modelFile, out.resolve("metrics.csv"), out.resolve("learning-curve.png"));
    PrintStream log = json ? System.err : System.out;
    long loadStart = System.nanoTime();
    ClassificationData loaded = data.load();
    log.println("data: " + loaded.description());
    int[] shape = loaded.train().inputShape();

    TrainingRun run;
    if (resume != null) {
      run = TrainingRun.resume(resume, new SplittableRandom(seed));
      modelName = run.metadata().getOrDefault(ModelFile.MODEL_NAME_KEY, modelName);
      log.printf("resuming %s from %s %s (%s)%n", modelName, resume, Reports.resumePoint(run), run.optimizer());
    } else {
      // The model standardises its own input with the training set's statistics (a Normalize first layer), so
      // the saved file works on raw [0, 1] pixels in evaluate and predict.
      Normalization stats = Normalization.fit(loaded.train());
      List<Layer> layers = new ArrayList<>();
      layers.add(new Normalize(stats.mean(), stats.std()));
      layers.addAll(Models.byName(modelName, shape[0], shape[1], shape[2], loaded.classNames().size(),
          new SplittableRandom(seed)).layers());
      Sequential model = new Sequential(layers);
      LearningRateSchedule rates = (schedule == Schedule.COSINE
          ? LearningRateSchedule.cosine(learningRate, COSINE_FLOOR) : LearningRateSchedule.constant(learningRate))
          .withWarmup(warmup);
      run = TrainingRun.start(model, Optimizers.byName(optimizerName, model.parameters(), learningRate,
          weightDecay), rates, seed, batchSize);
    }
    Layer model = run.model();
    log.printf("model %s, %,d parameters; %s, batch %d; kernels %s, %d threads, JDK %s%n", modelName,
        model.parameters().stream().mapToLong(p -> p.value().size()).sum(), run.optimizer(), run.batchSize(),
        KernelProvider.get().name(), Parallel.common().threads(), Runtime.version());

    Datasets.Split split = validationFraction > 0
        ? Datasets.split(loaded.train(), validationFraction, run.seed())
        : new Datasets.Split(loaded.train(), null);
    if (split.train().size() == 0 || (split.validation() != null && split.validation().size() == 0)) {
      throw new IllegalArgumentException("--validation " + validationFraction + " splits the " + loaded.train().size()
          + " training samples into " + split.train().size() + " to train on and "
          + (split.validation() == null ? 0 : split.validation().size()) + " to validate; both need samples");
    }
    Dataset train = augmentShift > 0 ? new AugmentedDataset(split.train(), augmentShift, run.seed()) : split.train();
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(ModelFile.MODEL_NAME_KEY, modelName);
    metadata.put(ModelFile.DATA_KEY, loaded.description());
    metadata.putAll(ModelMetadata.classifier(loaded.classNames(), shape).entries());

    long loadNanos = System.nanoTime() - loadStart; // reading, standardisation statistics and the split
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    long start = System.nanoTime();
    double[] lastTest = {Double.NaN, Double.NaN};
    try (StopOnInterrupt stop = new StopOnInterrupt()) {
      TrainingListener report = new TrainingListener() {
        @Override
        public void onEpochEnd(EpochStats s) {
          Evaluation test = Trainer.evaluate(model, loss, loaded.test(), Evaluation.DEFAULT_BATCH);
          lastTest[0] = test.loss();
          lastTest[1] = test.accuracy();
          run.addMetricsRow(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f,%.1f", s.epoch(),
              s.trainLoss(), s.trainAccuracy(), s.validationLoss(), s.validationAccuracy(), test.loss(),
              test.accuracy(), s.seconds(), s.samplesPerSecond()));
          log.printf("epoch %d/%d  loss %.4f  train acc %.4f  val acc %s  test acc %s  %,.0f img/s  %.1f s%n",
              s.epoch(), epochs, s.trainLoss(), s.trainAccuracy(), format(s.validationAccuracy()),
              format(test.accuracy()), s.samplesPerSecond(), s.seconds());
        }
      };
      run.fit(loss, train, split.validation(), epochs, modelFile, metadata, List.of(new StartupTimer(log, loadNanos),
          new ProgressBar(System.err, System.console() != null, epochs), stop, report));
      writeReports(run.metricsRows());
      if (stop.interrupted()) {
        log.println("interrupted: saved " + modelFile + Reports.stoppedAt(run) + " (resume with --resume "
            + modelFile + ")");
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    log.printf("wrote %s, %s, %s (%.1f s)%n", modelFile, out.resolve("metrics.csv"),
        out.resolve("learning-curve.png"), seconds);
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("model", modelName);
      summary.put("data", loaded.description());
      summary.put("epochs", run.metricsRows().size());
      summary.put("test_accuracy", Reports.finiteOrNull(lastTest[1]));
      summary.put("test_loss", Reports.finiteOrNull(lastTest[0]));
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

  private static String format(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.4f", v);
  }
}
