package dev.deepzero.gradcheck;

import dev.deepzero.loss.Loss;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Parameter;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Checks analytic gradients against central differences, in float32.
 *
 * <p>For a layer, the scalar objective is {@code L = Σ out ⊙ R} with a fixed random {@code R} (summed in
 * double), never a plain sum: softmax rows sum to 1, so under {@code sum()} its true gradient is zero and any
 * bug would pass. For a loss, the objective is the loss itself. Each coordinate {@code x_i} is nudged by
 * {@code ±}{@value #EPSILON}: {@code numeric_i = (L(x+ε) - L(x-ε)) / 2ε}.
 *
 * <p>Agreement uses DL4J's relative error with an absolute floor: a coordinate passes when
 * {@code |a - n| / (|a| + |n|) <= }{@value #MAX_RELATIVE_ERROR} or {@code |a - n| <= }{@value #MIN_ABSOLUTE_ERROR}.
 * The floor is needed because float32 forward passes carry about 1e-7 relative rounding, which the division by
 * 2ε magnifies to about 1e-4 of L: below that, differences are noise. At most {@value #MAX_COORDINATES}
 * coordinates per tensor are checked, chosen at random, to keep the checks fast.
 */
public final class GradCheck {

  /** The finite-difference step: 1e-3 suits float32 (the book's 1e-4 assumes float64). */
  public static final double EPSILON = 1e-3;
  /** The largest relative error that passes. */
  public static final double MAX_RELATIVE_ERROR = 1e-2;
  /** Differences below this pass whatever their relative size. */
  public static final double MIN_ABSOLUTE_ERROR = 1e-3;
  /** The most coordinates checked per tensor. */
  public static final int MAX_COORDINATES = 50;

  private GradCheck() {}

  /**
   * The outcome for one tensor.
   *
   * @param check the check's name, such as {@code "Linear"}
   * @param tensor which gradient: {@code "input"} or a parameter name
   * @param maxRelativeError the worst relative error over the checked coordinates whose gradients are
   *     large enough for it to mean something ({@code |a| + |n| > MIN_ABSOLUTE_ERROR})
   * @param worstIndex the multi-index of the worst coordinate, as text
   * @param analytic the backward's value there
   * @param numeric the central difference there
   * @param passed whether every checked coordinate agreed
   */
  public record Result(String check, String tensor, double maxRelativeError, String worstIndex, double analytic,
      double numeric, boolean passed) {

    /** One line: name, tensor, worst error, verdict. */
    @Override
    public String toString() {
      return String.format("%-28s %-14s max rel error %.2e %s%s", check, tensor, maxRelativeError,
          passed ? "ok" : "FAILED", passed ? "" : String.format(" at %s: analytic %.6g, numeric %.6g",
              worstIndex, analytic, numeric));
    }
  }

  /**
   * Checks the input gradient and every parameter gradient of {@code layer} at {@code input}.
   *
   * @param name the check's name for the results
   * @param layer the layer; its parameters are perturbed and restored
   * @param input Not modified (perturbed and restored)
   * @param mode the mode every forward uses
   * @param rng draws R and the checked coordinates
   * @param beforeForward run before every forward, such as reseeding a dropout mask so all passes agree
   */
  public static List<Result> checkLayer(String name, Layer layer, Tensor input, Mode mode, SplittableRandom rng,
      Runnable beforeForward) {
    Tensor probe = input.copy();
    beforeForward.run();
    Tensor out = layer.forward(probe, mode);
    Tensor weights = Tensor.randn(rng, 1f, out.shape());
    for (Parameter p : layer.parameters()) {
      p.zeroGrad();
    }
    Tensor gradInput = layer.backward(weights);
    Objective objective = () -> {
      beforeForward.run();
      return dot(layer.forward(probe, mode), weights);
    };
    List<Result> results = new ArrayList<>();
    results.add(compare(name, "input", probe, gradInput, objective, rng));
    for (Parameter p : layer.parameters()) {
      results.add(compare(name, p.name(), p.value(), p.grad().copy(), objective, rng));
    }
    return results;
  }

  /** Checks a loss's gradient with respect to its prediction. */
  public static Result checkLoss(String name, Loss loss, Tensor prediction, Tensor target, SplittableRandom rng) {
    Tensor probe = prediction.copy();
    loss.forward(probe, target);
    Tensor analytic = loss.backward().copy();
    return compare(name, "prediction", probe, analytic, () -> loss.forward(probe, target), rng);
  }

  @FunctionalInterface
  private interface Objective {
    double value();
  }

  private static Result compare(String check, String tensorName, Tensor variable, Tensor analytic,
      Objective objective, SplittableRandom rng) {
    float[] x = variable.data();
    float[] a = analytic.data();
    int[] coordinates = pick(x.length, rng);
    double worstRel = 0;
    double worstScore = -1;
    int worst = coordinates.length > 0 ? coordinates[0] : 0;
    double worstAnalytic = a.length > 0 ? a[worst] : 0;
    double worstNumeric = Double.NaN;
    boolean passed = true;
    for (int i : coordinates) {
      float saved = x[i];
      x[i] = (float) (saved + EPSILON);
      double plus = objective.value();
      x[i] = (float) (saved - EPSILON);
      double minus = objective.value();
      // Divide by the step actually taken: saved ± EPSILON rounds to float.
      double step = (double) (float) (saved + EPSILON) - (double) (float) (saved - EPSILON);
      x[i] = saved;
      double numeric = (plus - minus) / step;
      double diff = Math.abs(a[i] - numeric);
      double denom = Math.abs(a[i]) + Math.abs(numeric);
      double rel = denom == 0 ? 0 : diff / denom;
      boolean ok = diff <= MIN_ABSOLUTE_ERROR || rel <= MAX_RELATIVE_ERROR;
      // Failing coordinates score above every passing one, so the worst reported is a failing one if any.
      double score = !Double.isFinite(numeric) || !Float.isFinite(a[i]) ? Double.POSITIVE_INFINITY
          : !ok ? 1 + rel : denom > MIN_ABSOLUTE_ERROR ? rel : 0;
      if (i == coordinates[0] || score > worstScore) {
        worstScore = score;
        worstRel = Double.isFinite(score) ? rel : Double.POSITIVE_INFINITY;
        worst = i;
        worstAnalytic = a[i];
        worstNumeric = numeric;
      }
      passed &= ok && Double.isFinite(score);
    }
    objective.value(); // leave the layer's cache matching the unperturbed input
    return new Result(check, tensorName, worstRel, Arrays.toString(unflatten(worst, variable.shape())),
        worstAnalytic, worstNumeric, passed);
  }

  private static int[] pick(int n, SplittableRandom rng) {
    if (n <= MAX_COORDINATES) {
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      return all;
    }
    return rng.ints(0, n).distinct().limit(MAX_COORDINATES).sorted().toArray();
  }

  private static double dot(Tensor out, Tensor weights) {
    float[] o = out.data();
    float[] w = weights.data();
    double acc = 0;
    for (int i = 0; i < o.length; i++) {
      acc += (double) o[i] * w[i];
    }
    return acc;
  }

  private static int[] unflatten(int flat, int[] shape) {
    int[] index = new int[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      index[i] = shape[i] == 0 ? 0 : flat % shape[i];
      flat = shape[i] == 0 ? 0 : flat / shape[i];
    }
    return index;
  }
}
