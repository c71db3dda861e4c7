package dev.deepzero.cli;

import dev.deepzero.detect.DetectionAugment;
import dev.deepzero.detect.DetectionDataset;
import dev.deepzero.detect.DetectionMetrics;
import dev.deepzero.detect.MeanAveragePrecision;
import dev.deepzero.detect.YoloDecoder;
import dev.deepzero.detect.YoloLoss;
import dev.deepzero.detect.YoloV1;
import dev.deepzero.inference.Detector;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.nn.Layer;
import dev.deepzero.optim.Optimizers;
import dev.deepzero.plot.LineChart;
import dev.deepzero.plot.Png;
import dev.deepzero.train.EpochStats;
import dev.deepzero.train.LearningRateSchedule;
import dev.deepzero.train.Trainer;
import dev.deepzero.train.TrainingListener;
import dev.deepzero.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deepzero detect-train}: trains a YOLOv1-style detector with validation mAP after every epoch. */
@Command(name = "detect-train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a YOLOv1-style object detector on a detection set (from 'deepzero detect-data', or YOLO/VOC"
        + " folders with train/ and val/) and write, in --out: model.safetensors (a checkpoint for --resume),"
        + " metrics.csv and learning-curve.png (loss and validation mAP@0.5 per epoch).",
        "The learning rate follows a cosine from --lr down to --lr/100 over the epochs. Ctrl-C stops after the"
            + " current batch and saves."})
final class DetectTrainCommand implements Callable<Integer> {

  @Option(names = "--data", defaultValue = DetectDataCommand.DEFAULT_DIR, paramLabel = "DIR",
      description = "Data folder with train/ and val/ (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--epochs", defaultValue = "60", description = "Epochs in total (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "32", description = "Images per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--optimizer", defaultValue = "adam",
      description = "sgd, momentum, nesterov, adagrad, rmsprop or adam (default: ${DEFAULT-VALUE}).")
  String optimizerName;

  @Option(names = "--lr", defaultValue = "0.002", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
  float weightDecay;

  @Option(names = "--image-size", defaultValue = "64",
      description = "Input side; images are resized to it. S x 2^k (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(names = "--grid", defaultValue = "8",
      description = "S, grid cells per side; finer than the objects pays (default: ${DEFAULT-VALUE}).")
  int gridSize;

  @Option(names = "--boxes", defaultValue = "2", description = "B, boxes per cell (default: ${DEFAULT-VALUE}).")
  int boxes;

  @Option(names = "--width", defaultValue = "16",
      description = "Channels of the first layer; later ones double, up to 8x (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--jitter", defaultValue = "0.1",
      description = "Augmentation: random crop moving each side by up to this fraction, plus flips; 0 for none"
          + " (default: ${DEFAULT-VALUE}).")
  double jitter;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of weights, order and augmentation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", defaultValue = "runs/detect", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--resume", paramLabel = "FILE", description = "Continue from a model.safetensors checkpoint.")
  Path resume;

  @Option(names = "--json", description = "Print one machine-readable summary line at the end.")
  boolean json;

  private static final String CSV_HEADER = "epoch,train_loss,validation_loss,validation_map,validation_map_voc07,"
      + "learning_rate,seconds,images_per_sec";
  /** The cosine schedule ends at this fraction of the peak learning rate. */
  private static final double FINAL_LR_FRACTION = 0.01;
  private static final int EVAL_BATCH = 64;

  @Override
  public Integer call() throws IOException {
    Options.range("--epochs", epochs, 1, Trainer.MAX_EPOCHS);
    Options.atLeast("--batch-size", batchSize, 1);
    Options.positive("--lr", learningRate);
    Options.range("--image-size", imageSize, 1, ModelMetadata.MAX_INPUT_SIDE);
    Options.range("--jitter", jitter, 0, 0.5, false);
    Path modelFile = out.resolve("model.safetensors");
    Reports.checkWritable(out, modelFile, out.resolve("metrics.csv"), out.resolve("learning-curve.png"));
    PrintStream log = json ? System.err : System.out;
    List<String> classNames = DetectionFolders.classNames(dataDir);
    TrainingRun run;
    YoloV1.Config config;
    if (resume != null) {
      run = TrainingRun.resume(resume, new SplittableRandom(seed));
      ModelMetadata meta = ModelMetadata.read(resume, run.metadata());
      if (meta.kind() != ModelMetadata.Kind.DETECTOR) {
        throw new IllegalArgumentException(resume + ": not a detector checkpoint of 'deepzero detect-train'");
      }
      config = meta.detector();
      log.printf("resuming from %s %s (%s)%n", resume, Reports.resumePoint(run), run.optimizer());
    } else {
      config = new YoloV1.Config(3, imageSize, gridSize, boxes, classNames.size(), width, true);
      Layer model = YoloV1.build(config, new SplittableRandom(seed));
      run = TrainingRun.start(model, Optimizers.byName(optimizerName, model.parameters(), learningRate, weightDecay),
          LearningRateSchedule.cosine(learningRate, FINAL_LR_FRACTION), seed, batchSize);
    }
    if (config.numClasses() != classNames.size()) {
      throw new IllegalArgumentException(resume + " detects " + config.numClasses() + " classes but " + dataDir
          + " has " + classNames.size());
    }
    Layer model = run.model();
    List<String> warnings = new ArrayList<>();
    DetectionDataset train = DetectionFolders.load(dataDir, "train", classNames, config.layout(), config.channels(),
        config.imageSize(), warnings::add);
    DetectionDataset validation = DetectionFolders.load(dataDir, "val", classNames, config.layout(),
        config.channels(), config.imageSize(), warnings::add);
    warnings.forEach(w -> System.err.println("warning: " + w));
    log.printf("data: %s: %,d train images (%,d objects, %d dropped: same cell), %,d validation images; classes %s%n",
        dataDir, train.size(), train.encoding().encoded(), train.encoding().droppedSameCell(), validation.size(),
        String.join(", ", classNames));
    log.printf("model yolo-v1 %dx%d, S=%d B=%d C=%d width %d, %,d parameters; %s, batch %d; kernels %s, %d threads,"
        + " JDK %s%n", config.imageSize(), config.imageSize(), config.gridSize(), config.boxesPerCell(),
        config.numClasses(), config.width(), model.parameters().stream().mapToLong(p -> p.value().size()).sum(),
        run.optimizer(), run.batchSize(), KernelProvider.get().name(), Parallel.common().threads(),
        Runtime.version());

    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(ModelFile.MODEL_NAME_KEY, Detector.MODEL_NAME);
    metadata.put(ModelFile.DATA_KEY, dataDir.toString());
    metadata.putAll(ModelMetadata.detector(classNames, config).entries());

    YoloLoss validationLoss = new YoloLoss(config.layout());
    YoloDecoder decoder = new YoloDecoder(config.layout(), DetectionMetrics.MAP_SCORE_THRESHOLD,
        DetectionMetrics.MAP_NMS_THRESHOLD);
    DetectionDataset augmented = jitter > 0 ? train.withAugmentation(new DetectionAugment(jitter, true), run.seed())
        : train;
    long start = System.nanoTime();
    double[] last = {Double.NaN, Double.NaN};
    try (StopOnInterrupt stop = new StopOnInterrupt()) {
      TrainingListener report = new TrainingListener() {
        @Override
        public void onEpochEnd(EpochStats s) {
          long t0 = System.nanoTime();
          DetectionMetrics.Result val = DetectionMetrics.evaluate(model, validationLoss, validation, decoder,
              EVAL_BATCH);
          double map = val.precision().compute(MeanAveragePrecision.Metric.ALL_POINTS).meanAveragePrecision();
          double map07 = val.precision().compute(MeanAveragePrecision.Metric.VOC07_11_POINT).meanAveragePrecision();
          last[0] = map;
          last[1] = map07;
          float rate = run.optimizer().learningRate();
          run.addMetricsRow(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.3f,%.1f", s.epoch(),
              s.trainLoss(), val.loss(), map, map07, rate, s.seconds(), s.samplesPerSecond()));
          log.printf("epoch %d/%d  loss %.4f  val loss %.4f  val mAP@0.5 %.4f (VOC07 %.4f)  lr %.2g  %,.0f img/s"
              + "  %.1f s + %.1f s val  [%s]%n", s.epoch(), epochs, s.trainLoss(), val.loss(), map, map07, rate,
              s.samplesPerSecond(), s.seconds(), (System.nanoTime() - t0) / 1e9,
              ProgressBar.duration((System.nanoTime() - start) / 1e9));
        }
      };
      run.fit(new YoloLoss(config.layout()), augmented, null, epochs, modelFile, metadata,
          List.of(new ProgressBar(System.err, System.console() != null, epochs), stop, report));
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
      summary.put("model", Detector.MODEL_NAME);
      summary.put("data", dataDir.toString());
      summary.put("epochs", run.metricsRows().size());
      summary.put("validation_map", Reports.finiteOrNull(last[0]));
      summary.put("validation_map_voc07", Reports.finiteOrNull(last[1]));
      summary.put("seconds", seconds);
      summary.put("model_file", modelFile.toString());
      summary.put("jdk", Runtime.version().toString());
      System.out.println(Json.write(summary));
    }
    return 0;
  }

  private void writeReports(List<String> rows) throws IOException {
    Reports.writeCsv(out.resolve("metrics.csv"), CSV_HEADER, rows);
    double[][] columns = Reports.columns(rows, 5);
    LineChart lossChart = new LineChart("YOLO loss", "epoch", "loss")
        .add("train", columns[0], columns[1]).add("validation", columns[0], columns[2]);
    LineChart mapChart = new LineChart("Validation mAP@0.5", "epoch", "mAP").yRange(0, 1)
        .add("all points", columns[0], columns[3]).add("VOC07 11-point", columns[0], columns[4]);
    Png.write(out.resolve("learning-curve.png"), 560, 420, List.of(lossChart, mapChart));
  }
}
