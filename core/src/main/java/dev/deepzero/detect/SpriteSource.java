package dev.deepzero.detect;

import dev.deepzero.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where {@link SyntheticDetectionData} gets its objects: grayscale pictures with a class, such as
 * {@link ShapeSprites} (drawn on the fly, no files) or Fashion-MNIST items.
 */
public interface SpriteSource {

  /**
   * One object picture.
   *
   * @param image {@code [h, w]} coverage in [0, 1]: 1 is the object, 0 the background (it is used as the alpha
   *     when the object is painted onto an image)
   * @param classId index into {@link #classNames()}
   * @param className the class's name
   */
  record Sprite(Tensor image, int classId, String className) {
    /** Checks the image rank. */
    public Sprite {
      if (image.rank() != 2 || classId < 0) {
        throw new IllegalArgumentException("Sprite: need an image [h, w] and a class id >= 0, got "
            + image.shapeString() + " and " + classId);
      }
    }
  }

  /** The class names; a name's index is its class id. */
  List<String> classNames();

  /** A random sprite, drawn with {@code rng}. */
  Sprite next(SplittableRandom rng);
}
