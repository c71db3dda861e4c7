package dev.deepzero.loss;

import dev.deepzero.tensor.Tensor;

/**
 * Cross-entropy on probabilities (for a model that ends in Softmax):
 * {@code L = -(1/N) Σ_n Σ_k t_nk · log(max(p_nk, ε))}, as the articles' {@code cross_entropy_error}. The floor
 * {@code ε} keeps {@code log 0} finite.
 *
 * <pre>
 * Shape: prediction [N, K] probabilities; target class indices [N] or a distribution [N, K]
 * backward: dL/dp_nk = -t_nk / (N · max(p_nk, ε))   (0 where p_nk < ε, where the floor is flat)
 * </pre>
 *
 * <p>Prefer {@link SoftmaxCrossEntropy} on logits: it is cheaper and its gradient never blows up.
 */
public final class CrossEntropy implements Loss {

  /** The smallest probability taken into the logarithm. */
  public static final float PROBABILITY_FLOOR = 1e-7f;

  private Tensor gradient;

  @Override
  public float forward(Tensor prediction, Tensor target) {
    float[] t = ClassTargets.dense("cross_entropy", prediction, target);
    float[] p = prediction.data();
    int n = prediction.dim(0);
    Tensor grad = Tensor.zeros(prediction.shape());
    float[] g = grad.data();
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      if (t[i] != 0f) {
        float clamped = Math.max(p[i], PROBABILITY_FLOOR);
        sum -= t[i] * Math.log(clamped);
        g[i] = p[i] < PROBABILITY_FLOOR ? 0f : -t[i] / (n * clamped);
      }
    }
    gradient = grad;
    return (float) (sum / n);
  }

  @Override
  public Tensor backward() {
    if (gradient == null) {
      throw new IllegalStateException("cross_entropy: backward called before forward");
    }
    return gradient.copy(); // the caller's to keep or modify; the cached one stays as forward left it
  }

  @Override
  public String toString() {
    return "cross_entropy";
  }
}
