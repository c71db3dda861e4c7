package dev.deepzero.data;

import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Views of data sets: subsets by index and seeded train/validation splits. A view remaps indices and copies no
 * samples.
 */
public final class Datasets {

  // Targets are read in chunks so that finding the labels never stacks a whole data set's inputs at once.
  private static final int LABEL_CHUNK = 1024;

  private Datasets() {}

  /**
   * A training and a validation part of one data set.
   *
   * @param train the samples to train on
   * @param validation the held-out samples
   */
  public record Split(Dataset train, Dataset validation) {}

  /**
   * The samples of {@code dataset} at {@code indices}, in that order: sample {@code i} of the view is sample
   * {@code indices[i]} of {@code dataset}.
   *
   * @param indices Not modified (copied); each in {@code [0, dataset.size())}
   */
  public static Dataset subset(Dataset dataset, int[] indices) {
    int[] copy = indices.clone();
    for (int index : copy) {
      if (index < 0 || index >= dataset.size()) {
        throw new IllegalArgumentException("subset: index " + index + " is outside [0, " + dataset.size() + ")");
      }
    }
    return new Subset(dataset, copy);
  }

  /**
   * Splits {@code dataset} into training and validation views, seeded. When the targets are class indices
   * ({@code [N]} of non-negative whole numbers) the split is stratified: each class gives the same fraction,
   * rounded, to validation. Otherwise samples are drawn uniformly. Both views keep the original order.
   *
   * <p>Split before wrapping a data set in an {@link AugmentedDataset}, whose batches draw random numbers.
   *
   * @param validationFraction in {@code (0, 1)}
   */
  public static Split split(Dataset dataset, double validationFraction, long seed) {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("split: validation fraction " + validationFraction
          + " must lie strictly between 0 and 1");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int n = dataset.size();
    boolean[] validation = new boolean[n];
    Optional<int[]> labels = classLabels(dataset);
    if (labels.isPresent()) {
      for (int[] members : byClass(labels.get())) {
        markRandom(members, validationFraction, rng, validation);
      }
    } else {
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      markRandom(all, validationFraction, rng, validation);
    }
    int validationCount = 0;
    for (boolean v : validation) {
      validationCount += v ? 1 : 0;
    }
    int[] trainIndices = new int[n - validationCount];
    int[] validationIndices = new int[validationCount];
    for (int i = 0, t = 0, v = 0; i < n; i++) {
      if (validation[i]) {
        validationIndices[v++] = i;
      } else {
        trainIndices[t++] = i;
      }
    }
    return new Split(new Subset(dataset, trainIndices), new Subset(dataset, validationIndices));
  }

  /**
   * The class index of every sample, if the targets are class indices: rank-1 batches of non-negative whole
   * numbers. Empty for other targets (one-hot rows, regression values).
   */
  public static Optional<int[]> classLabels(Dataset dataset) {
    int n = dataset.size();
    int[] labels = new int[n];
    for (int start = 0; start < n; start += LABEL_CHUNK) {
      int[] indices = new int[Math.min(LABEL_CHUNK, n - start)];
      int first = start;
      Arrays.setAll(indices, i -> first + i);
      Tensor targets = dataset.batch(indices).targets();
      if (targets.rank() != 1) {
        return Optional.empty();
      }
      float[] values = targets.data();
      for (int i = 0; i < values.length; i++) {
        float v = values[i];
        if (v < 0 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
          return Optional.empty();
        }
        labels[start + i] = (int) v;
      }
    }
    return Optional.of(labels);
  }

  private static List<int[]> byClass(int[] labels) {
    int classes = 0;
    for (int label : labels) {
      classes = Math.max(classes, label + 1);
    }
    int[] counts = new int[classes];
    for (int label : labels) {
      counts[label]++;
    }
    List<int[]> members = new ArrayList<>();
    int[] filled = new int[classes];
    for (int c = 0; c < classes; c++) {
      members.add(new int[counts[c]]);
    }
    for (int i = 0; i < labels.length; i++) {
      members.get(labels[i])[filled[labels[i]]++] = i;
    }
    return members;
  }

  /** Marks {@code round(fraction * members.length)} of {@code members}, drawn at random, as validation. */
  private static void markRandom(int[] members, double fraction, SplittableRandom rng, boolean[] validation) {
    int[] order = Batches.permutation(members.length, rng);
    long take = Math.round(fraction * members.length);
    for (int k = 0; k < take; k++) {
      validation[members[order[k]]] = true;
    }
  }

  /** A data set seen through an index map. */
  private static final class Subset implements Dataset {
    private final Dataset source;
    private final int[] indices;

    Subset(Dataset source, int[] indices) {
      this.source = source;
      this.indices = indices;
    }

    @Override
    public int size() {
      return indices.length;
    }

    @Override
    public Batch batch(int[] batchIndices) {
      int[] mapped = new int[batchIndices.length];
      for (int i = 0; i < batchIndices.length; i++) {
        int index = batchIndices[i];
        if (index < 0 || index >= indices.length) {
          throw new IllegalArgumentException("sample index " + index + " is outside [0, " + indices.length + ")");
        }
        mapped[i] = indices[index];
      }
      return source.batch(mapped);
    }

    @Override
    public int[] inputShape() {
      return source.inputShape();
    }

    @Override
    public void reseed(long seed) {
      source.reseed(seed);
    }
  }
}
