package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.detect.MeanAveragePrecision.Metric;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeanAveragePrecisionTest {

  private static final double TOL = 1e-6;

  /** A case worked by hand with voc_eval.py's rules: npos = 4, detections TP, FP, TP, TP, FP, FP. */
  @Test
  void handWorkedCurveBothMetrics() {
    double[] rec = {.25, .25, .5, .75, .75, .75};
    double[] prec = {1, .5, 2.0 / 3, .75, .6, .5};
    assertEquals(0.613636, MeanAveragePrecision.averagePrecision(rec, prec, Metric.VOC07_11_POINT), TOL);
    assertEquals(0.625, MeanAveragePrecision.averagePrecision(rec, prec, Metric.ALL_POINTS), TOL);
    assertEquals(0, MeanAveragePrecision.averagePrecision(new double[0], new double[0], Metric.ALL_POINTS));
    assertEquals(1, MeanAveragePrecision.averagePrecision(new double[] {1}, new double[] {1}, Metric.VOC07_11_POINT),
        TOL);
  }

  private static Detection det(double x0, double y0, double x1, double y1, int cls, double score) {
    return new Detection(new Box(x0, y0, x1, y1), cls, score);
  }

  /** The same vector produced by matching: a duplicate, a difficult object and a miss included. */
  private static MeanAveragePrecision scenario() {
    MeanAveragePrecision map = new MeanAveragePrecision(3);
    List<LabeledBox> imageA = List.of(new LabeledBox(new Box(0, 0, 10, 10), 0),
        new LabeledBox(new Box(20, 20, 30, 30), 0), new LabeledBox(new Box(40, 40, 50, 50), 0, true),
        new LabeledBox(new Box(60, 60, 70, 70), 2));
    List<LabeledBox> imageB = List.of(new LabeledBox(new Box(0, 0, 10, 10), 0),
        new LabeledBox(new Box(50, 50, 60, 60), 0));
    map.add(List.of(det(0, 0, 10, 10, 0, 0.95), // TP
        det(0, 0, 10, 10, 0, 0.9), // duplicate: FP
        det(40, 40, 50, 50, 0, 0.85), // difficult: ignored
        det(20, 20, 30, 30, 0, 0.8), // TP
        det(21, 21, 31, 31, 0, 0.5), // IoU 100/142 with a matched truth: FP
        det(0, 0, 10, 10, 1, 0.9)), // class 1 has no truths at all
        imageA);
    map.add(List.of(det(0, 0, 10, 10, 0, 0.7), // TP
        det(100, 100, 110, 110, 0, 0.6)), // FP
        imageB);
    return map;
  }

  @Test
  void vocEvalMatchingGivesTheHandWorkedValues() {
    MeanAveragePrecision.Result r07 = scenario().compute(Metric.VOC07_11_POINT);
    MeanAveragePrecision.ClassResult c0 = r07.classes().get(0);
    assertEquals(4, c0.positives(), "the difficult truth does not count");
    assertArrayEquals(new double[] {.25, .25, .5, .75, .75, .75}, c0.recall(), TOL);
    assertArrayEquals(new double[] {1, .5, 2.0 / 3, .75, .6, .5}, c0.precision(), TOL);
    assertEquals(0.613636, c0.averagePrecision(), TOL);
    assertTrue(Double.isNaN(r07.classes().get(1).averagePrecision()), "no truths: AP undefined");
    assertEquals(0, r07.classes().get(2).averagePrecision(), TOL, "truths but no detections: AP 0");
    assertEquals(0.613636 / 2, r07.meanAveragePrecision(), TOL, "mean over classes 0 and 2");
    MeanAveragePrecision.Result all = scenario().compute(Metric.ALL_POINTS);
    assertEquals(0.625, all.classes().get(0).averagePrecision(), TOL);
    assertEquals(0.3125, all.meanAveragePrecision(), TOL);
  }

  @Test
  void matchNeedsIouStrictlyAboveThreshold() {
    // Continuous boxes: (0,0,10,10) vs (0,0,10,5) has IoU exactly 0.5, which is not a match.
    MeanAveragePrecision map = new MeanAveragePrecision(1, 0.5, false);
    map.add(List.of(det(0, 0, 10, 5, 0, 0.9)), List.of(new LabeledBox(new Box(0, 0, 10, 10), 0)));
    assertEquals(0, map.compute(Metric.ALL_POINTS).meanAveragePrecision(), TOL);
    MeanAveragePrecision looser = new MeanAveragePrecision(1, 0.49, false);
    looser.add(List.of(det(0, 0, 10, 5, 0, 0.9)), List.of(new LabeledBox(new Box(0, 0, 10, 10), 0)));
    assertEquals(1, looser.compute(Metric.ALL_POINTS).meanAveragePrecision(), TOL);
  }

  @Test
  void writesAPrecisionRecallPng(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("pr/curves.png");
    MeanAveragePrecision.writePrecisionRecallCurves(png, scenario().compute(Metric.VOC07_11_POINT),
        List.of("circle", "square", "cross"));
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(720, image.getWidth());
    assertEquals(480, image.getHeight());
  }
}
