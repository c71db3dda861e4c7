package dev.deepzero.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Greedy non-maximum suppression per class, as darknet's {@code do_nms_sort}: within each class, boxes are
 * visited by descending score, and a box is dropped when its IoU with an already kept box of the same class
 * is above the threshold (strictly). Boxes of different classes never suppress each other.
 */
public final class Nms {

  private Nms() {}

  /**
   * The detections that survive, by descending score (ties keep their input order).
   *
   * @param detections Not modified
   * @param iouThreshold suppress above this IoU, in [0, 1]; darknet uses 0.4 to display and 0.5 for mAP
   */
  public static List<Detection> perClass(List<Detection> detections, double iouThreshold) {
    if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
      throw new IllegalArgumentException("nms: IoU threshold " + iouThreshold + " outside [0, 1]");
    }
    List<Detection> sorted = new ArrayList<>(detections);
    sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
    List<Detection> kept = new ArrayList<>();
    for (Detection candidate : sorted) {
      boolean suppressed = false;
      for (Detection k : kept) {
        if (k.classId() == candidate.classId() && k.box().iou(candidate.box()) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
      if (!suppressed) {
        kept.add(candidate);
      }
    }
    return kept;
  }
}
