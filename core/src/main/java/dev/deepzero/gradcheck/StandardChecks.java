package dev.deepzero.gradcheck;

import dev.deepzero.loss.BinaryCrossEntropy;
import dev.deepzero.loss.CrossEntropy;
import dev.deepzero.loss.Loss;
import dev.deepzero.loss.MeanSquaredError;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.AvgPool2d;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Conv2d;
import dev.deepzero.nn.layers.Dropout;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.GlobalAvgPool2d;
import dev.deepzero.nn.layers.Identity;
import dev.deepzero.nn.layers.LeakyRelu;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Normalize;
import dev.deepzero.nn.layers.MaxPool2d;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.nn.layers.Sigmoid;
import dev.deepzero.nn.layers.Softmax;
import dev.deepzero.nn.layers.Tanh;
import dev.deepzero.nn.layers.YoloActivation;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One gradient check for every layer and loss of the library, on small seeded inputs. The tests run each
 * case; {@code deepzero gradcheck} prints them.
 *
 * <p>Inputs of piecewise-linear layers keep {@code |x| >= }{@value #KINK_MARGIN} so that no finite
 * difference straddles the kink at 0, where the derivative does not exist. Max-pooling inputs are
 * {@link #tieFree}, for the same reason: a nudge must never change which element is a window's maximum.
 */
public final class StandardChecks {

  /** The smallest |x| fed to ReLU-like layers: 50 finite-difference steps from the kink. */
  public static final float KINK_MARGIN = (float) (50 * GradCheck.EPSILON);

  private StandardChecks() {}

  /**
   * A named check.
   *
   * @param name what is checked, such as {@code "Linear"} or {@code "loss mse"}
   * @param run runs the check with a generator and returns one result per checked tensor
   */
  public record Case(String name, Function<SplittableRandom, List<GradCheck.Result>> run) {

    /** Runs the check with a generator seeded by {@code seed}. */
    public List<GradCheck.Result> run(long seed) {
      return run.apply(new SplittableRandom(seed));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Every check, layers first, then losses. */
  public static List<Case> all() {
    List<Case> cases = new ArrayList<>();
    cases.add(layer("Linear", rng -> new Linear(5, 3, rng), Mode.TRAIN, 4, 5));
    cases.add(layer("Relu", rng -> new Relu(), Mode.TRAIN, 4, 6));
    cases.add(layer("LeakyRelu(0.1)", rng -> new LeakyRelu(0.1f), Mode.TRAIN, 4, 6));
    cases.add(layer("Sigmoid", rng -> new Sigmoid(), Mode.TRAIN, 4, 6));
    cases.add(layer("Tanh", rng -> new Tanh(), Mode.TRAIN, 4, 6));
    cases.add(layer("Softmax", rng -> new Softmax(), Mode.TRAIN, 4, 6));
    cases.add(layer("YoloActivation(B=2, C=3)", rng -> new YoloActivation(2, 3), Mode.TRAIN, 2, 3, 13));
    cases.add(layer("Identity", rng -> new Identity(), Mode.TRAIN, 3, 4));
    cases.add(layer("Flatten", rng -> new Flatten(), Mode.TRAIN, 2, 3, 2, 2));
    cases.add(layer("Dropout(0.5) eval", rng -> new Dropout(0.5f, rng.split()), Mode.EVAL, 4, 6));
    cases.add(new Case("Dropout(0.5) train", rng -> {
      Dropout dropout = new Dropout(0.5f, rng.split());
      return GradCheck.checkLayer("Dropout(0.5) train", dropout, awayFromKinks(rng, 4, 6), Mode.TRAIN, rng,
          () -> dropout.reseed(7));
    }));
    cases.add(layer("BatchNorm [N,F] train", rng -> batchNorm(4, rng), Mode.TRAIN, 6, 4));
    cases.add(layer("BatchNorm [N,F] eval", rng -> batchNorm(4, rng), Mode.EVAL, 6, 4));
    cases.add(layer("BatchNorm [N,C,H,W] train", rng -> batchNorm(2, rng), Mode.TRAIN, 3, 2, 3, 3));
    cases.add(layer("Conv2d 2->3 k3 s1 p0", rng -> new Conv2d(2, 3, 3, 1, 0, rng), Mode.TRAIN, 2, 2, 5, 5));
    cases.add(layer("Conv2d 2->3 k3 s2 p1", rng -> new Conv2d(2, 3, 3, 2, 1, rng), Mode.TRAIN, 2, 2, 7, 6));
    cases.add(layer("Conv2d 3->2 k2 s1 p2", rng -> new Conv2d(3, 2, 2, 1, 2, rng), Mode.TRAIN, 1, 3, 3, 5));
    cases.add(layer("MaxPool2d(2)", rng -> new MaxPool2d(2), Mode.TRAIN, StandardChecks::tieFree, 2, 2, 4, 6));
    cases.add(layer("MaxPool2d k3 s2 p1", rng -> new MaxPool2d(3, 2, 1), Mode.TRAIN, StandardChecks::tieFree,
        2, 2, 5, 7));
    cases.add(layer("MaxPool2d k3 s1 p0", rng -> new MaxPool2d(3, 1, 0), Mode.TRAIN, StandardChecks::tieFree,
        1, 2, 5, 4));
    cases.add(layer("AvgPool2d(2)", rng -> new AvgPool2d(2), Mode.TRAIN, 2, 2, 4, 6));
    cases.add(layer("AvgPool2d k3 s2 p1", rng -> new AvgPool2d(3, 2, 1), Mode.TRAIN, 2, 2, 5, 7));
    cases.add(layer("GlobalAvgPool2d", rng -> new GlobalAvgPool2d(), Mode.TRAIN, 2, 3, 3, 5));
    cases.add(layer("Normalize [N,C,H,W]", rng -> new Normalize(new float[] {0.2f, -0.1f}, new float[] {0.5f, 2f}),
        Mode.TRAIN, 2, 2, 3, 3));
    cases.add(layer("Sequential MLP", rng -> new Sequential(new Linear(4, 6, rng), new Tanh(),
        new Linear(6, 3, rng)), Mode.TRAIN, 5, 4));
    cases.add(loss("loss mse", new MeanSquaredError(), rng -> Tensor.randn(rng, 1f, 4, 3),
        (rng, p) -> Tensor.randn(rng, 1f, 4, 3)));
    cases.add(loss("loss cross_entropy", new CrossEntropy(), StandardChecks::probabilities,
        (rng, p) -> classIndices(rng, 4, 5)));
    cases.add(loss("loss binary_cross_entropy", new BinaryCrossEntropy(),
        rng -> Tensor.uniform(rng, 0.05f, 0.95f, 4, 3), (rng, p) -> Tensor.uniform(rng, 0f, 1f, 4, 3)));
    cases.add(loss("loss softmax_cross_entropy", new SoftmaxCrossEntropy(), rng -> Tensor.randn(rng, 2f, 4, 5),
        (rng, p) -> classIndices(rng, 4, 5)));
    cases.add(loss("loss softmax_cross_entropy 1-hot", new SoftmaxCrossEntropy(),
        rng -> Tensor.randn(rng, 2f, 4, 5), (rng, p) -> oneHot(classIndices(rng, 4, 5), 5)));
    return cases;
  }

  /** A case for a layer built by {@code factory}, on a random input of {@code shape}. */
  public static Case layer(String name, Function<SplittableRandom, Layer> factory, Mode mode, int... shape) {
    return layer(name, factory, mode, StandardChecks::awayFromKinks, shape);
  }

  /** A case for a layer built by {@code factory}, on an input of {@code shape} drawn by {@code input}. */
  public static Case layer(String name, Function<SplittableRandom, Layer> factory, Mode mode,
      BiFunction<SplittableRandom, int[], Tensor> input, int... shape) {
    return new Case(name, rng -> GradCheck.checkLayer(name, factory.apply(rng), input.apply(rng, shape), mode,
        rng, () -> { }));
  }

  private static Case loss(String name, Loss loss, Function<SplittableRandom, Tensor> prediction,
      BiFunction<SplittableRandom, Tensor, Tensor> target) {
    return new Case(name, rng -> {
      Tensor p = prediction.apply(rng);
      return List.of(GradCheck.checkLoss(name, loss, p, target.apply(rng, p), rng));
    });
  }

  /** A BatchNorm with non-trivial weight, bias and running statistics, so every term is exercised. */
  private static BatchNorm batchNorm(int channels, SplittableRandom rng) {
    BatchNorm bn = new BatchNorm(channels);
    var state = bn.stateDict();
    state.get("weight").copyFrom(Tensor.uniform(rng, 0.5f, 1.5f, channels));
    state.get("bias").copyFrom(Tensor.randn(rng, 0.5f, channels));
    state.get("running_mean").copyFrom(Tensor.randn(rng, 0.5f, channels));
    state.get("running_var").copyFrom(Tensor.uniform(rng, 0.5f, 2f, channels));
    return bn;
  }

  /** Values in [-2, 2] with {@code |x| >= KINK_MARGIN}. */
  public static Tensor awayFromKinks(SplittableRandom rng, int... shape) {
    Tensor t = Tensor.uniform(rng, -2f, 2f, shape);
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      if (Math.abs(d[i]) < KINK_MARGIN) {
        d[i] = d[i] < 0 ? -KINK_MARGIN - Math.abs(d[i]) : KINK_MARGIN + d[i];
      }
    }
    return t;
  }

  /**
   * Distinct values at least {@code KINK_MARGIN} apart, in random order: a shuffled, centred
   * {@code KINK_MARGIN · [0, 1, ..., n-1]}. No two are close enough for a finite-difference nudge to reorder
   * them, so max pooling's argmax stays put.
   */
  public static Tensor tieFree(SplittableRandom rng, int... shape) {
    Tensor t = Tensor.zeros(shape);
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (i - d.length / 2) * KINK_MARGIN;
    }
    for (int i = d.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      float swap = d[i];
      d[i] = d[j];
      d[j] = swap;
    }
    return t;
  }

  private static Tensor probabilities(SplittableRandom rng) {
    Tensor logits = Tensor.randn(rng, 1f, 4, 5);
    Tensor p = Tensor.zeros(4, 5);
    Softmax.softmaxRows(logits.data(), p.data(), 5);
    return p;
  }

  private static Tensor classIndices(SplittableRandom rng, int n, int k) {
    Tensor t = Tensor.zeros(n);
    for (int i = 0; i < n; i++) {
      t.data()[i] = rng.nextInt(k);
    }
    return t;
  }

  private static Tensor oneHot(Tensor indices, int k) {
    Tensor t = Tensor.zeros(indices.size(), k);
    for (int i = 0; i < indices.size(); i++) {
      t.set(1f, i, (int) indices.data()[i]);
    }
    return t;
  }
}
