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
import dev.deepzero.io.ModelFile;
import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.nn.Layer;
import dev.deepzero.plot.LineChart;
import dev.deepzero.plot.Png;
import dev.deepzero.train.EpochStats;
import dev.deepzero.train.LearningRateSchedule;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deepzero detect-train}: trains a YOLOv1-style detector with validation mAP after every epoch. */
@Command(name = "detect-train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a YOLOv1-style object detector on a detection set (from 'deepzero detect-data', or YOLO/VOC"
        + " folders with train/ and val/) and write, in --out: model.safetensors (a checkpoint for --resume),"
        + " metrics.csv and learning-curve.png (loss and validation mAP@0.5 per epoch).",
        "The learning rate follows a cosine from --lr down to --lr/100 over the epochs. Ctrl-C stops after the"
            + " current batch and saves."})
final class DetectTrainCommand implements Callable<Integer> {

  @Mixin
  TrainingOptions training = new TrainingOptions(60, 32, "adam", 0.002f, "runs/detect");

  @Option(names = "--data", defaultValue = DetectDataCommand.DEFAULT_DIR, paramLabel = "DIR",
      description = "Data folder with train/ and val/ (default: ${DEFAULT-VALUE}).")
  Path dataDir;

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

  private static final String CSV_HEADER = "epoch,train_loss,validation_loss,validation_map,validation_map_voc07,"
      + "learning_rate,seconds,images_per_sec";
  /** The cosine schedule ends at this fraction of the peak learning rate. */
  private static final double FINAL_LR_FRACTION = 0.01;
  private static final int EVAL_BATCH = 64;

  @Override
  public Integer call() throws IOException {
    training.check();
    Options.range("--image-size", imageSize, 1, ModelMetadata.MAX_INPUT_SIDE);
    Options.range("--jitter", jitter, 0, 0.5, false);
    PrintStream log = training.log();
    List<String> classNames = DetectionFolders.classNames(dataDir);
    YoloV1.Config fresh = new YoloV1.Config(3, imageSize, gridSize, boxes, classNames.size(), width, true);
    TrainingRun run = training.startOrResume(() -> {
      Layer model = YoloV1.build(fresh, new SplittableRandom(training.seed));
      return TrainingRun.start(model, training.optimizer(model),
          LearningRateSchedule.cosine(training.learningRate, FINAL_LR_FRACTION), training.seed, training.batchSize);
    });
    YoloV1.Config config = training.resume == null ? fresh : ModelMetadata.read(training.resume, run.metadata())
        .detector();
    if (config == null || config.numClasses() != classNames.size()) {
      throw new IllegalArgumentException(training.resume + (config == null ? " is not a detector checkpoint"
          : " detects " + config.numClasses() + " classes but " + dataDir + " has " + classNames.size()));
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
    TrainingListener report = new TrainingListener() {
      @Override
      public void onEpochEnd(EpochStats s) {
        long t0 = System.nanoTime();
        DetectionMetrics.Result val = DetectionMetrics.evaluate(model, validationLoss, validation, decoder,
            EVAL_BATCH);
        last[0] = val.precision().compute(MeanAveragePrecision.Metric.ALL_POINTS).meanAveragePrecision();
        last[1] = val.precision().compute(MeanAveragePrecision.Metric.VOC07_11_POINT).meanAveragePrecision();
        float rate = run.optimizer().learningRate();
        run.addMetricsRow(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.3f,%.1f", s.epoch(),
            s.trainLoss(), val.loss(), last[0], last[1], rate, s.seconds(), s.samplesPerSecond()));
        log.printf("epoch %d/%d  loss %.4f  val loss %.4f  val mAP@0.5 %.4f (VOC07 %.4f)  lr %.2g  %,.0f img/s"
            + "  %.1f s + %.1f s val  [%s]%n", s.epoch(), training.epochs, s.trainLoss(), val.loss(), last[0], last[1],
            rate, s.samplesPerSecond(), s.seconds(), (System.nanoTime() - t0) / 1e9,
            ProgressBar.duration((System.nanoTime() - start) / 1e9));
      }
    };
    double seconds = training.fit(run, new YoloLoss(config.layout()), augmented, null, metadata, List.of(report),
        this::writeReports);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("model", Detector.MODEL_NAME);
    summary.put("data", dataDir.toString());
    summary.put("validation_map", Reports.finiteOrNull(last[0]));
    summary.put("validation_map_voc07", Reports.finiteOrNull(last[1]));
    training.printSummary(summary, run, seconds);
    return 0;
  }

  private void writeReports(List<String> rows) throws IOException {
    Reports.writeCsv(training.out.resolve("metrics.csv"), CSV_HEADER, rows);
    double[][] columns = Reports.columns(rows, 5);
    LineChart lossChart = new LineChart("YOLO loss", "epoch", "loss")
        .add("train", columns[0], columns[1]).add("validation", columns[0], columns[2]);
    LineChart mapChart = new LineChart("Validation mAP@0.5", "epoch", "mAP").yRange(0, 1)
        .add("all points", columns[0], columns[3]).add("VOC07 11-point", columns[0], columns[4]);
    Png.write(training.out.resolve("learning-curve.png"), 560, 420, List.of(lossChart, mapChart));
  }
}
