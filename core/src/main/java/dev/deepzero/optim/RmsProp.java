package dev.deepzero.optim;

import dev.deepzero.nn.Parameter;
import java.util.List;

/**
 * RMSProp (Hinton, Coursera lecture 6e): {@code s ← ρ·s + (1-ρ)·g²;  w ← w - lr·g / (sqrt(s) + ε)}.
 */
public final class RmsProp extends Optimizer {

  /** Decay of the squared-gradient average (PyTorch's {@code alpha}). */
  public static final float DEFAULT_RHO = 0.99f;
  /** Added to the root to avoid division by zero. */
  public static final float DEFAULT_EPSILON = 1e-8f;

  private final float rho;

  /** RMSProp with ρ = {@value #DEFAULT_RHO}, no weight decay. */
  public RmsProp(List<Parameter> parameters, float learningRate) {
    this(parameters, learningRate, DEFAULT_RHO, 0f);
  }

  /** RMSProp with the given decay {@code 0 <= ρ < 1} and L2 weight decay. */
  public RmsProp(List<Parameter> parameters, float learningRate, float rho, float weightDecay) {
    super(parameters, learningRate, weightDecay, "square_avg");
    if (!(rho >= 0f && rho < 1f)) {
      throw new IllegalArgumentException("RmsProp: rho must be in [0, 1), got " + rho);
    }
    this.rho = rho;
  }

  @Override
  protected void update(float[] w, float[] g, int n, float[][] slots, long step) {
    float[] s = slots[0];
    float lr = learningRate();
    for (int i = 0; i < n; i++) {
      s[i] = rho * s[i] + (1f - rho) * g[i] * g[i];
      w[i] -= lr * g[i] / ((float) Math.sqrt(s[i]) + DEFAULT_EPSILON);
    }
  }
}
