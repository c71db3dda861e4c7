package dev.deepzero.optim;

import dev.deepzero.nn.Parameter;
import java.util.List;

/**
 * SGD with Nesterov momentum (Sutskever et al. 2013), in PyTorch's form:
 * {@code v ← μ·v + g;  w ← w - lr·(g + μ·v)}.
 */
public final class Nesterov extends Optimizer {

  private final float momentum;

  /** Momentum {@value Momentum#DEFAULT_MOMENTUM}, no weight decay. */
  public Nesterov(List<Parameter> parameters, float learningRate) {
    this(parameters, learningRate, Momentum.DEFAULT_MOMENTUM, 0f);
  }

  /** Nesterov SGD with the given coefficient {@code 0 <= μ < 1} and L2 weight decay. */
  public Nesterov(List<Parameter> parameters, float learningRate, float momentum, float weightDecay) {
    super(parameters, learningRate, weightDecay, "momentum_buffer");
    this.momentum = Momentum.checkMomentum(momentum);
  }

  @Override
  protected void update(float[] w, float[] g, int n, float[][] slots, long step) {
    float[] v = slots[0];
    float lr = learningRate();
    for (int i = 0; i < n; i++) {
      v[i] = momentum * v[i] + g[i];
      w[i] -= lr * (g[i] + momentum * v[i]);
    }
  }
}
