package dev.deepzero.detect;

import dev.deepzero.plot.LineChart;
import dev.deepzero.plot.Png;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * PASCAL VOC mean average precision, following py-faster-rcnn's {@code voc_eval.py} exactly.
 *
 * <p>Per class, over all images added: detections are sorted by descending score; each is matched to the
 * ground truth of its class in its image with the highest IoU. If that IoU is above the threshold (strictly;
 * 0.5 for VOC), a {@code difficult} truth makes the detection count as nothing, an unmatched truth makes it a
 * true positive (and the truth is now matched), an already matched truth makes it a false positive (a
 * duplicate). Otherwise it is a false positive. With {@code npos} the number of non-difficult truths:
 * {@code recall = cumsum(tp) / npos}, {@code precision = cumsum(tp) / (cumsum(tp) + cumsum(fp))}.
 *
 * <pre>
 * VOC2007 11-point: AP = (1/11) Σ_{t = 0, 0.1, ..., 1} max { precision_k : recall_k >= t }   (0 if none)
 * all points (VOC2010+): AP = Σ (r_{i+1} - r_i) · p̂_{i+1}, over the points where recall changes,
 *   p̂ the precision envelope (max precision at any recall >= r), with (0, 0) and (1, 0) appended
 * </pre>
 *
 * <p>A class without non-difficult truths has AP NaN and is left out of the mean (voc_eval divides by 0
 * there); a class with truths but no detections has AP 0.
 *
 * <p>Lifecycle: {@link #add} each image's detections and truths, then {@link #compute}; compute can be called
 * for both metrics on the same data.
 */
public final class MeanAveragePrecision {

  /** The IoU above which a detection matches a truth in PASCAL VOC. */
  public static final double VOC_IOU_THRESHOLD = 0.5;
  private static final int ELEVEN = 11;

  /** Which area under the precision-recall curve. */
  public enum Metric {
    /** VOC2007's mean of the interpolated precision at recall 0, 0.1, ..., 1 (the YOLO paper's VOC07 numbers). */
    VOC07_11_POINT,
    /** VOC2010+'s exact area under the interpolated curve. */
    ALL_POINTS
  }

  /**
   * One class's outcome.
   *
   * @param classId the class
   * @param positives its non-difficult truths ({@code npos})
   * @param averagePrecision its AP, NaN when positives is 0
   * @param recall the recall after each detection, by descending score (difficult matches left out)
   * @param precision the precision after each detection
   */
  public record ClassResult(int classId, int positives, double averagePrecision, double[] recall,
      double[] precision) {}

  /**
   * The outcome over all classes.
   *
   * @param metric which AP
   * @param classes one entry per class, by class id
   * @param meanAveragePrecision the mean AP over classes with positives, NaN if none has any
   */
  public record Result(Metric metric, List<ClassResult> classes, double meanAveragePrecision) {}

  private record ScoredDetection(int image, Detection detection) {}

  private final int numClasses;
  private final double iouThreshold;
  private final boolean inclusivePixels;
  private final List<List<Detection>> detections = new ArrayList<>();
  private final List<List<LabeledBox>> truths = new ArrayList<>();

  /** VOC's setting: IoU above 0.5 with inclusive pixel boxes, as {@code voc_eval.py}. */
  public MeanAveragePrecision(int numClasses) {
    this(numClasses, VOC_IOU_THRESHOLD, true);
  }

  /**
   * @param numClasses C, positive
   * @param iouThreshold a match needs IoU above this, in [0, 1)
   * @param inclusivePixels whether boxes are VOC pixel indices with {@code +1} widths; false for continuous
   *     coordinates such as fractions of the image
   */
  public MeanAveragePrecision(int numClasses, double iouThreshold, boolean inclusivePixels) {
    if (numClasses <= 0 || !(iouThreshold >= 0 && iouThreshold < 1)) {
      throw new IllegalArgumentException("MeanAveragePrecision: need classes > 0 and IoU threshold in [0, 1), got "
          + numClasses + " and " + iouThreshold);
    }
    this.numClasses = numClasses;
    this.iouThreshold = iouThreshold;
    this.inclusivePixels = inclusivePixels;
  }

  /**
   * Adds one image.
   *
   * @param imageDetections Not modified; copied
   * @param imageTruths Not modified; copied; in the same units as the detections
   */
  public void add(List<Detection> imageDetections, List<LabeledBox> imageTruths) {
    for (Detection d : imageDetections) {
      checkClass(d.classId());
    }
    for (LabeledBox t : imageTruths) {
      checkClass(t.classId());
    }
    detections.add(List.copyOf(imageDetections));
    truths.add(List.copyOf(imageTruths));
  }

  private void checkClass(int classId) {
    if (classId >= numClasses) {
      throw new IllegalArgumentException("MeanAveragePrecision: class " + classId + " outside [0, " + numClasses
          + ")");
    }
  }

  /** The number of images added. */
  public int images() {
    return truths.size();
  }

  /** AP of every class and their mean. */
  public Result compute(Metric metric) {
    List<ClassResult> classes = new ArrayList<>(numClasses);
    double sum = 0;
    int counted = 0;
    for (int c = 0; c < numClasses; c++) {
      ClassResult r = evaluateClass(c, metric);
      classes.add(r);
      if (r.positives() > 0) {
        sum += r.averagePrecision();
        counted++;
      }
    }
    return new Result(metric, List.copyOf(classes), counted == 0 ? Double.NaN : sum / counted);
  }

  private ClassResult evaluateClass(int c, Metric metric) {
    List<List<LabeledBox>> gt = new ArrayList<>();
    List<boolean[]> matched = new ArrayList<>();
    int positives = 0;
    for (List<LabeledBox> image : truths) {
      List<LabeledBox> ofClass = image.stream().filter(t -> t.classId() == c).toList();
      gt.add(ofClass);
      matched.add(new boolean[ofClass.size()]);
      positives += (int) ofClass.stream().filter(t -> !t.difficult()).count();
    }
    List<ScoredDetection> ranked = new ArrayList<>();
    for (int i = 0; i < detections.size(); i++) {
      for (Detection d : detections.get(i)) {
        if (d.classId() == c) {
          ranked.add(new ScoredDetection(i, d));
        }
      }
    }
    ranked.sort(Comparator.comparingDouble((ScoredDetection s) -> s.detection().score()).reversed());
    List<Double> recall = new ArrayList<>();
    List<Double> precision = new ArrayList<>();
    int tp = 0;
    int fp = 0;
    for (ScoredDetection s : ranked) {
      List<LabeledBox> candidates = gt.get(s.image());
      int best = -1;
      double bestIou = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < candidates.size(); j++) {
        Box box = candidates.get(j).box();
        double iou = inclusivePixels ? s.detection().box().iouInclusive(box) : s.detection().box().iou(box);
        if (iou > bestIou) {
          bestIou = iou;
          best = j;
        }
      }
      if (best >= 0 && bestIou > iouThreshold) {
        if (candidates.get(best).difficult()) {
          continue;
        }
        boolean[] used = matched.get(s.image());
        if (used[best]) {
          fp++;
        } else {
          used[best] = true;
          tp++;
        }
      } else {
        fp++;
      }
      recall.add(positives == 0 ? Double.NaN : (double) tp / positives);
      precision.add((double) tp / (tp + fp));
    }
    double[] rec = recall.stream().mapToDouble(Double::doubleValue).toArray();
    double[] prec = precision.stream().mapToDouble(Double::doubleValue).toArray();
    double ap = positives == 0 ? Double.NaN : averagePrecision(rec, prec, metric);
    return new ClassResult(c, positives, ap, rec, prec);
  }

  /**
   * The area under one precision-recall curve, as {@code voc_ap} in {@code voc_eval.py}.
   *
   * @param recall Not modified; non-decreasing
   * @param precision Not modified; same length
   */
  public static double averagePrecision(double[] recall, double[] precision, Metric metric) {
    if (recall.length != precision.length) {
      throw new IllegalArgumentException("averagePrecision: " + recall.length + " recall values and "
          + precision.length + " precision values");
    }
    if (metric == Metric.VOC07_11_POINT) {
      double sum = 0;
      for (int k = 0; k < ELEVEN; k++) {
        double t = k / 10.0;
        double best = 0;
        for (int i = 0; i < recall.length; i++) {
          if (recall[i] >= t) {
            best = Math.max(best, precision[i]);
          }
        }
        sum += best;
      }
      return sum / ELEVEN;
    }
    int n = recall.length;
    double[] mrec = new double[n + 2];
    double[] mpre = new double[n + 2];
    mrec[n + 1] = 1;
    System.arraycopy(recall, 0, mrec, 1, n);
    System.arraycopy(precision, 0, mpre, 1, n);
    for (int i = n; i >= 1; i--) {
      mpre[i - 1] = Math.max(mpre[i - 1], mpre[i]);
    }
    double ap = 0;
    for (int i = 0; i <= n; i++) {
      if (mrec[i + 1] != mrec[i]) {
        ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
      }
    }
    return ap;
  }

  /**
   * Writes the precision-recall curve of every class that has detections into one PNG chart.
   *
   * @param file the PNG to write (parent directories are created)
   * @param result Not modified
   * @param classNames the name of each class id
   */
  public static void writePrecisionRecallCurves(Path file, Result result, List<String> classNames)
      throws IOException {
    if (classNames.size() < result.classes().size()) {
      throw new IllegalArgumentException("writePrecisionRecallCurves: " + classNames.size() + " names for "
          + result.classes().size() + " classes");
    }
    LineChart chart = new LineChart(String.format("Precision-recall, %s mAP = %.3f", result.metric(),
        result.meanAveragePrecision()), "recall", "precision").yRange(0, 1);
    for (ClassResult r : result.classes()) {
      if (r.recall().length > 0 && r.positives() > 0) {
        chart.add(String.format("%s (AP %.3f)", classNames.get(r.classId()), r.averagePrecision()), r.recall(),
            r.precision());
      }
    }
    Png.write(file, 720, 480, List.of(chart));
  }
}
