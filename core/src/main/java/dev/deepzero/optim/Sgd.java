package dev.deepzero.optim;

import dev.deepzero.nn.Parameter;
import java.util.List;

/**
 * Plain stochastic gradient descent: {@code w ← w - lr·g}.
 */
public final class Sgd extends Optimizer {

  /** SGD without weight decay. */
  public Sgd(List<Parameter> parameters, float learningRate) {
    this(parameters, learningRate, 0f);
  }

  /** SGD with L2 weight decay. */
  public Sgd(List<Parameter> parameters, float learningRate, float weightDecay) {
    super(parameters, learningRate, weightDecay);
  }

  @Override
  protected void update(float[] w, float[] g, int n, float[][] slots, long step) {
    float lr = learningRate();
    for (int i = 0; i < n; i++) {
      w[i] -= lr * g[i];
    }
  }
}
