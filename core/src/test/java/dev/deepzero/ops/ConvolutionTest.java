package dev.deepzero.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Convolution}'s grouping policy. Its arithmetic is checked through {@code Conv2d} against a loop-only
 * convolution in {@code ConvPoolTest}, for planes of every group size.
 */
class ConvolutionTest {

  @Test
  void smallPlanesAreMultipliedInGroupsReachingTwoHundredFiftySixColumns() {
    assertEquals(8, Convolution.imagesPerGroup(25));
    assertEquals(4, Convolution.imagesPerGroup(100));
    assertEquals(2, Convolution.imagesPerGroup(144));
    assertEquals(1, Convolution.imagesPerGroup(256));
  }
}
