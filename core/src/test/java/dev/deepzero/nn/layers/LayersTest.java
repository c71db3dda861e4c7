package dev.deepzero.nn.layers;

import static dev.deepzero.testing.TensorAssert.assertExactlyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Building layers by name ({@link Activations}) and from configs ({@link Layers}). */
class LayersTest {

  @Test
  void activationsByNameBuildEachKind() {
    assertInstanceOf(Relu.class, Activations.byName("relu"));
    assertInstanceOf(LeakyRelu.class, Activations.byName("leaky_relu"));
    assertInstanceOf(Sigmoid.class, Activations.byName("sigmoid"));
    assertInstanceOf(Tanh.class, Activations.byName("tanh"));
    assertInstanceOf(Softmax.class, Activations.byName("softmax"));
    assertInstanceOf(Identity.class, Activations.byName("identity"));
    assertInstanceOf(LeakyRelu.class, Activations.byName(" Leaky-ReLU "));
    assertEquals(0.2f, ((LeakyRelu) Activations.byName("leaky_relu", Map.of("alpha", 0.2))).alpha());
  }

  @Test
  void unknownActivationListsTheValidNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activations.byName("gelu"));
    assertTrue(e.getMessage().contains("'gelu'"), e.getMessage());
    assertTrue(e.getMessage().contains("relu, leaky_relu, sigmoid, tanh, softmax, identity"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Activations.byName(null));
  }

  @Test
  void activationOptionItDoesNotTakeIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Activations.byName("relu", Map.of("alpha", 0.1)));
    assertTrue(e.getMessage().contains("alpha"), e.getMessage());
  }

  @Test
  void unknownLayerTypeListsTheKnownTypes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Layers.fromConfig(LayerConfig.of("Conv3d"), new SplittableRandom(1)));
    assertTrue(e.getMessage().contains("'Conv3d'"), e.getMessage());
    for (String type : Layers.TYPES) {
      assertTrue(e.getMessage().contains(type), e.getMessage() + " should list " + type);
    }
  }

  @Test
  void badOptionsInAConfigNameTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Layers.fromConfig(LayerConfig.of("Linear", "in", 2.5, "out", 3), new SplittableRandom(1)));
    assertTrue(e.getMessage().contains("'in'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Layers.fromConfig(LayerConfig.of("Linear", "out", 3), new SplittableRandom(1)));
    assertTrue(e.getMessage().contains("'in'"), e.getMessage());
  }

  @Test
  void everyRegisteredTypeIsBuiltByItsConfig() {
    SplittableRandom rng = new SplittableRandom(1);
    List<Layer> layers = List.of(new Sequential(new Identity()), new Linear(2, 3, rng), new Relu(),
        new LeakyRelu(0.3f), new Sigmoid(), new Tanh(), new Softmax(), new Identity(), new Flatten(),
        new Dropout(0.2f, rng), new BatchNorm(3, 1e-3f, 0.2f), new Conv2d(2, 3, 3, 2, 1, rng), new MaxPool2d(3, 2, 1),
        new AvgPool2d(2, 2, 0), new GlobalAvgPool2d(), new Normalize(2), new ChannelsLast(),
        new YoloActivation(2, 3));
    assertEquals(Layers.TYPES, layers.stream().map(l -> l.config().type()).toList());
    for (Layer layer : layers) {
      Layer rebuilt = Layers.fromConfig(layer.config(), new SplittableRandom(2));
      assertEquals(layer.config(), rebuilt.config());
      assertEquals(layer.getClass(), rebuilt.getClass());
    }
  }

  @Test
  void nestedSequentialConfigRebuildsNestedKeys() {
    SplittableRandom rng = new SplittableRandom(3);
    Sequential model = new Sequential(new Linear(4, 3, rng),
        new Sequential(new BatchNorm(3), new Relu()), new Linear(3, 2, rng));
    Layer rebuilt = Layers.fromConfig(model.config(), new SplittableRandom(4));
    assertEquals(List.copyOf(model.stateDict().keySet()), List.copyOf(rebuilt.stateDict().keySet()));
    assertTrue(model.stateDict().containsKey("1.0.running_mean"), model.stateDict().keySet().toString());
    rebuilt.loadStateDict(model.stateDict());
    Tensor x = Tensor.randn(rng, 1f, 2, 4);
    assertExactlyEquals(rebuilt.forward(x, Mode.EVAL), model.predict(x));
  }
}
