package dev.deepzero.loss;

import dev.deepzero.tensor.Tensor;

/**
 * Mean squared error over every element: {@code L = (1/M) Σ (p - t)²}, M the number of elements, as the
 * full-scratch article's {@code np.mean((y_true - y_pred) ** 2)} and PyTorch's {@code MSELoss}.
 *
 * <pre>
 * Shape: prediction and target the same, any shape
 * backward: dL/dp = 2 (p - t) / M
 * </pre>
 */
public final class MeanSquaredError implements Loss {

  private Tensor gradient;

  @Override
  public float forward(Tensor prediction, Tensor target) {
    if (!prediction.sameShape(target)) {
      throw new IllegalArgumentException("mse: prediction " + prediction.shapeString() + " and target "
          + target.shapeString() + " must have the same shape");
    }
    float[] p = prediction.data();
    float[] t = target.data();
    int m = p.length;
    Tensor grad = Tensor.zeros(prediction.shape());
    float[] g = grad.data();
    double sum = 0;
    for (int i = 0; i < m; i++) {
      float d = p[i] - t[i];
      sum += (double) d * d;
      g[i] = 2f * d / m;
    }
    gradient = grad;
    return (float) (sum / m);
  }

  @Override
  public Tensor backward() {
    if (gradient == null) {
      throw new IllegalStateException("mse: backward called before forward");
    }
    return gradient.copy(); // the caller's to keep or modify; the cached one stays as forward left it
  }

  @Override
  public String toString() {
    return "mse";
  }
}
