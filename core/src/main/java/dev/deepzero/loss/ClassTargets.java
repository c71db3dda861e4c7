package dev.deepzero.loss;

import dev.deepzero.tensor.Tensor;

/**
 * Reads classification targets in either form the losses accept: class indices {@code [N]} (whole numbers in
 * {@code [0, K)}) or a distribution with the prediction's shape {@code [N, K]} (one-hot or soft labels).
 */
final class ClassTargets {

  private ClassTargets() {}

  /** The targets as a dense {@code [N, K]} array, checking shapes and index ranges. */
  static float[] dense(String loss, Tensor prediction, Tensor target) {
    if (prediction.rank() != 2) {
      throw new IllegalArgumentException(loss + ": prediction " + prediction.shapeString()
          + " must be [N, K] (a row of K class scores per sample)");
    }
    int n = prediction.dim(0);
    int k = prediction.dim(1);
    if (target.sameShape(prediction)) {
      return target.data();
    }
    if (target.rank() == 1 && target.dim(0) == n) {
      float[] dense = new float[n * k];
      float[] idx = target.data();
      for (int i = 0; i < n; i++) {
        float v = idx[i];
        if (v != Math.rint(v) || v < 0 || v >= k) {
          throw new IllegalArgumentException(loss + ": target " + i + " is " + v + ", not a class index in [0, "
              + k + ")");
        }
        dense[i * k + (int) v] = 1f;
      }
      return dense;
    }
    throw new IllegalArgumentException(loss + ": target " + target.shapeString() + " does not fit prediction "
        + prediction.shapeString() + ": expected class indices [" + n + "] or a distribution [" + n + ", " + k
        + "]");
  }
}
