package dev.deepzero.detect;

import dev.deepzero.loss.Loss;
import dev.deepzero.tensor.Tensor;

/**
 * The YOLOv1 loss of Redmon et al., "You Only Look Once: Unified, Real-Time Object Detection", CVPR 2016
 * (<a href="https://arxiv.org/abs/1506.02640">arXiv:1506.02640</a>), with darknet's choices where the paper is
 * silent ({@code detection_layer.c}, {@code rescore=1}, {@code sqrt=1}, {@code softmax=0}):
 *
 * <pre>
 * L = λcoord Σi Σj 1obj_ij [(x - x̂)² + (y - ŷ)²]
 *   + λcoord Σi Σj 1obj_ij [(√w - √ŵ)² + (√h - √ĥ)²]
 *   +        Σi Σj 1obj_ij (C - IoU)²
 *   + λnoobj Σi Σj (1 - 1obj_ij) C²
 *   +        Σi 1obj_i Σc (p(c) - onehot(c))²
 * λcoord = 5, λnoobj = 0.5; the reported loss is the mean of L over the batch
 * </pre>
 *
 * <ul>
 *   <li>The network outputs √w and √h directly (darknet), so no square root of a prediction is taken and a
 *       negative output cannot produce NaN: the decoded width is the square. The target's w, h are rooted
 *       after clamping at 0.
 *   <li>The responsible predictor {@code j} of an object cell is the box with the highest current IoU with the
 *       truth, both boxes in image units ({@code x/S}, {@code y/S}, {@code w = (√w)²}). When every IoU is 0
 *       (early training), darknet's tie-break applies: the box with the smallest RMSE over
 *       {@code (x/S, y/S, w, h)}, so box 0 is not always the one trained.
 *   <li>The confidence target is that IoU, treated as a constant: no gradient flows through it.
 *   <li>Non-responsible boxes of object cells get the no-object term too; class terms only in object cells.
 * </ul>
 *
 * <pre>
 * Shape: prediction [N, S·S·(5B + C)] or [N, S, S, 5B + C]; target [N, S, S, 5 + C] (see {@link YoloLayout})
 * backward: dL/dp = 2 · scale · (p - t) / N, scale the term's λ
 * </pre>
 */
public final class YoloLoss implements Loss {

  /** The paper's weight of the coordinate terms. */
  public static final double DEFAULT_LAMBDA_COORD = 5;
  /** The paper's weight of the confidence of boxes without an object. */
  public static final double DEFAULT_LAMBDA_NO_OBJECT = 0.5;

  private final YoloLayout layout;
  private final double lambdaCoord;
  private final double lambdaNoObject;
  private Tensor gradient;
  private Terms terms;

  /**
   * The loss's value split into its parts, each already a batch mean; they sum to the loss.
   *
   * @param coordinate the λcoord terms (x, y, √w, √h)
   * @param object the confidence terms of responsible boxes
   * @param noObject the λnoobj confidence terms of all other boxes
   * @param classes the class-probability terms
   * @param meanIou the mean IoU of the responsible boxes with their truths (NaN without objects)
   */
  public record Terms(double coordinate, double object, double noObject, double classes, double meanIou) {
    /** The sum of the four terms: the loss. */
    public double total() {
      return coordinate + object + noObject + classes;
    }
  }

  /** The paper's loss: λcoord = 5, λnoobj = 0.5. */
  public YoloLoss(YoloLayout layout) {
    this(layout, DEFAULT_LAMBDA_COORD, DEFAULT_LAMBDA_NO_OBJECT);
  }

  /** A loss with other weights, both non-negative. */
  public YoloLoss(YoloLayout layout, double lambdaCoord, double lambdaNoObject) {
    if (!(lambdaCoord >= 0) || !(lambdaNoObject >= 0)) {
      throw new IllegalArgumentException("YoloLoss: weights must be >= 0, got lambdaCoord=" + lambdaCoord
          + " lambdaNoObject=" + lambdaNoObject);
    }
    this.layout = layout;
    this.lambdaCoord = lambdaCoord;
    this.lambdaNoObject = lambdaNoObject;
  }

  /** The layout of predictions and targets. */
  public YoloLayout layout() {
    return layout;
  }

  @Override
  public float forward(Tensor prediction, Tensor target) {
    int n = layout.checkOutput("yolo loss", prediction);
    layout.checkTarget("yolo loss", prediction, target, n);
    if (!target.isFinite()) {
      throw new IllegalArgumentException("yolo loss: target " + target.shapeString() + " holds NaN or infinity");
    }
    if (!prediction.isFinite()) {
      // A diverged network: report NaN so the trainer stops with its own message, rather than fail on a box.
      gradient = Tensor.full(Float.NaN, prediction.shape());
      terms = new Terms(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      return Float.NaN;
    }
    float[] p = prediction.data();
    float[] t = target.data();
    Tensor grad = Tensor.zeros(prediction.shape());
    float[] g = grad.data();
    double[] sums = new double[4];
    double iouSum = 0;
    int objects = 0;
    for (int sample = 0; sample < n; sample++) {
      int pb = sample * layout.outputSize();
      int tb = sample * layout.targetSize();
      for (int cell = 0; cell < layout.cells(); cell++) {
        int responsible = -1;
        double iou = 0;
        if (t[tb + layout.targetObjectIndex(cell)] > 0.5f) {
          Box truth = truthBox(t, tb, cell);
          responsible = responsibleBox(p, pb, cell, truth);
          iou = predictedBox(p, pb, cell, responsible).iou(truth);
          iouSum += iou;
          objects++;
          sums[0] += coordinateTerms(p, t, g, pb, tb, cell, responsible);
          sums[1] += square(p, g, pb + layout.confidenceIndex(cell, responsible), iou, 1);
          for (int c = 0; c < layout.numClasses(); c++) {
            sums[3] += square(p, g, pb + layout.classIndex(cell, c), t[tb + layout.targetClassIndex(cell, c)], 1);
          }
        }
        for (int b = 0; b < layout.boxesPerCell(); b++) {
          if (b != responsible) {
            sums[2] += square(p, g, pb + layout.confidenceIndex(cell, b), 0, lambdaNoObject);
          }
        }
      }
    }
    grad.scaleInPlace(1f / n);
    gradient = grad;
    terms = new Terms(sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n,
        objects == 0 ? Double.NaN : iouSum / objects);
    return (float) terms.total();
  }

  /** Adds {@code scale · (p[i] - target)²}'s gradient into {@code g[i]} and returns its value. */
  private static double square(float[] p, float[] g, int i, double target, double scale) {
    double d = p[i] - target;
    g[i] += (float) (2 * scale * d);
    return scale * d * d;
  }

  private double coordinateTerms(float[] p, float[] t, float[] g, int pb, int tb, int cell, int b) {
    double[] wanted = {t[tb + layout.targetBoxIndex(cell, 0)], t[tb + layout.targetBoxIndex(cell, 1)],
        Math.sqrt(Math.max(0, t[tb + layout.targetBoxIndex(cell, 2)])),
        Math.sqrt(Math.max(0, t[tb + layout.targetBoxIndex(cell, 3)]))};
    double sum = 0;
    for (int k = 0; k < wanted.length; k++) {
      sum += square(p, g, pb + layout.boxIndex(cell, b, k), wanted[k], lambdaCoord);
    }
    return sum;
  }

  /** The truth of an object cell in image units, centred relative to the cell's corner (as darknet). */
  private Box truthBox(float[] t, int tb, int cell) {
    double s = layout.gridSize();
    return Box.fromCenter(t[tb + layout.targetBoxIndex(cell, 0)] / s, t[tb + layout.targetBoxIndex(cell, 1)] / s,
        Math.max(0, t[tb + layout.targetBoxIndex(cell, 2)]), Math.max(0, t[tb + layout.targetBoxIndex(cell, 3)]));
  }

  /** Predicted box {@code b} in the same units as {@link #truthBox}. */
  private Box predictedBox(float[] p, int pb, int cell, int b) {
    double s = layout.gridSize();
    double rw = p[pb + layout.boxIndex(cell, b, YoloLayout.SQRT_W)];
    double rh = p[pb + layout.boxIndex(cell, b, YoloLayout.SQRT_H)];
    return Box.fromCenter(p[pb + layout.boxIndex(cell, b, YoloLayout.X)] / s,
        p[pb + layout.boxIndex(cell, b, YoloLayout.Y)] / s, rw * rw, rh * rh);
  }

  /** darknet's choice: highest IoU, or lowest RMSE while every IoU so far is 0. */
  private int responsibleBox(float[] p, int pb, int cell, Box truth) {
    int best = 0;
    double bestIou = 0;
    double bestRmse = Double.POSITIVE_INFINITY;
    for (int b = 0; b < layout.boxesPerCell(); b++) {
      Box box = predictedBox(p, pb, cell, b);
      double iou = box.iou(truth);
      if (bestIou > 0 || iou > 0) {
        if (iou > bestIou) {
          bestIou = iou;
          best = b;
        }
      } else {
        double rmse = rmse(box, truth);
        if (rmse < bestRmse) {
          bestRmse = rmse;
          best = b;
        }
      }
    }
    return best;
  }

  private static double rmse(Box a, Box b) {
    double dx = a.centerX() - b.centerX();
    double dy = a.centerY() - b.centerY();
    double dw = a.width() - b.width();
    double dh = a.height() - b.height();
    return Math.sqrt(dx * dx + dy * dy + dw * dw + dh * dh);
  }

  @Override
  public Tensor backward() {
    if (gradient == null) {
      throw new IllegalStateException("yolo loss: backward called before forward");
    }
    return gradient.copy(); // the caller's to keep or modify; the cached one stays as forward left it
  }

  /**
   * The parts of the last forward's loss.
   *
   * @throws IllegalStateException if called before forward
   */
  public Terms lastTerms() {
    if (terms == null) {
      throw new IllegalStateException("yolo loss: lastTerms called before forward");
    }
    return terms;
  }

  @Override
  public String toString() {
    return "yolo(" + layout.gridSize() + "x" + layout.gridSize() + ", B=" + layout.boxesPerCell() + ", C="
        + layout.numClasses() + ")";
  }
}
