package dev.deepzero.optim;

import dev.deepzero.nn.Parameter;
import java.util.List;

/**
 * AdaGrad (Duchi et al. 2011): {@code h ← h + g²;  w ← w - lr·g / (sqrt(h) + ε)}.
 */
public final class AdaGrad extends Optimizer {

  /** Keeps the first steps finite while h is still 0 (PyTorch's default). */
  public static final float DEFAULT_EPSILON = 1e-10f;

  /** AdaGrad without weight decay. */
  public AdaGrad(List<Parameter> parameters, float learningRate) {
    this(parameters, learningRate, 0f);
  }

  /** AdaGrad with L2 weight decay. */
  public AdaGrad(List<Parameter> parameters, float learningRate, float weightDecay) {
    super(parameters, learningRate, weightDecay, "sum");
  }

  @Override
  protected void update(float[] w, float[] g, int n, float[][] slots, long step) {
    float[] h = slots[0];
    float lr = learningRate();
    for (int i = 0; i < n; i++) {
      h[i] += g[i] * g[i];
      w[i] -= lr * g[i] / ((float) Math.sqrt(h[i]) + DEFAULT_EPSILON);
    }
  }
}
