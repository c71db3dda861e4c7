package dev.deepzero.loss;

import dev.deepzero.tensor.Tensor;

/**
 * Binary cross-entropy on probabilities (for a model that ends in Sigmoid), averaged over every element as
 * PyTorch's {@code BCELoss}: {@code L = -(1/M) Σ [t·log p + (1-t)·log(1-p)]}, with p clamped to
 * {@code [ε, 1-ε]} so that neither logarithm sees 0.
 *
 * <pre>
 * Shape: prediction and target the same, any shape (targets in [0, 1])
 * backward: dL/dp = (p - t) / (M · p · (1 - p))   with the clamped p (0 outside the clamp, where it is flat)
 * </pre>
 */
public final class BinaryCrossEntropy implements Loss {

  /** How far from 0 and 1 probabilities are clamped. */
  public static final float PROBABILITY_FLOOR = 1e-7f;

  private Tensor gradient;

  @Override
  public float forward(Tensor prediction, Tensor target) {
    if (!prediction.sameShape(target)) {
      throw new IllegalArgumentException("binary_cross_entropy: prediction " + prediction.shapeString()
          + " and target " + target.shapeString() + " must have the same shape");
    }
    float[] p = prediction.data();
    float[] t = target.data();
    int m = p.length;
    Tensor grad = Tensor.zeros(prediction.shape());
    float[] g = grad.data();
    double sum = 0;
    for (int i = 0; i < m; i++) {
      if (!(t[i] >= 0f && t[i] <= 1f)) {
        throw new IllegalArgumentException("binary_cross_entropy: target element " + i + " is " + t[i]
            + ", outside [0, 1]");
      }
      double q = Math.min(Math.max(p[i], PROBABILITY_FLOOR), 1.0 - PROBABILITY_FLOOR);
      sum -= t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q);
      boolean clamped = p[i] < PROBABILITY_FLOOR || p[i] > 1.0 - PROBABILITY_FLOOR;
      g[i] = clamped ? 0f : (float) ((q - t[i]) / (m * q * (1 - q)));
    }
    gradient = grad;
    return (float) (sum / m);
  }

  @Override
  public Tensor backward() {
    if (gradient == null) {
      throw new IllegalStateException("binary_cross_entropy: backward called before forward");
    }
    return gradient.copy(); // the caller's to keep or modify; the cached one stays as forward left it
  }

  @Override
  public String toString() {
    return "binary_cross_entropy";
  }
}
