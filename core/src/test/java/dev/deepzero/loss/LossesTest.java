package dev.deepzero.loss;

import static dev.deepzero.testing.TensorAssert.assertClose;
import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import dev.deepzero.testing.Tolerances;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Hand-worked values, finiteness at the edges, and errors of every loss. */
class LossesTest {

  private static final float RTOL = Tolerances.FORWARD_RTOL;
  private static final float ATOL = Tolerances.FORWARD_ATOL;

  private static Tensor rows(float[]... rows) {
    return Tensor.of(rows);
  }

  private static Tensor indices(float... values) {
    return Tensor.of(values, values.length);
  }

  private static void assertMessageNames(IllegalArgumentException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should name " + part);
    }
  }

  @Test
  void meanSquaredErrorByHand() {
    MeanSquaredError mse = new MeanSquaredError();
    // differences 1, 0, -2, 0 -> (1 + 4) / 4
    float loss = mse.forward(rows(new float[] {1, 2}, new float[] {3, 4}), rows(new float[] {0, 2},
        new float[] {5, 4}));
    assertEquals(1.25f, loss, 1e-7f);
    assertClose(mse.backward(), rows(new float[] {0.5f, 0}, new float[] {-1, 0}), RTOL, ATOL);
  }

  @Test
  void crossEntropyWithIndicesAndOneHotAgree() {
    Tensor p = rows(new float[] {0.1f, 0.7f, 0.2f}, new float[] {0.5f, 0.25f, 0.25f});
    float expected = (float) (-(Math.log(0.7) + Math.log(0.5)) / 2);
    Tensor expectedGrad = rows(new float[] {0, -1 / (2 * 0.7f), 0}, new float[] {-1, 0, 0});
    CrossEntropy byIndex = new CrossEntropy();
    assertEquals(expected, byIndex.forward(p, indices(1, 0)), 1e-6f);
    assertClose(byIndex.backward(), expectedGrad, RTOL, ATOL);
    CrossEntropy byOneHot = new CrossEntropy();
    assertEquals(expected, byOneHot.forward(p, rows(new float[] {0, 1, 0}, new float[] {1, 0, 0})), 1e-6f);
    assertClose(byOneHot.backward(), expectedGrad, RTOL, ATOL);
  }

  @Test
  void crossEntropyOfAZeroProbabilityStaysFinite() {
    CrossEntropy ce = new CrossEntropy();
    float loss = ce.forward(rows(new float[] {0, 1}), indices(0));
    assertTrue(Float.isFinite(loss));
    assertEquals(-Math.log(CrossEntropy.PROBABILITY_FLOOR), loss, 1e-3);
    assertTrue(ce.backward().isFinite());
  }

  @Test
  void binaryCrossEntropyByHand() {
    BinaryCrossEntropy bce = new BinaryCrossEntropy();
    float loss = bce.forward(rows(new float[] {0.8f, 0.3f}), rows(new float[] {1, 0}));
    assertEquals((float) (-(Math.log(0.8) + Math.log(0.7)) / 2), loss, 1e-6f);
    // (p - t) / (M p (1 - p))
    assertClose(bce.backward(), rows(new float[] {-0.625f, 1 / 1.4f}), 1e-5f, ATOL);
  }

  @Test
  void binaryCrossEntropyAtZeroAndOneStaysFinite() {
    BinaryCrossEntropy bce = new BinaryCrossEntropy();
    float loss = bce.forward(rows(new float[] {0f, 1f}), rows(new float[] {1, 0}));
    assertTrue(Float.isFinite(loss), "loss " + loss);
    assertEquals(-Math.log(BinaryCrossEntropy.PROBABILITY_FLOOR), loss, 1e-2);
    assertTrue(bce.backward().isFinite());
  }

  @Test
  void softmaxCrossEntropyWithIndicesAndOneHot() {
    // logits [0, ln 2] -> probabilities [1/3, 2/3]; target class 1: L = -ln(2/3); grad = (p - t) / N
    Tensor logits = rows(new float[] {0, (float) Math.log(2)}, new float[] {1, 1});
    float expected = (float) ((-Math.log(2.0 / 3) - Math.log(0.5)) / 2);
    Tensor expectedGrad = rows(new float[] {1f / 6, -1f / 6}, new float[] {-0.25f, 0.25f});
    SoftmaxCrossEntropy byIndex = new SoftmaxCrossEntropy();
    assertEquals(expected, byIndex.forward(logits, indices(1, 0)), 1e-6f);
    assertClose(byIndex.backward(), expectedGrad, RTOL, ATOL);
    assertClose(byIndex.probabilities(), rows(new float[] {1f / 3, 2f / 3}, new float[] {0.5f, 0.5f}), RTOL, ATOL);
    SoftmaxCrossEntropy byOneHot = new SoftmaxCrossEntropy();
    assertEquals(expected, byOneHot.forward(logits, rows(new float[] {0, 1}, new float[] {1, 0})), 1e-6f);
    assertClose(byOneHot.backward(), expectedGrad, RTOL, ATOL);
  }

  @Test
  void softmaxCrossEntropyOnHugeLogitsStaysFinite() {
    SoftmaxCrossEntropy sce = new SoftmaxCrossEntropy();
    float loss = sce.forward(rows(new float[] {1e4f, 0, -1e4f}), indices(2));
    assertEquals(2e4f, loss, 1f);
    assertClose(sce.backward(), rows(new float[] {1, 0, -1}), RTOL, ATOL);
    float right = sce.forward(rows(new float[] {1e4f, 0, -1e4f}), indices(0));
    assertEquals(0f, right, 1e-6f);
  }

  @Test
  void forwardDoesNotModifyItsArguments() {
    Tensor p = rows(new float[] {0.2f, 0.8f}, new float[] {0.6f, 0.4f});
    Tensor t = rows(new float[] {0, 1}, new float[] {1, 0});
    for (Loss loss : List.of(new MeanSquaredError(), new CrossEntropy(), new BinaryCrossEntropy(),
        new SoftmaxCrossEntropy())) {
      Tensor pc = p.copy();
      Tensor tc = t.copy();
      loss.forward(p, t);
      assertExactlyEquals(p, pc);
      assertExactlyEquals(t, tc);
      assertTrue(loss.backward().sameShape(p), loss.toString());
    }
  }

  @Test
  void backwardReturnsATensorTheCallerOwns() {
    Tensor p = rows(new float[] {0.2f, 0.8f}, new float[] {0.6f, 0.4f});
    Tensor t = rows(new float[] {0, 1}, new float[] {1, 0});
    for (Loss loss : List.of(new MeanSquaredError(), new CrossEntropy(), new BinaryCrossEntropy(),
        new SoftmaxCrossEntropy())) {
      loss.forward(p, t);
      Tensor first = loss.backward();
      Tensor expected = first.copy();
      first.fill(42f); // e.g. weighting the loss in place
      assertExactlyEquals(expected, loss.backward());
    }
  }

  @Test
  void byNameBuildsEachLoss() {
    assertInstanceOf(MeanSquaredError.class, Losses.byName("mse"));
    assertInstanceOf(CrossEntropy.class, Losses.byName("cross_entropy"));
    assertInstanceOf(BinaryCrossEntropy.class, Losses.byName("Binary-Cross-Entropy"));
    assertInstanceOf(SoftmaxCrossEntropy.class, Losses.byName("softmax_cross_entropy"));
    for (String name : Losses.NAMES) {
      assertEquals(name, Losses.byName(name).toString());
    }
  }

  @Test
  void unknownLossListsTheValidNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.byName("hinge"));
    assertMessageNames(e, "'hinge'", "mse, cross_entropy, binary_cross_entropy, softmax_cross_entropy");
  }

  @Test
  void predictionTargetMismatchNamesBothShapes() {
    Tensor p = Tensor.zeros(2, 3);
    assertMessageNames(assertThrows(IllegalArgumentException.class,
        () -> new MeanSquaredError().forward(p, Tensor.zeros(3, 2))), "mse", "[2, 3]", "[3, 2]");
    assertMessageNames(assertThrows(IllegalArgumentException.class,
        () -> new BinaryCrossEntropy().forward(p, Tensor.zeros(2))), "binary_cross_entropy", "[2, 3]", "[2]");
    assertMessageNames(assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropy().forward(p, Tensor.zeros(3))), "cross_entropy", "[2, 3]", "[3]");
    assertMessageNames(assertThrows(IllegalArgumentException.class,
        () -> new SoftmaxCrossEntropy().forward(p, Tensor.zeros(2, 4))), "softmax_cross_entropy", "[2, 3]",
        "[2, 4]");
    assertMessageNames(assertThrows(IllegalArgumentException.class,
        () -> new SoftmaxCrossEntropy().forward(Tensor.zeros(6), Tensor.zeros(6))), "[6]");
  }

  @Test
  void badTargetValuesAreNamed() {
    assertMessageNames(assertThrows(IllegalArgumentException.class,
        () -> new SoftmaxCrossEntropy().forward(Tensor.zeros(2, 3), indices(0, 3))), "target 1", "3.0", "[0, 3)");
    assertMessageNames(assertThrows(IllegalArgumentException.class,
        () -> new CrossEntropy().forward(Tensor.zeros(2, 3), indices(0.5f, 1))), "target 0", "0.5");
    assertMessageNames(assertThrows(IllegalArgumentException.class,
        () -> new BinaryCrossEntropy().forward(Tensor.zeros(1, 2), rows(new float[] {0, 2}))), "2.0", "[0, 1]");
  }

  @Test
  void backwardBeforeForwardIsAnIllegalState() {
    for (Supplier<Loss> loss : List.<Supplier<Loss>>of(MeanSquaredError::new, CrossEntropy::new,
        BinaryCrossEntropy::new, SoftmaxCrossEntropy::new)) {
      Loss l = loss.get();
      IllegalStateException e = assertThrows(IllegalStateException.class, l::backward);
      assertTrue(e.getMessage().contains("before forward"), e.getMessage());
    }
  }
}
