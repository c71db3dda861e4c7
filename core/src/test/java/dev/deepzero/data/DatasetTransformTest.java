package dev.deepzero.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Normalization} and {@link AugmentedDataset}. */
class DatasetTransformTest {

  private static TensorDataset images(int n, int channels, int side, long seed) {
    Tensor inputs = Tensor.uniform(new SplittableRandom(seed), 0f, 1f, n, channels, side, side);
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
    }
    return new TensorDataset(inputs, Tensor.wrap(labels, n));
  }

  private static int[] all(Dataset d) {
    int[] indices = new int[d.size()];
    Arrays.setAll(indices, i -> i);
    return indices;
  }

  @Test
  void normalizationFitsPerChannelStatistics() {
    // Channel 0 holds 1, 3 (mean 2, std 1); channel 1 is constant 5 (centred only).
    Tensor inputs = Tensor.of(new float[] {1, 1, 5, 5, 3, 3, 5, 5}, 2, 2, 2, 1);
    TensorDataset data = new TensorDataset(inputs, Tensor.zeros(2));
    Normalization norm = Normalization.fit(data);
    assertArrayEquals(new float[] {2, 5}, norm.mean(), 1e-6f);
    assertArrayEquals(new float[] {1, 1}, norm.std(), 1e-6f);
    assertArrayEquals(new float[] {-1, -1, 0, 0, 1, 1, 0, 0}, norm.apply(inputs).data(), 1e-6f);
    assertArrayEquals(new float[] {1, 1, 5, 5, 3, 3, 5, 5}, inputs.data(), 0f); // not modified
  }

  @Test
  void aNormalizedViewHasZeroMeanAndUnitStd() {
    TensorDataset data = images(1100, 3, 4, 1); // more samples than one fitting chunk (1024)
    Normalization norm = Normalization.fit(data);
    Dataset view = norm.applyTo(data);
    Normalization after = Normalization.fit(view);
    assertArrayEquals(new float[3], after.mean(), 1e-4f);
    assertArrayEquals(new float[] {1, 1, 1}, after.std(), 1e-4f);
    assertArrayEquals(data.targets().data(), view.batch(all(view)).targets().data(), 0f);
  }

  @Test
  void normalizationRejectsMismatches() {
    Normalization norm = new Normalization(new float[] {0.5f}, new float[] {0.25f});
    assertThrows(IllegalArgumentException.class, () -> norm.apply(Tensor.zeros(2, 3, 4, 4)));
    assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0}, new float[] {0}));
    assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0, 1}, new float[] {1}));
  }

  @Test
  void augmentationKeepsShapesAndTargetsAndIsSeeded() {
    TensorDataset data = images(16, 2, 8, 3);
    int[] batch = {3, 0, 15, 7};
    Batch a = new AugmentedDataset(data, 2, 11).batch(batch);
    Batch b = new AugmentedDataset(data, 2, 11).batch(batch);
    Batch c = new AugmentedDataset(data, 2, 12).batch(batch);
    assertArrayEquals(new int[] {4, 2, 8, 8}, a.inputs().shape());
    assertArrayEquals(a.inputs().data(), b.inputs().data(), 0f);
    assertFalse(Arrays.equals(a.inputs().data(), c.inputs().data()));
    assertArrayEquals(data.batch(batch).targets().data(), a.targets().data(), 0f);
  }

  @Test
  void aShiftMovesPixelsAndFillsWithZeros() {
    // One 1 x 3 x 4 image holding 1 .. 12, shifted down 1 and left 2.
    float[] src = new float[12];
    for (int i = 0; i < 12; i++) {
      src[i] = i + 1;
    }
    float[] out = new float[12];
    AugmentedDataset.shift(src, out, 0, 1, 3, 4, 1, -2);
    assertArrayEquals(new float[] {0, 0, 0, 0, 3, 4, 0, 0, 7, 8, 0, 0}, out, 0f);
  }

  @Test
  void zeroShiftIsTheIdentityAndBadShiftsAreRejected() {
    TensorDataset data = images(5, 1, 6, 4);
    int[] indices = {0, 1, 2, 3, 4};
    assertArrayEquals(data.batch(indices).inputs().data(),
        new AugmentedDataset(data, 0, 1).batch(indices).inputs().data(), 0f);
    assertThrows(IllegalArgumentException.class, () -> new AugmentedDataset(data, 6, 1));
    assertThrows(IllegalArgumentException.class, () -> new AugmentedDataset(data, -1, 1));
    TensorDataset flat = new TensorDataset(Tensor.zeros(4, 10), Tensor.zeros(4));
    assertThrows(IllegalArgumentException.class, () -> new AugmentedDataset(flat, 1, 1));
  }

  @Test
  void shiftsPreserveTheImageMassWhenNothingFallsOff() {
    // A single bright pixel in the centre of a 9 x 9 image stays one bright pixel within 2 of the centre.
    float[] pixels = new float[81];
    pixels[40] = 1f;
    TensorDataset data = new TensorDataset(Tensor.wrap(pixels, 1, 1, 9, 9), Tensor.zeros(1));
    AugmentedDataset augmented = new AugmentedDataset(data, 2, 5);
    for (int trial = 0; trial < 20; trial++) {
      float[] out = augmented.batch(new int[] {0}).inputs().data();
      int where = -1;
      float total = 0;
      for (int i = 0; i < out.length; i++) {
        total += out[i];
        where = out[i] == 1f ? i : where;
      }
      assertEquals(1f, total, 0f);
      assertTrue(Math.abs(where / 9 - 4) <= 2 && Math.abs(where % 9 - 4) <= 2, "pixel at " + where);
    }
  }
}
