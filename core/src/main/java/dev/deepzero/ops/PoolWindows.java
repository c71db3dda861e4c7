package dev.deepzero.ops;

import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * The windows of a square pooling layer over one input size, clipped to the image. Window row {@code oy} covers
 * input rows {@code [rowLo[oy], rowHi[oy])}; window {@code ox} starts at column {@code colLo[ox]}; kernel
 * column {@code kx} reads an image column (not the padding) exactly for outputs {@code ox} in
 * {@code [tapLo[kx], tapHi[kx])}, at column {@code ox·S - P + kx}.
 *
 * <p>The pooling loops visit, for each output row, each window row {@code iy} and tap {@code kx}, and then run
 * along the output row: the innermost loop is OW long instead of K long (2 for the usual 2x2 pooling, where a
 * JIT-compiled loop's setup costs more than its body), and the precomputed ranges keep it free of padding
 * tests. Each window still sees its elements in row-major order. Used by {@link Pooling}.
 */
final class PoolWindows {

  final Im2Col.Geometry geometry;
  final int[] rowLo;
  final int[] rowHi;
  final int[] colLo;
  final int[] tapLo;
  final int[] tapHi;

  private PoolWindows(Im2Col.Geometry g) {
    this.geometry = g;
    int oh = g.outHeight();
    int ow = g.outWidth();
    int s = g.strideW();
    int p = g.padW();
    rowLo = new int[oh];
    rowHi = new int[oh];
    for (int oy = 0; oy < oh; oy++) {
      int start = oy * g.strideH() - g.padH();
      rowLo[oy] = Math.max(start, 0);
      rowHi[oy] = Math.min(start + g.kernelH(), g.height());
    }
    colLo = new int[ow];
    for (int ox = 0; ox < ow; ox++) {
      colLo[ox] = Math.max(ox * s - p, 0);
    }
    tapLo = new int[g.kernelW()];
    tapHi = new int[g.kernelW()];
    for (int kx = 0; kx < tapLo.length; kx++) {
      // ox·S - P + kx in [0, W)  <=>  ceil((P - kx)/S) <= ox <= floor((W - 1 + P - kx)/S)
      tapLo[kx] = Math.min(ow, p - kx <= 0 ? 0 : (p - kx + s - 1) / s);
      tapHi[kx] = Math.max(tapLo[kx], Math.min(ow, Math.floorDiv(g.width() - 1 + p - kx, s) + 1));
    }
  }

  /**
   * Checks a pooling layer's options. Padding is limited to half the kernel (PyTorch's rule), so every window
   * holds at least one real pixel.
   */
  static void checkOptions(String layer, int kernel, int stride, int padding) {
    if (kernel <= 0 || stride <= 0 || padding < 0 || padding > kernel / 2) {
      throw new IllegalArgumentException(layer + ": need kernel > 0, stride > 0 and 0 <= padding <= kernel / 2;"
          + " got kernel " + kernel + ", stride " + stride + ", padding " + padding);
    }
  }

  /** The windows for input {@code x}, which must be {@code [N, C, H, W]} with the kernel fitting the padded input. */
  static PoolWindows of(String layer, Tensor x, int kernel, int stride, int padding) {
    return of(layer, x.shape(), kernel, stride, padding);
  }

  /** The windows for an input of shape {@code [N, C, H, W]}, with the kernel fitting the padded input. */
  static PoolWindows of(String layer, int[] shape, int kernel, int stride, int padding) {
    if (shape.length != 4) {
      throw new IllegalArgumentException(layer + ": input " + Arrays.toString(shape) + " must be [N, C, H, W]");
    }
    int h = shape[2];
    int w = shape[3];
    if (shape[1] == 0 || kernel > h + 2 * padding || kernel > w + 2 * padding) {
      throw new IllegalArgumentException(layer + ": kernel " + kernel + "x" + kernel + " does not fit input "
          + Arrays.toString(shape) + " padded by " + padding + " (" + (h + 2 * padding) + "x" + (w + 2 * padding)
          + ")");
    }
    return new PoolWindows(Im2Col.Geometry.square(shape[1], h, w, kernel, stride, padding));
  }

  /** The output shape for a batch of {@code n}: {@code [N, C, OH, OW]}. */
  int[] outputShape(int n) {
    return new int[] {n, geometry.channels(), geometry.outHeight(), geometry.outWidth()};
  }

  /** H·W. */
  int inPlane() {
    return geometry.height() * geometry.width();
  }

  /** OH·OW. */
  int outPlane() {
    return rowLo.length * colLo.length;
  }

  /** OW. */
  int outWidth() {
    return colLo.length;
  }
}
