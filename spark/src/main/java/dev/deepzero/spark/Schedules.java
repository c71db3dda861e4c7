package dev.deepzero.spark;

import java.util.Locale;

/** The learning-rate schedules of {@code deepzero train}, set at each epoch's start. */
enum Schedules implements DistributedTrainer.Schedule {
  /** The base rate throughout. */
  CONSTANT {
    @Override
    public float rate(float baseRate, int epoch, int epochs) {
      return baseRate;
    }
  },
  /** From the base rate down towards 0 over the epochs: {@code base * (1 + cos(pi * (epoch - 1) / epochs)) / 2}. */
  COSINE {
    @Override
    public float rate(float baseRate, int epoch, int epochs) {
      double progress = (epoch - 1) / (double) epochs;
      // Never exactly 0: the optimizers reject a zero learning rate.
      return (float) Math.max(baseRate * 0.5 * (1 + Math.cos(Math.PI * progress)), 1e-8);
    }
  };

  static Schedules byName(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown schedule '" + name + "'; valid: constant, cosine", e);
    }
  }
}
