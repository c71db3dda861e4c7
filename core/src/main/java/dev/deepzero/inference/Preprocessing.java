package dev.deepzero.inference;

import dev.deepzero.data.Images;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

/**
 * How an image becomes a model's input {@code [C, H, W]}: converted to C channels (grey as luminance, or RGB)
 * with values in [0, 1] and resized to H x W ({@link Images#fromImage}); for classifiers trained on
 * light-on-dark images ((Fashion-)MNIST), optionally inverted ({@link Invert}).
 *
 * @param channels 1 or 3
 * @param height the model's input height
 * @param width the model's input width
 */
public record Preprocessing(int channels, int height, int width) {

  /** How to treat dark-on-light images when the model was trained on light-on-dark ones. */
  public enum Invert {
    /** Invert when the image's border is brighter than its centre ({@link #borderBrighterThanCentre}). */
    AUTO,
    /** Always invert. */
    ALWAYS,
    /** Never invert. */
    NEVER
  }

  /**
   * One image ready for the model.
   *
   * @param pixels {@code [C, H, W]}
   * @param inverted whether the grey levels were inverted
   */
  public record Input(Tensor pixels, boolean inverted) {}

  /** The input shape {@code [C, H, W]}. */
  public int[] shape() {
    return new int[] {channels, height, width};
  }

  /** The image converted and resized, not inverted. */
  public Tensor apply(BufferedImage image) {
    return Images.fromImage(image, channels, height, width);
  }

  /**
   * The image converted, resized and, as {@code invert} says, inverted: {@code x -> 1 - x}.
   *
   * @param image Not modified
   */
  public Input apply(BufferedImage image, Invert invert) {
    Tensor pixels = apply(image);
    boolean inverted = invert == Invert.ALWAYS || (invert == Invert.AUTO && borderBrighterThanCentre(pixels));
    return new Input(inverted ? pixels.mul(-1f).add(1f) : pixels, inverted);
  }

  /**
   * Whether the mean of the outer ring of pixels (an eighth of the shorter side, at least one pixel) exceeds
   * the mean of the rest: true for photos of objects on a light background, false for (Fashion-)MNIST.
   *
   * @param chw {@code [C, H, W]}; Not modified
   */
  public static boolean borderBrighterThanCentre(Tensor chw) {
    int c = chw.dim(0);
    int h = chw.dim(1);
    int w = chw.dim(2);
    double border = 0;
    double centre = 0;
    long nb = 0;
    long nc = 0;
    float[] d = chw.data();
    int ring = Math.max(1, Math.min(h, w) / 8);
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v = d[(ch * h + y) * w + x];
          if (y < ring || y >= h - ring || x < ring || x >= w - ring) {
            border += v;
            nb++;
          } else {
            centre += v;
            nc++;
          }
        }
      }
    }
    return nc > 0 && border / nb > centre / nc;
  }

  /**
   * Stacks images of this shape into one batch {@code [N, C, H, W]}.
   *
   * @param images each {@code [C, H, W]}; Not modified
   */
  public Tensor batch(List<Tensor> images) {
    int size = channels * height * width;
    Tensor out = Tensor.zeros(images.size(), channels, height, width);
    for (int i = 0; i < images.size(); i++) {
      Tensor image = images.get(i);
      if (image.size() != size) {
        throw new IllegalArgumentException("Preprocessing.batch: image " + i + " is " + image.shapeString()
            + ", expected " + Arrays.toString(shape()));
      }
      System.arraycopy(image.data(), 0, out.data(), i * size, size);
    }
    return out;
  }
}
