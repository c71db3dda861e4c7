package dev.deepzero.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.TensorDataset;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Identity;
import dev.deepzero.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

  /** Inputs that are their own logits, through a model that passes them on: the counts are known by hand. */
  @Test
  void evaluateCountsTrueAgainstPredictedClassesOverBatches() {
    Tensor logits = Tensor.of(new float[][] {{3, 1, 0}, {0, 2, 1}, {0, 2, 1}, {1, 0, 5}, {9, 0, 0}});
    Tensor labels = Tensor.of(new float[] {0, 1, 2, 2, 1}, 5);
    Layer model = new Sequential(new Identity());
    ConfusionMatrix m = ConfusionMatrix.evaluate(model, 3, new TensorDataset(logits, labels), 2);
    assertArrayEquals(new long[][] {{1, 0, 0}, {1, 1, 0}, {0, 1, 1}}, m.counts());
    assertEquals(5, m.total());
    assertEquals(0.6, m.accuracy(), 1e-12);
    assertEquals(0.5, m.precision(1), 1e-12);
    assertEquals(0.5, m.recall(2), 1e-12);
    String report = m.report(List.of("t-shirt", "trouser", "a-very-long-name"));
    assertTrue(report.contains("trouser           0.5000    0.5000        2"), report);
    assertTrue(report.contains("2 a-very-long      0     1     1"), report);
    String message = assertThrows(IllegalArgumentException.class,
        () -> ConfusionMatrix.evaluate(model, 4, new TensorDataset(logits, labels), 2)).getMessage();
    assertTrue(message.contains("expected [2, 4]"), message);
  }
}
