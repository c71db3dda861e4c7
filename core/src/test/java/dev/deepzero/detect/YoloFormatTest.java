package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.DataFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YoloFormatTest {

  @Test
  void readsTheVocVectorAndBlankLines(@TempDir Path dir) throws Exception {
    Path txt = dir.resolve("000001.txt");
    Files.writeString(txt, "11 0.341360 0.609000 0.416431 0.262000\n\n  14\t0.507082 0.508000 0.974504 0.972000  \n");
    List<String> warnings = new ArrayList<>();
    List<LabeledBox> objects = YoloFormat.read(txt, 20, warnings::add);
    assertEquals(2, objects.size());
    VocFormatTest.assertYolo(objects.get(0), 11, 0.341360, 0.609000, 0.416431, 0.262000);
    VocFormatTest.assertYolo(objects.get(1), 14, 0.507082, 0.508000, 0.974504, 0.972000);
    assertTrue(warnings.isEmpty(), warnings.toString());
    // And back to VOC pixels (1-based): dog (48, 240, 195, 371).
    Box dog = objects.get(0).box().scale(353, 500);
    assertEquals(48, dog.xmin() + 1, 1e-3);
    assertEquals(371, dog.ymax() + 1, 1e-3);
  }

  @Test
  void missingFileMeansNoObjects(@TempDir Path dir) throws Exception {
    assertEquals(List.of(), YoloFormat.read(dir.resolve("none.txt"), 3, w -> {}));
  }

  @Test
  void malformedLinesNameFileAndLine(@TempDir Path dir) throws Exception {
    String[][] cases = {{"0 0.5 0.5 0.2", "expected 5 columns"}, {"0 0.5 0.5 0.2 0.2 0.9", "confidence"},
        {"0 0.5 0.5 0.2 0.2 0.1 0.1 0.3", "polygon"}, {"a 0.5 0.5 0.2 0.2", "not an integer"},
        {"1.0 0.5 0.5 0.2 0.2", "not an integer"}, {"3 0.5 0.5 0.2 0.2", "outside [0, 3)"},
        {"0 0.5 zero 0.2 0.2", "not a number"}, {"0 0.5 NaN 0.2 0.2", "not finite"},
        {"0 0.5 0.5 Infinity 0.2", "not finite"}};
    Path txt = dir.resolve("bad.txt");
    for (String[] c : cases) {
      Files.writeString(txt, "0 0.5 0.5 0.1 0.1\n" + c[0] + "\n");
      DataFileException e = assertThrows(DataFileException.class, () -> YoloFormat.read(txt, 3, w -> {}), c[0]);
      assertTrue(e.getMessage().contains("bad.txt: line 2") && e.getMessage().contains(c[1]), e.getMessage());
    }
  }

  @Test
  void degenerateBoxesAreClippedOrSkipped(@TempDir Path dir) throws Exception {
    Path txt = dir.resolve("edge.txt");
    Files.writeString(txt, String.join("\n", "0 0.5 0.5 0 0.2", "1 0.5 0.5 -0.1 0.2", "2 1.5 0.5 0.2 0.2",
        "0 0.95 0.5 0.2 0.2", "1 0.5 0.5 0.2 0.2"));
    List<String> warnings = new ArrayList<>();
    List<LabeledBox> objects = YoloFormat.read(txt, 3, warnings::add);
    assertEquals(2, objects.size());
    Box clipped = objects.get(0).box();
    assertEquals(0.85, clipped.xmin(), 1e-9);
    assertEquals(1.0, clipped.xmax(), 1e-9);
    assertEquals(4, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("edge.txt:1") && warnings.get(0).contains("zero"));
    assertTrue(warnings.get(1).contains("edge.txt:2") && warnings.get(1).contains("negative"));
    assertTrue(warnings.get(2).contains("edge.txt:3") && warnings.get(2).contains("outside"));
    assertTrue(warnings.get(3).contains("edge.txt:4") && warnings.get(3).contains("clipped"));
    objects.forEach(o -> assertTrue(Double.isFinite(o.box().area())));
  }

  @Test
  void writeReadAndClassNames(@TempDir Path dir) throws Exception {
    List<LabeledBox> objects = List.of(new LabeledBox(new Box(0.1, 0.2, 0.4, 0.6), 1),
        new LabeledBox(new Box(0.5, 0.5, 0.9, 1.0), 0));
    Path txt = dir.resolve("labels/a.txt");
    YoloFormat.write(txt, objects);
    List<LabeledBox> back = YoloFormat.read(txt, 2, w -> {});
    for (int i = 0; i < objects.size(); i++) {
      assertEquals(objects.get(i).box().xmin(), back.get(i).box().xmin(), 1e-6);
      assertEquals(objects.get(i).box().ymax(), back.get(i).box().ymax(), 1e-6);
    }
    YoloFormat.writeClassNames(dir.resolve("classes.txt"), List.of("circle", "square"));
    assertEquals(List.of("circle", "square"), YoloFormat.readClassNames(dir.resolve("classes.txt")));
  }
}
