package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deepzero.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class YoloTargetsTest {

  private static final double TOL = 1e-6;
  private final YoloLayout layout = new YoloLayout(7, 2, 3);
  private final YoloTargets targets = new YoloTargets(layout);

  @Test
  void encodesCellOffsetsAndRawSizes() {
    Box box = Box.fromCenter(0.5, 0.3, 0.2, 0.1);
    Tensor t = targets.encode(List.of(List.of(new LabeledBox(box, 2)))).targets();
    int col = 3; // floor(0.5 * 7)
    int row = 2; // floor(0.3 * 7) = floor(2.1)
    int cell = layout.cell(row, col);
    float[] d = t.data();
    assertEquals(1f, d[layout.targetObjectIndex(cell)]);
    assertEquals(1f, d[layout.targetClassIndex(cell, 2)]);
    assertEquals(0f, d[layout.targetClassIndex(cell, 0)]);
    assertEquals(0.5, d[layout.targetBoxIndex(cell, 0)], TOL);
    assertEquals(0.1, d[layout.targetBoxIndex(cell, 1)], TOL);
    assertEquals(0.2, d[layout.targetBoxIndex(cell, 2)], TOL);
    assertEquals(0.1, d[layout.targetBoxIndex(cell, 3)], TOL);
    assertEquals(1.0, t.sumAll() - d[layout.targetBoxIndex(cell, 0)] - d[layout.targetBoxIndex(cell, 1)]
        - d[layout.targetBoxIndex(cell, 2)] - d[layout.targetBoxIndex(cell, 3)] - 1, TOL, "nothing else set");
  }

  @Test
  void centreAtTheFarEdgeStaysInTheLastCell() {
    Box box = new Box(0.8, 0.8, 1.0 + 0.2, 1.0 + 0.2); // centre (1.0, 1.0)
    Tensor t = targets.encode(List.of(List.of(new LabeledBox(box, 0)))).targets();
    int last = layout.cell(6, 6);
    assertEquals(1f, t.data()[layout.targetObjectIndex(last)]);
    assertEquals(1.0, t.data()[layout.targetBoxIndex(last, 0)], TOL);
  }

  @Test
  void secondObjectInACellIsDroppedAndCounted() {
    List<LabeledBox> objects = List.of(new LabeledBox(Box.fromCenter(0.51, 0.51, 0.1, 0.1), 0),
        new LabeledBox(Box.fromCenter(0.52, 0.53, 0.2, 0.2), 1),
        new LabeledBox(Box.fromCenter(0.1, 0.1, 0.001, 0.2), 1),
        new LabeledBox(Box.fromCenter(0.9, 0.1, 0.1, 0.2), 1, true));
    YoloTargets.Encoded e = targets.encode(List.of(objects));
    assertEquals(1, e.encoded());
    assertEquals(1, e.droppedSameCell());
    assertEquals(2, e.skipped(), "too small, difficult");
    List<LabeledBox> kept = roundTrip(e.targets());
    assertEquals(1, kept.size());
    assertEquals(0, kept.get(0).classId(), "the first object of the cell wins");
    assertEquals(0.51, kept.get(0).box().centerX(), TOL);
  }

  @Test
  void encodedBoxesRoundTripToImageBoxes() {
    List<LabeledBox> objects = List.of(new LabeledBox(new Box(0.05, 0.1, 0.3, 0.35), 1),
        new LabeledBox(new Box(0.6, 0.55, 0.95, 0.99), 2), new LabeledBox(new Box(0.4, 0.0, 0.5, 0.2), 0));
    List<LabeledBox> back = roundTrip(targets.encode(List.of(List.of(), objects)).targets());
    assertEquals(3, back.size());
    for (LabeledBox original : objects) {
      LabeledBox match = back.stream().filter(b -> b.classId() == original.classId()).findFirst().orElseThrow();
      assertEquals(original.box().xmin(), match.box().xmin(), TOL);
      assertEquals(original.box().ymin(), match.box().ymin(), TOL);
      assertEquals(original.box().xmax(), match.box().xmax(), TOL);
      assertEquals(original.box().ymax(), match.box().ymax(), TOL);
    }
  }

  @Test
  void rejectsUnknownClass() {
    assertThrows(IllegalArgumentException.class,
        () -> targets.encode(List.of(List.of(new LabeledBox(new Box(0, 0, 0.5, 0.5), 3)))));
  }

  private List<LabeledBox> roundTrip(Tensor t) {
    return targets.decode(t, t.dim(0) - 1);
  }
}
