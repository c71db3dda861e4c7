package dev.deepzero.detect;

import java.util.Optional;
import java.util.function.Consumer;

/** Degenerate-box handling shared by the VOC and YOLO readers, so both treat bad boxes the same way. */
final class Labels {

  /**
   * Boxes reaching outside the image by less than this fraction of it are clipped without a warning: that is
   * the rounding of label files with 6 decimals (a box touching the edge written as centre and size).
   */
  private static final double ROUNDING = 1e-5;

  private Labels() {}

  /** How far {@code box} reaches outside {@code [0, width] x [0, height]}, in its units. */
  private static double outsideBy(Box box, double width, double height) {
    return Math.max(Math.max(-box.xmin(), -box.ymin()), Math.max(box.xmax() - width, box.ymax() - height));
  }

  /**
   * The object with its box clipped to {@code [0, width] x [0, height]}, or empty when nothing usable is left.
   * Every change is reported to {@code warn} with {@code where} (file and line or object).
   */
  static Optional<LabeledBox> sanitize(LabeledBox object, double width, double height, String where,
      Consumer<String> warn) {
    Box box = object.box();
    if (box.xmax() < box.xmin() || box.ymax() < box.ymin()) {
      warn.accept(where + ": skipped box " + box + " with negative size");
      return Optional.empty();
    }
    if (box.isEmpty()) {
      warn.accept(where + ": skipped box " + box + " with zero width or height");
      return Optional.empty();
    }
    Box clipped = box.clip(width, height);
    if (clipped.isEmpty()) {
      warn.accept(where + ": skipped box " + box + " outside the image " + width + " x " + height);
      return Optional.empty();
    }
    if (!clipped.equals(box) && outsideBy(box, width, height) > ROUNDING * Math.max(width, height)) {
      warn.accept(where + ": clipped box " + box + " to the image " + width + " x " + height);
    }
    return Optional.of(object.withBox(clipped));
  }
}
