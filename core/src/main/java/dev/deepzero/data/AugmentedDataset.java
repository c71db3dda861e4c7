package dev.deepzero.data;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Training-time augmentation: each sample of each batch is shifted by a random whole number of pixels in
 * {@code [-maxShift, maxShift]} along each image axis, and the uncovered border is filled with zeros (the
 * background of MNIST-like images; wrap the data in a {@link Normalization} view after this one, not before).
 *
 * <p>Shape: samples {@code [C, H, W]}; a batch keeps its shape {@code [B, C, H, W]}, and targets pass through.
 *
 * <p>The shifts come from one generator seeded in the constructor (and again by {@link #reseed}, which the
 * trainer calls at every epoch) and advanced by every {@link #batch} call, so a run that asks for the same
 * batches in the same order sees the same shifts. Use it for the training set only: evaluation should see the
 * images as they are.
 */
public final class AugmentedDataset implements Dataset {

  private final Dataset source;
  private final int maxShift;
  private SplittableRandom rng;

  /**
   * @param source samples {@code [C, H, W]}
   * @param maxShift the largest shift in pixels, {@code >= 0} and smaller than the image's height and width
   * @param seed seeds the shifts
   */
  public AugmentedDataset(Dataset source, int maxShift, long seed) {
    int[] shape = source.inputShape();
    if (shape.length != 3 || maxShift < 0 || maxShift >= Math.min(shape[1], shape[2])) {
      throw new IllegalArgumentException("AugmentedDataset: max shift " + maxShift + " for samples "
          + Arrays.toString(shape) + "; needs samples [C, H, W] and 0 <= max shift < min(H, W)");
    }
    this.source = source;
    this.maxShift = maxShift;
    this.rng = new SplittableRandom(seed);
  }

  @Override
  public int size() {
    return source.size();
  }

  @Override
  public void reseed(long seed) {
    SplittableRandom seeds = new SplittableRandom(seed);
    source.reseed(seeds.nextLong());
    rng = seeds.split();
  }

  @Override
  public int[] inputShape() {
    return source.inputShape();
  }

  /** The source's batch with each sample shifted at random. Draws {@code 2 * indices.length} random numbers. */
  @Override
  public Batch batch(int[] indices) {
    Batch b = source.batch(indices);
    Tensor inputs = b.inputs();
    // x: [B, C, H, W]
    int n = inputs.dim(0);
    int c = inputs.dim(1);
    int h = inputs.dim(2);
    int w = inputs.dim(3);
    float[] src = inputs.data();
    float[] out = new float[src.length];
    for (int i = 0; i < n; i++) {
      int dy = rng.nextInt(-maxShift, maxShift + 1);
      int dx = rng.nextInt(-maxShift, maxShift + 1);
      shift(src, out, (i * c) * h * w, c, h, w, dy, dx);
    }
    return new Batch(Tensor.wrap(out, inputs.shape()), b.targets());
  }

  /**
   * Writes planes shifted by {@code (dy, dx)}: {@code out[y][x] = src[y - dy][x - dx]}, zero where that falls
   * outside. {@code out} must be zero on entry.
   */
  static void shift(float[] src, float[] out, int offset, int channels, int h, int w, int dy, int dx) {
    int yFrom = Math.max(0, dy);
    int yTo = Math.min(h, h + dy);
    int xFrom = Math.max(0, dx);
    int length = w - Math.abs(dx);
    for (int ch = 0; ch < channels; ch++) {
      int plane = offset + ch * h * w;
      for (int y = yFrom; y < yTo; y++) {
        System.arraycopy(src, plane + (y - dy) * w + (xFrom - dx), out, plane + y * w + xFrom, length);
      }
    }
  }
}
