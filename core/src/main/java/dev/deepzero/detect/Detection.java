package dev.deepzero.detect;

/**
 * One detected object.
 *
 * @param box the box, in image pixels when it comes from {@link YoloDecoder}
 * @param classId the predicted class
 * @param score the class-specific confidence {@code Pr(class | object) · confidence}, in [0, 1] for a trained
 *     network
 */
public record Detection(Box box, int classId, double score) {

  /** Checks the class id and the score. */
  public Detection {
    if (box == null || classId < 0 || Double.isNaN(score)) {
      throw new IllegalArgumentException("Detection: need a box, a class id >= 0 and a score, got " + box + ", "
          + classId + ", " + score);
    }
  }
}
