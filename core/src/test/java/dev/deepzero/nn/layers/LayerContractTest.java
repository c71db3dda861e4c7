package dev.deepzero.nn.layers;

import static dev.deepzero.testing.TensorAssert.assertClose;
import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.gradcheck.StandardChecks;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Parameter;
import dev.deepzero.nn.Sequential;
import dev.deepzero.tensor.Initializer;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link Layer} contract, checked for every layer type of the library ({@link Layers#TYPES}, as a test checks). */
class LayerContractTest {

  /**
   * A layer under test: how to build it and the input shape it takes.
   *
   * @param name for the test report
   * @param factory builds the layer from a seeded generator
   * @param mode the mode of the forward pass
   * @param inputShape the input's shape
   */
  record Subject(String name, Function<SplittableRandom, Layer> factory, Mode mode, int... inputShape) {
    @Override
    public String toString() {
      return name + " " + mode;
    }
  }

  static Stream<Subject> everyLayer() {
    List<Subject> s = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      s.add(new Subject("Linear", rng -> new Linear(5, 3, rng), mode, 4, 5));
      s.add(new Subject("Relu", rng -> new Relu(), mode, 4, 6));
      s.add(new Subject("LeakyRelu", rng -> new LeakyRelu(0.2f), mode, 4, 6));
      s.add(new Subject("Sigmoid", rng -> new Sigmoid(), mode, 4, 6));
      s.add(new Subject("Tanh", rng -> new Tanh(), mode, 3, 2, 2));
      s.add(new Subject("Softmax", rng -> new Softmax(), mode, 4, 6));
      s.add(new Subject("YoloActivation", rng -> new YoloActivation(2, 3), mode, 2, 3, 13));
      s.add(new Subject("Identity", rng -> new Identity(), mode, 3, 4));
      s.add(new Subject("Flatten", rng -> new Flatten(), mode, 2, 3, 2, 2));
      s.add(new Subject("Dropout", rng -> new Dropout(0.5f, rng.split()), mode, 4, 6));
      s.add(new Subject("BatchNorm [N,F]", rng -> new BatchNorm(4), mode, 6, 4));
      s.add(new Subject("BatchNorm [N,C,H,W]", rng -> new BatchNorm(2), mode, 3, 2, 3, 3));
      s.add(new Subject("Conv2d", rng -> new Conv2d(2, 3, 3, rng), mode, 2, 2, 6, 5));
      s.add(new Subject("Conv2d stride 2, padding 1", rng -> new Conv2d(2, 3, 3, 2, 1, Initializer.heNormal(), rng),
          mode, 3, 2, 7, 6));
      s.add(new Subject("MaxPool2d 2x2", rng -> new MaxPool2d(2), mode, 2, 3, 6, 4));
      s.add(new Subject("MaxPool2d 3x3 stride 2, padding 1", rng -> new MaxPool2d(3, 2, 1), mode, 2, 2, 7, 6));
      s.add(new Subject("AvgPool2d", rng -> new AvgPool2d(3, 2, 1), mode, 2, 2, 7, 6));
      s.add(new Subject("GlobalAvgPool2d", rng -> new GlobalAvgPool2d(), mode, 2, 3, 4, 5));
      s.add(new Subject("Normalize", rng -> new Normalize(new float[] {0.5f, -1f}, new float[] {2f, 0.25f}), mode,
          3, 2, 2, 3));
      s.add(new Subject("ChannelsLast", rng -> new ChannelsLast(), mode, 2, 3, 2, 4));
      s.add(new Subject("Sequential", rng -> new Sequential(new Linear(4, 6, rng), new BatchNorm(6), new Relu(),
          new Dropout(0.25f, rng.split()), new Linear(6, 3, rng), new Softmax()), mode, 5, 4));
    }
    return s.stream();
  }

  @Test
  void everyLayerTypeIsASubject() {
    Set<String> covered = everyLayer().map(subject -> subject.factory().apply(new SplittableRandom(1)).config().type())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(Layers.TYPES), covered, "LayerContractTest's subjects against Layers.TYPES");
  }

  private static Tensor inputFor(Subject s, long seed) {
    return StandardChecks.awayFromKinks(new SplittableRandom(seed), s.inputShape());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyLayer")
  void forwardDoesNotModifyItsInputAndBackwardDoesNotModifyGradOutput(Subject s) {
    Layer layer = s.factory().apply(new SplittableRandom(1));
    Tensor input = inputFor(s, 2);
    Tensor inputCopy = input.copy();
    Tensor out = layer.forward(input, s.mode());
    assertExactlyEquals(input, inputCopy);
    Tensor gradOutput = Tensor.randn(new SplittableRandom(3), 1f, out.shape());
    Tensor gradCopy = gradOutput.copy();
    Tensor gradInput = layer.backward(gradOutput);
    assertExactlyEquals(gradOutput, gradCopy);
    assertExactlyEquals(input, inputCopy);
    assertArrayEquals(input.shape(), gradInput.shape(), "gradInput has the input's shape");
    assertTrue(out.isFinite() && gradInput.isFinite());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyLayer")
  void backwardBeforeForwardIsAnIllegalState(Subject s) {
    Layer layer = s.factory().apply(new SplittableRandom(1));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> layer.backward(Tensor.zeros(s.inputShape())));
    assertTrue(e.getMessage().contains("before forward"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyLayer")
  void backwardWithAWrongGradOutputShapeNamesBothShapes(Subject s) {
    Layer layer = s.factory().apply(new SplittableRandom(1));
    Tensor out = layer.forward(inputFor(s, 2), s.mode());
    int[] wrong = out.shape();
    wrong[wrong.length - 1] += 1;
    Tensor bad = Tensor.zeros(wrong);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.backward(bad));
    assertTrue(e.getMessage().contains(bad.shapeString()) && e.getMessage().contains(out.shapeString()),
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyLayer")
  void configRebuildsTheSameArchitecture(Subject s) {
    Layer layer = s.factory().apply(new SplittableRandom(1));
    Layer rebuilt = Layers.fromConfig(layer.config(), new SplittableRandom(2));
    assertEquals(layer.config(), rebuilt.config());
    assertEquals(layer.getClass(), rebuilt.getClass());
    Map<String, Tensor> a = layer.stateDict();
    Map<String, Tensor> b = rebuilt.stateDict();
    assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()));
    for (String key : a.keySet()) {
      assertArrayEquals(a.get(key).shape(), b.get(key).shape(), key);
    }
    // Same architecture means the same outputs once the weights agree (eval, so dropout is off).
    rebuilt.loadStateDict(a);
    Tensor x = inputFor(s, 4);
    assertClose(rebuilt.forward(x, Mode.EVAL), layer.forward(x, Mode.EVAL), 0f, 0f, s.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyLayer")
  void stateDictRoundTripsBetweenDifferentlySeededLayers(Subject s) {
    Layer source = s.factory().apply(new SplittableRandom(10));
    Layer target = s.factory().apply(new SplittableRandom(20));
    if (s.mode() == Mode.TRAIN && source.stateDict().size() > 0) {
      source.forward(inputFor(s, 5), Mode.TRAIN); // moves BatchNorm's running statistics away from the defaults
    }
    target.loadStateDict(source.stateDict());
    Tensor x = inputFor(s, 6);
    assertExactlyEquals(target.forward(x, Mode.EVAL), source.forward(x, Mode.EVAL));
  }

  /** Runs forward once and backward twice with the same gradOutput; returns the parameter grads after each. */
  private static List<List<Tensor>> gradsAfterOneAndTwoBackwards(Layer layer, Tensor input, Mode mode) {
    Tensor out = layer.forward(input, mode);
    Tensor gradOutput = Tensor.randn(new SplittableRandom(7), 1f, out.shape());
    layer.backward(gradOutput);
    List<Tensor> once = layer.parameters().stream().map(p -> p.grad().copy()).toList();
    layer.backward(gradOutput);
    List<Tensor> twice = layer.parameters().stream().map(p -> p.grad().copy()).toList();
    return List.of(once, twice);
  }

  @Test
  void linearBackwardTwiceDoublesTheParameterGradients() {
    Linear linear = new Linear(5, 3, new SplittableRandom(1));
    assertAccumulates(linear, Tensor.randn(new SplittableRandom(2), 1f, 4, 5), Mode.TRAIN);
  }

  @Test
  void batchNormBackwardTwiceDoublesTheParameterGradients() {
    assertAccumulates(new BatchNorm(4), Tensor.randn(new SplittableRandom(2), 1f, 6, 4), Mode.TRAIN);
    assertAccumulates(new BatchNorm(2), Tensor.randn(new SplittableRandom(3), 1f, 3, 2, 2, 2), Mode.TRAIN);
  }

  private static void assertAccumulates(Layer layer, Tensor input, Mode mode) {
    List<List<Tensor>> grads = gradsAfterOneAndTwoBackwards(layer, input, mode);
    List<Parameter> params = layer.parameters();
    for (int i = 0; i < params.size(); i++) {
      Tensor once = grads.get(0).get(i);
      assertTrue(once.map(Math::abs).sumAll() > 0, params.get(i).name() + " got no gradient");
      assertClose(grads.get(1).get(i), once.mul(2f), 1e-6f, 1e-7f, params.get(i).name() + " after two backwards");
    }
    for (Parameter p : params) {
      p.zeroGrad();
      assertExactlyEquals(p.grad(), Tensor.zeros(p.value().shape()));
    }
  }
}
