package dev.deepzero.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Sequential;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link Layers#stateShapes} agrees with the state dicts of the layers {@link Layers#fromConfig} builds. */
class StateShapesTest {

  @Test
  void everyTypeDeclaresTheShapesItsLayerHolds() {
    SplittableRandom rng = new SplittableRandom(3);
    Sequential model = new Sequential(new Normalize(3), new Conv2d(3, 4, 3, 2, 1, rng), new BatchNorm(4),
        new Relu(), new LeakyRelu(0.1f), new MaxPool2d(2), new AvgPool2d(1), new Dropout(0.1f, rng),
        new Sequential(new Identity(), new Tanh(), new Sigmoid()), new GlobalAvgPool2d(), new Flatten(),
        new Linear(4, 6, rng), new Softmax(), new ChannelsLast(), new YoloActivation(1, 1));
    List<String> typesCovered = new ArrayList<>();
    collectTypes(model.config(), typesCovered);
    assertEquals(new TreeSet<>(Layers.TYPES), new TreeSet<>(typesCovered), "the model should use every type");
    Layer rebuilt = Layers.fromConfig(model.config(), rng);
    Map<String, int[]> declared = Layers.stateShapes(model.config());
    Map<String, Tensor> held = rebuilt.stateDict();
    assertEquals(List.copyOf(held.keySet()), List.copyOf(declared.keySet()));
    for (Map.Entry<String, Tensor> e : held.entrySet()) {
      assertArrayEquals(e.getValue().shape(), declared.get(e.getKey()), e.getKey());
    }
  }

  @Test
  void sizesMustBePositiveAndTypesKnown() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Layers.stateShapes(LayerConfig.of("Linear", "in", -4, "out", 3)));
    assertTrue(e.getMessage().contains("option 'in' must be positive, got -4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Layers.stateShapes(LayerConfig.of("Conv9d")));
    assertTrue(e.getMessage().contains("unknown layer type 'Conv9d'"), e.getMessage());
  }

  private static void collectTypes(LayerConfig config, List<String> types) {
    types.add(config.type());
    if (config.type().equals("Sequential")) {
      config.layersOption("layers").forEach(c -> collectTypes(c, types));
    }
  }
}
