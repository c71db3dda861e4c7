package dev.deepzero.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Limits;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.testing.HostileFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Image sizes are checked against {@link Limits#maxImagePixels()} before anything of that size is allocated. */
class ImageLimitsTest {

  /** Far below the 3.6 GB a 30000 x 30000 image takes decoded. */
  private static final long ALLOCATION_BUDGET = 64L << 20;

  @TempDir Path dir;

  @Test
  void aDecompressionBombIsRefusedFromItsHeader() throws IOException {
    Path bomb = Files.write(dir.resolve("bomb.png"), HostileFiles.pngDeclaring(30000, 30000));
    assertTrue(Files.size(bomb) < 10_000, Files.size(bomb) + " bytes");
    assertEquals(new Images.Size(30000, 30000), Images.size(bomb));
    for (Executable read : new Executable[] {() -> Images.load(bomb, 3, 32, 32), () -> Images.read(bomb),
        () -> Images.read(Files.readAllBytes(bomb), "upload.png")}) {
      DataFileException e = refusedWithin(ALLOCATION_BUDGET, read);
      assertTrue(e.getMessage().contains("declares 30000 x 30000 pixels (900.0 megapixels), more than the limit of "
          + "64.0 megapixels") && e.getMessage().contains("-D" + Limits.MAX_IMAGE_PIXELS_PROPERTY)
          && e.getMessage().contains("--max-pixels"), e.getMessage());
    }
  }

  @Test
  void theLimitCanBeLoweredAndRaised() throws IOException {
    Path png = dir.resolve("small.png");
    ImageIO.write(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
    try {
      System.setProperty(Limits.MAX_IMAGE_PIXELS_PROPERTY, "199");
      assertThrows(DataFileException.class, () -> Images.load(png, 1, 5, 5));
      System.setProperty(Limits.MAX_IMAGE_PIXELS_PROPERTY, "200");
      assertArrayEquals(new int[] {1, 5, 5}, Images.load(png, 1, 5, 5).shape());
    } finally {
      System.clearProperty(Limits.MAX_IMAGE_PIXELS_PROPERTY);
    }
  }

  @Test
  void hugeResizeTargetsAreRefusedInsteadOfOverflowing() {
    Tensor image = Tensor.zeros(3, 4, 4);
    for (int[] size : new int[][] {{50000, 50000}, {Integer.MAX_VALUE, 2}, {70000, 1000}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Images.resize(image, size[0], size[1]));
      assertTrue(e.getMessage().contains("resize target " + size[0] + " x " + size[1])
          && e.getMessage().contains("more than the limit"), e.getMessage());
    }
    BufferedImage small = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    assertThrows(IllegalArgumentException.class, () -> Images.fromImage(small, 3, 50000, 50000));
  }

  private static DataFileException refusedWithin(long budget, Executable call) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    DataFileException e = assertThrows(DataFileException.class, call);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < budget, "allocated " + allocated + " bytes before refusing: " + e.getMessage());
    return e;
  }
}
