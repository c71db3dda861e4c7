package dev.deepzero.tensor;

import static dev.deepzero.testing.TensorAssert.assertClose;
import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.testing.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TensorTest {

  /** A 2x3 tensor with values 1..6, row-major. */
  private static Tensor oneToSix() {
    return Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
  }

  /** Asserts that {@code e} names every one of {@code parts} in its message. */
  static void assertMessageNames(IllegalArgumentException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should name " + part);
    }
  }

  @Test
  void zerosOnesFullHaveShapeAndValue() {
    Tensor z = Tensor.zeros(2, 3);
    assertArrayEquals(new int[] {2, 3}, z.shape());
    assertEquals(6, z.size());
    assertEquals(2, z.rank());
    assertArrayEquals(new float[6], z.data());
    assertArrayEquals(new float[] {1, 1, 1}, Tensor.ones(3).data());
    assertArrayEquals(new float[] {2.5f, 2.5f}, Tensor.full(2.5f, 1, 2).data());
  }

  @Test
  void ofCopiesItsArrayAndWrapDoesNot() {
    float[] values = {1, 2, 3, 4};
    Tensor copied = Tensor.of(values, 2, 2);
    Tensor wrapped = Tensor.wrap(values, 4);
    values[0] = 99;
    assertEquals(1f, copied.get(0, 0));
    assertEquals(99f, wrapped.get(0));
  }

  @Test
  void ofRowsIsRowMajor() {
    Tensor t = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    assertExactlyEquals(t, oneToSix());
    assertEquals(6f, t.get(1, 2));
  }

  @Test
  void ofRejectsWrongCountAndRaggedRows() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.of(new float[5], 2, 3));
    assertMessageNames(e, "5", "[2, 3]");
    e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[][] {{1, 2}, {3}}));
    assertMessageNames(e, "row 1");
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
  }

  @Test
  void scalarHasRankZero() {
    Tensor s = Tensor.scalar(3f);
    assertEquals(0, s.rank());
    assertEquals(3f, s.item());
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).item());
  }

  @Test
  void randnIsSeededAndRoughlyStandard() {
    Tensor a = Tensor.randn(new SplittableRandom(5), 2f, 10_000);
    Tensor b = Tensor.randn(new SplittableRandom(5), 2f, 10_000);
    assertExactlyEquals(a, b);
    double mean = a.meanAll();
    double var = a.map(v -> v * v).meanAll() - mean * mean;
    assertEquals(0, mean, 0.06); // 4 standard errors: 2 / sqrt(10000) = 0.02
    assertEquals(4, var, 0.25);
  }

  @Test
  void uniformStaysInRange() {
    Tensor u = Tensor.uniform(new SplittableRandom(1), -1f, 3f, 1000);
    for (float v : u.data()) {
      assertTrue(v >= -1f && v < 3f, "value " + v);
    }
    assertThrows(IllegalArgumentException.class, () -> Tensor.uniform(new SplittableRandom(1), 1f, 1f, 3));
  }

  @Test
  void getAndSetCheckTheIndex() {
    Tensor t = Tensor.zeros(2, 3);
    t.set(7f, 1, 2);
    assertEquals(7f, t.data()[5]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.get(2, 0));
    assertMessageNames(e, "[2, 0]", "[2, 3]");
    assertThrows(IllegalArgumentException.class, () -> t.get(0));
  }

  @Test
  void copyIsDeep() {
    Tensor t = oneToSix();
    Tensor c = t.copy();
    c.data()[0] = 100;
    assertEquals(1f, t.get(0, 0));
  }

  @Test
  void shapeIsACopy() {
    Tensor t = oneToSix();
    t.shape()[0] = 99;
    assertArrayEquals(new int[] {2, 3}, t.shape());
  }

  @Test
  void sharesStorage() {
    Tensor t = oneToSix();
    Tensor r = t.reshape(3, 2);
    assertArrayEquals(new int[] {3, 2}, r.shape());
    assertSame(t.data(), r.data());
    assertEquals(4f, r.get(1, 1));
  }

  @Test
  void infersOneMinusOneAxis() {
    assertArrayEquals(new int[] {3, 2}, oneToSix().reshape(-1, 2).shape());
    assertArrayEquals(new int[] {6}, oneToSix().reshape(-1).shape());
    assertArrayEquals(new int[] {1, 2, 3}, oneToSix().reshape(1, -1, 3).shape());
  }

  @Test
  void rejectsBadShapesNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> oneToSix().reshape(4, 2));
    assertMessageNames(e, "[2, 3]", "[4, 2]");
    e = assertThrows(IllegalArgumentException.class, () -> oneToSix().reshape(-1, -1));
    assertMessageNames(e, "[2, 3]", "-1");
    e = assertThrows(IllegalArgumentException.class, () -> oneToSix().reshape(-1, 4));
    assertMessageNames(e, "[2, 3]", "[-1, 4]");
    assertThrows(IllegalArgumentException.class, () -> oneToSix().reshape(-2, 3));
  }

  @Test
  void transposeSwapsRowsAndColumns() {
    Tensor t = oneToSix().transpose();
    assertExactlyEquals(t, Tensor.of(new float[][] {{1, 4}, {2, 5}, {3, 6}}));
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 2, 2).transpose());
  }

  @Test
  void permuteMovesAxesAsNumpyTranspose() {
    // x[i][j][k] = 100i + 10j + k, shape [2, 3, 4]; y = permute(2, 0, 1) has y[k][i][j] = x[i][j][k].
    Tensor x = Tensor.zeros(2, 3, 4);
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          x.set(100 * i + 10 * j + k, i, j, k);
        }
      }
    }
    Tensor y = x.permute(2, 0, 1);
    assertArrayEquals(new int[] {4, 2, 3}, y.shape());
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          assertEquals(x.get(i, j, k), y.get(k, i, j));
        }
      }
    }
    assertExactlyEquals(x.permute(0, 1, 2), x);
    assertExactlyEquals(oneToSix().permute(1, 0), oneToSix().transpose());
  }

  @Test
  void permuteRejectsNonPermutations() {
    Tensor x = Tensor.zeros(2, 3, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1));
    assertMessageNames(e, "[0, 0, 1]", "[2, 3, 4]");
    assertThrows(IllegalArgumentException.class, () -> x.permute(0, 1));
    assertThrows(IllegalArgumentException.class, () -> x.permute(0, 1, 3));
  }

  @Test
  void sliceCopiesRowsAlongAxisZero() {
    Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 4, 2);
    Tensor s = t.slice(1, 3);
    assertExactlyEquals(s, Tensor.of(new float[][] {{2, 3}, {4, 5}}));
    s.data()[0] = 100;
    assertEquals(2f, t.get(1, 0));
    assertEquals(0, t.slice(2, 2).dim(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.slice(3, 5));
    assertMessageNames(e, "[3, 5)", "[4, 2]");
    assertThrows(IllegalArgumentException.class, () -> t.slice(2, 1));
  }

  @Test
  void rowAndColumnBroadcast() {
    Tensor m = oneToSix();
    Tensor row = Tensor.of(new float[] {10, 20, 30}, 3);
    Tensor col = Tensor.of(new float[] {100, 200}, 2, 1);
    assertExactlyEquals(m.add(row), Tensor.of(new float[][] {{11, 22, 33}, {14, 25, 36}}));
    assertExactlyEquals(m.sub(col), Tensor.of(new float[][] {{-99, -98, -97}, {-196, -195, -194}}));
    assertExactlyEquals(m.mul(row), Tensor.of(new float[][] {{10, 40, 90}, {40, 100, 180}}));
    assertClose(m.div(col), Tensor.of(new float[][] {{0.01f, 0.02f, 0.03f}, {0.02f, 0.025f, 0.03f}}),
        Tolerances.FORWARD_RTOL, Tolerances.FORWARD_ATOL);
  }

  @Test
  void bothSidesExpand() {
    // [2, 1] op [1, 3] -> [2, 3]
    Tensor a = Tensor.of(new float[] {1, 2}, 2, 1);
    Tensor b = Tensor.of(new float[] {10, 20, 30}, 1, 3);
    assertExactlyEquals(a.add(b), Tensor.of(new float[][] {{11, 21, 31}, {12, 22, 32}}));
    assertExactlyEquals(b.add(a), a.add(b));
  }

  @Test
  void scalarTensorBroadcastsEverywhere() {
    assertExactlyEquals(oneToSix().mul(Tensor.scalar(2f)), oneToSix().mul(2f));
    assertExactlyEquals(oneToSix().add(Tensor.scalar(1f)), oneToSix().add(1f));
  }

  @Test
  void sameShapeElementwise() {
    Tensor a = oneToSix();
    assertExactlyEquals(a.sub(a), Tensor.zeros(2, 3));
    assertExactlyEquals(a.div(a), Tensor.ones(2, 3));
    assertExactlyEquals(a.add(a), a.mul(2f));
    assertExactlyEquals(a.mul(a), a.map(v -> v * v));
  }

  @Test
  void mismatchNamesBothShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> oneToSix().add(Tensor.zeros(2)));
    assertMessageNames(e, "add", "[2, 3]", "[2]");
    e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(4, 3).mul(Tensor.zeros(2, 3)));
    assertMessageNames(e, "mul", "[4, 3]", "[2, 3]");
  }

  @Test
  void argumentsAreNotModified() {
    Tensor a = oneToSix();
    Tensor b = Tensor.of(new float[] {1, 2, 3}, 3);
    a.add(b);
    a.sub(b);
    a.mul(b);
    a.div(b);
    a.mul(3f);
    a.add(3f);
    assertExactlyEquals(a, oneToSix());
    assertExactlyEquals(b, Tensor.of(new float[] {1, 2, 3}, 3));
  }

  @Test
  void inPlaceOpsModifyThis() {
    Tensor t = oneToSix();
    t.addInPlace(Tensor.ones(2, 3));
    assertExactlyEquals(t, Tensor.of(new float[][] {{2, 3, 4}, {5, 6, 7}}));
    t.addScaledInPlace(-2f, Tensor.ones(2, 3));
    assertExactlyEquals(t, Tensor.of(new float[][] {{0, 1, 2}, {3, 4, 5}}));
    t.scaleInPlace(2f);
    assertExactlyEquals(t, Tensor.of(new float[][] {{0, 2, 4}, {6, 8, 10}}));
    t.copyFrom(oneToSix());
    assertExactlyEquals(t, oneToSix());
    t.fill(0.5f);
    assertExactlyEquals(t, Tensor.full(0.5f, 2, 3));
  }

  @Test
  void inPlaceOpsRequireTheSameShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> oneToSix().addInPlace(Tensor.zeros(3, 2)));
    assertMessageNames(e, "addInPlace", "[2, 3]", "[3, 2]");
    assertThrows(IllegalArgumentException.class, () -> oneToSix().copyFrom(Tensor.zeros(6)));
  }

  private Tensor cube() {
    // [2, 3, 2] with values 0..11
    float[] v = new float[12];
    for (int i = 0; i < 12; i++) {
      v[i] = i;
    }
    return Tensor.of(v, 2, 3, 2);
  }

  @Test
  void sumOverEachAxis() {
    Tensor m = oneToSix();
    assertExactlyEquals(m.sum(0), Tensor.of(new float[] {5, 7, 9}, 3));
    assertExactlyEquals(m.sum(1), Tensor.of(new float[] {6, 15}, 2));
    assertExactlyEquals(m.sum(-1), m.sum(1));
    assertEquals(21.0, m.sumAll());
    assertEquals(3.5, m.meanAll());
    Tensor c = cube();
    assertExactlyEquals(c.sum(1), Tensor.of(new float[][] {{6, 9}, {24, 27}}));
    assertExactlyEquals(c.sum(0), Tensor.of(new float[][] {{6, 8}, {10, 12}, {14, 16}}));
    assertExactlyEquals(c.sum(2), Tensor.of(new float[][] {{1, 5, 9}, {13, 17, 21}}));
  }

  @Test
  void meanOverAnAxis() {
    assertExactlyEquals(oneToSix().mean(0), Tensor.of(new float[] {2.5f, 3.5f, 4.5f}, 3));
    assertExactlyEquals(oneToSix().mean(1), Tensor.of(new float[] {2, 5}, 2));
    assertExactlyEquals(cube().mean(1), Tensor.of(new float[][] {{2, 3}, {8, 9}}));
  }

  @Test
  void maxAndArgmaxTakeTheFirstOnTies() {
    Tensor t = Tensor.of(new float[][] {{3, 1, 3}, {-1, -5, 0}});
    assertExactlyEquals(t.max(1), Tensor.of(new float[] {3, 0}, 2));
    assertExactlyEquals(t.argmax(1), Tensor.of(new float[] {0, 2}, 2));
    assertExactlyEquals(t.max(0), Tensor.of(new float[] {3, 1, 3}, 3));
    assertExactlyEquals(t.argmax(0), Tensor.of(new float[] {0, 0, 0}, 3));
    assertExactlyEquals(cube().argmax(1), Tensor.of(new float[][] {{2, 2}, {2, 2}}));
  }

  @Test
  void badAxisNamesTheShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> oneToSix().sum(2));
    assertMessageNames(e, "sum", "axis 2", "[2, 3]");
    assertThrows(IllegalArgumentException.class, () -> oneToSix().max(-3));
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).argmax(1));
  }

  @Test
  void isFiniteSpotsNanAndInfinity() {
    assertTrue(oneToSix().isFinite());
    assertFalse(Tensor.of(new float[] {1, Float.NaN}, 2).isFinite());
    assertFalse(Tensor.of(new float[] {Float.NEGATIVE_INFINITY}, 1).isFinite());
  }

  @Test
  void mapAppliesTheFunctionToACopy() {
    Tensor t = oneToSix();
    Tensor squared = t.map(v -> v * v);
    assertNotSame(t.data(), squared.data());
    assertExactlyEquals(squared, Tensor.of(new float[][] {{1, 4, 9}, {16, 25, 36}}));
    assertExactlyEquals(t, oneToSix());
  }

  @Test
  void toStringShowsShapeAndValues() {
    String s = oneToSix().toString();
    assertTrue(s.contains("[2, 3]") && s.contains("6.0"), s);
  }
}
