package dev.deepzero.detect;

import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * darknet-style augmentation for detection ({@code load_data_region}): a random crop whose every side moves by
 * up to {@code jitter} of the image (so the picture is scaled and translated, up to 20% in the paper), resized
 * back to the input size, then a horizontal flip with probability 1/2. The boxes follow the same transform and
 * are clipped to the image; boxes left smaller than {@link YoloTargets#MIN_SIZE} are dropped.
 *
 * <pre>
 * crop = [l, r] x [t, b], l, t ~ U(-jitter, jitter), r, b ~ 1 + U(-jitter, jitter)   (fractions of the image)
 * x' = (x - l) / (r - l),  y' = (y - t) / (b - t);  flip: x' -> 1 - x'
 * </pre>
 */
public final class DetectionAugment {

  /** The grey that fills parts of a crop outside the source image. */
  public static final float FILL = 0.5f;

  private final double jitter;
  private final boolean flip;

  /**
   * @param jitter the largest move of each crop side, a fraction of the image in [0, 0.4] (darknet: 0.2)
   * @param flip whether to mirror half of the images
   */
  public DetectionAugment(double jitter, boolean flip) {
    if (!(jitter >= 0 && jitter <= 0.4)) {
      throw new IllegalArgumentException("DetectionAugment: jitter " + jitter + " outside [0, 0.4]");
    }
    this.jitter = jitter;
    this.flip = flip;
  }

  /**
   * An augmented image and its objects.
   *
   * @param image {@code [C, H, W]}
   * @param objects boxes in fractions of the image
   */
  public record Augmented(Tensor image, List<LabeledBox> objects) {}

  /**
   * A random transform of one sample.
   *
   * @param image Not modified; {@code [C, H, W]}
   * @param objects Not modified; boxes in fractions of the image
   */
  public Augmented apply(Tensor image, List<LabeledBox> objects, SplittableRandom rng) {
    Box crop = new Box(offset(rng), offset(rng), 1 + offset(rng), 1 + offset(rng));
    return apply(image, objects, crop, flip && rng.nextBoolean());
  }

  private double offset(SplittableRandom rng) {
    return jitter == 0 ? 0 : rng.nextDouble(-jitter, jitter);
  }

  /**
   * The transform with a given crop window (fractions of the image) and flip.
   *
   * @param image Not modified; {@code [C, H, W]}
   * @param objects Not modified; boxes in fractions of the image
   */
  public static Augmented apply(Tensor image, List<LabeledBox> objects, Box crop, boolean mirror) {
    if (image.rank() != 3 || crop.isEmpty()) {
      throw new IllegalArgumentException("DetectionAugment: need an image [C, H, W] and a non-empty crop, got "
          + image.shapeString() + " and " + crop);
    }
    Tensor out = Images.resample(image, crop, image.dim(1), image.dim(2), mirror, FILL);
    double cw = crop.xmax() - crop.xmin();
    double ch = crop.ymax() - crop.ymin();
    List<LabeledBox> moved = new ArrayList<>();
    for (LabeledBox o : objects) {
      Box b = o.box();
      Box t = new Box((b.xmin() - crop.xmin()) / cw, (b.ymin() - crop.ymin()) / ch, (b.xmax() - crop.xmin()) / cw,
          (b.ymax() - crop.ymin()) / ch).clip(1, 1);
      if (mirror) {
        t = t.flipHorizontal(1);
      }
      if (t.width() >= YoloTargets.MIN_SIZE && t.height() >= YoloTargets.MIN_SIZE) {
        moved.add(o.withBox(t));
      }
    }
    return new Augmented(out, List.copyOf(moved));
  }
}
