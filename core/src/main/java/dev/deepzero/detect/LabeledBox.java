package dev.deepzero.detect;

/**
 * A ground-truth object: a box, its class and VOC's {@code difficult} flag.
 *
 * @param box the box, in pixels or fractions of the image as the producer states
 * @param classId 0-based index into the class names
 * @param difficult whether VOC marks it difficult: such objects are left out of training targets, and in
 *     evaluation a detection matching one counts neither as a true nor as a false positive
 */
public record LabeledBox(Box box, int classId, boolean difficult) {

  /** Checks the class id. */
  public LabeledBox {
    if (box == null || classId < 0) {
      throw new IllegalArgumentException("LabeledBox: need a box and a class id >= 0, got " + box + ", "
          + classId);
    }
  }

  /** A non-difficult object. */
  public LabeledBox(Box box, int classId) {
    this(box, classId, false);
  }

  /** The same object with its box replaced. */
  public LabeledBox withBox(Box newBox) {
    return new LabeledBox(newBox, classId, difficult);
  }
}
