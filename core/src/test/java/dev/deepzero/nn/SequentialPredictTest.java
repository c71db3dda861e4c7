package dev.deepzero.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Conv2d;
import dev.deepzero.nn.layers.Dropout;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.LeakyRelu;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.MaxPool2d;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.tensor.Workspace;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequentialPredictTest {

  private static Sequential convNet(SplittableRandom rng) {
    return new Sequential(new Conv2d(1, 4, 3, rng), new BatchNorm(4), new Relu(), new MaxPool2d(2), new Flatten(),
        new Dropout(0.5f, new SplittableRandom(7)), new Linear(4 * 3 * 3, 5, rng));
  }

  @Test
  void predictInSlicesEqualsOneEvalForwardBitForBit() {
    SplittableRandom rng = new SplittableRandom(3);
    Sequential net = convNet(rng);
    // Give BatchNorm running statistics that are not the identity.
    net.forward(Tensor.uniform(rng, -1f, 2f, 20, 1, 8, 8), Mode.TRAIN);
    int n = 2 * Sequential.PREDICT_SLICE + 37;
    Tensor x = Tensor.uniform(rng, -1f, 1f, n, 1, 8, 8);

    Tensor sliced = net.predict(x);
    Tensor whole = net.forward(x, Mode.EVAL);

    assertArrayEquals(whole.shape(), sliced.shape());
    assertArrayEquals(whole.data(), sliced.data());
  }

  /** predict reuses its activation memory from call to call; the outputs it returns must not share it. */
  @Test
  void consecutivePredictionsAreIndependentAndEqualFreshForwards() {
    SplittableRandom rng = new SplittableRandom(4);
    Sequential net = convNet(rng);
    net.forward(Tensor.uniform(rng, -1f, 2f, 20, 1, 8, 8), Mode.TRAIN);
    Tensor a = Tensor.uniform(rng, -1f, 1f, 30, 1, 8, 8);
    Tensor b = Tensor.uniform(rng, -1f, 1f, 30, 1, 8, 8);
    Tensor first = net.predict(a);
    float[] firstValues = first.data().clone();
    Tensor second = net.predict(b);
    assertArrayEquals(firstValues, first.data(), "the second call changed the first output");
    assertArrayEquals(net.forward(b, Mode.EVAL).data(), second.data());
    assertArrayEquals(net.forward(a, Mode.EVAL).data(), net.predict(a).data());
  }

  /** A Sequential inside a Sequential fuses its own convolutions in predict, with the same bits. */
  @Test
  void nestedContainersPredictFusedWithTheSameBits() {
    SplittableRandom rng = new SplittableRandom(12);
    Sequential block = new Sequential(new Conv2d(3, 6, 3, 1, 1, rng), new BatchNorm(6), new LeakyRelu(0.1f));
    Sequential net = new Sequential(block, new MaxPool2d(2), new Flatten(), new Linear(6 * 4 * 4, 3, rng));
    net.forward(Tensor.uniform(rng, -1f, 2f, 9, 3, 8, 8), Mode.TRAIN); // running statistics away from 0 and 1
    Tensor x = Tensor.uniform(rng, -1f, 1f, 5, 3, 8, 8);
    Tensor layerByLayer = x;
    for (Layer layer : List.of(block.get(0), block.get(1), block.get(2), net.get(1), net.get(2), net.get(3))) {
      layerByLayer = layer.forward(layerByLayer, Mode.EVAL);
    }
    assertArrayEquals(layerByLayer.data(), net.predict(x).data());
  }

  /**
   * predict inside an open scope of the thread's own workspace (an evaluation inside a training step, a model
   * that predicts inside another's predict) nests its slices in that scope and leaves the caller's memory alone.
   */
  @Test
  void predictInsideAnOpenScopeOfTheSameWorkspace() {
    SplittableRandom rng = new SplittableRandom(5);
    Sequential net = convNet(rng);
    Tensor x = Tensor.uniform(rng, -1f, 1f, Sequential.PREDICT_SLICE + 20, 1, 8, 8);
    float[] expected = net.predict(x).data().clone();
    try (Workspace.Scope step = Workspace.ofCurrentThread().open()) {
      Tensor held = Tensor.empty(64);
      held.fill(7f);
      assertArrayEquals(expected, net.predict(x).data());
      assertEquals(7f, held.data()[63], 0f);
    }
  }

  @Test
  void aLayerThatMixesSamplesKeepsTheWholeBatchTogether() {
    // Subtracts the batch mean: the output of a sample depends on the others, so slicing would change it.
    Layer batchCentring = new Layer() {
      @Override
      public Tensor forward(Tensor input, Mode mode) {
        float mean = (float) input.meanAll();
        Tensor out = input.copy();
        for (int i = 0; i < out.size(); i++) {
          out.data()[i] -= mean;
        }
        return out;
      }

      @Override
      public Tensor backward(Tensor gradOutput) {
        throw new UnsupportedOperationException();
      }

      @Override
      public LayerConfig config() {
        return LayerConfig.of("BatchCentring");
      }

      @Override
      public boolean samplewiseInEval() {
        return false;
      }
    };
    Sequential net = new Sequential(new Linear(3, 2, new SplittableRandom(1)), batchCentring);
    assertFalse(net.samplewiseInEval());
    assertTrue(new Sequential(new Relu(), new Flatten()).samplewiseInEval());
    Tensor x = Tensor.uniform(new SplittableRandom(2), 0f, 1f, Sequential.PREDICT_SLICE + 50, 3);

    Tensor out = net.predict(x);

    assertArrayEquals(net.forward(x, Mode.EVAL).data(), out.data());
    assertEquals(0.0, out.meanAll(), 1e-6);
  }

  /**
   * predict runs each Conv2d with the BatchNorm and (Leaky) ReLU after it as one pass (Layer.predictAbsorbs):
   * every combination gives the layer-by-layer eval output to the bit, including BatchNorm running statistics
   * away from 0 and 1, a 1x1 convolution, a Leaky ReLU straight after a convolution, a BatchNorm with no
   * activation, and a BatchNorm of another width (not absorbed: it would fail as in forward).
   */
  @Test
  void fusedConvolutionsPredictTheSameBitsAsLayerByLayer() {
    SplittableRandom rng = new SplittableRandom(9);
    Sequential net = new Sequential(
        new Conv2d(3, 8, 3, 1, 1, rng), new BatchNorm(8), new LeakyRelu(0.1f),
        new Conv2d(8, 6, 1, 1, 0, rng), new BatchNorm(6), new Relu(),
        new Conv2d(6, 5, 3, 2, 1, rng), new LeakyRelu(0.2f),
        new Conv2d(5, 4, 3, 1, 1, rng), new BatchNorm(4),
        new Conv2d(4, 4, 1, 1, 0, rng), new Flatten(), new Linear(4 * 8 * 8, 3, rng));
    for (int step = 0; step < 3; step++) { // running statistics away from their initial 0 and 1
      net.forward(Tensor.uniform(rng, -1f, 3f, 6, 3, 16, 16), Mode.TRAIN);
    }
    List<Layer> layers = net.layers();
    int[] absorbedAfter = new int[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      absorbedAfter[i] = layers.get(i).predictAbsorbs(layers.subList(i + 1, layers.size()));
    }
    assertArrayEquals(new int[] {2, 0, 0, 2, 0, 0, 1, 0, 1, 0, 0, 0, 0}, absorbedAfter);
    assertEquals(0, new Conv2d(3, 8, 3, rng).predictAbsorbs(List.of(new BatchNorm(7), new Relu())));
    for (int batch : new int[] {1, 5}) {
      Tensor x = Tensor.uniform(rng, -1f, 1f, batch, 3, 16, 16);
      assertArrayEquals(net.forward(x, Mode.EVAL).data(), net.predict(x).data(), "batch " + batch);
    }
  }
}
