package dev.deepzero.loss;

import dev.deepzero.tensor.Tensor;

/**
 * Softmax followed by cross-entropy, fused: the articles' SoftmaxWithLoss, on logits.
 *
 * <pre>
 * L = (1/N) Σ_n Σ_k t_nk · (logsumexp(x_n) - x_nk)     (log-sum-exp with the row maximum subtracted: no
 *                                                       overflow, and no log of 0)
 * Shape: prediction (logits) [N, K]; target class indices [N] or a distribution [N, K]
 * backward: dL/dx = (softmax(x) - t) / N
 * </pre>
 */
public final class SoftmaxCrossEntropy implements Loss {

  private Tensor gradient;
  private Tensor probabilities;

  @Override
  public float forward(Tensor logits, Tensor target) {
    float[] t = ClassTargets.dense("softmax_cross_entropy", logits, target);
    int n = logits.dim(0);
    int k = logits.dim(1);
    float[] x = logits.data();
    Tensor probs = Tensor.zeros(logits.shape());
    Tensor grad = Tensor.zeros(logits.shape());
    float[] p = probs.data();
    float[] g = grad.data();
    double total = 0;
    for (int row = 0; row < n; row++) {
      int base = row * k;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, x[base + j]);
      }
      double sumExp = 0;
      for (int j = 0; j < k; j++) {
        sumExp += Math.exp(x[base + j] - max);
      }
      double logSumExp = max + Math.log(sumExp);
      for (int j = 0; j < k; j++) {
        float prob = (float) Math.exp(x[base + j] - logSumExp);
        p[base + j] = prob;
        g[base + j] = (prob - t[base + j]) / n;
        if (t[base + j] != 0f) {
          total += t[base + j] * (logSumExp - x[base + j]);
        }
      }
    }
    gradient = grad;
    probabilities = probs;
    return (float) (total / n);
  }

  @Override
  public Tensor backward() {
    if (gradient == null) {
      throw new IllegalStateException("softmax_cross_entropy: backward called before forward");
    }
    return gradient.copy(); // the caller's to keep or modify; the cached one stays as forward left it
  }

  /** The softmax probabilities computed by the last forward call, {@code [N, K]}. */
  public Tensor probabilities() {
    if (probabilities == null) {
      throw new IllegalStateException("softmax_cross_entropy: no forward call yet");
    }
    return probabilities;
  }

  @Override
  public String toString() {
    return "softmax_cross_entropy";
  }
}
