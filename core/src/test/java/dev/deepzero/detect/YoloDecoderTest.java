package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deepzero.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class YoloDecoderTest {

  private static final double TOL = 1e-5;
  private final YoloLayout layout = new YoloLayout(2, 2, 2);

  private void setBox(float[] p, int cell, int b, float x, float y, float rw, float rh, float conf) {
    p[layout.boxIndex(cell, b, YoloLayout.X)] = x;
    p[layout.boxIndex(cell, b, YoloLayout.Y)] = y;
    p[layout.boxIndex(cell, b, YoloLayout.SQRT_W)] = rw;
    p[layout.boxIndex(cell, b, YoloLayout.SQRT_H)] = rh;
    p[layout.confidenceIndex(cell, b)] = conf;
  }

  @Test
  void decodesToImagePixelsWithClassScoresThresholdAndNms() {
    Tensor out = Tensor.zeros(1, layout.outputSize());
    float[] p = out.data();
    int cell = layout.cell(1, 0);
    setBox(p, cell, 1, 0.5f, 0.25f, 0.5f, (float) Math.sqrt(0.2), 0.9f);
    setBox(p, cell, 0, 0.52f, 0.25f, 0.5f, (float) Math.sqrt(0.2), 0.5f); // near-duplicate, lower score
    p[layout.classIndex(cell, 0)] = 0.2f;
    p[layout.classIndex(cell, 1)] = 0.8f;
    int corner = layout.cell(0, 1);
    setBox(p, corner, 0, 0.9f, 0.1f, 0.6f, 0.4f, 0.5f); // spills over the right and top edges
    p[layout.classIndex(corner, 0)] = 1f;
    setBox(p, corner, 1, 0.5f, 0.5f, 0.5f, 0.5f, -0.7f); // negative confidence: never a detection
    List<Detection> found = new YoloDecoder(layout, 0.2, 0.4).decode(out, 100, 200).get(0);
    assertEquals(2, found.size(), found.toString());
    Detection best = found.get(0);
    assertEquals(1, best.classId());
    assertEquals(0.72, best.score(), TOL);
    // cx = (0.5 + 0) / 2 · 100 = 25, cy = (0.25 + 1) / 2 · 200 = 125, w = 0.25 · 100, h = 0.2 · 200
    assertEquals(25 - 12.5, best.box().xmin(), TOL);
    assertEquals(25 + 12.5, best.box().xmax(), TOL);
    assertEquals(125 - 20, best.box().ymin(), TOL);
    assertEquals(125 + 20, best.box().ymax(), TOL);
    Detection clipped = found.get(1);
    assertEquals(0, clipped.classId());
    assertEquals(0.5, clipped.score(), TOL);
    // cx = (0.9 + 1) / 2 · 100 = 95, w = 36 -> xmax 113 clipped to 100; cy = 0.05 · 200 = 10, h = 32 -> ymin 0.
    assertEquals(new Box(77, 0, 100, 26), new Box(Math.round(clipped.box().xmin()), clipped.box().ymin(),
        clipped.box().xmax(), Math.round(clipped.box().ymax())));
  }

  @Test
  void gridShapedOutputAndBatches() {
    Tensor out = Tensor.zeros(3, 2, 2, layout.cellValues());
    List<List<Detection>> all = new YoloDecoder(layout, 0.0, 0.5).decode(out, 1, 1);
    assertEquals(3, all.size());
    assertEquals(0, all.get(2).size(), "zero confidence gives nothing");
  }
}
