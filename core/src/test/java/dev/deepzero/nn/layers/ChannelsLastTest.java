package dev.deepzero.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.gradcheck.GradCheck;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChannelsLastTest {

  @Test
  void movesTheChannelAxisLast() {
    // x[n, c, h, w] = 1000n + 100c + 10h + w, so every value names its position.
    int n = 2;
    int c = 3;
    int h = 2;
    int w = 4;
    Tensor x = Tensor.zeros(n, c, h, w);
    for (int i = 0; i < x.size(); i++) {
      int[] p = {i / (c * h * w), i / (h * w) % c, i / w % h, i % w};
      x.data()[i] = 1000 * p[0] + 100 * p[1] + 10 * p[2] + p[3];
    }
    Tensor y = new ChannelsLast().forward(x, Mode.EVAL);
    assertArrayEquals(new int[] {n, h, w, c}, y.shape());
    for (int i = 0; i < y.size(); i++) {
      int[] p = {i / (h * w * c), i / (w * c) % h, i / c % w, i % c};
      assertEquals(1000 * p[0] + 100 * p[3] + 10 * p[1] + p[2], y.data()[i], 0f, "at " + i);
    }
  }

  @Test
  void backwardIsTheInversePermutationAndPassesTheGradientCheck() {
    SplittableRandom rng = new SplittableRandom(5);
    ChannelsLast layer = new ChannelsLast();
    Tensor x = Tensor.randn(rng, 1f, 2, 3, 2, 5);
    Tensor y = layer.forward(x, Mode.TRAIN);
    assertArrayEquals(x.data(), layer.backward(y).data(), 0f);
    for (GradCheck.Result r : GradCheck.checkLayer("ChannelsLast", layer, x, Mode.TRAIN, rng, () -> { })) {
      assertTrue(r.passed(), r.toString());
    }
  }

  @Test
  void rejectsInputsThatAreNotImages() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ChannelsLast().forward(Tensor.zeros(2, 3), Mode.EVAL));
    assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> new ChannelsLast().backward(Tensor.zeros(1, 1, 1, 1)));
  }
}
