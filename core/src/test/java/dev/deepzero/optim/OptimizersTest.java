package dev.deepzero.optim;

import static dev.deepzero.testing.TensorAssert.assertClose;
import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.Parameter;
import dev.deepzero.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Two steps of every optimizer, worked by hand from w = [1, -2], g = [0.5, -1] (the same gradient both steps
 * unless said otherwise) and learning rate 0.1.
 */
class OptimizersTest {

  private static final float LR = 0.1f;
  // Two steps carry float32 rounding of a few ulps; the hand values are exact to 7 digits.
  private static final float RTOL = 1e-5f;
  private static final float ATOL = 1e-6f;

  private static Parameter parameter() {
    return new Parameter("w", Tensor.of(new float[] {1, -2}, 2));
  }

  private static Tensor vec(float a, float b) {
    return Tensor.of(new float[] {a, b}, 2);
  }

  /** Takes one step with gradient {@code grad} and returns the new value (a copy). */
  private static Tensor step(Optimizer opt, Parameter p, Tensor grad) {
    opt.zeroGrad();
    p.grad().addInPlace(grad);
    opt.step();
    return p.value().copy();
  }

  /** Asserts the values after the first and second step with the constant gradient [0.5, -1]. */
  private static void assertTwoSteps(Function<List<Parameter>, Optimizer> make, Tensor first, Tensor second) {
    Parameter p = parameter();
    Optimizer opt = make.apply(List.of(p));
    assertClose(step(opt, p, vec(0.5f, -1)), first, RTOL, ATOL, opt + " step 1");
    assertClose(step(opt, p, vec(0.5f, -1)), second, RTOL, ATOL, opt + " step 2");
    assertEquals(2, opt.steps());
  }

  @Test
  void sgd() {
    // w ← w - lr·g
    assertTwoSteps(ps -> new Sgd(ps, LR), vec(0.95f, -1.9f), vec(0.9f, -1.8f));
  }

  @Test
  void sgdWithWeightDecay() {
    // g' = g + 0.1·w: [0.6, -1.2] -> w = [0.94, -1.88]; then g' = [0.594, -1.188] -> [0.8806, -1.7612]
    assertTwoSteps(ps -> new Sgd(ps, LR, 0.1f), vec(0.94f, -1.88f), vec(0.8806f, -1.7612f));
  }

  @Test
  void momentum() {
    // v = g -> w = [0.95, -1.9]; v = 0.9·g + g = 1.9·g -> w -= 0.19·g = [0.855, -1.71]
    assertTwoSteps(ps -> new Momentum(ps, LR, 0.9f, 0f), vec(0.95f, -1.9f), vec(0.855f, -1.71f));
  }

  @Test
  void momentumWithWeightDecay() {
    // g' = [0.6, -1.2], v = g' -> w = [0.94, -1.88]; g' = [0.594, -1.188], v = 0.9·[0.6, -1.2] + g'
    // = [1.134, -2.268] -> w = [0.8266, -1.6532]
    assertTwoSteps(ps -> new Momentum(ps, LR, 0.9f, 0.1f), vec(0.94f, -1.88f), vec(0.8266f, -1.6532f));
  }

  @Test
  void nesterov() {
    // v = g; w -= lr·(g + 0.9·v) = 0.19·g -> [0.905, -1.81]; v = 1.9·g; w -= lr·(g + 1.71·g) = 0.271·g
    assertTwoSteps(ps -> new Nesterov(ps, LR, 0.9f, 0f), vec(0.905f, -1.81f), vec(0.7695f, -1.539f));
  }

  @Test
  void adaGrad() {
    // h = g² -> w -= lr·sign(g) = [0.9, -1.9]; h = 2g² -> w -= lr·sign(g)/√2 = [0.8292893, -1.8292893]
    assertTwoSteps(ps -> new AdaGrad(ps, LR), vec(0.9f, -1.9f), vec(0.8292893f, -1.8292893f));
  }

  @Test
  void rmsProp() {
    // s = 0.01·g² -> w -= lr·sign(g)/0.1 = [0, -1]; s = 0.0199·g² -> w -= lr·sign(g)/√0.0199 (0.7088812)
    assertTwoSteps(ps -> new RmsProp(ps, LR, 0.99f, 0f), vec(0f, -1f), vec(-0.7088812f, -0.2911188f));
  }

  @Test
  void adamFirstStepIsASignStepAndSecondUsesBiasCorrection() {
    // Step 1: m̂ = g, v̂ = g² -> w -= lr·sign(g) = [0.9, -1.9].
    // Step 2 with g = [1, 0]: m = [0.145, -0.09], v = [0.00124975, 0.000999]; m̂ = m/0.19, v̂ = v/0.001999
    // -> w -= lr·m̂/√v̂ = [0.0965182, -0.0670058].
    Parameter p = parameter();
    Adam adam = new Adam(List.of(p), LR);
    assertClose(step(adam, p, vec(0.5f, -1)), vec(0.9f, -1.9f), RTOL, ATOL, "Adam step 1");
    assertClose(step(adam, p, vec(1, 0)), vec(0.8034818f, -1.8329942f), RTOL, ATOL, "Adam step 2");
  }

  @Test
  void stepsUpdateEveryParameter() {
    Parameter a = parameter();
    Parameter b = new Parameter("b", Tensor.of(new float[] {3}, 1));
    Sgd sgd = new Sgd(List.of(a, b), 1f);
    a.grad().fill(1f);
    b.grad().fill(2f);
    sgd.step();
    assertExactlyEquals(a.value(), vec(0, -3));
    assertExactlyEquals(b.value(), Tensor.of(new float[] {1}, 1));
    sgd.zeroGrad();
    assertExactlyEquals(a.grad(), Tensor.zeros(2));
    assertExactlyEquals(b.grad(), Tensor.zeros(1));
  }

  @Test
  void stateDictResumesExactly() {
    // Three Adam steps in one go equal one step, a save, and two steps of a fresh optimizer loaded from it.
    Tensor[] grads = {vec(0.5f, -1), vec(1, 0), vec(-0.3f, 0.2f)};
    Parameter straight = parameter();
    Adam a = new Adam(List.of(straight), LR);
    for (Tensor g : grads) {
      step(a, straight, g);
    }
    Parameter resumed = parameter();
    Adam first = new Adam(List.of(resumed), LR);
    step(first, resumed, grads[0]);
    Map<String, Tensor> saved = first.stateDict();
    assertEquals(List.of("0.exp_avg", "0.exp_avg_sq", "step"), List.copyOf(saved.keySet()));
    Adam second = new Adam(List.of(resumed), LR);
    second.loadStateDict(saved);
    assertEquals(1, second.steps());
    step(second, resumed, grads[1]);
    step(second, resumed, grads[2]);
    assertExactlyEquals(resumed.value(), straight.value());
  }

  @Test
  void byNameBuildsEachOptimizer() {
    List<Parameter> ps = List.of(parameter());
    assertInstanceOf(Sgd.class, Optimizers.byName("sgd", ps, LR, 0f));
    assertInstanceOf(Momentum.class, Optimizers.byName("momentum", ps, LR, 0f));
    assertInstanceOf(Nesterov.class, Optimizers.byName("nesterov", ps, LR, 0f));
    assertInstanceOf(AdaGrad.class, Optimizers.byName("adagrad", ps, LR, 0f));
    assertInstanceOf(RmsProp.class, Optimizers.byName("RMSProp", ps, LR, 0f));
    Optimizer adam = Optimizers.byName("adam", ps, LR, 0.01f);
    assertInstanceOf(Adam.class, adam);
    assertEquals(0.01f, adam.weightDecay());
    assertEquals(LR, adam.learningRate());
  }

  @Test
  void unknownOptimizerListsTheValidNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Optimizers.byName("lbfgs", List.of(parameter()), LR, 0f));
    assertTrue(e.getMessage().contains("'lbfgs'")
        && e.getMessage().contains("sgd, momentum, nesterov, adagrad, rmsprop, adam"), e.getMessage());
  }

  @Test
  void badHyperparametersAreRejected() {
    List<Parameter> ps = List.of(parameter());
    assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0f));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, Float.NaN));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, LR, -1f));
    assertThrows(IllegalArgumentException.class, () -> new Momentum(ps, LR, 1f, 0f));
    assertThrows(IllegalArgumentException.class, () -> new RmsProp(ps, LR, -0.1f, 0f));
    assertThrows(IllegalArgumentException.class, () -> new Adam(ps, LR, 1f, 0.999f, 1e-8f, 0f));
    Sgd sgd = new Sgd(ps, LR);
    assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(-1f));
    sgd.setLearningRate(0.5f);
    assertEquals(0.5f, sgd.learningRate());
  }
}
