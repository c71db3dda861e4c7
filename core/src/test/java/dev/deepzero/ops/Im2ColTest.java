package dev.deepzero.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Im2ColTest {

  /** Odd geometries: every stride and padding the layers are tested with, non-square images, several channels. */
  private static Im2Col.Geometry[] geometries() {
    return new Im2Col.Geometry[] {
        Im2Col.Geometry.square(1, 3, 3, 2, 1, 0),
        Im2Col.Geometry.square(2, 7, 5, 3, 1, 1),
        Im2Col.Geometry.square(3, 6, 9, 3, 2, 2),
        Im2Col.Geometry.square(2, 8, 7, 2, 3, 1),
        Im2Col.Geometry.square(1, 5, 5, 5, 1, 0),
        Im2Col.Geometry.square(2, 4, 3, 4, 2, 2),
        new Im2Col.Geometry(2, 9, 6, 3, 2, 2, 1, 1, 0),
        new Im2Col.Geometry(1, 5, 8, 1, 4, 1, 3, 0, 2),
        // Stride 1 with the output as wide as the input (the shifted-copy path): 5x5 with padding 2 (two
        // padding columns each side), a single-row image, and a kernel wider than the image.
        Im2Col.Geometry.square(2, 4, 6, 5, 1, 2),
        Im2Col.Geometry.square(1, 1, 4, 3, 1, 1),
        new Im2Col.Geometry(1, 3, 2, 3, 5, 1, 1, 1, 2),
    };
  }

  @Test
  void handWorkedThreeByThreeWithTwoByTwoKernel() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    Tensor col = Im2Col.im2col(x, Im2Col.Geometry.square(1, 3, 3, 2, 1, 0));
    // Row (ky, kx), column (oy, ox): x[oy + ky][ox + kx].
    assertArrayEquals(new float[] {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}, col.data());
    assertArrayEquals(new int[] {4, 4}, col.shape());
  }

  @Test
  void paddingReadsAsZero() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    Tensor col = Im2Col.im2col(x, Im2Col.Geometry.square(1, 2, 2, 3, 2, 1));
    // One window at (-1, -1) of the zero-padded 4x4 image: rows (ky, kx), one column.
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 3, 4}, col.data());
  }

  @Test
  void im2colMatchesItsDefinitionForEveryEntry() {
    SplittableRandom rng = new SplittableRandom(1);
    for (Im2Col.Geometry g : geometries()) {
      int n = 2;
      Tensor x = Tensor.randn(rng, 1f, n, g.channels(), g.height(), g.width());
      Tensor col = Im2Col.im2col(x, g);
      int oh = g.outHeight();
      int ow = g.outWidth();
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < g.channels(); c++) {
          for (int ky = 0; ky < g.kernelH(); ky++) {
            for (int kx = 0; kx < g.kernelW(); kx++) {
              for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                  int iy = oy * g.strideH() - g.padH() + ky;
                  int ix = ox * g.strideW() - g.padW() + kx;
                  boolean inside = iy >= 0 && iy < g.height() && ix >= 0 && ix < g.width();
                  float expected = inside ? x.get(i, c, iy, ix) : 0f;
                  int row = (c * g.kernelH() + ky) * g.kernelW() + kx;
                  assertEquals(expected, col.get(row, (i * oh + oy) * ow + ox), g + " at image " + i + ", c " + c
                      + ", k (" + ky + ", " + kx + "), out (" + oy + ", " + ox + ")");
                }
              }
            }
          }
        }
      }
    }
  }

  @Test
  void col2imOfIm2colMultipliesEachPixelByItsWindowCount() {
    SplittableRandom rng = new SplittableRandom(2);
    for (Im2Col.Geometry g : geometries()) {
      int n = 3;
      // Small integers keep every sum exact in float.
      Tensor x = Tensor.zeros(n, g.channels(), g.height(), g.width());
      float[] d = x.data();
      for (int i = 0; i < d.length; i++) {
        d[i] = rng.nextInt(-8, 9);
      }
      Tensor back = Im2Col.col2im(Im2Col.im2col(x, g), n, g);
      for (int i = 0; i < x.size(); i++) {
        int ix = i % g.width();
        int iy = (i / g.width()) % g.height();
        int count = covering(iy, g.height(), g.kernelH(), g.strideH(), g.padH(), g.outHeight())
            * covering(ix, g.width(), g.kernelW(), g.strideW(), g.padW(), g.outWidth());
        // Delta 0: exact, but a pixel no window covers may come back as +0 for a -0 expectation.
        assertEquals(x.data()[i] * count, back.data()[i], 0f, g + " at flat index " + i);
      }
    }
  }

  /** How many windows along one axis cover input position {@code pos}. */
  private static int covering(int pos, int size, int kernel, int stride, int pad, int outSize) {
    int count = 0;
    for (int o = 0; o < outSize; o++) {
      for (int k = 0; k < kernel; k++) {
        count += o * stride - pad + k == pos ? 1 : 0;
      }
    }
    assertTrue(pos < size);
    return count;
  }

  @Test
  void unfoldWritesExactlyItsBlockInsideAWiderMatrix() {
    Im2Col.Geometry g = Im2Col.Geometry.square(2, 5, 4, 3, 1, 1);
    int rows = g.colRows();
    int cols = g.colCols();
    int ld = cols + 7;
    int off = 3;
    float[] image = new float[g.imageSize() + 5];
    for (int i = 0; i < image.length; i++) {
      image[i] = i + 1;
    }
    float[] col = new float[off + rows * ld];
    Arrays.fill(col, Float.NaN);
    Im2Col.unfold(image, 5, g, col, off, ld);
    for (int i = 0; i < col.length; i++) {
      int r = (i - off) / ld;
      int q = (i - off) % ld;
      boolean inBlock = i >= off && r < rows && q < cols;
      assertEquals(inBlock, !Float.isNaN(col[i]), "index " + i);
    }
    // Folding the block back adds into the image and leaves the rest of the array alone.
    float[] dst = new float[g.imageSize() + 2];
    dst[0] = 42f;
    Im2Col.foldAdd(col, off, ld, g, dst, 1);
    assertEquals(42f, dst[0]);
    assertEquals(0f, dst[dst.length - 1]);
    // Interior pixel (2, 2) of channel 0 lies in all 9 windows of a 3x3 kernel at stride 1.
    assertEquals(9 * image[5 + 2 * 4 + 2], dst[1 + 2 * 4 + 2]);
  }

  @Test
  void unfoldOverwritesStaleValuesWithPaddingZeros() {
    for (Im2Col.Geometry g : geometries()) {
      float[] col = new float[g.colRows() * g.colCols()];
      Arrays.fill(col, 99f);
      Im2Col.unfold(new float[g.imageSize()], 0, g, col, 0, g.colCols());
      assertArrayEquals(new float[col.length], col, g.toString());
    }
  }

  @Test
  void geometryRejectsBadSizesWithAMessageNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Im2Col.Geometry.square(1, 3, 3, 5, 1, 0));
    assertEquals("window geometry: kernel 5x5 is larger than the padded input 3x3 (input [1, 3, 3], kernel 5x5,"
        + " stride 1x1, padding 0x0)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Im2Col.Geometry.square(1, 3, 3, 2, 0, 0));
    assertTrue(e.getMessage().contains("stride 0x0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Im2Col.Geometry.square(1, 3, 3, 2, 1, -1));
  }

  @Test
  void tensorEntryPointsCheckShapes() {
    Im2Col.Geometry g = Im2Col.Geometry.square(2, 4, 4, 3, 1, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Im2Col.im2col(Tensor.zeros(1, 3, 4, 4), g));
    assertEquals("im2col: input [1, 3, 4, 4] does not match input [2, 4, 4], kernel 3x3, stride 1x1, padding 0x0:"
        + " expected [N, 2, 4, 4]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Im2Col.col2im(Tensor.zeros(18, 5), 1, g));
    assertTrue(e.getMessage().startsWith("col2im: columns [18, 5] do not match batch 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Im2Col.unfold(new float[31], 0, g, new float[72], 0, 4));
    assertTrue(e.getMessage().startsWith("unfold: image at 0 of 31 floats"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Im2Col.foldAdd(new float[71], 0, 4, g, new float[32], 0));
  }
}
