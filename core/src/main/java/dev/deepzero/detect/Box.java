package dev.deepzero.detect;

/**
 * An axis-aligned box in corner form {@code (xmin, ymin, xmax, ymax)}, in whatever units its producer states:
 * pixels or fractions of the image ({@code [0, 1]}, the units of YOLO labels).
 *
 * <p>Pixel boxes follow the convention of darknet's {@code voc_label.py} and py-faster-rcnn: corners are
 * 0-based pixel indices (a VOC {@code <xmin>48</xmin>} becomes 47) and the width is {@code xmax - xmin}.
 *
 * <p>A box whose {@code xmax < xmin} (or {@code ymax < ymin}) is kept as given but has width (height) 0, so
 * {@link #area()} and {@link #iou} never turn negative or NaN.
 *
 * @param xmin left edge
 * @param ymin top edge
 * @param xmax right edge
 * @param ymax bottom edge
 */
public record Box(double xmin, double ymin, double xmax, double ymax) {

  /** Rejects NaN and infinite coordinates: a NaN box would poison every IoU and loss it meets. */
  public Box {
    if (!Double.isFinite(xmin) || !Double.isFinite(ymin) || !Double.isFinite(xmax) || !Double.isFinite(ymax)) {
      throw new IllegalArgumentException("Box: coordinates must be finite, got (" + xmin + ", " + ymin + ", "
          + xmax + ", " + ymax + ")");
    }
  }

  /** The box with centre {@code (cx, cy)} and size {@code w x h}. */
  public static Box fromCenter(double cx, double cy, double w, double h) {
    return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
  }

  /** {@code max(0, xmax - xmin)}. */
  public double width() {
    return Math.max(0, xmax - xmin);
  }

  /** {@code max(0, ymax - ymin)}. */
  public double height() {
    return Math.max(0, ymax - ymin);
  }

  /** The x of the centre. */
  public double centerX() {
    return (xmin + xmax) / 2;
  }

  /** The y of the centre. */
  public double centerY() {
    return (ymin + ymax) / 2;
  }

  /** {@code width() * height()}, never negative. */
  public double area() {
    return width() * height();
  }

  /** Whether the box has no area. */
  public boolean isEmpty() {
    return !(xmax > xmin && ymax > ymin);
  }

  /**
   * Intersection over union, {@code |A ∩ B| / |A ∪ B|}, in [0, 1]; 0 when the union is empty (two zero-area
   * boxes), so it is never NaN.
   */
  public double iou(Box other) {
    return iou(other, 0);
  }

  /**
   * IoU with VOC's inclusive pixel convention, as {@code voc_eval.py}: a box covers the pixels
   * {@code xmin..xmax} inclusive, so widths are {@code xmax - xmin + 1}.
   */
  public double iouInclusive(Box other) {
    return iou(other, 1);
  }

  private double iou(Box other, double extra) {
    double iw = Math.min(xmax, other.xmax) - Math.max(xmin, other.xmin) + extra;
    double ih = Math.min(ymax, other.ymax) - Math.max(ymin, other.ymin) + extra;
    if (iw <= 0 || ih <= 0) {
      return 0;
    }
    double inter = iw * ih;
    double areaA = Math.max(0, xmax - xmin + extra) * Math.max(0, ymax - ymin + extra);
    double areaB = Math.max(0, other.xmax - other.xmin + extra) * Math.max(0, other.ymax - other.ymin + extra);
    double union = areaA + areaB - inter;
    return union <= 0 ? 0 : Math.min(1, inter / union);
  }

  /** This box cut to {@code [0, width] x [0, height]}. */
  public Box clip(double width, double height) {
    return new Box(clamp(xmin, width), clamp(ymin, height), clamp(xmax, width), clamp(ymax, height));
  }

  private static double clamp(double v, double max) {
    return Math.max(0, Math.min(max, v));
  }

  /** This box with x scaled by {@code sx} and y by {@code sy}, as from fractions of the image to pixels. */
  public Box scale(double sx, double sy) {
    return new Box(xmin * sx, ymin * sy, xmax * sx, ymax * sy);
  }

  /** This box mirrored left-right inside an image of the given width. */
  public Box flipHorizontal(double imageWidth) {
    return new Box(imageWidth - xmax, ymin, imageWidth - xmin, ymax);
  }
}
