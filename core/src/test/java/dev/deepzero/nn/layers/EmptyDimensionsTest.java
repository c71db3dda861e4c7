package dev.deepzero.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Zero-size dimensions either work (an empty batch) or fail at once with a message: none may hang a loop whose
 * step is the empty size, as {@code softmaxRows} with rows of 0 once did for a model whose class list was empty.
 */
class EmptyDimensionsTest {

  private static final Duration QUICKLY = Duration.ofSeconds(5);

  @Test
  void softmaxRowsRefusesEmptyOrRaggedRowsInsteadOfSpinning() {
    assertRefused(() -> Softmax.softmaxRows(new float[3], new float[3], 0), "rows of 0");
    assertRefused(() -> Softmax.softmaxRows(new float[0], new float[0], 0), "rows of 0");
    assertRefused(() -> Softmax.softmaxRows(new float[5], new float[5], 2), "rows of 2");
    assertRefused(() -> Softmax.softmaxRows(new float[4], new float[2], 2), "into 2");
  }

  @Test
  void layersRefuseZeroSizesWhenBuilt() {
    SplittableRandom rng = new SplittableRandom(1);
    List<Supplier<Object>> builders = List.of(() -> new Linear(0, 3, rng), () -> new Linear(3, 0, rng),
        () -> new Conv2d(0, 2, 3, rng), () -> new Conv2d(1, 0, 3, rng), () -> new Conv2d(1, 2, 0, rng),
        () -> new BatchNorm(0), () -> new Normalize(0), () -> new MaxPool2d(0), () -> new AvgPool2d(0),
        () -> new YoloActivation(1, 0), () -> new YoloActivation(0, 2));
    for (Supplier<Object> builder : builders) {
      assertRefused(builder::get, "");
    }
  }

  @Test
  void anEmptyBatchGoesThroughAWholeModel() {
    SplittableRandom rng = new SplittableRandom(2);
    Sequential model = new Sequential(new Conv2d(1, 2, 3, 1, 1, rng), new BatchNorm(2), new Relu(),
        new MaxPool2d(2), new Flatten(), new Linear(2 * 2 * 2, 3, rng), new Softmax());
    Tensor out = assertTimeoutPreemptively(QUICKLY, () -> model.forward(Tensor.zeros(0, 1, 4, 4), Mode.EVAL));
    assertArrayEquals(new int[] {0, 3}, out.shape());
  }

  private static void assertRefused(Executable call, String fragment) {
    IllegalArgumentException e = assertTimeoutPreemptively(QUICKLY,
        () -> assertThrows(IllegalArgumentException.class, call));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
