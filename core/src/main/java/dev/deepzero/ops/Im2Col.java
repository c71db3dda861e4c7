package dev.deepzero.ops;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * im2col and col2im: unfold the sliding windows of a convolution into the columns of a matrix, so that the
 * convolution becomes one matrix product (the "Deep Learning from Scratch" and Caffe approach).
 *
 * <p>Column layout, for one image {@code x [C, H, W]} and a {@link Geometry} {@code g}:
 * <pre>
 * col [C·KH·KW, OH·OW],  row r = (c·KH + ky)·KW + kx,  column q = oy·OW + ox
 * col[r][q] = x[c][oy·SH - PH + ky][ox·SW - PW + kx]   (0 where that index falls in the padding)
 * OH = (H + 2·PH - KH) / SH + 1,  OW = (W + 2·PW - KW) / SW + 1
 * </pre>
 * The rows follow the order of a PyTorch weight {@code [F, C, KH, KW]} flattened to {@code [F, C·KH·KW]}, so
 * {@code W · col} is the convolution output {@code [F, OH·OW]}, which is one image of an NCHW tensor. Each
 * image's block may sit at any offset of a wider matrix (row stride {@code ldCol >= OH·OW}), so several images
 * can share one matrix side by side.
 *
 * <p>{@link #col2im} is the adjoint: it <em>adds</em> each column entry back into the pixel it came from, so
 * a pixel covered by several windows (stride below the kernel size) receives the sum of their gradients.
 */
public final class Im2Col {

  private static final Kernels KERNELS = KernelProvider.get();

  private Im2Col() {}

  /**
   * The shape of a 2-D sliding-window operation on a {@code [C, H, W]} image: kernel, stride and zero padding
   * for each axis.
   *
   * @param channels C
   * @param height H, the unpadded input height
   * @param width W, the unpadded input width
   * @param kernelH KH
   * @param kernelW KW
   * @param strideH SH
   * @param strideW SW
   * @param padH PH, added above and below
   * @param padW PW, added left and right
   */
  public record Geometry(int channels, int height, int width, int kernelH, int kernelW, int strideH, int strideW,
      int padH, int padW) {

    /**
     * Checks that every size is positive (padding non-negative) and that the kernel fits the padded input.
     *
     * @throws IllegalArgumentException naming the offending sizes
     */
    public Geometry {
      if (channels <= 0 || height <= 0 || width <= 0 || kernelH <= 0 || kernelW <= 0 || strideH <= 0
          || strideW <= 0 || padH < 0 || padW < 0) {
        throw new IllegalArgumentException("window geometry: need positive channels, input, kernel and stride and"
            + " non-negative padding; got " + describe(channels, height, width, kernelH, kernelW, strideH, strideW,
            padH, padW));
      }
      if (kernelH > height + 2 * padH || kernelW > width + 2 * padW) {
        throw new IllegalArgumentException("window geometry: kernel " + kernelH + "x" + kernelW
            + " is larger than the padded input " + (height + 2 * padH) + "x" + (width + 2 * padW) + " ("
            + describe(channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW) + ")");
      }
    }

    /** A geometry with the same kernel, stride and padding on both axes. */
    public static Geometry square(int channels, int height, int width, int kernel, int stride, int padding) {
      return new Geometry(channels, height, width, kernel, kernel, stride, stride, padding, padding);
    }

    /** OH = (H + 2·PH - KH) / SH + 1. */
    public int outHeight() {
      return (height + 2 * padH - kernelH) / strideH + 1;
    }

    /** OW = (W + 2·PW - KW) / SW + 1. */
    public int outWidth() {
      return (width + 2 * padW - kernelW) / strideW + 1;
    }

    /** The rows of one image's column matrix: C·KH·KW. */
    public int colRows() {
      return channels * kernelH * kernelW;
    }

    /** The columns of one image's column matrix: OH·OW. */
    public int colCols() {
      return outHeight() * outWidth();
    }

    /**
     * Whether the column matrix of an image is the image itself, {@code [C, H·W]}: a 1x1 kernel, stride 1, no
     * padding. Convolution then multiplies the input in place, with no unfold and no fold.
     */
    public boolean isPointwise() {
      return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
    }

    /** The elements of one input image: C·H·W. */
    public int imageSize() {
      return channels * height * width;
    }

    @Override
    public String toString() {
      return describe(channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW);
    }

    private static String describe(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
      return "input [" + c + ", " + h + ", " + w + "], kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw
          + ", padding " + ph + "x" + pw;
    }
  }

  /**
   * Unfolds a batch {@code [N, C, H, W]} into {@code [C·KH·KW, N·OH·OW]}: image {@code n} fills columns
   * {@code [n·OH·OW, (n+1)·OH·OW)}.
   *
   * @param x Not modified
   * @throws IllegalArgumentException if {@code x} is not {@code [N, C, H, W]} with the geometry's C, H and W
   */
  public static Tensor im2col(Tensor x, Geometry g) {
    int n = checkBatch("im2col", x, g);
    int cols = g.colCols();
    Tensor col = Tensor.zeros(g.colRows(), n * cols);
    for (int i = 0; i < n; i++) {
      unfold(x.data(), i * g.imageSize(), g, col.data(), i * cols, n * cols);
    }
    return col;
  }

  /**
   * Folds {@code [C·KH·KW, N·OH·OW]} back into a batch {@code [N, C, H, W]}, summing overlapping entries: the
   * adjoint of {@link #im2col(Tensor, Geometry)}.
   *
   * @param col Not modified
   * @param batch N
   * @throws IllegalArgumentException if {@code col} is not {@code [C·KH·KW, N·OH·OW]}
   */
  public static Tensor col2im(Tensor col, int batch, Geometry g) {
    int cols = g.colCols();
    if (batch <= 0 || col.rank() != 2 || col.dim(0) != g.colRows() || col.dim(1) != batch * cols) {
      throw new IllegalArgumentException("col2im: columns " + col.shapeString() + " do not match batch " + batch
          + " and " + g + ": expected [" + g.colRows() + ", " + batch * cols + "]");
    }
    Tensor x = Tensor.zeros(batch, g.channels(), g.height(), g.width());
    for (int i = 0; i < batch; i++) {
      foldAdd(col.data(), i * cols, batch * cols, g, x.data(), i * g.imageSize());
    }
    return x;
  }

  /**
   * Unfolds one image {@code x[xOff .. xOff + C·H·W)} into the block {@code [C·KH·KW, OH·OW]} that starts at
   * {@code col[colOff]} with row stride {@code ldCol}; every entry of the block is written (padding as 0).
   *
   * @param x Not modified
   * @param col Modified: only the block
   * @throws IllegalArgumentException if the image or the block does not fit its array
   */
  public static void unfold(float[] x, int xOff, Geometry g, float[] col, int colOff, int ldCol) {
    checkFlat("unfold", x, xOff, g, col, colOff, ldCol);
    int h = g.height;
    int w = g.width;
    int oh = g.outHeight();
    int ow = g.outWidth();
    int sh = g.strideH;
    int sw = g.strideW;
    int r = 0;
    for (int c = 0; c < g.channels; c++) {
      int plane = xOff + c * h * w;
      for (int ky = 0; ky < g.kernelH; ky++) {
        // Output rows whose input row oy·SH - PH + ky is inside the image: [oyLo, oyHi).
        int oyLo = firstInside(g.padH - ky, sh);
        int oyHi = Math.min(oh, lastInside(h - 1 + g.padH - ky, sh) + 1);
        for (int kx = 0; kx < g.kernelW; kx++, r++) {
          int oxLo = Math.min(ow, firstInside(g.padW - kx, sw));
          int oxHi = Math.max(oxLo, Math.min(ow, lastInside(w - 1 + g.padW - kx, sw) + 1));
          int rowBase = colOff + r * ldCol;
          if (oyHi <= oyLo || oxHi <= oxLo) {
            Arrays.fill(col, rowBase, rowBase + oh * ow, 0f);
            continue;
          }
          if (sh == 1 && sw == 1 && ow == w) {
            sameSizeRow(x, plane + (ky - g.padH) * w + kx - g.padW, col, rowBase, w, oh, oyLo, oyHi, oxLo, oxHi);
            continue;
          }
          Arrays.fill(col, rowBase, rowBase + oyLo * ow, 0f);
          if (sw == 1 && oxLo == 0 && oxHi == ow) {
            // No padding column in any row (an unpadded layer): all its rows in one kernel call, where a call
            // per row of ten pixels (lenet's second layer) cost more than the copying.
            KERNELS.copyRows(x, plane + (oyLo * sh - g.padH + ky) * w - g.padW + kx, sh * w, col,
                rowBase + oyLo * ow, ow, oyHi - oyLo, ow);
          } else {
            for (int oy = oyLo; oy < oyHi; oy++) {
              int dst = rowBase + oy * ow;
              // src is where ox = 0 would read; only [oxLo, oxHi) is inside the image.
              int src = plane + (oy * sh - g.padH + ky) * w - g.padW + kx;
              Arrays.fill(col, dst, dst + oxLo, 0f);
              if (sw == 1) {
                System.arraycopy(x, src + oxLo, col, dst + oxLo, oxHi - oxLo);
              } else {
                for (int ox = oxLo; ox < oxHi; ox++) {
                  col[dst + ox] = x[src + ox * sw];
                }
              }
              Arrays.fill(col, dst + oxHi, dst + ow, 0f);
            }
          }
          Arrays.fill(col, rowBase + oyHi * ow, rowBase + oh * ow, 0f);
        }
      }
    }
  }

  /**
   * One unfolded row of a stride-1 convolution whose output is as wide as its input ({@code 2·P = K - 1}, as
   * 3x3 with padding 1): output pixel {@code t = oy·W + ox} reads input pixel {@code t + shift}, so the row is one
   * copy of the plane, shifted, whose few pixels that wrapped around a row edge (columns outside
   * {@code [oxLo, oxHi)}) and rows outside {@code [oyLo, oyHi)} are then zeroed as padding. Deep networks' 7x7
   * and 14x14 planes unfolded 3-5 times faster this way than row by row, where each short row cost three calls.
   *
   * @param from the input index that output pixel 0 reads, {@code plane + shift}
   */
  private static void sameSizeRow(float[] x, int from, float[] col, int rowBase, int w, int oh, int oyLo,
      int oyHi, int oxLo, int oxHi) {
    int tLo = oyLo * w + oxLo;
    int tHi = (oyHi - 1) * w + oxHi;
    Arrays.fill(col, rowBase, rowBase + tLo, 0f);
    // Every index read lies between those of tLo and tHi - 1, which are inside the plane.
    System.arraycopy(x, from + tLo, col, rowBase + tLo, tHi - tLo);
    Arrays.fill(col, rowBase + tHi, rowBase + oh * w, 0f);
    for (int oy = oyLo; oy < oyHi; oy++) {
      int row = rowBase + oy * w;
      for (int ox = 0; ox < oxLo; ox++) {
        col[row + ox] = 0f;
      }
      for (int ox = oxHi; ox < w; ox++) {
        col[row + ox] = 0f;
      }
    }
  }

  /**
   * Adds the block {@code [C·KH·KW, OH·OW]} at {@code col[colOff]} (row stride {@code ldCol}) into one image
   * {@code dst[dstOff .. dstOff + C·H·W)}: each entry goes to the pixel {@link #unfold} read it from, and
   * entries from the padding are dropped.
   *
   * @param col Modified only where {@link #unfold} would write padding: those entries may be set to zero (the
   *     fast path of stride-1 convolutions whose output is as wide as the input adds whole rows at once)
   * @param dst Modified: accumulated into, not overwritten
   * @throws IllegalArgumentException if the image or the block does not fit its array
   */
  public static void foldAdd(float[] col, int colOff, int ldCol, Geometry g, float[] dst, int dstOff) {
    checkFlat("foldAdd", dst, dstOff, g, col, colOff, ldCol);
    int h = g.height;
    int w = g.width;
    int oh = g.outHeight();
    int ow = g.outWidth();
    int sh = g.strideH;
    int sw = g.strideW;
    int r = 0;
    for (int c = 0; c < g.channels; c++) {
      int plane = dstOff + c * h * w;
      for (int ky = 0; ky < g.kernelH; ky++) {
        int oyLo = firstInside(g.padH - ky, sh);
        int oyHi = Math.min(oh, lastInside(h - 1 + g.padH - ky, sh) + 1);
        for (int kx = 0; kx < g.kernelW; kx++, r++) {
          int oxLo = Math.min(ow, firstInside(g.padW - kx, sw));
          int oxHi = Math.max(oxLo, Math.min(ow, lastInside(w - 1 + g.padW - kx, sw) + 1));
          int rowBase = colOff + r * ldCol;
          if (sh == 1 && sw == 1 && ow == w && oyLo < oyHi && oxLo < oxHi) {
            sameSizeRowAdd(col, rowBase, plane + (ky - g.padH) * w + kx - g.padW, dst, w, oyLo, oyHi, oxLo, oxHi);
            continue;
          }
          if (sw == 1 && oxLo == 0 && oxHi == ow) {
            // As in unfold: an unpadded layer's rows in one kernel call.
            KERNELS.addRows(col, rowBase + oyLo * ow, ow, dst, plane + (oyLo * sh - g.padH + ky) * w - g.padW + kx,
                sh * w, oyHi - oyLo, ow);
            continue;
          }
          for (int oy = oyLo; oy < oyHi; oy++) {
            int src = rowBase + oy * ow;
            int to = plane + (oy * sh - g.padH + ky) * w - g.padW + kx;
            if (sw == 1) {
              // The vector kernel: 1.08-1.10x lenet's training against a loop (see sameSizeRowAdd).
              KERNELS.add(dst, to + oxLo, col, src + oxLo, dst, to + oxLo, oxHi - oxLo);
            } else {
              for (int ox = oxLo; ox < oxHi; ox++) {
                dst[to + ox * sw] += col[src + ox];
              }
            }
          }
        }
      }
    }
  }

  /**
   * The inverse of {@link #sameSizeRow}, adding: the row's entries from the padding columns are zeroed in
   * {@code col}, then the whole row is added in one loop, so those entries add nothing (each pixel still gets
   * one addition per unfolded row, in the same order as row by row).
   *
   * @param to the output index that unfolded pixel 0 goes to, {@code plane + shift}
   */
  private static void sameSizeRowAdd(float[] col, int rowBase, int to, float[] dst, int w, int oyLo, int oyHi,
      int oxLo, int oxHi) {
    for (int oy = oyLo; oy < oyHi; oy++) {
      int row = rowBase + oy * w;
      for (int ox = 0; ox < oxLo; ox++) {
        col[row + ox] = 0f;
      }
      for (int ox = oxHi; ox < w; ox++) {
        col[row + ox] = 0f;
      }
    }
    int t = oyLo * w + oxLo;
    // Through the vector kernel, as in foldAdd's other rows: 1.10x the plain loop on the detector's 16 -> 32
    // layer (backward included). C2 left such loops, reading one array and adding into another at a different
    // offset, at about 1 ns per element (0.09 when the offsets are equal).
    KERNELS.add(dst, to + t, col, rowBase + t, dst, to + t, (oyHi - 1) * w + oxHi - t);
  }

  /** The first output index o >= 0 with o·stride >= offset, i.e. ceil(offset / stride) clamped at 0. */
  private static int firstInside(int offset, int stride) {
    return offset <= 0 ? 0 : (offset + stride - 1) / stride;
  }

  /** The last output index o with o·stride <= limit, i.e. floor(limit / stride); -1 when limit is negative. */
  private static int lastInside(int limit, int stride) {
    return Math.floorDiv(limit, stride);
  }

  private static int checkBatch(String op, Tensor x, Geometry g) {
    if (x.rank() != 4 || x.dim(1) != g.channels() || x.dim(2) != g.height() || x.dim(3) != g.width()) {
      throw new IllegalArgumentException(op + ": input " + x.shapeString() + " does not match " + g
          + ": expected [N, " + g.channels() + ", " + g.height() + ", " + g.width() + "]");
    }
    return x.dim(0);
  }

  private static void checkFlat(String op, float[] image, int imageOff, Geometry g, float[] col, int colOff,
      int ldCol) {
    int cols = g.colCols();
    long colEnd = colOff + (long) (g.colRows() - 1) * ldCol + cols;
    if (imageOff < 0 || (long) imageOff + g.imageSize() > image.length || colOff < 0 || ldCol < cols
        || colEnd > col.length) {
      throw new IllegalArgumentException(op + ": image at " + imageOff + " of " + image.length
          + " floats or column block [" + g.colRows() + ", " + cols + "] at " + colOff + " with row stride " + ldCol
          + " of " + col.length + " floats does not fit (" + g + ")");
    }
  }
}
