package dev.deepzero.train;

import dev.deepzero.data.Batch;
import dev.deepzero.data.Batches;
import dev.deepzero.data.Dataset;
import dev.deepzero.nn.Layer;
import dev.deepzero.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Counts of (true class, predicted class) pairs, and the per-class precision and recall they give.
 *
 * <pre>
 * precision(c) = count[c][c] / Σ_t count[t][c]     (of the samples predicted c, how many are c)
 * recall(c)    = count[c][c] / Σ_p count[c][p]     (of the samples that are c, how many were found)
 * </pre>
 */
public final class ConfusionMatrix {

  private final long[][] counts;

  /** An empty matrix for {@code classes} classes. */
  public ConfusionMatrix(int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("ConfusionMatrix: need at least one class, got " + classes);
    }
    counts = new long[classes][classes];
  }

  /**
   * The confusion matrix of {@code model} on {@code data}: each sample's true class index against the argmax of
   * the model's {@code [N, classes]} output, predicted in batches of {@code batchSize} (as
   * {@code DetectionMetrics.evaluate} does for detectors).
   *
   * @param model Not modified (its {@link Layer#predict} is used)
   * @param data targets are class indices {@code [N]}
   * @throws IllegalArgumentException if the model's output is not {@code [n, classes]} or a target is out of
   *     range
   */
  public static ConfusionMatrix evaluate(Layer model, int classes, Dataset data, int batchSize) {
    ConfusionMatrix matrix = new ConfusionMatrix(classes);
    for (int[] indices : Batches.sequential(data.size(), batchSize)) {
      Batch batch = data.batch(indices);
      Tensor logits = model.predict(batch.inputs());
      if (logits.rank() != 2 || logits.dim(1) != classes || logits.dim(0) != batch.size()) {
        throw new IllegalArgumentException("ConfusionMatrix.evaluate: the model outputs " + logits.shapeString()
            + " for " + batch.size() + " samples, expected [" + batch.size() + ", " + classes + "]");
      }
      float[] out = logits.data();
      for (int i = 0; i < batch.size(); i++) {
        matrix.add((int) batch.targets().data()[i], Metrics.argmax(out, i * classes, classes));
      }
    }
    return matrix;
  }

  /** Counts one sample. */
  public void add(int actual, int predicted) {
    int k = counts.length;
    if (actual < 0 || actual >= k || predicted < 0 || predicted >= k) {
      throw new IllegalArgumentException("ConfusionMatrix: classes must be in [0, " + k + "), got actual " + actual
          + ", predicted " + predicted);
    }
    counts[actual][predicted]++;
  }

  /** The number of classes. */
  public int classes() {
    return counts.length;
  }

  /** A copy of the counts, rows = true class, columns = predicted class. */
  public long[][] counts() {
    long[][] copy = new long[counts.length][];
    for (int i = 0; i < counts.length; i++) {
      copy[i] = counts[i].clone();
    }
    return copy;
  }

  /** The number of samples counted. */
  public long total() {
    return Arrays.stream(counts).flatMapToLong(Arrays::stream).sum();
  }

  /** The fraction of samples on the diagonal ({@code NaN} when empty). */
  public double accuracy() {
    long right = 0;
    for (int c = 0; c < counts.length; c++) {
      right += counts[c][c];
    }
    long total = total();
    return total == 0 ? Double.NaN : (double) right / total;
  }

  /** Precision of class {@code c} ({@code NaN} when nothing was predicted as c). */
  public double precision(int c) {
    long predicted = 0;
    for (long[] row : counts) {
      predicted += row[c];
    }
    return predicted == 0 ? Double.NaN : (double) counts[c][c] / predicted;
  }

  /** Recall of class {@code c} ({@code NaN} when no sample is c). */
  public double recall(int c) {
    long actual = Arrays.stream(counts[c]).sum();
    return actual == 0 ? Double.NaN : (double) counts[c][c] / actual;
  }

  /** The number of samples whose true class is {@code c}. */
  public long support(int c) {
    return Arrays.stream(counts[c]).sum();
  }

  /**
   * A text report: per class precision, recall and support, then the matrix (rows: true class, columns:
   * predicted class), names cut to 11 characters in the matrix.
   *
   * @param names one per class
   */
  public String report(List<String> names) {
    int k = counts.length;
    if (names.size() != k) {
      throw new IllegalArgumentException("ConfusionMatrix.report: " + names.size() + " names for " + k + " classes");
    }
    StringBuilder sb = new StringBuilder(String.format("%-14s %9s %9s %8s%n", "class", "precision", "recall",
        "support"));
    for (int c = 0; c < k; c++) {
      sb.append(String.format("%-14s %9.4f %9.4f %8d%n", names.get(c), precision(c), recall(c), support(c)));
    }
    sb.append(String.format("%nconfusion matrix (rows: true class, columns: predicted class)%n%-14s", ""));
    for (int c = 0; c < k; c++) {
      sb.append(String.format("%6d", c));
    }
    for (int r = 0; r < k; r++) {
      String name = names.get(r);
      sb.append(String.format("%n%-14s", r + " " + (name.length() <= 11 ? name : name.substring(0, 11))));
      for (int c = 0; c < k; c++) {
        sb.append(String.format("%6d", counts[r][c]));
      }
    }
    return sb.append(String.format("%n")).toString();
  }
}
