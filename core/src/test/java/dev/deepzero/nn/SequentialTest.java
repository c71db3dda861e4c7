package dev.deepzero.nn;

import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.nn.layers.Sigmoid;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequentialTest {

  /** Linear(3, 4), BatchNorm(4), Relu, Linear(4, 2), weights drawn from {@code seed}. */
  private static Sequential mlp(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return new Sequential(new Linear(3, 4, rng), new BatchNorm(4), new Relu(), new Linear(4, 2, rng));
  }

  /** A deep copy of a state dict, for "nothing changed" checks. */
  private static Map<String, Tensor> snapshot(Map<String, Tensor> state) {
    Map<String, Tensor> copy = new LinkedHashMap<>();
    state.forEach((k, v) -> copy.put(k, v.copy()));
    return copy;
  }

  private static void assertSameValues(Map<String, Tensor> expected, Map<String, Tensor> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertExactlyEquals(actual.get(k), v));
  }

  @Test
  void stateDictKeysFollowPyTorch() {
    assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "3.weight",
        "3.bias"), List.copyOf(mlp(1).stateDict().keySet()));
  }

  @Test
  void stateDictRoundTripsBetweenDifferentlySeededModels() {
    Sequential source = mlp(1);
    Sequential target = mlp(2);
    Tensor x = Tensor.randn(new SplittableRandom(3), 1f, 5, 3);
    source.forward(x, Mode.TRAIN); // running statistics leave their defaults
    assertFalse(Arrays.equals(source.predict(x).data(), target.predict(x).data()));
    target.loadStateDict(source.stateDict());
    assertExactlyEquals(target.predict(x), source.predict(x));
    assertSameValues(source.stateDict(), target.stateDict());
    // Loading copies: later training of the source does not leak into the target.
    source.stateDict().get("0.weight").fill(0f);
    assertFalse(Arrays.equals(source.predict(x).data(), target.predict(x).data()));
  }

  @Test
  void missingKeyIsNamedAndNothingIsCopied() {
    Sequential target = mlp(2);
    Map<String, Tensor> before = snapshot(target.stateDict());
    Map<String, Tensor> state = snapshot(mlp(1).stateDict());
    state.remove("1.running_var");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state));
    assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("1.running_var"), e.getMessage());
    assertSameValues(before, target.stateDict());
  }

  @Test
  void extraKeyIsNamedAndNothingIsCopied() {
    Sequential target = mlp(2);
    Map<String, Tensor> before = snapshot(target.stateDict());
    Map<String, Tensor> state = snapshot(mlp(1).stateDict());
    state.put("4.weight", Tensor.zeros(2, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state));
    assertTrue(e.getMessage().contains("unexpected") && e.getMessage().contains("4.weight"), e.getMessage());
    assertSameValues(before, target.stateDict());
  }

  @Test
  void misShapedKeyNamesTheKeyAndBothShapesAndNothingIsCopied() {
    Sequential target = mlp(2);
    Map<String, Tensor> before = snapshot(target.stateDict());
    Map<String, Tensor> state = snapshot(mlp(1).stateDict());
    state.put("3.weight", Tensor.zeros(4, 2)); // the transpose of the expected [2, 4]
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state));
    assertTrue(e.getMessage().contains("3.weight") && e.getMessage().contains("[4, 2]")
        && e.getMessage().contains("[2, 4]"), e.getMessage());
    assertSameValues(before, target.stateDict());
  }

  @Test
  void summaryListsLayersShapesAndTheParameterTotal() {
    SplittableRandom rng = new SplittableRandom(1);
    Sequential xor = new Sequential(new Linear(2, 4, rng), new Sigmoid(), new Linear(4, 1, rng));
    String summary = xor.summary(2);
    assertEquals(17, xor.parameterCount());
    assertTrue(summary.contains("total trainable parameters: 17"), summary);
    for (Layer layer : xor.layers()) {
      assertTrue(summary.contains(layer.toString()), summary + " should list " + layer);
    }
    assertTrue(summary.contains("[N, 4]") && summary.contains("[N, 1]") && summary.contains("[N, 2]"), summary);
    List<String> rows = new ArrayList<>(List.of(summary.split("\n")));
    // Linear(2,4): 12 parameters, Sigmoid: 0, Linear(4,1): 5.
    assertTrue(rows.stream().anyMatch(r -> r.startsWith("0 ") && r.trim().endsWith(" 12")), summary);
    assertTrue(rows.stream().anyMatch(r -> r.startsWith("1 ") && r.trim().endsWith(" 0")), summary);
    assertTrue(rows.stream().anyMatch(r -> r.startsWith("2 ") && r.trim().endsWith(" 5")), summary);
  }

  @Test
  void backwardRunsInReverseAndParametersFlatten() {
    Sequential model = mlp(4);
    assertEquals(6, model.parameters().size());
    assertEquals(3 * 4 + 4 + 4 + 4 + 4 * 2 + 2, model.parameterCount());
    Tensor x = Tensor.randn(new SplittableRandom(5), 1f, 6, 3);
    Tensor out = model.forward(x, Mode.TRAIN);
    Tensor gradInput = model.backward(Tensor.ones(out.shape()));
    assertTrue(x.sameShape(gradInput), gradInput.shapeString());
    assertTrue(model.parameters().stream().allMatch(p -> p.grad().map(Math::abs).sumAll() > 0));
    model.zeroGrad();
    assertTrue(model.parameters().stream().allMatch(p -> p.grad().map(Math::abs).sumAll() == 0));
  }

  @Test
  void forwardErrorNamesTheFailingLayer() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> mlp(1).forward(Tensor.zeros(2, 5), Mode.EVAL));
    assertTrue(e.getMessage().contains("layer 0") && e.getMessage().contains("[2, 5]"), e.getMessage());
  }

  @Test
  void emptyModelIsRejected() {
    assertThrows(IllegalArgumentException.class, Sequential::new);
  }
}
