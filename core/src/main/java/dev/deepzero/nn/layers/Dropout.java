package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
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
  private float[] scaledMask;
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
    float keep = 1f / (1f - p);
    // An element is dropped when a uniform 32-bit draw falls below p · 2^32: each nextLong() serves two
    // elements.
    long threshold = (long) (p * 0x1p32);
    float[] mask = Tensor.empty(x.shape()).data();
    Tensor y = Tensor.empty(x.shape());
    float[] in = x.data();
    float[] out = y.data();
    int keepBits = Float.floatToRawIntBits(keep);
    for (int i = 0; i < mask.length; i += 2) {
      long bits = rng.nextLong();
      // Kept (all-ones) when the draw is at least the threshold, dropped (zero bits) below it, without a
      // branch: a branch mispredicted on a quarter of the elements and took most of the time.
      mask[i] = Float.intBitsToFloat(keepBits & ~(int) (((bits & 0xFFFFFFFFL) - threshold) >> 63));
      out[i] = in[i] * mask[i];
      if (i + 1 < mask.length) {
        mask[i + 1] = Float.intBitsToFloat(keepBits & ~(int) (((bits >>> 32) - threshold) >> 63));
        out[i + 1] = in[i + 1] * mask[i + 1];
      }
    }
    scaledMask = mask;
    return y;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Cache.checkBackward("Dropout", outputShape == null ? null : gradOutput, outputShape, gradOutput);
    if (scaledMask == null) {
      return gradOutput;
    }
    Tensor gradInput = Tensor.empty(outputShape);
    float[] g = gradOutput.data();
    float[] gi = gradInput.data();
    for (int i = 0; i < gi.length; i++) {
      gi[i] = g[i] * scaledMask[i];
    }
    return gradInput;
  }

  /** {@inheritDoc} It passes through in eval mode. */
  @Override
  public boolean samplewiseInEval() {
    return true;
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
