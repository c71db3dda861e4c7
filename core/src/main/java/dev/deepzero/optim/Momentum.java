package dev.deepzero.optim;

import dev.deepzero.nn.Parameter;
import java.util.List;

/**
 * SGD with (heavy-ball) momentum, in PyTorch's form: {@code v ← μ·v + g;  w ← w - lr·v}. For a constant
 * learning rate this equals the book's {@code v ← μ·v - lr·g;  w ← w + v}.
 */
public final class Momentum extends Optimizer {

  /** The usual momentum coefficient. */
  public static final float DEFAULT_MOMENTUM = 0.9f;

  private final float momentum;

  /** Momentum {@value #DEFAULT_MOMENTUM}, no weight decay. */
  public Momentum(List<Parameter> parameters, float learningRate) {
    this(parameters, learningRate, DEFAULT_MOMENTUM, 0f);
  }

  /** Momentum SGD with the given coefficient {@code 0 <= μ < 1} and L2 weight decay. */
  public Momentum(List<Parameter> parameters, float learningRate, float momentum, float weightDecay) {
    super(parameters, learningRate, weightDecay, "momentum_buffer");
    this.momentum = checkMomentum(momentum);
  }

  static float checkMomentum(float momentum) {
    if (!(momentum >= 0f && momentum < 1f)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    return momentum;
  }

  @Override
  protected void update(float[] w, float[] g, int n, float[][] slots, long step) {
    float[] v = slots[0];
    float lr = learningRate();
    for (int i = 0; i < n; i++) {
      v[i] = momentum * v[i] + g[i];
      w[i] -= lr * v[i];
    }
  }
}
