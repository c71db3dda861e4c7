package dev.deepzero.train;

import dev.deepzero.tensor.Tensor;

/** Classification metrics. */
public final class Metrics {

  private Metrics() {}

  /**
   * How many rows of {@code prediction} are classified right, or -1 when the targets are not classes.
   *
   * <p>For {@code [N, K]} predictions with K > 1 the predicted class is the argmax, and targets are class
   * indices {@code [N]} or one-hot/soft rows {@code [N, K]} (their argmax). For {@code [N, 1]} predictions
   * (one sigmoid output) the predicted class is {@code p >= 0.5} and targets are 0/1 values {@code [N, 1]}.
   *
   * @param prediction Not modified
   * @param target Not modified
   */
  public static int correct(Tensor prediction, Tensor target) {
    if (prediction.rank() != 2) {
      return -1;
    }
    int n = prediction.dim(0);
    int k = prediction.dim(1);
    float[] p = prediction.data();
    float[] t = target.data();
    int right = 0;
    if (k == 1) {
      if (!target.sameShape(prediction)) {
        return -1;
      }
      for (int i = 0; i < n; i++) {
        if (t[i] != 0f && t[i] != 1f) {
          return -1;
        }
        right += (p[i] >= 0.5f) == (t[i] == 1f) ? 1 : 0;
      }
      return right;
    }
    boolean indices = target.rank() == 1 && target.dim(0) == n;
    if (!indices && !target.sameShape(prediction)) {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      int predicted = argmax(p, i * k, k);
      int actual = indices ? (int) t[i] : argmax(t, i * k, k);
      right += predicted == actual ? 1 : 0;
    }
    return right;
  }

  /** Index of the largest of {@code n} values from {@code offset} (the first on ties). */
  public static int argmax(float[] values, int offset, int n) {
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (values[offset + j] > values[offset + best]) {
        best = j;
      }
    }
    return best;
  }
}
