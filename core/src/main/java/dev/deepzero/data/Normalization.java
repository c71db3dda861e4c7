package dev.deepzero.data;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * Per-channel standardisation {@code x' = (x - mean[c]) / std[c]}, with statistics computed on the training
 * set and then applied unchanged to validation, test and prediction inputs.
 *
 * <p>Shape: inputs {@code [N, C, ...]}, channel {@code c} on axis 1; the output has the input's shape.
 *
 * @param mean the mean of each channel
 * @param std the standard deviation of each channel, positive
 */
public record Normalization(float[] mean, float[] std) {

  /** Below this a channel counts as constant: it is only centred, not divided by almost zero. */
  private static final double MIN_STD = 1e-6;
  private static final int FIT_CHUNK = 1024;

  /** Copies the arrays and checks that they match and every {@code std} is positive. */
  public Normalization {
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("Normalization: " + mean.length + " means and " + std.length
          + " standard deviations; need one of each per channel");
    }
    for (float s : std) {
      if (!(s > 0) || !Float.isFinite(s)) {
        throw new IllegalArgumentException("Normalization: standard deviations must be positive and finite, got "
            + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** The mean of each channel, as a copy. */
  @Override
  public float[] mean() {
    return mean.clone();
  }

  /** The standard deviation of each channel, as a copy. */
  @Override
  public float[] std() {
    return std.clone();
  }

  /** The number of channels. */
  public int channels() {
    return mean.length;
  }

  /**
   * The mean and (population) standard deviation of each input channel over all samples and positions of
   * {@code dataset}, read in batches and summed in double. A constant channel gets {@code std = 1}.
   *
   * @param dataset inputs {@code [N, C, ...]}, not empty
   */
  public static Normalization fit(Dataset dataset) {
    int[] sampleShape = dataset.inputShape();
    if (sampleShape.length < 1 || dataset.size() == 0) {
      throw new IllegalArgumentException("Normalization.fit: needs samples of shape [C, ...], got "
          + dataset.size() + " samples of shape " + Arrays.toString(sampleShape));
    }
    int channels = sampleShape[0];
    double[] sum = new double[channels];
    double[] sumSquares = new double[channels];
    long count = 0;
    for (int[] indices : Batches.sequential(dataset.size(), FIT_CHUNK)) {
      Tensor inputs = dataset.batch(indices).inputs();
      float[] x = inputs.data();
      int perChannel = x.length / (indices.length * channels);
      // x: [B, C, P] with P the positions of one channel
      for (int plane = 0; plane < indices.length * channels; plane++) {
        int c = plane % channels;
        double s = 0;
        double squares = 0;
        for (int i = plane * perChannel, end = i + perChannel; i < end; i++) {
          s += x[i];
          squares += (double) x[i] * x[i];
        }
        sum[c] += s;
        sumSquares[c] += squares;
      }
      count += (long) indices.length * perChannel;
    }
    return fromMoments(sum, sumSquares, count);
  }

  /**
   * The statistics {@link #fit} computes, from per-channel sums gathered elsewhere (such as one partial sum per
   * partition of a distributed data set).
   *
   * @param sum per channel, the sum of the values; Not modified
   * @param sumSquares per channel, the sum of the squared values; Not modified
   * @param count the number of values per channel (samples times positions), positive
   */
  public static Normalization fromMoments(double[] sum, double[] sumSquares, long count) {
    int channels = sum.length;
    if (sumSquares.length != channels || count <= 0) {
      throw new IllegalArgumentException("Normalization.fromMoments: " + channels + " sums, " + sumSquares.length
          + " sums of squares and count " + count);
    }
    float[] mean = new float[channels];
    float[] std = new float[channels];
    for (int c = 0; c < channels; c++) {
      double m = sum[c] / count;
      double s = Math.sqrt(Math.max(0, sumSquares[c] / count - m * m));
      mean[c] = (float) m;
      std[c] = s < MIN_STD ? 1f : (float) s;
    }
    return new Normalization(mean, std);
  }

  /**
   * The standardised inputs, as a new tensor.
   *
   * @param inputs {@code [N, C, ...]} with {@code C == channels()}; Not modified
   */
  public Tensor apply(Tensor inputs) {
    if (inputs.rank() < 2 || inputs.dim(1) != mean.length) {
      throw new IllegalArgumentException("Normalization.apply: inputs " + inputs.shapeString() + " for "
          + mean.length + " channels; expects [N, " + mean.length + ", ...]");
    }
    float[] x = inputs.data();
    float[] out = new float[x.length];
    int channels = mean.length;
    int planes = inputs.dim(0) * channels;
    int perChannel = planes == 0 ? 0 : x.length / planes;
    // x: [N, C, P] with P the positions of one channel
    for (int plane = 0; plane < planes; plane++) {
      float m = mean[plane % channels];
      float inverse = 1f / std[plane % channels];
      for (int i = plane * perChannel, end = i + perChannel; i < end; i++) {
        out[i] = (x[i] - m) * inverse;
      }
    }
    return Tensor.wrap(out, inputs.shape());
  }

  /** A view of {@code dataset} whose batches are standardised; targets pass through. */
  public Dataset applyTo(Dataset dataset) {
    return new Dataset() {
      @Override
      public int size() {
        return dataset.size();
      }

      @Override
      public Batch batch(int[] indices) {
        Batch b = dataset.batch(indices);
        return new Batch(Normalization.this.apply(b.inputs()), b.targets());
      }

      @Override
      public int[] inputShape() {
        return dataset.inputShape();
      }

      @Override
      public void reseed(long seed) {
        dataset.reseed(seed);
      }
    };
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
