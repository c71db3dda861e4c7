package dev.deepzero.cli;

import dev.deepzero.detect.DetectionDataset;
import dev.deepzero.detect.DetectionMetrics;
import dev.deepzero.detect.MeanAveragePrecision;
import dev.deepzero.detect.YoloDecoder;
import dev.deepzero.detect.YoloLoss;
import dev.deepzero.inference.Detector;
import dev.deepzero.io.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepzero detect-eval}: PASCAL VOC mAP@0.5 of a detector on a data split, per class. */
@Command(name = "detect-eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Evaluate a detector from 'deepzero detect-train' on a detection set: AP per class and mAP at"
        + " IoU > 0.5, computed as py-faster-rcnn's voc_eval (score threshold 0.001, NMS 0.5, boxes compared in"
        + " fractions of the image).")
final class DetectEvalCommand implements Callable<Integer> {

  /** The AP variants. */
  enum Metric { VOC07, ALL_POINT }

  @Parameters(index = "0", paramLabel = "MODEL", description = "A model file from 'deepzero detect-train'.")
  Path modelFile;

  @Option(names = "--data", defaultValue = DetectDataCommand.DEFAULT_DIR, paramLabel = "DIR",
      description = "Data folder (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--split", defaultValue = "test",
      description = "Which split of --data: test, val or train (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--metric", defaultValue = "all-point",
      description = "all-point (VOC2010+) or voc07 (11-point, the YOLO paper's) (default: ${DEFAULT-VALUE}).")
  String metricName;

  @Option(names = "--pr-curve", paramLabel = "PNG", description = "Also write the precision-recall curves here.")
  Path prCurve;

  @Option(names = "--json", description = "Print one machine-readable line instead of the table.")
  boolean json;

  private static final int BATCH = 64;

  @Override
  public Integer call() throws IOException {
    Metric metric = Enums.parse(Metric.class, "--metric", metricName);
    Detector detector = Detector.load(modelFile);
    List<String> classNames = DetectionFolders.classNames(dataDir);
    if (!classNames.equals(detector.classNames())) {
      throw new IllegalArgumentException(modelFile + " detects " + detector.classNames() + " but " + dataDir
          + " has classes " + classNames);
    }
    List<String> warnings = new ArrayList<>();
    DetectionDataset data = DetectionFolders.load(dataDir, split, classNames, detector.config().layout(),
        detector.config().channels(), detector.config().imageSize(), warnings::add);
    warnings.forEach(w -> System.err.println("warning: " + w));
    YoloDecoder decoder = new YoloDecoder(detector.config().layout(), DetectionMetrics.MAP_SCORE_THRESHOLD,
        DetectionMetrics.MAP_NMS_THRESHOLD);
    long start = System.nanoTime();
    DetectionMetrics.Result r = DetectionMetrics.evaluate(detector.model(), new YoloLoss(detector.config().layout()),
        data, decoder, BATCH);
    double seconds = (System.nanoTime() - start) / 1e9;
    MeanAveragePrecision.Result result = r.precision().compute(metric == Metric.VOC07
        ? MeanAveragePrecision.Metric.VOC07_11_POINT : MeanAveragePrecision.Metric.ALL_POINTS);
    if (prCurve != null) {
      MeanAveragePrecision.writePrecisionRecallCurves(prCurve, result, classNames);
    }
    String metricLabel = metric == Metric.VOC07 ? "VOC07 11-point" : "all-point";
    if (json) {
      Map<String, Object> perClass = new LinkedHashMap<>();
      for (MeanAveragePrecision.ClassResult c : result.classes()) {
        perClass.put(classNames.get(c.classId()), Reports.finiteOrNull(c.averagePrecision()));
      }
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("model", modelFile.toString());
      line.put("data", dataDir.resolve(split).toString());
      line.put("images", data.size());
      line.put("metric", metricLabel);
      line.put("map", Reports.finiteOrNull(result.meanAveragePrecision()));
      line.put("ap", perClass);
      line.put("loss", r.loss());
      line.put("images_per_sec", data.size() / seconds);
      System.out.println(Json.write(line));
    } else {
      System.out.printf("%s on %s (%,d images, %.0f img/s): AP at IoU > 0.5, %s%n", modelFile, dataDir.resolve(split),
          data.size(), data.size() / seconds, metricLabel);
      System.out.printf("  %-14s %8s %8s%n", "class", "objects", "AP");
      for (MeanAveragePrecision.ClassResult c : result.classes()) {
        System.out.printf("  %-14s %8d %8s%n", classNames.get(c.classId()), c.positives(),
            Double.isNaN(c.averagePrecision()) ? "-" : String.format("%.4f", c.averagePrecision()));
      }
      System.out.printf("  %-14s %8s %8.4f%n", "mAP", "", result.meanAveragePrecision());
      if (prCurve != null) {
        System.out.println("wrote " + prCurve);
      }
    }
    return 0;
  }
}
