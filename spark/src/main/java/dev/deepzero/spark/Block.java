package dev.deepzero.spark;

import dev.deepzero.data.Batch;
import dev.deepzero.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The samples of one partition, as one block of floats: what the trainers cache per partition, so that a step
 * gathers its shard from memory instead of decoding rows again.
 *
 * @param partition the index of the partition that holds the block
 * @param first the global index of the block's first sample; a block holds samples {@code [first, first + count)}
 * @param count the number of samples
 * @param sampleShape the shape of one input sample, such as {@code [1, 28, 28]}
 * @param inputs {@code [count, sampleShape...]}, row-major
 * @param targets class indices {@code [count]}
 */
public record Block(int partition, long first, int count, int[] sampleShape, float[] inputs, float[] targets)
    implements Serializable {

  /** Checks the lengths. */
  public Block {
    int sampleSize = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
    if (count < 0 || inputs.length != (long) count * sampleSize || targets.length != count) {
      throw new IllegalArgumentException("Block of partition " + partition + ": " + count + " samples of shape "
          + Arrays.toString(sampleShape) + " need " + (long) count * sampleSize + " inputs and " + count
          + " targets, got " + inputs.length + " and " + targets.length);
    }
  }

  /**
   * The block of partition {@code partition} holding {@code samples}.
   *
   * @param first the global index of the first sample
   * @param samples each input flattened to {@code sampleShape}'s size
   */
  public static Block of(int partition, long first, int[] sampleShape, Iterator<DistributedTrainer.Sample> samples) {
    int sampleSize = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
    List<DistributedTrainer.Sample> list = new ArrayList<>();
    samples.forEachRemaining(list::add);
    float[] inputs = new float[list.size() * sampleSize];
    float[] targets = new float[list.size()];
    for (int i = 0; i < list.size(); i++) {
      float[] x = list.get(i).input();
      if (x.length != sampleSize) {
        throw new IllegalArgumentException("sample " + (first + i) + " has " + x.length + " values, not "
            + sampleSize + " (shape " + Arrays.toString(sampleShape) + ")");
      }
      System.arraycopy(x, 0, inputs, i * sampleSize, sampleSize);
      targets[i] = list.get(i).label();
    }
    return new Block(partition, first, list.size(), sampleShape, inputs, targets);
  }

  /**
   * The samples at local positions {@code rows}, stacked in that order.
   *
   * @param rows Not modified; each in {@code [0, count)}
   */
  public Batch batch(int[] rows) {
    int sampleSize = inputs.length / Math.max(count, 1);
    float[] x = new float[rows.length * sampleSize];
    float[] y = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(inputs, rows[i] * sampleSize, x, i * sampleSize, sampleSize);
      y[i] = targets[rows[i]];
    }
    int[] shape = new int[sampleShape.length + 1];
    shape[0] = rows.length;
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    return new Batch(Tensor.wrap(x, shape), Tensor.wrap(y, rows.length));
  }
}
