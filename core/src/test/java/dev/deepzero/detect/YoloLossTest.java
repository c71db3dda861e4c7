package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.gradcheck.GradCheck;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class YoloLossTest {

  private static final double TOL = 1e-5;

  /** A case worked by hand with the paper's loss: S=1, B=2, C=2, truth x=y=.5, w=h=.25, class 0. */
  private static final YoloLayout WORKED = new YoloLayout(1, 2, 2);

  private static Tensor workedPrediction() {
    // box0 (x, y, √w, √h, conf), box1, classes
    return Tensor.of(new float[] {.6f, .5f, .5f, .4f, .8f, .2f, .2f, .3f, .3f, .3f, .6f, .4f}, 1, 12);
  }

  private static Tensor workedTarget() {
    // [is_obj, one-hot(2), x, y, w, h]
    return Tensor.of(new float[] {1, 1, 0, .5f, .5f, .25f, .25f}, 1, 1, 1, 7);
  }

  @Test
  void workedExampleFromYoloMd() {
    YoloLoss loss = new YoloLoss(WORKED);
    float value = loss.forward(workedPrediction(), workedTarget());
    assertEquals(0.709300, value, TOL);
    YoloLoss.Terms terms = loss.lastTerms();
    assertEquals(0.1, terms.coordinate(), TOL);
    assertEquals(0.244300, terms.object(), TOL);
    assertEquals(0.045, terms.noObject(), TOL);
    assertEquals(0.32, terms.classes(), TOL);
    assertEquals(0.024 / 0.0785, terms.meanIou(), TOL);
    float[] g = loss.backward().data();
    assertEquals(1.0, g[WORKED.boxIndex(0, 0, YoloLayout.X)], TOL);
    assertEquals(-1.0, g[WORKED.boxIndex(0, 0, YoloLayout.SQRT_H)], TOL);
    assertEquals(0.988535, g[WORKED.confidenceIndex(0, 0)], TOL);
    assertEquals(0.3, g[WORKED.confidenceIndex(0, 1)], TOL);
    assertEquals(0.0, g[WORKED.boxIndex(0, 1, YoloLayout.X)], TOL, "the other box's coordinates are not trained");
    assertEquals(0.0, g[WORKED.boxIndex(0, 0, YoloLayout.Y)], TOL, "y already right");
    assertEquals(0.0, g[WORKED.boxIndex(0, 0, YoloLayout.SQRT_W)], TOL, "√w = √.25");
    assertEquals(2 * (0.6 - 1), g[WORKED.classIndex(0, 0)], TOL);
    assertEquals(2 * 0.4, g[WORKED.classIndex(0, 1)], TOL);
  }

  @Test
  void gridShapedPredictionGivesTheSameLoss() {
    YoloLoss loss = new YoloLoss(WORKED);
    assertEquals(0.709300, loss.forward(workedPrediction().reshape(1, 1, 1, 12), workedTarget()), TOL);
    assertEquals(4, loss.backward().rank());
  }

  @Test
  void batchMeanDividesByTheBatch() {
    Tensor p = Tensor.zeros(2, 12);
    Tensor t = Tensor.zeros(2, 1, 1, 7);
    System.arraycopy(workedPrediction().data(), 0, p.data(), 0, 12);
    System.arraycopy(workedPrediction().data(), 0, p.data(), 12, 12);
    System.arraycopy(workedTarget().data(), 0, t.data(), 0, 7);
    System.arraycopy(workedTarget().data(), 0, t.data(), 7, 7);
    YoloLoss loss = new YoloLoss(WORKED);
    assertEquals(0.709300, loss.forward(p, t), TOL);
    assertEquals(0.5, loss.backward().data()[WORKED.boxIndex(0, 0, YoloLayout.X)], TOL);
  }

  @Test
  void allIousZeroPicksTheBoxWithSmallestRmse() {
    // Both boxes miss the truth (IoU 0); box 1 is nearer, so it is responsible, not box 0 (argmax's pick).
    Tensor p = Tensor.of(new float[] {.0f, .0f, .1f, .1f, .5f, .9f, .9f, .1f, .1f, .5f, .5f, .5f}, 1, 12);
    Tensor t = Tensor.of(new float[] {1, 1, 0, .95f, .95f, .01f, .01f}, 1, 1, 1, 7);
    YoloLoss loss = new YoloLoss(WORKED);
    loss.forward(p, t);
    float[] g = loss.backward().data();
    assertEquals(0.0, g[WORKED.boxIndex(0, 0, YoloLayout.X)], TOL, "box 0 not responsible");
    assertEquals(2 * 5 * (0.9 - 0.95), g[WORKED.boxIndex(0, 1, YoloLayout.X)], TOL);
    assertEquals(2 * 0.5 * 0.5, g[WORKED.confidenceIndex(0, 0)], TOL, "box 0 gets the no-object term");
    assertEquals(2 * 0.5, g[WORKED.confidenceIndex(0, 1)], TOL, "confidence target IoU = 0");
  }

  @Test
  void zeroAndNegativeSizesStayFinite() {
    YoloLoss loss = new YoloLoss(WORKED);
    Tensor p = Tensor.of(new float[] {.5f, .5f, -.3f, 0f, .5f, .5f, .5f, 0f, -1f, .5f, .5f, .5f}, 1, 12);
    Tensor t = Tensor.of(new float[] {1, 0, 1, .5f, .5f, 0f, -.1f}, 1, 1, 1, 7);
    float value = loss.forward(p, t);
    assertTrue(Float.isFinite(value), "loss " + value);
    assertTrue(loss.backward().isFinite());
    // Truth w=0, h<0 clamp to 0: target √ = 0, so the coordinate term is 5 (.09 + 0) from box 0's √w=-.3
    // (the first box by RMSE, both IoU 0: box 0 is (0,0) in size, box 1 has √w=0, √h=-1).
    assertEquals(5 * 0.09, loss.lastTerms().coordinate(), TOL);
  }

  @Test
  void nanPredictionReportsNaNForTheTrainer() {
    YoloLoss loss = new YoloLoss(WORKED);
    Tensor p = workedPrediction();
    p.data()[3] = Float.NaN;
    assertTrue(Float.isNaN(loss.forward(p, workedTarget())));
    Tensor t = workedTarget();
    t.data()[5] = Float.POSITIVE_INFINITY;
    assertThrows(IllegalArgumentException.class, () -> loss.forward(workedPrediction(), t));
  }

  @Test
  void rejectsMismatchedShapesNamingBoth() {
    YoloLoss loss = new YoloLoss(WORKED);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> loss.forward(workedPrediction(), Tensor.zeros(1, 7)));
    assertTrue(e.getMessage().contains("[1, 12]") && e.getMessage().contains("[1, 7]"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> new YoloLoss(WORKED).backward());
  }

  @Test
  void gradientMatchesCentralDifferences() {
    SplittableRandom rng = new SplittableRandom(7);
    YoloLayout layout = new YoloLayout(3, 2, 3);
    YoloTargets builder = new YoloTargets(layout);
    List<List<LabeledBox>> images = new ArrayList<>();
    images.add(List.of(new LabeledBox(new Box(0.05, 0.1, 0.3, 0.25), 1),
        new LabeledBox(new Box(0.5, 0.4, 0.9, 0.95), 2)));
    images.add(List.of(new LabeledBox(new Box(0.4, 0.4, 0.6, 0.6), 0)));
    Tensor target = builder.encode(images).targets();
    // Predictions near the truth with box 1 clearly better than box 0 in every object cell, so the responsible
    // box (an argmax) does not flip under ±1e-3 nudges.
    Tensor prediction = Tensor.uniform(rng, 0.05f, 0.95f, 2, layout.outputSize());
    float[] p = prediction.data();
    float[] t = target.data();
    for (int n = 0; n < 2; n++) {
      for (int cell = 0; cell < layout.cells(); cell++) {
        int tb = n * layout.targetSize();
        if (t[tb + layout.targetObjectIndex(cell)] == 0f) {
          continue;
        }
        int pb = n * layout.outputSize();
        for (int k = 0; k < 4; k++) {
          double truth = t[tb + layout.targetBoxIndex(cell, k)];
          double wanted = k < 2 ? truth : Math.sqrt(truth);
          p[pb + layout.boxIndex(cell, 1, k)] = (float) (wanted + 0.03 * (k % 2 == 0 ? 1 : -1));
          p[pb + layout.boxIndex(cell, 0, k)] = (float) (k < 2 ? wanted + 0.3 : wanted * 0.4);
        }
        // The backward treats the confidence target IoU as a constant (stop-gradient); a finite difference sees
        // the IoU move with the box. The two agree where confidence = IoU, since d(C - IoU)²/dIoU = 0 there.
        p[pb + layout.confidenceIndex(cell, 1)] = (float) iou(layout, p, pb, t, tb, cell, 1);
      }
    }
    GradCheck.Result result = GradCheck.checkLoss("YoloLoss", new YoloLoss(layout), prediction, target, rng);
    assertTrue(result.passed(), result.toString());
    // Every value of one object cell, not just a random subset: sample 1's object is centred in cell (1, 1).
    YoloLoss loss = new YoloLoss(layout);
    loss.forward(prediction, target);
    float[] g = loss.backward().data();
    int cell = layout.cell(1, 1);
    int pb = layout.outputSize();
    for (int j = 0; j < layout.cellValues(); j++) {
      int i = pb + cell * layout.cellValues() + j;
      float saved = p[i];
      p[i] = saved + 1e-3f;
      double plus = new YoloLoss(layout).forward(prediction, target);
      p[i] = saved - 1e-3f;
      double minus = new YoloLoss(layout).forward(prediction, target);
      p[i] = saved;
      assertEquals((plus - minus) / 2e-3, g[i], 2e-3, "value " + j + " of the object cell");
    }
  }

  /** IoU of predicted box b with the truth of the cell, in image units, as the loss computes it. */
  private static double iou(YoloLayout l, float[] p, int pb, float[] t, int tb, int cell, int b) {
    int s = l.gridSize();
    double rw = p[pb + l.boxIndex(cell, b, YoloLayout.SQRT_W)];
    double rh = p[pb + l.boxIndex(cell, b, YoloLayout.SQRT_H)];
    Box predicted = Box.fromCenter(p[pb + l.boxIndex(cell, b, YoloLayout.X)] / (double) s,
        p[pb + l.boxIndex(cell, b, YoloLayout.Y)] / (double) s, rw * rw, rh * rh);
    Box truth = Box.fromCenter(t[tb + l.targetBoxIndex(cell, 0)] / (double) s,
        t[tb + l.targetBoxIndex(cell, 1)] / (double) s, t[tb + l.targetBoxIndex(cell, 2)],
        t[tb + l.targetBoxIndex(cell, 3)]);
    return predicted.iou(truth);
  }
}
