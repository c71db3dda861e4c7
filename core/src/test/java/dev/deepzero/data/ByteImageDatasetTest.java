package dev.deepzero.data;

import static dev.deepzero.data.ImagesTest.grey;
import static dev.deepzero.data.ImagesTest.png;
import static dev.deepzero.data.ImagesTest.solid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.IdxReader.IdxData;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ByteImageDataset}: batches bit-identical to the float path, views over it, and its checks. */
class ByteImageDatasetTest {

  @TempDir
  Path dir;

  /** The float path as Mnist had it: every pixel scaled once at load time, {@code level * (1f / 255f)}. */
  private static TensorDataset asFloats(byte[] levels, int[] shape, Tensor targets) {
    float scale = 1f / 255f;
    float[] pixels = new float[levels.length];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (levels[i] & 0xff) * scale;
    }
    return new TensorDataset(Tensor.wrap(pixels, shape), targets);
  }

  private static void assertSameBatches(Dataset expected, Dataset actual, List<int[]> batches) {
    for (int[] indices : batches) {
      Batch e = expected.batch(indices);
      Batch a = actual.batch(indices);
      assertArrayEquals(e.inputs().shape(), a.inputs().shape());
      assertArrayEquals(e.targets().shape(), a.targets().shape());
      // assertArrayEquals on floats compares Float.floatToIntBits: equal bit for bit.
      assertArrayEquals(e.inputs().data(), a.inputs().data());
      assertArrayEquals(e.targets().data(), a.targets().data());
    }
  }

  @Test
  void mnistBatchesEqualTheFloatPathBitForBit() throws IOException {
    IdxFiles.writeSet(dir, 230, 7, true, 3);
    ClassificationData data = Mnist.load(dir, Mnist.Variant.FASHION);
    assertInstanceOf(ByteImageDataset.class, data.train());
    IdxData images = IdxReader.read(Mnist.find(dir, Mnist.TRAIN_IMAGES).orElseThrow(), 3);
    Tensor labels = MnistTest.all(data.train()).targets();
    TensorDataset floats = asFloats(images.values(), new int[] {230, 1, 28, 28}, labels);
    assertArrayEquals(floats.inputShape(), data.train().inputShape());
    assertSameBatches(floats, data.train(), Batches.shuffled(230, 64, new SplittableRandom(5)));
  }

  @Test
  void everyLevelBecomesTheFloatOfTheFloatPath() {
    byte[] levels = new byte[256];
    for (int k = 0; k < 256; k++) {
      levels[k] = (byte) k;
    }
    Tensor targets = Tensor.zeros(256);
    ByteImageDataset bytes = new ByteImageDataset(levels, new int[] {1}, targets);
    float[] x = MnistTest.all(bytes).inputs().data();
    for (int k = 0; k < 256; k++) {
      assertEquals(Float.floatToRawIntBits(k * (1f / 255f)), Float.floatToRawIntBits(x[k]), "level " + k);
      assertEquals(x[k], ByteImageDataset.level(k), 0f);
    }
    assertEquals(0f, x[0], 0f);
    assertEquals(1f, x[255], 0f);
  }

  @Test
  void splitsAugmentationAndNormalizationSeeTheSameSamples() {
    int n = 300;
    byte[] levels = new byte[n * 2 * 6 * 6];
    new SplittableRandom(11).nextBytes(levels);
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 4;
    }
    int[] sample = {2, 6, 6};
    ByteImageDataset bytes = new ByteImageDataset(levels, sample, Tensor.wrap(labels, n));
    TensorDataset floats = asFloats(levels, new int[] {n, 2, 6, 6}, Tensor.wrap(labels, n));

    Datasets.Split fromBytes = Datasets.split(bytes, 0.2, 9);
    Datasets.Split fromFloats = Datasets.split(floats, 0.2, 9);
    assertEquals(fromFloats.validation().size(), fromBytes.validation().size());
    assertSameBatches(fromFloats.validation(), fromBytes.validation(),
        Batches.sequential(fromFloats.validation().size(), 17));
    List<int[]> epoch = Batches.shuffled(fromFloats.train().size(), 32, new SplittableRandom(4));
    assertSameBatches(new AugmentedDataset(fromFloats.train(), 2, 8), new AugmentedDataset(fromBytes.train(), 2, 8),
        epoch);

    Normalization stats = Normalization.fit(bytes);
    assertEquals(Normalization.fit(floats), stats);
    assertSameBatches(stats.applyTo(floats), stats.applyTo(bytes), epoch);
  }

  @Test
  void packsExactLevelsAndRefusesAnythingElse() {
    float[] x = {0f, ByteImageDataset.level(1), ByteImageDataset.level(128), 1f};
    Tensor targets = Tensor.of(new float[] {0, 1}, 2);
    ByteImageDataset packed = ByteImageDataset.ofExactLevels(Tensor.wrap(x, 2, 1, 2), targets).orElseThrow();
    assertArrayEquals(new int[] {1, 2}, packed.inputShape());
    assertArrayEquals(x, MnistTest.all(packed).inputs().data());
    assertSameBatches(new TensorDataset(Tensor.wrap(x, 2, 1, 2), targets), packed, List.of(new int[] {1, 0, 1}));

    // 0.5 lies between two levels; 1/255 computed by division differs from the level in its last bit; -0 is not +0.
    for (float bad : new float[] {0.5f, 3 / 255f, -0f, -1f, 1.01f, Float.NaN}) {
      float[] y = {0f, 1f, bad, 0f};
      assertTrue(ByteImageDataset.ofExactLevels(Tensor.wrap(y, 2, 2), targets).isEmpty(), "value " + bad);
    }
  }

  @Test
  void imageFolderBatchesEqualTheDecodedImages() throws IOException {
    // 8-bit grey at its own size packs into levels; RGB resized stays float. Either way the batch is the image.
    Path greyRoot = dir.resolve("grey");
    Path a = png(greyRoot.resolve("a/1.png"), grey(6, 5));
    BufferedImage other = grey(6, 5);
    other.getRaster().setSample(2, 3, 0, 255);
    Path b = png(greyRoot.resolve("b/1.png"), other);
    ImageFolderDataset greyData = ImageFolderDataset.load(greyRoot, 1, 5, 6);
    Batch greyBatch = MnistTest.all(greyData);
    assertArrayEquals(Images.load(b, 1, 5, 6).data(), greyBatch.inputs().slice(1, 2).data());
    assertArrayEquals(Images.load(a, 1, 5, 6).data(), greyBatch.inputs().slice(0, 1).data());

    Path rgbRoot = dir.resolve("rgb");
    png(rgbRoot.resolve("x/1.png"), solid(9, 9, 0x336699));
    Path y = png(rgbRoot.resolve("y/1.png"), grey(12, 10));
    Batch rgb = ImageFolderDataset.load(rgbRoot, 3, 4, 4).batch(new int[] {1});
    assertArrayEquals(Images.load(y, 3, 4, 4).data(), rgb.inputs().data());
  }

  @Test
  void badSizesAndIndicesAreClearErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ByteImageDataset(new byte[10], new int[] {1, 2, 2}, Tensor.zeros(3)));
    assertTrue(e.getMessage().contains("10 pixel levels") && e.getMessage().contains("[1, 2, 2]")
        && e.getMessage().contains("[3]") && e.getMessage().contains("N x 4 levels"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ByteImageDataset(new byte[0], new int[0], Tensor.zeros(0)));
    assertThrows(IllegalArgumentException.class,
        () -> new ByteImageDataset(new byte[0], new int[] {0, 3}, Tensor.zeros(2)));
    assertThrows(IllegalArgumentException.class,
        () -> new ByteImageDataset(new byte[4], new int[] {4}, Tensor.scalar(0)));
    assertThrows(IllegalArgumentException.class,
        () -> new ByteImageDataset(new byte[0], new int[] {1 << 16, 1 << 16}, Tensor.zeros(0)));

    ByteImageDataset data = new ByteImageDataset(new byte[8], new int[] {4}, Tensor.zeros(2));
    e = assertThrows(IllegalArgumentException.class, () -> data.batch(new int[] {0, 2}));
    assertEquals("sample index 2 is outside [0, 2)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> data.batch(new int[] {-1}));
    assertThrows(IllegalArgumentException.class,
        () -> ByteImageDataset.ofExactLevels(Tensor.zeros(3, 2), Tensor.zeros(2)));
  }
}
