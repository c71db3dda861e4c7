package dev.deepzero.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Winograd}'s choice of layers, and that its results do not depend on which thread takes which group or
 * block. Its arithmetic is checked through {@code Conv2d} against direct loops and by a numerical gradient check
 * in {@code ConvPoolTest}, and its transform kernels against their scalar reference in
 * {@code KernelsAgreementTest}.
 */
class WinogradTest {

  @Test
  void runsThreeByThreeStrideOneLayersWithEnoughChannelsAndImages() {
    Im2Col.Geometry deep = Im2Col.Geometry.square(64, 7, 7, 3, 1, 1);
    assertTrue(Winograd.suits(deep, 128, 100));
    assertTrue(Winograd.suits(deep, 128, 8));
    assertTrue(Winograd.suits(deep, 128, 30)); // 4 groups of 8, 94% full
    assertFalse(Winograd.suits(deep, 128, 1), "batch 1 would fill 1 lane of 8");
    assertFalse(Winograd.suits(deep, 128, 9), "2 groups for 9 images, 56% full");
    assertFalse(Winograd.suits(deep, 16, 100), "16 filters: products too shallow");
    assertFalse(Winograd.suits(Im2Col.Geometry.square(16, 32, 32, 3, 1, 1), 32, 32), "16 input channels");
    assertFalse(Winograd.suits(Im2Col.Geometry.square(64, 8, 8, 3, 2, 1), 128, 32), "stride 2");
    assertFalse(Winograd.suits(Im2Col.Geometry.square(64, 8, 8, 5, 1, 2), 128, 32), "5x5 kernel");
    assertFalse(Winograd.suits(Im2Col.Geometry.square(64, 8, 8, 3, 1, 3), 128, 32), "padding 3");
    assertFalse(Winograd.suits(new Im2Col.Geometry(64, 8, 8, 3, 3, 1, 1, 1, 0), 128, 32), "padding 1 and 0");
    // Scratch: 16 · (32 + 64) floats per tile and image; 28 x 28 tiles of 8 images fit 64 MB, 256 x 256 do not.
    assertTrue(Winograd.suits(Im2Col.Geometry.square(32, 56, 56, 3, 1, 1), 64, 32));
    assertFalse(Winograd.suits(Im2Col.Geometry.square(64, 512, 512, 3, 1, 1), 64, 32), "2 GB of scratch");
  }

  /**
   * Threads take groups and blocks in whatever order they come free, which differs from run to run: the output
   * and all three gradients must not.
   */
  @Test
  void repeatedRunsGiveTheSameBits() {
    SplittableRandom rng = new SplittableRandom(6);
    Im2Col.Geometry g = Im2Col.Geometry.square(32, 6, 6, 3, 1, 1);
    Tensor x = Tensor.randn(rng, 1f, 45, 32, 6, 6);
    Tensor w = Tensor.randn(rng, 0.1f, 40, 32, 3, 3);
    Tensor b = Tensor.randn(rng, 1f, 40);
    Tensor gradOut = Tensor.randn(rng, 1f, 45, 40, 6, 6);
    assertTrue(Winograd.suits(g, 40, 45));
    float[][] first = null;
    for (int run = 0; run < 10; run++) {
      Tensor dw = Tensor.zeros(40, 32, 3, 3);
      Tensor db = Tensor.zeros(40);
      float[][] results = {
          Convolution.forward(x, w, b, g).data().clone(),
          Convolution.backward(x, w, gradOut, g, dw, db, true).data().clone(), dw.data(), db.data()};
      if (first == null) {
        first = results;
      } else {
        for (int i = 0; i < results.length; i++) {
          assertArrayEquals(first[i], results[i], "result " + i + ", run " + run);
        }
      }
    }
  }
}
