package dev.deepzero.spark.job;

import dev.deepzero.data.ClassificationData;
import dev.deepzero.io.Json;
import dev.deepzero.spark.DeepzeroClassificationModel;
import dev.deepzero.spark.DeepzeroClassifier;
import dev.deepzero.spark.DistributedTrainer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code spark-train}: trains an image classifier on Spark and writes a model file that {@code deepzero} opens. */
@Command(name = "spark-train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train an image classifier on Apache Spark (data-parallel) and write --out/model.safetensors: a"
        + " checkpoint in deepzero train's format, written after every epoch (deepzero evaluate opens it; train"
        + " --resume and spark-train --resume continue it)."})
final class SparkTrainCommand implements Callable<Integer> {

  @Mixin
  SparkJob.SparkOptions spark;

  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "Folder with the four (Fashion-)MNIST IDX files, read by the driver.")
  Path data;

  @Option(names = "--digits", description = "The folder holds MNIST digits rather than Fashion-MNIST.")
  boolean digits;

  @Option(names = "--model", defaultValue = "simple-cnn", description = "Architecture (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--epochs", defaultValue = "5", description = "Epochs in total (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "100",
      description = "Global batch, over all partitions (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--optimizer", defaultValue = "sgd", description = "Optimizer (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr", defaultValue = "0.1", description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--schedule", defaultValue = "constant", description = "constant or cosine (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--sync", defaultValue = "sync",
      description = "sync (gradients summed every step) or average (parameter averaging) (default: ${DEFAULT-VALUE}).")
  String syncMode;

  @Option(names = "--averaging-period", defaultValue = "5",
      description = "With --sync average: local steps between averages (default: ${DEFAULT-VALUE}).")
  int averagingPeriod;

  @Option(names = "--out", defaultValue = "runs/spark-train", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--resume", paramLabel = "FILE", description = "Continue from a checkpoint (train's or spark-train's).")
  Path resume;

  @Option(names = "--json", description = "Print one machine-readable summary line at the end.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintStream log = json ? System.err : System.out;
    ClassificationData loaded = SparkJob.idx(data, digits);
    log.println("data: " + loaded.description());
    SparkSession session = spark.session("deepzero spark-train");
    int partitions = spark.partitions(session);
    Dataset<Row> train = SparkJob.frame(session, loaded.train(), partitions);
    Dataset<Row> test = SparkJob.frame(session, loaded.test(), partitions);
    Files.createDirectories(out);
    Path modelFile = out.resolve("model.safetensors");
    List<DistributedTrainer.EpochResult> epochsRun = new ArrayList<>();
    int[] shape = loaded.train().inputShape();
    log.printf("spark %s, master %s, %d partitions, %s mode; JDK %s%n", session.version(), session.sparkContext()
        .master(), partitions, syncMode, Runtime.version());
    DeepzeroClassifier classifier = new DeepzeroClassifier().setModelName(model).setInputShape(shape)
        .setClassNames(loaded.classNames().toArray(new String[0])).setEpochs(epochs).setBatchSize(batchSize)
        .setOptimizer(optimizer).setLearningRate(learningRate).setSchedule(schedule).setSeed(seed)
        .setSyncMode(syncMode).setAveragingPeriod(averagingPeriod).setCheckpointFile(modelFile.toString())
        .setInputCol(SparkJob.INPUT).setLabelCol(SparkJob.LABEL)
        .onEpochEnd(r -> {
          epochsRun.add(r);
          DistributedTrainer.Timing t = r.timing();
          log.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  train acc %.4f  %,.0f img/s  %.1f s  (%d jobs: %.1f ms"
              + " each, of which compute %.1f ms, Spark %.1f ms; driver %.1f ms)%n", r.epoch(), epochs, r.trainLoss(),
              r.trainAccuracy(), r.samplesPerSecond(), r.seconds(), t.jobCount(), t.jobs() / t.jobCount() * 1e3,
              t.compute() / t.jobCount() * 1e3, t.overheadMillisPerJob(), t.driver() / t.jobCount() * 1e3);
        });
    if (resume != null) {
      classifier.setResumeFrom(resume.toString());
    }
    long start = System.nanoTime();
    DeepzeroClassificationModel trained = classifier.fit(train);
    double seconds = (System.nanoTime() - start) / 1e9;
    long evalStart = System.nanoTime();
    long right = trained.setInputCol(SparkJob.INPUT).transform(test)
        .filter("cast(prediction as int) = label").count();
    double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
    double accuracy = (double) right / loaded.test().size();
    log.printf(Locale.ROOT, "test accuracy %.4f (%d images, evaluated on Spark in %.1f s); wrote %s (%.1f s)%n",
        accuracy, loaded.test().size(), evalSeconds, modelFile, seconds);
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("model", model);
      summary.put("data", loaded.description());
      summary.put("master", session.sparkContext().master());
      summary.put("partitions", partitions);
      summary.put("sync", syncMode);
      summary.put("epochs", epochsRun.size());
      summary.put("test_accuracy", accuracy);
      summary.put("seconds", seconds);
      List<Object> perEpoch = new ArrayList<>();
      for (DistributedTrainer.EpochResult r : epochsRun) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("epoch", r.epoch());
        e.put("train_loss", r.trainLoss());
        e.put("seconds", r.seconds());
        e.put("images_per_sec", r.samplesPerSecond());
        e.put("jobs", r.timing().jobCount());
        e.put("job_seconds", r.timing().jobs());
        e.put("compute_seconds", r.timing().compute());
        e.put("driver_seconds", r.timing().driver());
        perEpoch.add(e);
      }
      summary.put("per_epoch", perEpoch);
      summary.put("model_file", modelFile.toString());
      summary.put("jdk", Runtime.version().toString());
      System.out.println(Json.write(summary));
    }
    session.stop();
    return 0;
  }
}
