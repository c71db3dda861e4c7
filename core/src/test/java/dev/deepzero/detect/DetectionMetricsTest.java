package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DetectionMetricsTest {

  private final YoloLayout layout = new YoloLayout(4, 2, 3);

  /** A "network" that outputs, for every image, the truth of its cells as box 0 with confidence 1. */
  private final class Oracle implements Layer {
    private final DetectionDataset data;
    private int next;

    Oracle(DetectionDataset data) {
      this.data = data;
    }

    @Override
    public Tensor forward(Tensor input, Mode mode) {
      int n = input.dim(0);
      Tensor out = Tensor.zeros(n, layout.outputSize());
      int[] indices = new int[n];
      for (int i = 0; i < n; i++) {
        indices[i] = next++;
      }
      float[] t = data.batch(indices).targets().data();
      float[] p = out.data();
      for (int i = 0; i < n; i++) {
        for (int cell = 0; cell < layout.cells(); cell++) {
          int tb = i * layout.targetSize();
          int pb = i * layout.outputSize();
          if (t[tb + layout.targetObjectIndex(cell)] == 0f) {
            continue;
          }
          for (int k = 0; k < 4; k++) {
            float v = t[tb + layout.targetBoxIndex(cell, k)];
            // Targets hold w and h; the network predicts their square roots.
            p[pb + layout.boxIndex(cell, 0, k)] = k < 2 ? v : (float) Math.sqrt(v);
          }
          p[pb + layout.confidenceIndex(cell, 0)] = 1f;
          for (int c = 0; c < layout.numClasses(); c++) {
            p[pb + layout.classIndex(cell, c)] = t[tb + layout.targetClassIndex(cell, c)];
          }
        }
      }
      return out;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
      throw new UnsupportedOperationException("evaluation only");
    }

    @Override
    public LayerConfig config() {
      return LayerConfig.of("Oracle");
    }
  }

  @Test
  void aPerfectDetectorHasMapOneAndTheLossOfItsConfidences() {
    SyntheticDetectionData gen = new SyntheticDetectionData(new ShapeSprites(),
        new SyntheticDetectionData.Config(32, 32, 1, 1, 3, 6, 10, 0.1, 0.02, 4));
    List<SyntheticDetectionData.Sample> samples = gen.generate(10, new SplittableRandom(3));
    List<List<LabeledBox>> threeClasses = samples.stream().map(s -> s.normalizedObjects().stream()
        .map(o -> new LabeledBox(o.box(), o.classId() % 3)).toList()).toList();
    DetectionDataset data = new DetectionDataset(samples.stream().map(SyntheticDetectionData.Sample::image).toList(),
        threeClasses, layout);
    YoloDecoder decoder = new YoloDecoder(layout, DetectionMetrics.MAP_SCORE_THRESHOLD,
        DetectionMetrics.MAP_NMS_THRESHOLD);
    DetectionMetrics.Result r = DetectionMetrics.evaluate(new Oracle(data), new YoloLoss(layout), data, decoder, 4);
    assertEquals(10, r.precision().images());
    assertEquals(1.0, r.precision().compute(MeanAveragePrecision.Metric.ALL_POINTS).meanAveragePrecision(), 1e-9);
    assertEquals(1.0, r.precision().compute(MeanAveragePrecision.Metric.VOC07_11_POINT).meanAveragePrecision(),
        1e-9);
    // Exact boxes make the IoU target 1, which the confidence matches: every term is 0 up to float rounding.
    assertTrue(r.loss() < 1e-6, "loss " + r.loss());
  }
}
