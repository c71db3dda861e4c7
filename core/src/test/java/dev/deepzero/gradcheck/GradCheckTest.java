package dev.deepzero.gradcheck;

import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.loss.Loss;
import dev.deepzero.loss.Losses;
import dev.deepzero.loss.MeanSquaredError;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Parameter;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Tanh;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GradCheckTest {

  private static final long[] SEEDS = {1, 2, 3};

  static Stream<Arguments> everyCheckAndSeed() {
    List<Arguments> args = new ArrayList<>();
    for (StandardChecks.Case c : StandardChecks.all()) {
      for (long seed : SEEDS) {
        args.add(Arguments.of(c, seed));
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("everyCheckAndSeed")
  void everyLayerAndLossPassesTheGradientCheck(StandardChecks.Case check, long seed) {
    List<GradCheck.Result> results = check.run(seed);
    assertFalse(results.isEmpty(), check.name() + " checked nothing");
    for (GradCheck.Result r : results) {
      assertTrue(r.passed(), r.toString());
    }
  }

  @Test
  void standardChecksCoverEveryLayerTypeAndLoss() {
    Set<String> names = new HashSet<>();
    for (StandardChecks.Case c : StandardChecks.all()) {
      names.add(c.name().split("[ (]")[0]);
    }
    for (String type : List.of("Linear", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "Identity", "Flatten",
        "Dropout", "BatchNorm", "Sequential")) {
      assertTrue(names.contains(type), "no gradient check for layer " + type + " in " + names);
    }
    for (String loss : Losses.NAMES) {
      assertTrue(StandardChecks.all().stream().anyMatch(c -> c.name().equals("loss " + loss)),
          "no gradient check for loss " + loss);
    }
  }

  @Test
  void layerChecksCoverTheInputAndEveryParameter() {
    List<GradCheck.Result> results = StandardChecks.layer("Linear", rng -> new Linear(3, 2, rng), Mode.TRAIN, 4, 3)
        .run(9);
    assertEquals(List.of("input", "weight", "bias"), results.stream().map(GradCheck.Result::tensor).toList());
  }

  /** Tanh whose backward returns {@code factor} times the true input gradient. */
  private static Layer scaledTanh(float factor) {
    Tanh tanh = new Tanh();
    return new Layer() {
      @Override
      public Tensor forward(Tensor input, Mode mode) {
        return tanh.forward(input, mode);
      }

      @Override
      public Tensor backward(Tensor gradOutput) {
        return tanh.backward(gradOutput).mul(factor);
      }

      @Override
      public LayerConfig config() {
        return LayerConfig.of("ScaledTanh");
      }
    };
  }

  @Test
  void failsOnALayerWhoseInputGradientIsTwiceTheTruth() {
    Tensor input = StandardChecks.awayFromKinks(new SplittableRandom(4), 4, 6);
    GradCheck.Result right = GradCheck.checkLayer("tanh x1", scaledTanh(1f), input, Mode.TRAIN,
        new SplittableRandom(5), () -> { }).get(0);
    GradCheck.Result wrong = GradCheck.checkLayer("tanh x2", scaledTanh(2f), input, Mode.TRAIN,
        new SplittableRandom(5), () -> { }).get(0);
    assertTrue(right.passed(), right.toString());
    assertFalse(wrong.passed(), wrong.toString());
    // |2a - a| / (|2a| + |a|) = 1/3 at every coordinate with a real gradient.
    assertEquals(1.0 / 3, wrong.maxRelativeError(), 0.01, wrong.toString());
    assertTrue(wrong.toString().contains("FAILED"), wrong.toString());
  }

  @Test
  void failsOnALayerWhoseParameterGradientIsWrong() {
    Linear linear = new Linear(3, 2, new SplittableRandom(1));
    Layer halfWeightGrad = new Layer() {
      @Override
      public Tensor forward(Tensor input, Mode mode) {
        return linear.forward(input, mode);
      }

      @Override
      public Tensor backward(Tensor gradOutput) {
        Tensor before = linear.weight().grad().copy();
        Tensor gradInput = linear.backward(gradOutput);
        // Keep only half of what this backward added to the weight gradient.
        Tensor added = linear.weight().grad().sub(before);
        linear.weight().grad().addScaledInPlace(-0.5f, added);
        return gradInput;
      }

      @Override
      public List<Parameter> parameters() {
        return linear.parameters();
      }

      @Override
      public LayerConfig config() {
        return linear.config();
      }
    };
    List<GradCheck.Result> results = GradCheck.checkLayer("bad Linear", halfWeightGrad,
        Tensor.randn(new SplittableRandom(2), 1f, 4, 3), Mode.TRAIN, new SplittableRandom(3), () -> { });
    assertTrue(results.get(0).passed(), results.get(0).toString());
    assertFalse(results.get(1).passed(), "weight: " + results.get(1));
    assertTrue(results.get(2).passed(), results.get(2).toString());
  }

  @Test
  void failsOnALossWhoseGradientIsMissingTheBatchMean() {
    MeanSquaredError mse = new MeanSquaredError();
    Loss undivided = new Loss() {
      private int size;

      @Override
      public float forward(Tensor prediction, Tensor target) {
        size = prediction.size();
        return mse.forward(prediction, target);
      }

      @Override
      public Tensor backward() {
        return mse.backward().mul(size);
      }
    };
    SplittableRandom rng = new SplittableRandom(6);
    Tensor p = Tensor.randn(rng, 1f, 4, 3);
    Tensor t = Tensor.randn(rng, 1f, 4, 3);
    assertTrue(GradCheck.checkLoss("mse", new MeanSquaredError(), p, t, new SplittableRandom(1)).passed());
    assertFalse(GradCheck.checkLoss("mse x M", undivided, p, t, new SplittableRandom(1)).passed());
  }

  @Test
  void checkLeavesInputAndParametersUnchanged() {
    SplittableRandom rng = new SplittableRandom(8);
    Linear linear = new Linear(5, 3, rng);
    Tensor weight = linear.weight().value().copy();
    Tensor input = Tensor.randn(rng, 1f, 4, 5);
    Tensor inputCopy = input.copy();
    GradCheck.checkLayer("Linear", linear, input, Mode.TRAIN, rng, () -> { });
    assertExactlyEquals(input, inputCopy);
    assertExactlyEquals(linear.weight().value(), weight);
  }
}
