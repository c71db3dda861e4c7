package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.LeakyRelu;
import dev.deepzero.nn.layers.YoloActivation;
import dev.deepzero.optim.Adam;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YoloV1Test {

  private static final YoloV1.Config SMALL = new YoloV1.Config(3, 32, 4, 2, 3, 4, true);

  @Test
  void outputIsOneCellPerGridPositionInTheLayoutsOrder() {
    Sequential model = YoloV1.build(SMALL, new SplittableRandom(1));
    Tensor out = model.forward(Tensor.uniform(new SplittableRandom(2), 0f, 1f, 2, 3, 32, 32), Mode.TRAIN);
    assertArrayEquals(new int[] {2, 4, 4, 13}, out.shape());
    assertEquals(2, SMALL.layout().checkOutput("test", out));
    assertEquals(3, SMALL.stages());
    assertTrue(model.layers().stream().anyMatch(l -> l instanceof LeakyRelu r && r.alpha() == 0.1f));
  }

  @Test
  void eachCellSeesOnlyItsNeighbourhood() {
    // A fully convolutional head: changing the input's top-left corner leaves the bottom-right cell unchanged.
    Sequential model = YoloV1.build(new YoloV1.Config(1, 64, 8, 1, 2, 4, false), new SplittableRandom(3));
    Tensor x = Tensor.uniform(new SplittableRandom(4), 0f, 1f, 1, 1, 64, 64);
    Tensor before = model.forward(x, Mode.EVAL).copy();
    Tensor y = x.copy();
    for (int i = 0; i < 8; i++) {
      y.data()[i * 64 + i] = 1f - y.data()[i * 64 + i];
    }
    Tensor after = model.forward(y, Mode.EVAL);
    int d = 7;
    int last = (8 * 8 - 1) * d;
    for (int k = 0; k < d; k++) {
      assertEquals(before.data()[last + k], after.data()[last + k], 0f);
    }
    assertTrue(before.data()[0] != after.data()[0]);
  }

  @Test
  void trainsDownTheYoloLossOnOneBatch() {
    SplittableRandom rng = new SplittableRandom(7);
    SyntheticDetectionData gen = new SyntheticDetectionData(new ShapeSprites(),
        new SyntheticDetectionData.Config(32, 32, 3, 1, 2, 10, 16, 0.1, 0.02, 4));
    YoloV1.Config shapes = new YoloV1.Config(3, 32, 4, 2, 5, 4, true);
    DetectionDataset data = DetectionDataset.of(gen.generate(8, rng), shapes.layout());
    Sequential model = YoloV1.build(shapes, rng);
    YoloLoss loss = new YoloLoss(shapes.layout());
    Adam adam = new Adam(model.parameters(), 0.01f);
    var batch = data.batch(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
    float first = 0;
    float last = 0;
    for (int step = 0; step < 40; step++) {
      last = loss.forward(model.forward(batch.inputs(), Mode.TRAIN), batch.targets());
      if (step == 0) {
        first = last;
      }
      adam.zeroGrad();
      model.backward(loss.backward());
      adam.step();
    }
    assertTrue(last < first / 3, "loss " + first + " -> " + last);
  }

  @Test
  void savesAndLoadsWithItsConfigInTheMetadata(@TempDir Path dir) throws IOException {
    Sequential model = YoloV1.build(SMALL, new SplittableRandom(5));
    Tensor x = Tensor.uniform(new SplittableRandom(6), 0f, 1f, 2, 3, 32, 32);
    model.forward(x, Mode.TRAIN); // moves BatchNorm's running statistics away from their start
    Tensor expected = model.forward(x, Mode.EVAL).copy();
    Path file = dir.resolve("yolo.safetensors");
    ModelFile.save(file, model, Map.of(YoloV1.CONFIG_KEY, SMALL.toJson()));
    ModelFile.LoadedModel loaded = ModelFile.load(file);
    assertEquals(SMALL, YoloV1.Config.fromJson(loaded.metadata().get(YoloV1.CONFIG_KEY)));
    Layer rebuilt = loaded.model();
    assertArrayEquals(expected.data(), rebuilt.forward(x, Mode.EVAL).data(), 0f);
  }

  @Test
  void defaultsAreThePracticalCpuSize() {
    YoloV1.Config d = YoloV1.Config.defaults(10);
    assertEquals(new YoloLayout(8, 2, 10), d.layout());
    assertEquals(64, d.imageSize());
    assertEquals(8 * 8 * 20, d.layout().outputSize());
  }

  @Test
  void stemHalvesTheInputAndOutputsLiveInTheirTargetsRanges() {
    Sequential model = YoloV1.build(SMALL, new SplittableRandom(5));
    Tensor stem = model.layers().get(0).forward(Tensor.zeros(1, 3, 32, 32), Mode.EVAL);
    assertArrayEquals(new int[] {1, 4, 16, 16}, stem.shape());
    assertInstanceOf(YoloActivation.class, model.layers().get(model.layers().size() - 1));
    float[] out = model.forward(Tensor.uniform(new SplittableRandom(6), 0f, 1f, 2, 3, 32, 32), Mode.EVAL).data();
    YoloLayout layout = SMALL.layout();
    for (int sample = 0; sample < 2; sample++) {
      for (int cell = 0; cell < layout.cells(); cell++) {
        int base = sample * layout.outputSize();
        for (int b = 0; b < layout.boxesPerCell(); b++) {
          for (int k : new int[] {YoloLayout.X, YoloLayout.Y, YoloLayout.CONFIDENCE}) {
            float v = out[base + layout.boxIndex(cell, b, k)];
            assertTrue(v > 0f && v < 1f, "box value " + k + " = " + v);
          }
        }
        double sum = 0;
        for (int c = 0; c < layout.numClasses(); c++) {
          sum += out[base + layout.classIndex(cell, c)];
        }
        assertEquals(1.0, sum, 1e-5);
      }
    }
  }

  @Test
  void badConfigsNameTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new YoloV1.Config(3, 100, 7, 2, 10, 8, true));
    assertTrue(e.getMessage().contains("100") && e.getMessage().contains("112"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new YoloV1.Config(2, 112, 7, 2, 10, 8, true));
    assertTrue(e.getMessage().contains("channels"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> YoloV1.Config.fromJson("{\"channels\": 3}"));
    assertTrue(e.getMessage().contains("image_size"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> YoloV1.Config.fromJson("[1]"));
    assertTrue(e.getMessage().contains("object"), e.getMessage());
  }
}
