package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDetectionDataTest {

  private static final SyntheticDetectionData.Config SMALL =
      new SyntheticDetectionData.Config(64, 48, 3, 2, 4, 12, 24, 0.1, 0.05, 4);

  private static List<SyntheticDetectionData.Sample> samples(int n, long seed) {
    return new SyntheticDetectionData(new ShapeSprites(), SMALL).generate(n, new SplittableRandom(seed));
  }

  @Test
  void generatesSeveralTightNonCrowdedObjects() {
    List<SyntheticDetectionData.Sample> s = samples(6, 1);
    assertEquals(s.get(3).objects(), samples(6, 1).get(3).objects(), "seeded: repeatable");
    for (SyntheticDetectionData.Sample sample : s) {
      assertEquals(List.of(3, 48, 64), List.of(sample.image().shape()[0], sample.image().dim(1),
          sample.image().dim(2)));
      assertTrue(sample.objects().size() >= 1 && sample.objects().size() <= 4);
      Tensor img = sample.image();
      for (LabeledBox o : sample.objects()) {
        Box b = o.box();
        assertTrue(b.width() >= 4 && b.xmin() >= 0 && b.xmax() <= 63 && b.ymax() <= 47, b.toString());
        // The object is brighter than the background (<= 0.35 + noise) right at its box centre row.
        double best = 0;
        int y = (int) Math.round(b.centerY());
        for (int x = (int) b.xmin(); x <= (int) b.xmax(); x++) {
          best = Math.max(best, img.get(0, y, x) + img.get(1, y, x) + img.get(2, y, x));
        }
        assertTrue(best > 1.5, "an object pixel on the centre row of " + b);
      }
      for (int i = 0; i < sample.objects().size(); i++) {
        for (int j = i + 1; j < sample.objects().size(); j++) {
          assertTrue(sample.objects().get(i).box().iou(sample.objects().get(j).box()) <= 0.1);
        }
      }
      YoloTargets.Encoded e = new YoloTargets(new YoloLayout(4, 2, 5)).encode(List.of(sample.normalizedObjects()));
      assertEquals(0, e.droppedSameCell(), "one object per grid cell");
    }
  }

  @Test
  void yoloFilesRoundTrip(@TempDir Path dir) throws Exception {
    List<SyntheticDetectionData.Sample> s = samples(3, 2);
    new SyntheticDetectionData(new ShapeSprites(), SMALL).writeYolo(dir, s);
    assertEquals(new ShapeSprites().classNames(), YoloFormat.readClassNames(dir.resolve("classes.txt")));
    assertTrue(Files.exists(dir.resolve("images/000002.png")));
    for (int i = 0; i < s.size(); i++) {
      List<LabeledBox> back = YoloFormat.read(dir.resolve(String.format("labels/%06d.txt", i)), 5, w -> {});
      List<LabeledBox> want = s.get(i).objects();
      assertEquals(want.size(), back.size());
      for (int k = 0; k < want.size(); k++) {
        Box px = back.get(k).box().scale(64, 48);
        assertEquals(want.get(k).classId(), back.get(k).classId());
        assertEquals(want.get(k).box().xmin(), px.xmin(), 1e-3);
        assertEquals(want.get(k).box().ymax(), px.ymax(), 1e-3);
      }
    }
    DetectionDataset data = DetectionDataset.readYolo(dir, new YoloLayout(4, 2, 5), 3, 48, 64, w -> {});
    assertEquals(3, data.size());
    assertEquals(s.get(1).image().get(2, 10, 20), data.image(1).get(2, 10, 20), 1 / 255.0 + 1e-6, "PNG is 8-bit");
  }

  @Test
  void vocFilesRoundTrip(@TempDir Path dir) throws Exception {
    List<SyntheticDetectionData.Sample> s = samples(3, 3);
    new SyntheticDetectionData(new ShapeSprites(), SMALL).writeVoc(dir, s);
    List<String> names = YoloFormat.readClassNames(dir.resolve("classes.txt"));
    for (int i = 0; i < s.size(); i++) {
      VocFormat.Annotation a = VocFormat.read(dir.resolve(String.format("Annotations/%06d.xml", i)), names, w -> {});
      assertEquals(s.get(i).objects(), a.objects(), "integer pixel boxes survive exactly");
      assertEquals(64, a.width());
    }
    DetectionDataset data = DetectionDataset.readVoc(dir, names, "trainval", new YoloLayout(4, 2, 5), 1, 24, 32,
        w -> {});
    assertEquals(3, data.size());
    assertEquals(List.of(1, 24, 32), List.of(data.inputShape()[0], data.inputShape()[1], data.inputShape()[2]));
    assertEquals(s.get(0).normalizedObjects().get(0).box().xmin(), data.objects(0).get(0).box().xmin(), 1e-9);
  }
}
