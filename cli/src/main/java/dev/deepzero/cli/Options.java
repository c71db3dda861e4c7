package dev.deepzero.cli;

import java.util.Locale;

/**
 * Checks of option values before any work starts: a value out of range is an {@link IllegalArgumentException}
 * naming the option, the value and the valid range, which {@link Main} prints as one line with exit status 2.
 */
final class Options {

  private Options() {}

  /** {@code min <= value <= max}. */
  static void range(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(option + " " + value + " is out of range: expected " + min + " to " + max);
    }
  }

  /** {@code value >= min}. */
  static void atLeast(String option, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(option + " " + value + " is out of range: expected at least " + min);
    }
  }

  /** {@code min <= value < max} ({@code max} included when {@code maxIncluded}), and not NaN. */
  static void range(String option, double value, double min, double max, boolean maxIncluded) {
    if (!(value >= min && (maxIncluded ? value <= max : value < max))) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%s %s is out of range: expected %s <= value %s"
          + " %s", option, value, min, maxIncluded ? "<=" : "<", max));
    }
  }

  /** A positive, finite value. */
  static void positive(String option, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(option + " " + value + " is out of range: expected a positive number");
    }
  }
}
