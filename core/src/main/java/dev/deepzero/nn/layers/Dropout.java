package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.ops.Pointwise;
import dev.deepzero.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout (Srivastava et al. 2014, "Dropout: A Simple Way to Prevent Neural Networks from
 * Overfitting", https://jmlr.org/papers/v15/srivastava14a.html): in training each element is zeroed with
 * probability {@code p} and the survivors are scaled by {@code 1/(1-p)}, so evaluation needs no rescaling.
 *
 * <pre>
 * Shape: any -> same
 * TRAIN: y = x · m / (1 - p),  m ~ Bernoulli(1 - p) per element;  EVAL: y = x
 * backward: gradInput = gradOutput · m / (1 - p)   (gradOutput in EVAL)
 * </pre>
 *
 * <p>The mask comes from the layer's own seeded generator, so a seeded model drops the same elements on every
 * run; the trainer restarts it from the run's seed at every epoch ({@link #reseed}), so a resumed run drops the
 * same elements as the uninterrupted one.
 */
public final class Dropout implements Layer {

  private final float p;
  private SplittableRandom rng;
  private Tensor scaledMask;
  private int[] outputShape;

  /**
   * @param p the probability of dropping an element, {@code 0 <= p < 1}
   * @param rng the generator that draws the masks; used by this layer only
   */
  public Dropout(float p, SplittableRandom rng) {
    if (!(p >= 0f && p < 1f)) {
      throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
    }
    this.p = p;
    this.rng = rng;
  }

  /**
   * Restarts the mask generator from {@code seed}: the next forward passes draw the same masks as a fresh
   * layer with that seed. Gradient checks use it to see one fixed mask on every evaluation.
   */
  @Override
  public void reseed(long seed) {
    this.rng = new SplittableRandom(seed);
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    outputShape = x.shape();
    if (mode == Mode.EVAL || p == 0f) {
      scaledMask = null;
      return x;
    }
    scaledMask = Pointwise.dropoutMask(rng, p, x.shape());
    return Pointwise.multiply(x, scaledMask);
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    BackwardCheck.cached("Dropout", outputShape == null ? null : gradOutput, outputShape, gradOutput);
    if (scaledMask == null) {
      return gradOutput;
    }
    return Pointwise.multiply(gradOutput, scaledMask);
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("Dropout", "p", p);
  }

  @Override
  public String toString() {
    return "Dropout(p=" + p + ")";
  }
}
