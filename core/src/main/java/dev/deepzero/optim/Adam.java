package dev.deepzero.optim;

import dev.deepzero.nn.Parameter;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015, https://arxiv.org/abs/1412.6980):
 * <pre>
 * m ← β1·m + (1-β1)·g;   v ← β2·v + (1-β2)·g²
 * m̂ = m / (1 - β1^t);    v̂ = v / (1 - β2^t)
 * w ← w - lr·m̂ / (sqrt(v̂) + ε)
 * </pre>
 */
public final class Adam extends Optimizer {

  /** The paper's defaults. */
  public static final float DEFAULT_LEARNING_RATE = 1e-3f;
  /** Decay of the first moment. */
  public static final float DEFAULT_BETA1 = 0.9f;
  /** Decay of the second moment. */
  public static final float DEFAULT_BETA2 = 0.999f;
  /** Added to the root to avoid division by zero. */
  public static final float DEFAULT_EPSILON = 1e-8f;

  private final float beta1;
  private final float beta2;
  private final float epsilon;

  /** Adam with the paper's betas and epsilon, no weight decay. */
  public Adam(List<Parameter> parameters, float learningRate) {
    this(parameters, learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, 0f);
  }

  /** Adam with every hyperparameter given. */
  public Adam(List<Parameter> parameters, float learningRate, float beta1, float beta2, float epsilon,
      float weightDecay) {
    super(parameters, learningRate, weightDecay, "exp_avg", "exp_avg_sq");
    if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f) || !(epsilon > 0f)) {
      throw new IllegalArgumentException("Adam: need 0 <= beta1, beta2 < 1 and epsilon > 0; got " + beta1 + ", "
          + beta2 + ", " + epsilon);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  @Override
  protected void update(float[] w, float[] g, int n, float[][] slots, long step) {
    float[] m = slots[0];
    float[] v = slots[1];
    float correction1 = (float) (1.0 - Math.pow(beta1, step));
    float correction2 = (float) (1.0 - Math.pow(beta2, step));
    float lr = learningRate();
    for (int i = 0; i < n; i++) {
      m[i] = beta1 * m[i] + (1f - beta1) * g[i];
      v[i] = beta2 * v[i] + (1f - beta2) * g[i] * g[i];
      float mHat = m[i] / correction1;
      float vHat = v[i] / correction2;
      w[i] -= lr * mHat / ((float) Math.sqrt(vHat) + epsilon);
    }
  }
}
