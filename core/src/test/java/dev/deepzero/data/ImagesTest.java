package dev.deepzero.data;

import static dev.deepzero.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {

  @TempDir
  Path dir;

  /** A grey image whose pixel (x, y) is {@code (7x + 13y) mod 256}. */
  static BufferedImage grey(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, (7 * x + 13 * y) % 256);
      }
    }
    return image;
  }

  /** An RGB image filled with one colour. */
  static BufferedImage solid(int width, int height, int rgb) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  static Path png(Path file, BufferedImage image) throws IOException {
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(image, "png", file.toFile()));
    return file;
  }

  @Test
  void aGreyPngKeepsItsExactLevels() throws IOException {
    Path file = png(dir.resolve("grey.png"), grey(5, 4));
    Tensor t = Images.load(file, 1, 4, 5);
    assertArrayEquals(new int[] {1, 4, 5}, t.shape());
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 5; x++) {
        assertEquals(((7 * x + 13 * y) % 256) / 255f, t.get(0, y, x), 1e-6f);
      }
    }
    Tensor rgb = Images.load(file, 3, 4, 5);
    assertEquals(t.get(0, 3, 4), rgb.get(2, 3, 4), 0f);
  }

  @Test
  void colourBecomesLuminanceOrRgbChannels() throws IOException {
    Path file = png(dir.resolve("orange.png"), solid(3, 2, 0xFF8000));
    Tensor grey = Images.load(file, 1, 2, 3);
    assertEquals(0.299f + 0.587f * 128 / 255f, grey.get(0, 1, 2), 1e-6f);
    Tensor rgb = Images.load(file, 3, 2, 3);
    assertArrayEquals(new int[] {3, 2, 3}, rgb.shape());
    assertEquals(1f, rgb.get(0, 0, 0), 0f);
    assertEquals(128 / 255f, rgb.get(1, 0, 0), 1e-7f);
    assertEquals(0f, rgb.get(2, 1, 2), 0f);
  }

  @Test
  void aJpegOfAnySizeIsResizedToTheModelInput() throws IOException {
    Path file = dir.resolve("photo.jpg");
    assertTrue(ImageIO.write(solid(300, 120, 0x808080), "jpg", file.toFile()));
    Tensor t = Images.load(file, 1, 28, 28);
    assertArrayEquals(new int[] {1, 28, 28}, t.shape());
    for (float v : t.data()) {
      assertEquals(128 / 255f, v, 3 / 255f); // JPEG is lossy, but a flat grey stays nearly flat
    }
  }

  @Test
  void shrinkingAveragesAndEnlargingInterpolates() {
    // 1 x 8 -> 1 x 4 on a ramp: away from the borders each output is the mean of the two pixels it covers
    // (the triangle filter, widened to radius 2, is symmetric about the block centre).
    float[] v = {0, 1, 2, 3, 4, 5, 6, 7};
    Tensor small = Images.resize(Tensor.wrap(v, 1, 1, 8), 1, 4);
    assertEquals(2.5f, small.get(0, 0, 1), 1e-5f);
    assertEquals(4.5f, small.get(0, 0, 2), 1e-5f);
    // A flat image stays flat, borders included.
    for (float x : Images.resize(Tensor.full(0.4f, 2, 9, 13), 4, 3).data()) {
      assertEquals(0.4f, x, 1e-6f);
    }
    // 1 x 2 -> 1 x 4 (half-pixel centres): 0, 0.25, 0.75, 1 of the way, clamped at the edges.
    Tensor wide = Images.resize(Tensor.wrap(new float[] {0f, 1f}, 1, 1, 2), 1, 4);
    assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, wide.data(), 1e-6f);
    // The same size is the identity.
    Tensor same = Images.resize(Tensor.wrap(v, 1, 2, 4), 2, 4);
    assertArrayEquals(v, same.data(), 0f);
  }

  @Test
  void aNonSquareImageBecomesTheRequestedShape() throws IOException {
    Path file = png(dir.resolve("wide.png"), grey(40, 10));
    assertArrayEquals(new int[] {3, 28, 28}, Images.load(file, 3, 28, 28).shape());
    assertArrayEquals(new int[] {1, 5, 20}, Images.load(file, 1, 5, 20).shape());
  }

  @Test
  void anUndecodableFileNamesTheFile() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.png"), "this is not a picture");
    DataFileException e = assertThrows(DataFileException.class, () -> Images.load(text, 1, 28, 28));
    assertMessage(e, text, "not an image format");

    byte[] real = Files.readAllBytes(png(dir.resolve("real.png"), grey(64, 64)));
    Path cut = Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(real, real.length / 2));
    DataFileException truncated = assertThrows(DataFileException.class, () -> Images.load(cut, 1, 28, 28));
    assertMessage(truncated, cut, "cannot decode the image");
  }

  @Test
  void aMissingFileAndBadSizesAreReported() {
    assertThrows(NoSuchFileException.class, () -> Images.load(dir.resolve("absent.png"), 1, 28, 28));
    assertThrows(IllegalArgumentException.class, () -> Images.load(dir.resolve("absent.png"), 2, 28, 28));
    assertThrows(IllegalArgumentException.class, () -> Images.resize(Tensor.zeros(1, 2, 2), 0, 3));
  }

  @Test
  void recognisesImageExtensionsInAnyCase() {
    assertTrue(Images.hasImageExtension(Path.of("a/B.JPG")));
    assertTrue(Images.hasImageExtension(Path.of("c.jpeg")));
    assertTrue(!Images.hasImageExtension(Path.of("README.txt")) && !Images.hasImageExtension(Path.of(".png")));
  }
}
