package dev.deepzero.nn.layers;

import dev.deepzero.tensor.Im2Col;
import dev.deepzero.tensor.Tensor;

/**
 * The windows of a square pooling layer over one input size, clipped to the image: window {@code (oy, ox)}
 * covers rows {@code [rowLo[oy], rowHi[oy])} and columns {@code [colLo[ox], colHi[ox])}. Precomputing the
 * bounds keeps the pooling loops free of per-element padding tests. Shared by {@link MaxPool2d} and
 * {@link AvgPool2d}.
 */
final class PoolWindows {

  final Im2Col.Geometry geometry;
  final int[] rowLo;
  final int[] rowHi;
  final int[] colLo;
  final int[] colHi;

  private PoolWindows(Im2Col.Geometry g) {
    this.geometry = g;
    int oh = g.outHeight();
    int ow = g.outWidth();
    rowLo = new int[oh];
    rowHi = new int[oh];
    colLo = new int[ow];
    colHi = new int[ow];
    clip(g.strideH(), g.padH(), g.kernelH(), g.height(), rowLo, rowHi);
    clip(g.strideW(), g.padW(), g.kernelW(), g.width(), colLo, colHi);
  }

  private static void clip(int stride, int pad, int kernel, int size, int[] lo, int[] hi) {
    for (int o = 0; o < lo.length; o++) {
      int start = o * stride - pad;
      lo[o] = Math.max(start, 0);
      hi[o] = Math.min(start + kernel, size);
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
    if (x.rank() != 4) {
      throw new IllegalArgumentException(layer + ": input " + x.shapeString() + " must be [N, C, H, W]");
    }
    int h = x.dim(2);
    int w = x.dim(3);
    if (x.dim(1) == 0 || kernel > h + 2 * padding || kernel > w + 2 * padding) {
      throw new IllegalArgumentException(layer + ": kernel " + kernel + "x" + kernel + " does not fit input "
          + x.shapeString() + " padded by " + padding + " (" + (h + 2 * padding) + "x" + (w + 2 * padding) + ")");
    }
    return new PoolWindows(Im2Col.Geometry.square(x.dim(1), h, w, kernel, stride, padding));
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
}
