package dev.deepzero.detect;

import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns YOLOv1 outputs into detections in image pixels, as darknet's {@code get_detection_detections}
 * followed by {@link Nms}:
 *
 * <pre>
 * cx = (x + col) / S · W     cy = (y + row) / S · H     w = (√w)² · W     h = (√h)² · H
 * score(box b, class c) = confidence_b · Pr(c | object)        kept when score > scoreThreshold
 * </pre>
 *
 * Each of the {@code S·S·B} boxes gives one candidate per class above the threshold; boxes are clipped to the
 * image; then per-class NMS removes duplicates. darknet's defaults: threshold 0.2 and NMS 0.4 to show
 * detections, threshold 0.001 and NMS 0.5 to compute mAP.
 */
public final class YoloDecoder {

  private final YoloLayout layout;
  private final double scoreThreshold;
  private final double nmsThreshold;

  /**
   * @param layout the network's output layout
   * @param scoreThreshold keep class scores above this, >= 0
   * @param nmsThreshold suppress same-class boxes overlapping a better one by more than this IoU, in [0, 1]
   */
  public YoloDecoder(YoloLayout layout, double scoreThreshold, double nmsThreshold) {
    if (!(scoreThreshold >= 0) || !(nmsThreshold >= 0 && nmsThreshold <= 1)) {
      throw new IllegalArgumentException("YoloDecoder: score threshold must be >= 0 and NMS threshold in [0, 1], got "
          + scoreThreshold + " and " + nmsThreshold);
    }
    this.layout = layout;
    this.scoreThreshold = scoreThreshold;
    this.nmsThreshold = nmsThreshold;
  }

  /**
   * The detections of every sample, after NMS.
   *
   * @param output Not modified; {@code [N, S·S·(5B + C)]} or {@code [N, S, S, 5B + C]}
   * @param imageWidth the width in pixels boxes are scaled to (1 for fractions of the image)
   * @param imageHeight the height in pixels
   */
  public List<List<Detection>> decode(Tensor output, double imageWidth, double imageHeight) {
    int n = layout.checkOutput("YoloDecoder", output);
    List<List<Detection>> all = new ArrayList<>(n);
    for (int sample = 0; sample < n; sample++) {
      all.add(Nms.perClass(candidates(output.data(), sample, imageWidth, imageHeight), nmsThreshold));
    }
    return all;
  }

  /** Every (box, class) pair of one sample scoring above the threshold, before NMS. */
  List<Detection> candidates(float[] p, int sample, double imageWidth, double imageHeight) {
    int s = layout.gridSize();
    int base = sample * layout.outputSize();
    List<Detection> out = new ArrayList<>();
    for (int cell = 0; cell < layout.cells(); cell++) {
      int row = cell / s;
      int col = cell % s;
      for (int b = 0; b < layout.boxesPerCell(); b++) {
        double confidence = p[base + layout.confidenceIndex(cell, b)];
        if (!(confidence > 0)) {
          continue; // darknet drops boxes with objectness 0; negative outputs cannot make a positive score
        }
        double rw = p[base + layout.boxIndex(cell, b, YoloLayout.SQRT_W)];
        double rh = p[base + layout.boxIndex(cell, b, YoloLayout.SQRT_H)];
        double cx = (p[base + layout.boxIndex(cell, b, YoloLayout.X)] + col) / s * imageWidth;
        double cy = (p[base + layout.boxIndex(cell, b, YoloLayout.Y)] + row) / s * imageHeight;
        Box box = Box.fromCenter(cx, cy, rw * rw * imageWidth, rh * rh * imageHeight).clip(imageWidth, imageHeight);
        for (int c = 0; c < layout.numClasses(); c++) {
          double score = confidence * p[base + layout.classIndex(cell, c)];
          if (score > scoreThreshold) {
            out.add(new Detection(box, c, score));
          }
        }
      }
    }
    return out;
  }
}
