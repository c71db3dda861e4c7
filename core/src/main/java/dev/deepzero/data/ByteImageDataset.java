package dev.deepzero.data;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;
import java.util.Optional;

/**
 * An image data set held in memory as 8-bit levels, one byte per pixel (a quarter of the memory of floats:
 * Fashion-MNIST's 70,000 images take 55 MB instead of 220 MB). Only the samples of a batch are converted, as
 * {@code x = level * (1f / 255f)} in {@code [0, 1]}: the same floats, bit for bit, as scaling the whole set to
 * floats when it is loaded.
 *
 * <p>Shape: levels {@code [N, ...sampleShape]} flattened row-major, targets {@code [N, ...]}; a batch of B indices
 * has inputs {@code [B, ...sampleShape]} and targets {@code [B, ...]}.
 */
public final class ByteImageDataset implements Dataset {

  /** The float of each level: {@code LEVELS[k] = k * (1f / 255f)}, as MNIST loading has always scaled. */
  private static final float[] LEVELS = new float[256];

  static {
    float scale = 1f / 255f;
    for (int k = 0; k < LEVELS.length; k++) {
      LEVELS[k] = k * scale;
    }
  }

  private final byte[] levels;
  private final int[] sampleShape;
  private final int sampleSize;
  private final Tensor targets;

  /**
   * @param levels the pixels as unsigned bytes ({@code 0..255}), sample after sample; Not modified, not copied
   * @param sampleShape the shape of one sample, such as {@code [1, 28, 28]}; every size positive
   * @param targets {@code [N, ...]}, one row per sample; Not modified, not copied
   * @throws IllegalArgumentException if the sizes do not make {@code N} samples of {@code sampleShape}
   */
  public ByteImageDataset(byte[] levels, int[] sampleShape, Tensor targets) {
    long sampleSize = 1;
    for (int d : sampleShape) {
      // Saturates above the array limit, so that the product cannot overflow.
      sampleSize = Math.min(sampleSize * Math.max(d, 0), Integer.MAX_VALUE + 1L);
    }
    int n = targets.rank() == 0 ? -1 : targets.dim(0);
    if (sampleShape.length == 0 || sampleSize == 0 || sampleSize > Integer.MAX_VALUE || n < 0
        || levels.length != n * sampleSize) {
      throw new IllegalArgumentException("ByteImageDataset: " + levels.length + " pixel levels, samples of shape "
          + Arrays.toString(sampleShape) + " and targets " + targets.shapeString() + "; needs a non-empty sample"
          + " shape of positive sizes, targets [N, ...] and N x " + sampleSize + " levels");
    }
    this.levels = levels;
    this.sampleShape = sampleShape.clone();
    this.sampleSize = (int) sampleSize;
    this.targets = targets;
  }

  /**
   * The data set of {@code inputs} stored as levels, if every input value is exactly one of the 256 levels
   * {@code k * (1f / 255f)} (as 8-bit images at their own size are); empty otherwise, for the caller to keep
   * the floats. Nothing is rounded, so batches equal those of {@code new TensorDataset(inputs, targets)}.
   *
   * @param inputs {@code [N, ...]}; Not modified
   * @param targets {@code [N, ...]}; Not modified, not copied
   */
  public static Optional<ByteImageDataset> ofExactLevels(Tensor inputs, Tensor targets) {
    new Batch(inputs, targets); // validates the shared batch axis
    float[] x = inputs.data();
    byte[] packed = new byte[x.length];
    for (int i = 0; i < x.length; i++) {
      int k = Math.round(x[i] * 255f);
      if (k < 0 || k >= LEVELS.length || Float.floatToRawIntBits(LEVELS[k]) != Float.floatToRawIntBits(x[i])) {
        return Optional.empty();
      }
      packed[i] = (byte) k;
    }
    int[] shape = inputs.shape();
    return Optional.of(new ByteImageDataset(packed, Arrays.copyOfRange(shape, 1, shape.length), targets));
  }

  /** The float that level {@code k} in {@code [0, 255]} stands for in a batch: {@code k * (1f / 255f)}. */
  public static float level(int k) {
    return LEVELS[k];
  }

  /** All targets, {@code [N, ...]}. */
  public Tensor targets() {
    return targets;
  }

  @Override
  public int size() {
    return targets.dim(0);
  }

  @Override
  public int[] inputShape() {
    return sampleShape.clone();
  }

  @Override
  public Batch batch(int[] indices) {
    // Validates every index before converting any pixel.
    Tensor batchTargets = TensorDataset.gather(targets, indices);
    int[] shape = new int[sampleShape.length + 1];
    shape[0] = indices.length;
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    float[] out = new float[indices.length * sampleSize];
    for (int i = 0; i < indices.length; i++) {
      int from = indices[i] * sampleSize;
      int to = i * sampleSize;
      for (int j = 0; j < sampleSize; j++) {
        out[to + j] = LEVELS[levels[from + j] & 0xff];
      }
    }
    return new Batch(Tensor.wrap(out, shape), batchTargets);
  }
}
