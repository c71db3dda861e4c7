package dev.deepzero.detect;

import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes ground-truth boxes into YOLOv1 training targets, as darknet's {@code fill_truth_region}; see
 * {@link YoloLayout} for the layout {@code [is_object, one-hot class, x, y, w, h]} per cell.
 *
 * <p>For a box with centre {@code (cx, cy)} and size {@code w x h}, all fractions of the image:
 * {@code col = floor(cx·S)}, {@code row = floor(cy·S)}, both clamped to {@code [0, S-1]} (a centre at exactly
 * 1.0 would otherwise index cell S); {@code x = cx·S - col}, {@code y = cy·S - row}; w and h are stored raw.
 * Boxes with {@code w < 0.005} or {@code h < 0.005} are skipped (darknet's rule), as are difficult ones
 * (darknet's {@code voc_label.py}). A cell holds one object: a later object whose centre falls in an occupied
 * cell is dropped and counted, never silently.
 */
public final class YoloTargets {

  /** darknet skips boxes narrower or lower than this fraction of the image. */
  public static final double MIN_SIZE = 0.005;

  private final YoloLayout layout;

  /** A target builder for {@code layout}. */
  public YoloTargets(YoloLayout layout) {
    this.layout = layout;
  }

  /** The layout the targets follow. */
  public YoloLayout layout() {
    return layout;
  }

  /**
   * What {@link #encode} produced.
   *
   * @param targets {@code [N, S, S, 5 + C]}
   * @param encoded objects written into a cell
   * @param droppedSameCell objects dropped because their cell already held one
   * @param skipped objects left out because they are difficult or smaller than {@link #MIN_SIZE}
   */
  public record Encoded(Tensor targets, int encoded, int droppedSameCell, int skipped) {}

  /**
   * Encodes the objects of each image, in list order (the first object of a cell wins).
   *
   * @param images Not modified; per image, boxes in fractions of the image
   * @throws IllegalArgumentException for a class id outside {@code [0, C)}
   */
  public Encoded encode(List<List<LabeledBox>> images) {
    Tensor targets = Tensor.zeros(images.size(), layout.gridSize(), layout.gridSize(), layout.targetCellValues());
    float[] t = targets.data();
    int encoded = 0;
    int dropped = 0;
    int skipped = 0;
    int s = layout.gridSize();
    for (int n = 0; n < images.size(); n++) {
      int base = n * layout.targetSize();
      for (LabeledBox object : images.get(n)) {
        if (object.classId() >= layout.numClasses()) {
          throw new IllegalArgumentException("YoloTargets: class " + object.classId() + " of image " + n
              + " is outside [0, " + layout.numClasses() + ")");
        }
        Box box = object.box();
        if (object.difficult() || box.width() < MIN_SIZE || box.height() < MIN_SIZE) {
          skipped++;
          continue;
        }
        double gx = box.centerX() * s;
        double gy = box.centerY() * s;
        int col = clampCell(gx);
        int row = clampCell(gy);
        int cell = layout.cell(row, col);
        if (t[base + layout.targetObjectIndex(cell)] != 0f) {
          dropped++;
          continue;
        }
        t[base + layout.targetObjectIndex(cell)] = 1f;
        t[base + layout.targetClassIndex(cell, object.classId())] = 1f;
        t[base + layout.targetBoxIndex(cell, 0)] = (float) (gx - col);
        t[base + layout.targetBoxIndex(cell, 1)] = (float) (gy - row);
        t[base + layout.targetBoxIndex(cell, 2)] = (float) box.width();
        t[base + layout.targetBoxIndex(cell, 3)] = (float) box.height();
        encoded++;
      }
    }
    return new Encoded(targets, encoded, dropped, skipped);
  }

  private int clampCell(double g) {
    return Math.max(0, Math.min(layout.gridSize() - 1, (int) Math.floor(g)));
  }

  /**
   * The objects encoded in sample {@code n} of {@code targets}, boxes in fractions of the image: the inverse of
   * {@link #encode} for the objects it kept.
   *
   * @param targets Not modified; {@code [N, S, S, 5 + C]}
   */
  public List<LabeledBox> decode(Tensor targets, int n) {
    layout.checkTarget("YoloTargets.decode", targets, targets, targets.rank() == 4 ? targets.dim(0) : -1);
    if (n < 0 || n >= targets.dim(0)) {
      throw new IllegalArgumentException("YoloTargets.decode: sample " + n + " of " + targets.shapeString());
    }
    float[] t = targets.data();
    int base = n * layout.targetSize();
    int s = layout.gridSize();
    List<LabeledBox> objects = new ArrayList<>();
    for (int cell = 0; cell < layout.cells(); cell++) {
      if (t[base + layout.targetObjectIndex(cell)] == 0f) {
        continue;
      }
      int cls = 0;
      for (int c = 1; c < layout.numClasses(); c++) {
        if (t[base + layout.targetClassIndex(cell, c)] > t[base + layout.targetClassIndex(cell, cls)]) {
          cls = c;
        }
      }
      double cx = (t[base + layout.targetBoxIndex(cell, 0)] + cell % s) / s;
      double cy = (t[base + layout.targetBoxIndex(cell, 1)] + cell / s) / s;
      objects.add(new LabeledBox(Box.fromCenter(cx, cy, t[base + layout.targetBoxIndex(cell, 2)],
          t[base + layout.targetBoxIndex(cell, 3)]), cls));
    }
    return objects;
  }
}
