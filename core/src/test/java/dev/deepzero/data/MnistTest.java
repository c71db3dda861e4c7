package dev.deepzero.data;

import static dev.deepzero.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {

  @TempDir
  Path dir;

  @Test
  void loadsTheFourFilesAsScaledTensorsAndClassIndices() throws IOException {
    IdxFiles.writeSet(dir, 12, 5, true, 7);
    ClassificationData data = Mnist.load(dir, Mnist.Variant.DIGITS);
    Batch train = all(data.train());
    Batch test = all(data.test());
    assertArrayEquals(new int[] {12, 1, 28, 28}, train.inputs().shape());
    assertArrayEquals(new int[] {5, 1, 28, 28}, test.inputs().shape());
    assertArrayEquals(new int[] {12}, train.targets().shape());
    assertEquals(11 % 10, train.targets().get(11), 0f);
    // Pixel 0 of image 0: the first random byte of the seeded generator, scaled by 1/255.
    int firstPixel = new SplittableRandom(7).nextInt(256);
    assertEquals(firstPixel / 255f, train.inputs().data()[0], 1e-7f);
    for (float v : test.inputs().data()) {
      assertTrue(v >= 0f && v <= 1f);
    }
    assertEquals("MNIST from " + dir + " (12 train, 5 test)", data.description());
    assertEquals("9", data.classNames().get(9));
  }

  @Test
  void acceptsRawFilesAndPrefersGzipWhenBothExist() throws IOException {
    IdxFiles.writeSet(dir, 10, 10, false, 1);
    assertEquals(10, Mnist.load(dir, Mnist.Variant.FASHION).train().size());
    IdxFiles.writeStandard(dir, Mnist.TRAIN_IMAGES, IdxFiles.images(20, new SplittableRandom(2)), true);
    IdxFiles.writeStandard(dir, Mnist.TRAIN_LABELS, IdxFiles.labels(20), true);
    assertEquals(20, Mnist.load(dir, Mnist.Variant.FASHION).train().size());
    assertEquals(Optional.of(dir.resolve(Mnist.TEST_IMAGES)), Mnist.find(dir, Mnist.TEST_IMAGES));
  }

  @Test
  void fashionClassNames() {
    assertEquals(10, Mnist.Variant.FASHION.classNames().size());
    assertEquals("T-shirt/top", Mnist.Variant.FASHION.classNames().get(0));
    assertEquals("Ankle boot", Mnist.Variant.FASHION.classNames().get(9));
  }

  @Test
  void listsEveryMissingFile() throws IOException {
    IdxFiles.writeStandard(dir, Mnist.TRAIN_IMAGES, IdxFiles.images(2, new SplittableRandom(1)), true);
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Mnist.load(dir, Mnist.Variant.FASHION));
    assertTrue(e.getMessage().contains(Mnist.TRAIN_LABELS + ", " + Mnist.TEST_IMAGES + ", " + Mnist.TEST_LABELS),
        e.getMessage());
    assertTrue(e.getMessage().startsWith(dir.toString()), e.getMessage());
  }

  @Test
  void rejectsALabelCountThatDiffersFromTheImageCount() throws IOException {
    IdxFiles.writeSet(dir, 10, 5, true, 1);
    Path labels = IdxFiles.writeStandard(dir, Mnist.TRAIN_LABELS, IdxFiles.labels(9), true);
    DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir, Mnist.Variant.FASHION));
    assertMessage(e, labels, "has 9 labels", "has 10 images");
  }

  @Test
  void rejectsALabelOutOfRangeWithItsOffset() throws IOException {
    IdxFiles.writeSet(dir, 10, 5, false, 1);
    byte[] labels = IdxFiles.labels(5);
    labels[8 + 3] = 12; // sample 3
    Path file = IdxFiles.writeStandard(dir, Mnist.TEST_LABELS, labels, false);
    DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir, Mnist.Variant.FASHION));
    assertMessage(e, file, "label 12 of sample 3 at byte offset 11", "[0, 10)");
    assertEquals(11, e.offset());
  }

  @Test
  void rejectsALabelFileWhereImagesBelong() throws IOException {
    IdxFiles.writeSet(dir, 10, 5, true, 1);
    Path swapped = IdxFiles.writeStandard(dir, Mnist.TRAIN_IMAGES, IdxFiles.labels(10), true);
    DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir, Mnist.Variant.FASHION));
    assertMessage(e, swapped, "expected an IDX image file", "found magic 0x00000801");
  }

  @Test
  void rejectsImagesOfAnotherSize() throws IOException {
    IdxFiles.writeSet(dir, 4, 4, true, 1);
    Path small = IdxFiles.writeStandard(dir, Mnist.TEST_IMAGES, IdxFiles.idx(new int[] {4, 10, 10}, new byte[400]),
        true);
    DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir, Mnist.Variant.FASHION));
    assertMessage(e, small, "expected 28 x 28 images", "[4, 10, 10]");
  }

  @Test
  void theEmbeddedSubsetIsStratifiedFashionMnist() throws IOException {
    ClassificationData data = DataSources.embedded();
    assertEquals(5000, data.train().size());
    assertEquals(1000, data.test().size());
    assertEquals(Mnist.Variant.FASHION.classNames(), data.classNames());
    assertArrayEquals(new int[] {500, 500, 500, 500, 500, 500, 500, 500, 500, 500}, classCounts(data.train()));
    assertArrayEquals(new int[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, classCounts(data.test()));
    assertTrue(data.description().startsWith("embedded Fashion-MNIST subset (5000 train, 1000 test)"),
        data.description());
    assertTrue(data.description().contains("--data"), data.description());
    // Real images: far from blank and far from noise (Fashion-MNIST's mean pixel is about 0.286).
    double mean = all(data.train()).inputs().meanAll();
    assertTrue(mean > 0.2 && mean < 0.4, "mean pixel " + mean);
  }

  @Test
  void theEmbeddedSubsetShipsItsLicense() throws IOException {
    try (var in = Mnist.class.getResourceAsStream(DataSources.EMBEDDED_RESOURCE_DIR + "LICENSE")) {
      String license = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(license.contains("Zalando SE") && license.contains("MIT"), license);
    }
  }

  @Test
  void loadsDebiansFashionMnistWhenInstalled() throws IOException {
    assumeTrue(Files.isDirectory(DataSources.DEBIAN_FASHION_MNIST)
        && Mnist.missingFiles(DataSources.DEBIAN_FASHION_MNIST).isEmpty(), "dataset-fashion-mnist not installed");
    ClassificationData data = Mnist.load(DataSources.DEBIAN_FASHION_MNIST, Mnist.Variant.FASHION);
    assertEquals(60_000, data.train().size());
    assertEquals(10_000, data.test().size());
    assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
        classCounts(data.test()));
  }

  static int[] classCounts(Dataset dataset) {
    int[] counts = new int[10];
    for (int label : Datasets.classLabels(dataset).orElseThrow()) {
      counts[label]++;
    }
    return counts;
  }

  /** Every sample of {@code dataset} in one batch. */
  static Batch all(Dataset dataset) {
    int[] indices = new int[dataset.size()];
    java.util.Arrays.setAll(indices, i -> i);
    return dataset.batch(indices);
  }
}
