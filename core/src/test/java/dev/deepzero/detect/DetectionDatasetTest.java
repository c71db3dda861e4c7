package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.Batch;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.optim.Adam;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.train.EpochStats;
import dev.deepzero.train.Metrics;
import dev.deepzero.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionDatasetTest {

  private static final SyntheticDetectionData.Config TINY =
      new SyntheticDetectionData.Config(16, 16, 1, 1, 2, 6, 10, 0.1, 0.02, 2);
  private static final YoloLayout LAYOUT = new YoloLayout(2, 2, 5);

  private static DetectionDataset data(int n) {
    return DetectionDataset.of(new SyntheticDetectionData(new ShapeSprites(), TINY).generate(n,
        new SplittableRandom(11)), LAYOUT);
  }

  @Test
  void batchesFitTheLossAndGiveNoAccuracy() {
    DetectionDataset d = data(8);
    Batch b = d.batch(new int[] {3, 0, 5});
    assertArrayEquals(new int[] {3, 1, 16, 16}, b.inputs().shape());
    assertArrayEquals(new int[] {3, 2, 2, 10}, b.targets().shape());
    assertEquals(d.objects(3).size(), new YoloTargets(LAYOUT).decode(b.targets(), 0).size());
    assertEquals(-1, Metrics.correct(b.inputs().reshape(3, -1).slice(0, 3), b.targets()),
        "rank-4 targets are not classes");
    assertEquals(-1, Metrics.correct(Tensor.zeros(3, LAYOUT.outputSize()), b.targets()));
  }

  @Test
  void trainerTrainsADetectorUnchanged() {
    DetectionDataset d = data(16);
    SplittableRandom rng = new SplittableRandom(3);
    Sequential model = new Sequential(new Flatten(), new Linear(256, LAYOUT.outputSize(), rng));
    Trainer trainer = new Trainer(model, new YoloLoss(LAYOUT), new Adam(model.parameters(), 1e-2f));
    List<EpochStats> history = trainer.fit(d, null, new Trainer.Config(30, 8, 1L, true));
    assertTrue(Double.isNaN(history.get(0).trainAccuracy()), "no accuracy for detection");
    double first = history.get(0).trainLoss();
    double last = history.get(history.size() - 1).trainLoss();
    assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
  }

  @Test
  void augmentedBatchesMoveImagesAndTargetsTogether() {
    DetectionDataset plain = data(4);
    DetectionDataset augmented = plain.withAugmentation(new DetectionAugment(0.2, true), 9);
    Batch a = augmented.batch(new int[] {0, 1, 2, 3});
    Batch b = plain.batch(new int[] {0, 1, 2, 3});
    assertNotEquals(b.inputs().sumAll(), a.inputs().sumAll(), "images changed");
    assertArrayEquals(b.targets().shape(), a.targets().shape());
    assertEquals(plain.encoding().encoded(), augmented.encoding().encoded());
  }

  /** The trainer reseeds the augmentation at every epoch; equal seeds must give equal batches. */
  @Test
  void reseededAugmentationRepeatsItsDraws() {
    DetectionDataset augmented = data(4).withAugmentation(new DetectionAugment(0.2, true), 9);
    int[] all = {0, 1, 2, 3};
    augmented.reseed(5);
    Batch first = augmented.batch(all);
    Batch other = augmented.batch(all);
    augmented.reseed(5);
    Batch again = augmented.batch(all);
    assertArrayEquals(first.inputs().data(), again.inputs().data());
    assertArrayEquals(first.targets().data(), again.targets().data());
    assertNotEquals(first.inputs().sumAll(), other.inputs().sumAll(), "the generator moves on between batches");
  }

  @Test
  void malformedLabelFilesAreSkippedWithAWarningNamingThem(@TempDir Path dir) throws Exception {
    SyntheticDetectionData gen = new SyntheticDetectionData(new ShapeSprites(), TINY);
    gen.writeYolo(dir, gen.generate(3, new SplittableRandom(4)));
    Files.writeString(dir.resolve("labels/000001.txt"), "0 0.5 nan 0.2 0.2\n");
    List<String> warnings = new ArrayList<>();
    DetectionDataset d = DetectionDataset.readYolo(dir, LAYOUT, 1, 16, 16, warnings::add);
    assertEquals(2, d.size());
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("000001.png") && warnings.get(0).contains("000001.txt: line 1"));
    assertTrue(d.batch(new int[] {0, 1}).targets().isFinite());
  }
}
