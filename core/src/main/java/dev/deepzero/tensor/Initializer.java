package dev.deepzero.tensor;

import java.util.SplittableRandom;

/**
 * A seeded weight initialiser. {@code fanIn} is the number of inputs feeding one output unit ({@code in} for
 * a linear layer, {@code C·KH·KW} for a convolution); {@code fanOut} is the number of outputs one input feeds.
 */
@FunctionalInterface
public interface Initializer {

  /** Draws a tensor of {@code shape} for a layer with the given fans. */
  Tensor sample(SplittableRandom rng, int fanIn, int fanOut, int... shape);

  /** N(0, 1/fanIn): the full-scratch article's {@code randn * sqrt(1 / input_size)} (LeCun normal). */
  static Initializer lecunNormal() {
    return named("lecun_normal", (rng, fanIn, fanOut, shape) ->
        Tensor.randn(rng, (float) Math.sqrt(1.0 / fanIn), shape));
  }

  /** N(0, 2/fanIn): He et al. 2015, "Delving Deep into Rectifiers", for ReLU networks. */
  static Initializer heNormal() {
    return named("he_normal", (rng, fanIn, fanOut, shape) ->
        Tensor.randn(rng, (float) Math.sqrt(2.0 / fanIn), shape));
  }

  /** U(-a, a), a = sqrt(6 / (fanIn + fanOut)): Glorot and Bengio 2010, for tanh and sigmoid networks. */
  static Initializer xavierUniform() {
    return named("xavier_uniform", (rng, fanIn, fanOut, shape) -> {
      float a = (float) Math.sqrt(6.0 / (fanIn + fanOut));
      return Tensor.uniform(rng, -a, a, shape);
    });
  }

  /**
   * N(0, width²) with a fixed width, ignoring the fans: the baselayer article's {@code wb_width * randn}
   * (for example width 0.05).
   */
  static Initializer gaussian(float width) {
    if (!(width > 0)) {
      throw new IllegalArgumentException("gaussian initializer: width must be positive, got " + width);
    }
    return named("gaussian(" + width + ")", (rng, fanIn, fanOut, shape) -> Tensor.randn(rng, width, shape));
  }

  /** Wraps {@code init} so that {@code toString()} gives {@code name}, for summaries and errors. */
  private static Initializer named(String name, Initializer init) {
    return new Initializer() {
      @Override
      public Tensor sample(SplittableRandom rng, int fanIn, int fanOut, int... shape) {
        return init.sample(rng, fanIn, fanOut, shape);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
