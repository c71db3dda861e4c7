package dev.deepzero.tensor;

import java.util.SplittableRandom;

/** Standard normal samples from a {@link SplittableRandom}, which (unlike {@code java.util.Random}) has none. */
final class Gaussian {

  private Gaussian() {}

  /** One N(0, 1) sample by the Box–Muller transform; uses two uniforms and discards the second normal. */
  static double next(SplittableRandom rng) {
    // 1 - u keeps the logarithm's argument in (0, 1].
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
