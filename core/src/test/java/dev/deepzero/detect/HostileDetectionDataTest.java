package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.DataFileException;
import dev.deepzero.data.ImageFolderDataset;
import dev.deepzero.testing.HostileFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data sets whose label files point outside their folder, at FIFOs or at decompression bombs, or whose VOC
 * {@code <size>} lies: each bad entry is skipped and reported, the others load, and nothing outside is read.
 */
class HostileDetectionDataTest {

  private static final SyntheticDetectionData.Config TINY =
      new SyntheticDetectionData.Config(16, 16, 1, 1, 2, 6, 10, 0.1, 0.02, 2);
  private static final YoloLayout LAYOUT = new YoloLayout(2, 2, 5);

  @TempDir Path root;

  @Test
  void vocNamesLeavingTheFolderAndLyingSizesAreSkippedAndListed() throws IOException {
    SyntheticDetectionData gen = new SyntheticDetectionData(new ShapeSprites(), TINY);
    Path dir = root.resolve("voc");
    gen.writeVoc(dir, gen.generate(5, new SplittableRandom(7)));
    Files.write(root.resolve("secret.png"), Files.readAllBytes(dir.resolve("JPEGImages/000004.png")));
    replace(dir.resolve("Annotations/000000.xml"), "<filename>000000.png", "<filename>../../secret.png");
    replace(dir.resolve("Annotations/000001.xml"), "<filename>000001.png", "<filename>/etc/passwd");
    replace(dir.resolve("Annotations/000002.xml"), "<width>16</width>", "<width>32</width>");
    Files.writeString(dir.resolve("ImageSets/Main/trainval.txt"), "../../secret\n", StandardOpenOption.APPEND);
    List<String> warnings = new ArrayList<>();
    DetectionDataset d = DetectionDataset.readVoc(dir, gen.classNames(), "trainval", LAYOUT, 1, 16, 16,
        warnings::add);
    assertEquals(2, d.size(), warnings.toString());
    List<String> reasons = d.skipped().stream().map(ImageFolderDataset.Skipped::reason).toList();
    assertEquals(4, reasons.size(), reasons.toString());
    assertTrue(reasons.get(0).contains("000000.xml") && reasons.get(0).contains("'../../secret.png' contains '..'"),
        reasons.get(0));
    assertTrue(reasons.get(1).contains("'/etc/passwd' is absolute"), reasons.get(1));
    assertTrue(reasons.get(2).contains("000002.xml: <size> says 32 x 16, but ")
        && reasons.get(2).contains("000002.png is 16 x 16 pixels"), reasons.get(2));
    assertTrue(reasons.get(3).contains("trainval.txt") && reasons.get(3).contains("contains '..'"), reasons.get(3));
    assertEquals(4, warnings.stream().filter(w -> w.startsWith("skipped ")).count(), warnings.toString());
  }

  @Test
  void yoloBombsAndFifosAreSkippedWithoutBlocking() throws Exception {
    SyntheticDetectionData gen = new SyntheticDetectionData(new ShapeSprites(), TINY);
    Path dir = root.resolve("yolo");
    gen.writeYolo(dir, gen.generate(3, new SplittableRandom(8)));
    Files.write(dir.resolve("images/000001.png"), HostileFiles.pngDeclaring(30000, 30000));
    HostileFiles.fifo(dir.resolve("images/pipe.png"));
    HostileFiles.fifo(dir.resolve("labels/000002.txt.fifo"));
    Files.delete(dir.resolve("labels/000002.txt"));
    Files.move(dir.resolve("labels/000002.txt.fifo"), dir.resolve("labels/000002.txt"));
    List<String> warnings = new ArrayList<>();
    DetectionDataset d = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> DetectionDataset.readYolo(dir, LAYOUT, 1, 16, 16, warnings::add));
    assertEquals(1, d.size(), warnings.toString());
    List<String> reasons = d.skipped().stream().map(ImageFolderDataset.Skipped::reason).toList();
    assertEquals(3, reasons.size(), reasons.toString());
    assertTrue(reasons.get(0).contains("declares 30000 x 30000 pixels"), reasons.get(0));
    assertTrue(reasons.get(1).contains("000002.txt") && reasons.get(1).contains("FIFO"), reasons.get(1));
    assertTrue(reasons.get(2).contains("pipe.png") && reasons.get(2).contains("FIFO"), reasons.get(2));
  }

  @Test
  void aFolderWithNoUsableImageIsAnErrorSayingWhy() throws IOException {
    SyntheticDetectionData gen = new SyntheticDetectionData(new ShapeSprites(), TINY);
    Path dir = root.resolve("bad");
    gen.writeYolo(dir, gen.generate(1, new SplittableRandom(9)));
    Files.write(dir.resolve("images/000000.png"), HostileFiles.pngDeclaring(30000, 30000));
    DataFileException e = assertThrows(DataFileException.class,
        () -> DetectionDataset.readYolo(dir, LAYOUT, 1, 16, 16, w -> {}));
    assertTrue(e.getMessage().contains("no usable image (1 skipped") && e.getMessage().contains("30000"),
        e.getMessage());
  }

  private static void replace(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    assertTrue(text.contains(from), text);
    Files.writeString(file, text.replace(from, to));
  }
}
