package dev.deepzero.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deepzero.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Convolution}'s grouping and blocking policy, and that its results do not depend on which thread takes
 * which task. Its arithmetic is checked through {@code Conv2d} against a loop-only convolution in
 * {@code ConvPoolTest}, for planes of every group size.
 */
class ConvolutionTest {

  @Test
  void smallPlanesAreMultipliedInGroupsReachingTwoHundredFiftySixColumns() {
    assertEquals(8, Convolution.imagesPerGroup(25));
    assertEquals(4, Convolution.imagesPerGroup(100));
    assertEquals(2, Convolution.imagesPerGroup(144));
    assertEquals(1, Convolution.imagesPerGroup(256));
  }

  @Test
  void weightGradientBlocksAreWholeGroupsAndAtMostSixteen() {
    assertEquals(7, Convolution.imagesPerBlock(100, 1)); // 15 blocks
    assertEquals(8, Convolution.imagesPerBlock(100, 2)); // 13 blocks
    assertEquals(8, Convolution.imagesPerBlock(100, 8)); // 13 blocks, the last of 4 images
    assertEquals(2, Convolution.imagesPerBlock(32, 1)); // the detector's batch: 16 blocks
    assertEquals(1, Convolution.imagesPerBlock(11, 1));
    assertEquals(8, Convolution.imagesPerBlock(3, 8)); // one partial group
    for (int n = 1; n <= 300; n++) {
      for (int group = 1; group <= 8; group *= 2) {
        int images = Convolution.imagesPerBlock(n, group);
        assertEquals(0, images % group, "n " + n + ", group " + group);
        assertEquals(true, (n + images - 1) / images <= 16, "n " + n + ", group " + group);
      }
    }
  }

  /**
   * Threads take groups and blocks in whatever order they come free, which differs from run to run: the output
   * and all three gradients must not.
   */
  @Test
  void repeatedRunsGiveTheSameBits() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int size : new int[] {7, 16}) { // groups of 8 images, and one image at a time
      Im2Col.Geometry g = Im2Col.Geometry.square(3, size, size, 3, 1, 1);
      Tensor x = Tensor.randn(rng, 1f, 37, 3, size, size);
      Tensor w = Tensor.randn(rng, 1f, 40, 3, 3, 3);
      Tensor b = Tensor.randn(rng, 1f, 40);
      Tensor gradOut = Tensor.randn(rng, 1f, 37, 40, size, size);
      float[] y = null;
      float[] dx = null;
      float[] dw = null;
      float[] db = null;
      for (int run = 0; run < 20; run++) {
        Tensor out = Convolution.forward(x, w, b, g);
        Tensor wGrad = Tensor.zeros(w.shape());
        Tensor bGrad = Tensor.zeros(b.shape());
        Tensor gradIn = Convolution.backward(x, w, gradOut, g, wGrad, bGrad, true);
        if (run == 0) {
          y = out.data().clone();
          dx = gradIn.data().clone();
          dw = wGrad.data().clone();
          db = bGrad.data().clone();
        } else {
          assertArrayEquals(y, out.data(), "output, plane " + size + ", run " + run);
          assertArrayEquals(dx, gradIn.data(), "input gradient, plane " + size + ", run " + run);
          assertArrayEquals(dw, wGrad.data(), "weight gradient, plane " + size + ", run " + run);
          assertArrayEquals(db, bGrad.data(), "bias gradient, plane " + size + ", run " + run);
        }
      }
    }
  }
}
