package dev.deepzero.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetSplitTest {

  /** {@code n} samples whose single input value is the sample's own index, labels {@code i % classes}. */
  static TensorDataset indexed(int n, int classes) {
    float[] inputs = new float[n];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      inputs[i] = i;
      labels[i] = i % classes;
    }
    return new TensorDataset(Tensor.wrap(inputs, n, 1), Tensor.wrap(labels, n));
  }

  /** The original indices a view holds, read back through its inputs. */
  static int[] originalIndices(Dataset view) {
    int[] all = new int[view.size()];
    Arrays.setAll(all, i -> i);
    float[] values = view.batch(all).inputs().data();
    int[] indices = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      indices[i] = (int) values[i];
    }
    return indices;
  }

  @Test
  void theTwoPartsAreDisjointAndCoverEverything() {
    // 1050 samples: the labels are read in chunks of 1024, so this crosses a chunk boundary.
    TensorDataset data = indexed(1050, 7);
    Datasets.Split split = Datasets.split(data, 0.2, 42);
    int[] train = originalIndices(split.train());
    int[] validation = originalIndices(split.validation());
    Set<Integer> seen = new HashSet<>();
    for (int i : train) {
      assertTrue(seen.add(i));
    }
    for (int i : validation) {
      assertTrue(seen.add(i), "sample " + i + " is in both parts");
    }
    assertEquals(1050, seen.size());
    assertEquals(210, validation.length);
    // Both parts keep the original order.
    assertTrue(isSorted(train) && isSorted(validation));
  }

  @Test
  void classIndicesAreSplitPerClass() {
    TensorDataset data = indexed(1000, 10); // 100 per class
    Datasets.Split split = Datasets.split(data, 0.15, 3);
    int[] counts = new int[10];
    for (int i : originalIndices(split.validation())) {
      counts[i % 10]++;
    }
    int[] fifteen = new int[10];
    Arrays.fill(fifteen, 15);
    assertArrayEquals(fifteen, counts);
  }

  @Test
  void theSplitIsAFunctionOfTheSeed() {
    TensorDataset data = indexed(200, 4);
    assertArrayEquals(originalIndices(Datasets.split(data, 0.3, 9).validation()),
        originalIndices(Datasets.split(data, 0.3, 9).validation()));
    assertFalse(Arrays.equals(originalIndices(Datasets.split(data, 0.3, 9).validation()),
        originalIndices(Datasets.split(data, 0.3, 10).validation())));
  }

  @Test
  void nonClassTargetsAreSplitAtRandom() {
    int n = 50;
    float[] inputs = new float[n];
    for (int i = 0; i < n; i++) {
      inputs[i] = i;
    }
    TensorDataset regression = new TensorDataset(Tensor.wrap(inputs, n, 1), Tensor.full(0.5f, n));
    assertEquals(Optional.empty(), Datasets.classLabels(regression));
    Datasets.Split split = Datasets.split(regression, 0.2, 1);
    assertEquals(10, split.validation().size());
    assertEquals(40, split.train().size());
  }

  @Test
  void aSubsetRemapsIndicesWithoutCopying() {
    TensorDataset data = indexed(10, 2);
    Dataset view = Datasets.subset(data, new int[] {7, 2, 5});
    assertEquals(3, view.size());
    assertArrayEquals(new int[] {1}, view.inputShape());
    Batch b = view.batch(new int[] {2, 0});
    assertArrayEquals(new float[] {5, 7}, b.inputs().data(), 0f);
    assertArrayEquals(new float[] {1, 1}, b.targets().data(), 0f);
    assertThrows(IllegalArgumentException.class, () -> view.batch(new int[] {3}));
    assertThrows(IllegalArgumentException.class, () -> Datasets.subset(data, new int[] {10}));
  }

  @Test
  void rejectsAFractionOutsideZeroToOne() {
    TensorDataset data = indexed(10, 2);
    for (double bad : new double[] {0, 1, -0.1, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> Datasets.split(data, bad, 1));
    }
  }

  private static boolean isSorted(int[] values) {
    for (int i = 1; i < values.length; i++) {
      if (values[i - 1] >= values[i]) {
        return false;
      }
    }
    return true;
  }
}
