package dev.deepzero.cli;

import dev.deepzero.data.Dataset;
import dev.deepzero.io.Json;
import dev.deepzero.loss.Loss;
import dev.deepzero.nn.Layer;
import dev.deepzero.optim.Optimizer;
import dev.deepzero.optim.Optimizers;
import dev.deepzero.tensor.InsufficientMemoryException;
import dev.deepzero.train.Trainer;
import dev.deepzero.train.TrainingListener;
import dev.deepzero.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * What {@code train} and {@code detect-train} share: their common options (each command sets its own defaults),
 * checking them and the output folder before any work, and the run itself around
 * {@link TrainingRun#fit}: Ctrl-C, the progress bar, the report files, the closing lines.
 */
final class TrainingOptions {

  @Option(names = "--epochs", description = "Epochs in total (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", description = "Samples per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--optimizer",
      description = "sgd, momentum, nesterov, adagrad, rmsprop or adam (default: ${DEFAULT-VALUE}).")
  String optimizerName;

  @Option(names = "--lr", description = "Learning rate, the peak of a schedule (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--weight-decay", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
  float weightDecay;

  @Option(names = "--seed", description = "Seed of weights, split, sample order and augmentation (default:"
      + " ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--resume", paramLabel = "FILE",
      description = "Continue from a model.safetensors checkpoint, where it stopped (epoch and batch).")
  Path resume;

  @Option(names = "--json", description = "Print one machine-readable summary line at the end.")
  boolean json;

  TrainingOptions(int epochs, int batchSize, String optimizerName, float learningRate, String out) {
    this.epochs = epochs;
    this.batchSize = batchSize;
    this.optimizerName = optimizerName;
    this.learningRate = learningRate;
    this.out = Path.of(out);
  }

  /** Checks the options and that the output files can be written, before any data is read. */
  void check() throws IOException {
    Options.range("--epochs", epochs, 1, Trainer.MAX_EPOCHS);
    Options.atLeast("--batch-size", batchSize, 1);
    Options.positive("--lr", learningRate);
    Options.range("--weight-decay", weightDecay, 0, 1, false);
    Reports.checkWritable(out, modelFile(), out.resolve("metrics.csv"), out.resolve("learning-curve.png"));
  }

  /** Where the checkpoint goes. */
  Path modelFile() {
    return out.resolve("model.safetensors");
  }

  /** Progress lines go to standard error when standard output carries the JSON summary. */
  PrintStream log() {
    return json ? System.err : System.out;
  }

  /** A new optimizer over the model's parameters, as the options say. */
  Optimizer optimizer(Layer model) {
    return Optimizers.byName(optimizerName, model.parameters(), learningRate, weightDecay);
  }

  /** The run --resume names, or {@code fresh}'s. */
  TrainingRun startOrResume(Supplier<TrainingRun> fresh) throws IOException {
    if (resume == null) {
      return fresh.get();
    }
    TrainingRun run = TrainingRun.resume(resume, new SplittableRandom(seed));
    log().printf("resuming from %s %s (%s)%n", resume, Reports.resumePoint(run), run.optimizer());
    return run;
  }

  /** Writes the report files from the metrics rows. */
  interface ReportWriter {
    void write(List<String> metricsRows) throws IOException;
  }

  /**
   * Trains with Ctrl-C handling and a progress bar after {@code listeners}, writes the reports and the closing
   * lines; returns the seconds taken.
   */
  double fit(TrainingRun run, Loss loss, Dataset train, Dataset validation, Map<String, String> metadata,
      List<TrainingListener> listeners, ReportWriter reports) throws IOException {
    long start = System.nanoTime();
    try (StopOnInterrupt stop = new StopOnInterrupt()) {
      List<TrainingListener> all = new ArrayList<>(listeners);
      all.add(new ProgressBar(System.err, System.console() != null, epochs));
      all.add(stop);
      try {
        run.fit(loss, train, validation, epochs, modelFile(), metadata, all);
      } catch (InsufficientMemoryException e) {
        throw new IllegalArgumentException("--batch-size " + run.batchSize() + ": " + e.getMessage(), e);
      }
      reports.write(run.metricsRows());
      if (stop.interrupted()) {
        log().println("interrupted: saved " + modelFile() + Reports.stoppedAt(run) + " (resume with --resume "
            + modelFile() + ")");
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    log().printf("wrote %s, %s, %s (%.1f s)%n", modelFile(), out.resolve("metrics.csv"),
        out.resolve("learning-curve.png"), seconds);
    return seconds;
  }

  /** With --json, prints {@code fields} and the common ones as one line. */
  void printSummary(Map<String, Object> fields, TrainingRun run, double seconds) {
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>(fields);
      summary.put("epochs", run.metricsRows().size());
      summary.put("seconds", seconds);
      summary.put("model_file", modelFile().toString());
      summary.put("jdk", Runtime.version().toString());
      System.out.println(Json.write(summary));
    }
  }
}
