package dev.deepzero.nn.layers;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Parameter;
import dev.deepzero.tensor.Im2Col;
import dev.deepzero.tensor.Initializer;
import dev.deepzero.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library), the articles' Convolution layer:
 * im2col, then a matrix product with the weight, col2im in backward.
 *
 * <pre>
 * y[n, f, oy, ox] = b[f] + Σ_{c, ky, kx} W[f, c, ky, kx] · x[n, c, oy·S - P + ky, ox·S - P + kx]
 *                  (x is 0 outside the image: zero padding)
 * Shape: input [N, C, H, W] -> output [N, F, OH, OW]
 *        OH = (H + 2P - KH)/S + 1,  OW = (W + 2P - KW)/S + 1   (integer division)
 * weight [F, C, KH, KW] (PyTorch's layout), bias [F]
 * backward, per image n, with col_n = im2col(x_n) [C·KH·KW, OH·OW] and g_n = gradOutput_n [F, OH·OW]:
 *   dW += g_n · col_nᵀ,  db += Σ_{oy, ox} g_n,  gradInput_n = col2im(Wᵀ · g_n)
 * </pre>
 *
 * <p>Images are processed in parallel; the weight and bias gradients are summed per fixed block of images and the
 * blocks added in order, so results are bit-identical for any number of threads.
 *
 * <p>Layout choice: one GEMM per image, {@code W [F, C·KH·KW] · col_n [C·KH·KW, OH·OW] = [F, OH·OW]}, which is
 * already image n of the NCHW output, rather than the articles' single GEMM over the whole batch
 * ({@code col [N·OH·OW, C·KH·KW] · Wᵀ}, which yields NHWC and needs a transpose back). Per image, the column
 * block ({@code C·KH·KW·OH·OW} floats: 57 KB for the MNIST net) stays in cache between im2col and the GEMM and
 * is reused for the backward, where the whole-batch matrix would be N times larger (5.8 MB at batch 100, and
 * hundreds of MB for large feature maps); it is also why backward recomputes im2col from the cached input
 * instead of keeping the columns: re-unfolding costs a copy, keeping them costs N·C·KH·KW·OH·OW floats. The
 * only reordering left is the copy of each GEMM result into the output, fused with the bias add (and in
 * backward, the copy of gradOutput fused with the bias gradient). On the articles' MNIST layer (batch 100,
 * 1x28x28, 30 filters 5x5) with the scalar kernels, this was about 10% faster than the whole-batch GEMM in
 * both directions.
 */
public final class Conv2d implements Layer {

  private final int inChannels;
  private final int outChannels;
  private final int kernelSize;
  private final int stride;
  private final int padding;
  private final Parameter weight;
  private final Parameter bias;
  private Tensor input;
  private Im2Col.Geometry geometry;

  // Images per partial sum of the weight gradient: fixed, so results do not depend on the thread count, and
  // small enough that a batch of 100 gives both cores several blocks.
  private static final int IMAGES_PER_BLOCK = 8;
  // Most unfolded rows (in channels x kernel area) for which the weight gradient is taken as row dot products.
  private static final int ROW_DOTS_MAX_ROWS = 32;
  // Small output planes are multiplied a group of images at a time, their unfolded columns side by side in one
  // matrix [C·KH·KW, G·OH·OW], so that each product has enough columns to fill the register tiles (a 7x7 plane's
  // 49 columns fill two panels of 32 at 77%; eight images' 392 fill thirteen at 94%) and packs its operands once
  // for G images. G is the smallest power of two up to IMAGES_PER_BLOCK that reaches GROUP_COLUMNS columns;
  // planes of GROUP_COLUMNS pixels or more (the articles' 24x24) go one image at a time.
  private static final int GROUP_COLUMNS = 256;
  private static final Kernels KERNELS = KernelProvider.get();
  // Per thread, grown as needed and kept: the unfolded columns of a group of images, and the group's product
  // (forward) or gathered output gradient (backward). Worker threads have no workspace, and allocating these
  // in every call was a third of the bytes a deep-cnn step allocated.
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);
  private static final int COLUMNS = 0;
  private static final int PRODUCT = 1;

  /** A stride-1, unpadded convolution with He-normal weights and zero bias. */
  public Conv2d(int inChannels, int outChannels, int kernelSize, SplittableRandom rng) {
    this(inChannels, outChannels, kernelSize, 1, 0, rng);
  }

  /** A convolution with He-normal weights, N(0, 2/(C·KH·KW)), suited to ReLU networks, and zero bias. */
  public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, SplittableRandom rng) {
    this(inChannels, outChannels, kernelSize, stride, padding, Initializer.heNormal(), rng);
  }

  /**
   * A convolution whose weights are drawn by {@code init} (with fanIn = C·KH·KW, fanOut = F·KH·KW) and whose
   * bias is zero.
   *
   * @param inChannels C
   * @param outChannels F, the number of filters
   * @param kernelSize KH = KW
   * @param stride S, on both axes
   * @param padding P, zeros added on every side
   */
  public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Initializer init,
      SplittableRandom rng) {
    this(init.sample(rng, checkPositive(inChannels, "inChannels") * checkPositive(kernelSize, "kernelSize")
            * kernelSize, checkPositive(outChannels, "outChannels") * kernelSize * kernelSize,
        outChannels, inChannels, kernelSize, kernelSize), Tensor.zeros(outChannels), stride, padding);
  }

  /**
   * A convolution with the given weight {@code [F, C, K, K]} and bias {@code [F]}, which become its live
   * parameters.
   */
  public Conv2d(Tensor weight, Tensor bias, int stride, int padding) {
    weight.requireRank("Conv2d weight", 4);
    bias.requireRank("Conv2d bias", 1);
    if (bias.dim(0) != weight.dim(0) || weight.dim(2) != weight.dim(3)) {
      throw new IllegalArgumentException("Conv2d: weight " + weight.shapeString() + " and bias "
          + bias.shapeString() + " do not form [F, C, K, K] and [F]");
    }
    if (stride <= 0 || padding < 0) {
      throw new IllegalArgumentException("Conv2d: stride must be positive and padding non-negative, got stride "
          + stride + ", padding " + padding);
    }
    this.outChannels = weight.dim(0);
    this.inChannels = weight.dim(1);
    this.kernelSize = weight.dim(2);
    this.stride = stride;
    this.padding = padding;
    this.weight = new Parameter("weight", weight);
    this.bias = new Parameter("bias", bias);
  }

  private static int checkPositive(int v, String what) {
    if (v <= 0) {
      throw new IllegalArgumentException("Conv2d: " + what + " must be positive, got " + v);
    }
    return v;
  }

  /** The weight parameter, {@code [F, C, KH, KW]}. */
  public Parameter weight() {
    return weight;
  }

  /** The bias parameter, {@code [F]}. */
  public Parameter bias() {
    return bias;
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    if (x.rank() != 4 || x.dim(1) != inChannels) {
      throw new IllegalArgumentException("Conv2d: input " + x.shapeString() + " does not fit weight "
          + weight.value().shapeString() + ": expected [N, " + inChannels + ", H, W]");
    }
    Im2Col.Geometry g = geometry(x);
    int n = x.dim(0);
    int rows = g.colRows();
    int cols = g.colCols();
    Tensor out = Tensor.empty(n, outChannels, g.outHeight(), g.outWidth());
    float[] y = out.data();
    float[] w = weight.value().data();
    float[] b = bias.value().data();
    float[] in = x.data();
    int group = imagesPerGroup(cols);
    // Groups of images are independent: each thread unfolds and multiplies its own, so no element depends on
    // how the batch was split. A lone image's product goes straight into the output; a group's is copied there
    // image by image.
    Parallel.common().forRange((n + group - 1) / group, 1, (fromGroup, toGroup) -> {
      float[] col = scratch(COLUMNS, rows * group * cols);
      float[] product = group > 1 ? scratch(PRODUCT, outChannels * group * cols) : null;
      for (int first = fromGroup * group, end = Math.min(n, toGroup * group); first < end; first += group) {
        int images = Math.min(group, n - first);
        int width = images * cols;
        for (int j = 0; j < images; j++) {
          Im2Col.unfold(in, (first + j) * g.imageSize(), g, col, j * cols, width);
        }
        int base = first * outChannels * cols;
        if (images == 1) {
          KERNELS.sgemm(false, false, outChannels, cols, rows, w, 0, rows, col, 0, cols, 0f, y, base, cols);
        } else {
          KERNELS.sgemm(false, false, outChannels, width, rows, w, 0, rows, col, 0, width, 0f, product, 0, width);
          for (int j = 0; j < images; j++) {
            for (int f = 0; f < outChannels; f++) {
              System.arraycopy(product, f * width + j * cols, y, base + (j * outChannels + f) * cols, cols);
            }
          }
        }
        for (int plane = 0; plane < images * outChannels; plane++) {
          float bf = b[plane % outChannels];
          for (int q = base + plane * cols, stop = q + cols; q < stop; q++) {
            y[q] += bf;
          }
        }
      }
    });
    input = x;
    geometry = g;
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    return backward(gradOutput, true);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Without the input gradient, the column gradient {@code Wᵀ · g_n} and col2im are skipped: for a network's
   * first convolution that is a third of its backward pass.
   */
  @Override
  public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
    Im2Col.Geometry g = geometry;
    int[] outShape = g == null ? null
        : new int[] {input.dim(0), outChannels, g.outHeight(), g.outWidth()};
    Tensor x = Cache.checkBackward("Conv2d", input, outShape, gradOutput);
    int n = x.dim(0);
    int rows = g.colRows();
    int cols = g.colCols();
    float[] w = weight.value().data();
    float[] go = gradOutput.data();
    float[] in = x.data();
    // From the step's workspace: each image's part is zeroed by the thread that folds into it, just before.
    Tensor gradInput = needInputGradient ? Tensor.empty(x.shape()) : null;
    // dW and db sum over images. Each fixed block of IMAGES_PER_BLOCK images sums into its own partial, and the
    // partials are added in block order: the same arithmetic whatever the number of threads.
    int blocks = (n + IMAGES_PER_BLOCK - 1) / IMAGES_PER_BLOCK;
    int wSize = outChannels * rows;
    float[] partialW = Tensor.empty(blocks * wSize).data(); // each block zeroes its own partial
    double[] partialB = new double[blocks * outChannels];
    int group = imagesPerGroup(cols); // divides IMAGES_PER_BLOCK, so groups never straddle blocks
    Parallel.common().forRange(blocks, 1, (fromBlock, toBlock) -> {
      float[] col = scratch(COLUMNS, rows * group * cols);
      float[] grads = group > 1 ? scratch(PRODUCT, outChannels * group * cols) : null;
      for (int block = fromBlock; block < toBlock; block++) {
        Arrays.fill(partialW, block * wSize, (block + 1) * wSize, 0f);
        int blockEnd = Math.min(n, (block + 1) * IMAGES_PER_BLOCK);
        for (int first = block * IMAGES_PER_BLOCK; first < blockEnd; first += group) {
          int images = Math.min(group, blockEnd - first);
          int width = images * cols;
          int base = first * outChannels * cols;
          for (int plane = 0; plane < images * outChannels; plane++) {
            // A vector sum: one serial chain of double adds over every output pixel cost a third of backward.
            partialB[block * outChannels + plane % outChannels] += KERNELS.sum(go, base + plane * cols, cols);
          }
          for (int j = 0; j < images; j++) {
            Im2Col.unfold(in, (first + j) * g.imageSize(), g, col, j * cols, width);
          }
          // The group's output gradient as one matrix [F, width]: a lone image's is in place, a group's is
          // gathered image by image.
          float[] gm = go;
          int gOff = base;
          if (images > 1) {
            for (int j = 0; j < images; j++) {
              for (int f = 0; f < outChannels; f++) {
                System.arraycopy(go, base + (j * outChannels + f) * cols, grads, f * width + j * cols, cols);
              }
            }
            gm = grads;
            gOff = 0;
          }
          // dW_block += g · colᵀ. With few unfolded rows (a first layer: 25 for 1 channel and 5x5) as row dot
          // products read in place, where sgemm would spend as long packing a transposed col as multiplying;
          // with more, each row would be re-read too often, and sgemm's packed tiles win (3x on the detector).
          if (rows <= ROW_DOTS_MAX_ROWS) {
            KERNELS.accumulateRowDots(outChannels, rows, width, gm, gOff, width, col, 0, width, partialW,
                block * wSize, rows);
          } else {
            KERNELS.sgemm(false, true, outChannels, rows, width, gm, gOff, width, col, 0, width, 1f,
                partialW, block * wSize, rows);
          }
          if (gradInput != null) {
            // col is no longer needed: reuse it for the column gradient Wᵀ · g, folded back image by image.
            KERNELS.sgemm(true, false, rows, width, outChannels, w, 0, rows, gm, gOff, width, 0f, col, 0, width);
            for (int j = 0; j < images; j++) {
              int image = (first + j) * g.imageSize();
              Arrays.fill(gradInput.data(), image, image + g.imageSize(), 0f);
              Im2Col.foldAdd(col, j * cols, width, g, gradInput.data(), image);
            }
          }
        }
      }
    });
    float[] dw = weight.grad().data();
    float[] db = bias.grad().data();
    for (int block = 0; block < blocks; block++) {
      KERNELS.axpy(1f, partialW, block * wSize, dw, 0, wSize);
      for (int f = 0; f < outChannels; f++) {
        db[f] += (float) partialB[block * outChannels + f];
      }
    }
    return gradInput;
  }

  /** This thread's scratch array {@code which}, at least {@code size} floats long; its contents are unspecified. */
  private static float[] scratch(int which, int size) {
    float[][] arrays = SCRATCH.get();
    if (arrays[which].length < size) {
      arrays[which] = new float[size];
    }
    return arrays[which];
  }

  /** Images per product for output planes of {@code cols} pixels (see GROUP_COLUMNS). */
  static int imagesPerGroup(int cols) {
    int group = 1;
    while (group < IMAGES_PER_BLOCK && group * cols < GROUP_COLUMNS) {
      group *= 2;
    }
    return group;
  }

  private Im2Col.Geometry geometry(Tensor x) {
    if (kernelSize > x.dim(2) + 2 * padding || kernelSize > x.dim(3) + 2 * padding) {
      throw new IllegalArgumentException("Conv2d: kernel " + kernelSize + "x" + kernelSize + " is larger than input "
          + x.shapeString() + " padded by " + padding + " (" + (x.dim(2) + 2 * padding) + "x"
          + (x.dim(3) + 2 * padding) + ")");
    }
    return Im2Col.Geometry.square(inChannels, x.dim(2), x.dim(3), kernelSize, stride, padding);
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(weight, bias);
  }

  @Override
  public boolean samplewiseInEval() {
    return true;
  }

  @Override
  public LayerConfig config() {
    return LayerConfig.of("Conv2d", "in", inChannels, "out", outChannels, "kernel", kernelSize, "stride", stride,
        "padding", padding);
  }

  @Override
  public String toString() {
    return "Conv2d(" + inChannels + " -> " + outChannels + ", " + kernelSize + "x" + kernelSize + ", stride "
        + stride + ", pad " + padding + ")";
  }
}
