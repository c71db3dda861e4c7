package dev.deepzero.train;

import java.util.HashMap;
import java.util.Map;

/**
 * The learning rate of each epoch, set by {@link Trainer#schedule} at the epoch's start. Epochs count from 1 to
 * {@code E}, the run's total:
 *
 * <pre>
 * constant(r):           rate(e) = r
 * step(r, k, γ):         rate(e) = r · γ^⌊(e - 1) / k⌋
 * cosine(r, f):          rate(e) = r · (f + (1 - f) · ½ (1 + cos(π (e - 1) / (E - 1))))    (r when E = 1)
 *                        from r at the first epoch down to the floor f·r at the last
 * s.withWarmup(w):       rate(e) = s.rate(1, E - w) · e / (w + 1)    for e <= w
 *                        rate(e) = s.rate(e - w, E - w)             after: s runs over the remaining epochs
 * </pre>
 *
 * <p>Every rate is positive (the optimizers reject 0). {@link #spec()} writes a schedule as one line that
 * {@link #parse} reads back, so a checkpoint can carry it.
 */
public sealed interface LearningRateSchedule {

  /**
   * The learning rate of epoch {@code epoch} of {@code epochs}.
   *
   * @param epoch 1 to {@code epochs}
   */
  float rate(int epoch, int epochs);

  /** This schedule as one line, such as {@code "cosine rate=0.1 floor=0.01"}, for {@link #parse}. */
  String spec();

  /** The same rate every epoch. */
  static LearningRateSchedule constant(float rate) {
    return new Constant(rate);
  }

  /** The rate multiplied by {@code factor} every {@code everyEpochs} epochs. */
  static LearningRateSchedule step(float rate, int everyEpochs, float factor) {
    return new Step(rate, everyEpochs, factor);
  }

  /** A cosine from {@code rate} at the first epoch down to {@code floor · rate} at the last. */
  static LearningRateSchedule cosine(float rate, double floor) {
    return new Cosine(rate, floor);
  }

  /** This schedule after a linear warm-up over the first {@code epochs} epochs. */
  default LearningRateSchedule withWarmup(int epochs) {
    return epochs == 0 ? this : new Warmup(this, epochs);
  }

  /**
   * Reads {@link #spec()}'s line.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static LearningRateSchedule parse(String spec) {
    String[] words = spec.trim().split("\\s+");
    Map<String, String> values = new HashMap<>();
    for (int i = 1; i < words.length; i++) {
      String[] kv = words[i].split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("learning-rate schedule '" + spec + "': expected name=value, got '"
            + words[i] + "'");
      }
      values.put(kv[0], kv[1]);
    }
    try {
      LearningRateSchedule s = switch (words[0]) {
        case "constant" -> constant(Float.parseFloat(need(values, "rate", spec)));
        case "step" -> step(Float.parseFloat(need(values, "rate", spec)), Integer.parseInt(need(values, "every",
            spec)), Float.parseFloat(need(values, "factor", spec)));
        case "cosine" -> cosine(Float.parseFloat(need(values, "rate", spec)), Double.parseDouble(need(values,
            "floor", spec)));
        default -> throw new IllegalArgumentException("learning-rate schedule '" + spec + "': unknown kind '"
            + words[0] + "' (constant, step or cosine)");
      };
      return values.containsKey("warmup") ? s.withWarmup(Integer.parseInt(values.get("warmup"))) : s;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("learning-rate schedule '" + spec + "': a value is not a number", e);
    }
  }

  private static String need(Map<String, String> values, String key, String spec) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("learning-rate schedule '" + spec + "': '" + key + "' is missing");
    }
    return v;
  }

  private static void checkRate(float rate) {
    if (!(rate > 0) || !Float.isFinite(rate)) {
      throw new IllegalArgumentException("learning rate must be positive and finite, got " + rate);
    }
  }

  private static void checkEpoch(int epoch, int epochs) {
    if (epoch < 1 || epoch > epochs) {
      throw new IllegalArgumentException("epoch " + epoch + " is outside 1.." + epochs);
    }
  }

  /** See {@link #constant}. */
  record Constant(float rate) implements LearningRateSchedule {
    /** Checks the rate. */
    public Constant {
      checkRate(rate);
    }

    @Override
    public float rate(int epoch, int epochs) {
      checkEpoch(epoch, epochs);
      return rate;
    }

    @Override
    public String spec() {
      return "constant rate=" + rate;
    }
  }

  /** See {@link #step}. */
  record Step(float rate, int everyEpochs, float factor) implements LearningRateSchedule {
    /** Checks the values. */
    public Step {
      checkRate(rate);
      if (everyEpochs < 1 || !(factor > 0 && factor <= 1)) {
        throw new IllegalArgumentException("step schedule: every must be >= 1 epoch and the factor in (0, 1], got "
            + everyEpochs + " and " + factor);
      }
    }

    @Override
    public float rate(int epoch, int epochs) {
      checkEpoch(epoch, epochs);
      return (float) Math.max(rate * Math.pow(factor, (epoch - 1) / everyEpochs), Float.MIN_NORMAL);
    }

    @Override
    public String spec() {
      return "step rate=" + rate + " every=" + everyEpochs + " factor=" + factor;
    }
  }

  /** See {@link #cosine}. */
  record Cosine(float rate, double floor) implements LearningRateSchedule {
    /** Checks the values. */
    public Cosine {
      checkRate(rate);
      if (!(floor > 0 && floor <= 1)) {
        throw new IllegalArgumentException("cosine schedule: the floor is a fraction of the rate in (0, 1], got "
            + floor);
      }
    }

    @Override
    public float rate(int epoch, int epochs) {
      checkEpoch(epoch, epochs);
      double progress = epochs == 1 ? 0 : (epoch - 1) / (double) (epochs - 1);
      return (float) (rate * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }

    @Override
    public String spec() {
      return "cosine rate=" + rate + " floor=" + floor;
    }
  }

  /** See {@link #withWarmup}. */
  record Warmup(LearningRateSchedule after, int epochs) implements LearningRateSchedule {
    /** Checks the values. */
    public Warmup {
      if (epochs < 1 || after instanceof Warmup) {
        throw new IllegalArgumentException("warm-up: need at least 1 epoch, once, got " + epochs);
      }
    }

    @Override
    public float rate(int epoch, int total) {
      checkEpoch(epoch, total);
      if (total <= epochs) {
        throw new IllegalArgumentException("a warm-up of " + epochs + " epochs needs more than " + epochs
            + " epochs in all, got " + total);
      }
      if (epoch <= epochs) {
        return after.rate(1, total - epochs) * epoch / (epochs + 1);
      }
      return after.rate(epoch - epochs, total - epochs);
    }

    @Override
    public String spec() {
      return after.spec() + " warmup=" + epochs;
    }
  }
}
