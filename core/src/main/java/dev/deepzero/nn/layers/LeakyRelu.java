package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.ops.Pointwise;
import dev.deepzero.tensor.Tensor;

/**
 * Leaky ReLU, YOLOv1's activation: {@code y = x if x > 0, else alpha·x}; {@link Relu} is the case alpha = 0.
 *
 * <pre>
 * Shape: any -> same
 * backward: gradInput = gradOutput if x > 0, else alpha·gradOutput
 * </pre>
 */
public class LeakyRelu implements Layer {

  /** The slope YOLOv1 uses for negative inputs. */
  public static final float DEFAULT_ALPHA = 0.1f;

  private final float alpha;
  private Tensor input;

  /** Leaky ReLU with slope {@value #DEFAULT_ALPHA}. */
  public LeakyRelu() {
    this(DEFAULT_ALPHA);
  }

  /** Leaky ReLU with the given slope for negative inputs, {@code 0 <= alpha < 1}. */
  public LeakyRelu(float alpha) {
    if (!(alpha >= 0f && alpha < 1f)) {
      throw new IllegalArgumentException("LeakyRelu: alpha must be in [0, 1), got " + alpha);
    }
    this.alpha = alpha;
  }

  /** The negative-side slope. */
  public float alpha() {
    return alpha;
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    input = x;
    return Pointwise.leakyRelu(x, alpha);
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Tensor x = BackwardCheck.cached(getClass().getSimpleName(), input, input == null ? null : input.shape(),
        gradOutput);
    return Pointwise.leakyReluBackward(x, gradOutput, alpha);
  }


  @Override
  public LayerConfig config() {
    return alpha == 0f ? LayerConfig.of("Relu") : LayerConfig.of("LeakyRelu", "alpha", alpha);
  }

  @Override
  public String toString() {
    return "LeakyRelu(alpha=" + alpha + ")";
  }
}
