package dev.deepzero.cli;

import dev.deepzero.data.AugmentedDataset;
import dev.deepzero.data.ClassificationData;
import dev.deepzero.data.Dataset;
import dev.deepzero.data.Datasets;
import dev.deepzero.data.Normalization;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.ModelFile;
import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Normalize;
import dev.deepzero.train.EpochStats;
import dev.deepzero.train.Evaluation;
import dev.deepzero.train.LearningRateSchedule;
import dev.deepzero.train.Trainer;
import dev.deepzero.train.TrainingListener;
import dev.deepzero.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
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
        "Ctrl-C stops after the current batch and saves where it stopped."})
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--model", defaultValue = "simple-cnn",
      description = "Architecture: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      completionCandidates = ModelNames.class)
  String modelName;

  @Mixin
  DataOptions data;

  @Mixin
  TrainingOptions training = new TrainingOptions(5, 100, "sgd", 0.1f, "runs/train");

  /** How the learning rate changes over the epochs. */
  enum Schedule { CONSTANT, COSINE }

  @Option(names = "--schedule", defaultValue = "CONSTANT",
      description = "Learning-rate schedule: constant, or cosine (from --lr at the first epoch down to --lr/100 at"
          + " the last, set at each epoch's start) (default: ${DEFAULT-VALUE}).")
  Schedule schedule;

  @Option(names = "--warmup", defaultValue = "0", paramLabel = "EPOCHS",
      description = "Raise the learning rate linearly over this many first epochs (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--validation", defaultValue = "0.1",
      description = "Fraction of the training set held out for validation, in [0, 1) (default: ${DEFAULT-VALUE}).")
  double validationFraction;

  @Option(names = "--augment", defaultValue = "0", paramLabel = "PIXELS",
      description = "Shift training images randomly by up to this many pixels (default: ${DEFAULT-VALUE}).")
  int augmentShift;

  /** The cosine schedule ends at this fraction of --lr, as detect-train's does. */
  private static final double COSINE_FLOOR = 0.01;
  private static final String CSV_HEADER = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,"
      + "test_loss,test_accuracy,seconds,images_per_sec";

  @Override
  public Integer call() throws IOException {
    training.check();
    Options.range("--validation", validationFraction, 0, 1, false);
    Options.range("--augment", augmentShift, 0, 64);
    Options.range("--warmup", warmup, 0, training.epochs - 1);
    PrintStream log = training.log();
    long loadStart = System.nanoTime();
    ClassificationData loaded = data.load();
    log.println("data: " + loaded.description());
    int[] shape = loaded.train().inputShape();
    TrainingRun run = training.startOrResume(() -> {
      // The model standardises its own input with the training set's statistics (a Normalize first layer), so
      // the saved file works on raw [0, 1] pixels in evaluate and predict.
      Normalization stats = Normalization.fit(loaded.train());
      List<Layer> layers = new ArrayList<>(List.of(new Normalize(stats.mean(), stats.std())));
      layers.addAll(Models.byName(modelName, shape[0], shape[1], shape[2], loaded.classNames().size(),
          new SplittableRandom(training.seed)).layers());
      Sequential model = new Sequential(layers);
      LearningRateSchedule rates = schedule == Schedule.COSINE
          ? LearningRateSchedule.cosine(training.learningRate, COSINE_FLOOR)
          : LearningRateSchedule.constant(training.learningRate);
      return TrainingRun.start(model, training.optimizer(model), rates.withWarmup(warmup), training.seed,
          training.batchSize);
    });
    modelName = run.metadata().getOrDefault(ModelFile.MODEL_NAME_KEY, modelName);
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
    Evaluation[] lastTest = {new Evaluation(Double.NaN, Double.NaN, 0)};
    TrainingListener report = new TrainingListener() {
      @Override
      public void onEpochEnd(EpochStats s) {
        Evaluation test = Trainer.evaluate(model, loss, loaded.test(), Evaluation.DEFAULT_BATCH);
        lastTest[0] = test;
        run.addMetricsRow(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f,%.1f", s.epoch(),
            s.trainLoss(), s.trainAccuracy(), s.validationLoss(), s.validationAccuracy(), test.loss(),
            test.accuracy(), s.seconds(), s.samplesPerSecond()));
        log.printf("epoch %d/%d  loss %.4f  train acc %.4f  val acc %s  test acc %s  %,.0f img/s  %.1f s%n",
            s.epoch(), training.epochs, s.trainLoss(), s.trainAccuracy(), format(s.validationAccuracy()),
            format(test.accuracy()), s.samplesPerSecond(), s.seconds());
      }
    };
    double seconds = training.fit(run, loss, train, split.validation(), metadata,
        List.of(new StartupTimer(log, loadNanos), report), rows -> {
          Reports.writeCsv(training.out.resolve("metrics.csv"), CSV_HEADER, rows);
          Reports.learningCurve(rows, training.out.resolve("learning-curve.png"));
        });
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("model", modelName);
    summary.put("data", loaded.description());
    summary.put("test_accuracy", Reports.finiteOrNull(lastTest[0].accuracy()));
    summary.put("test_loss", Reports.finiteOrNull(lastTest[0].loss()));
    training.printSummary(summary, run, seconds);
    return 0;
  }

  private static String format(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.4f", v);
  }
}
