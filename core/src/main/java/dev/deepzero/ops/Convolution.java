package dev.deepzero.ops;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * 2-D convolution as im2col plus matrix products, scheduled over the thread pool: the machinery under
 * {@code nn.layers.Conv2d}, which holds the formulas.
 *
 * <pre>
 * forward, per image n:  y_n = W · col_n + b              col_n = im2col(x_n) [C·KH·KW, OH·OW], W [F, C·KH·KW]
 * backward, per image n: dW += g_n · col_nᵀ,  db += Σ_{oy, ox} g_n,  gradInput_n = col2im(Wᵀ · g_n)
 * </pre>
 *
 * <p>Layout choice: one product per image, {@code W · col_n = [F, OH·OW]}, which is already image n of the
 * NCHW output, rather than the articles' single product over the whole batch ({@code col [N·OH·OW, C·KH·KW] ·
 * Wᵀ}, which yields NHWC and needs a transpose back). Per image, the column block ({@code C·KH·KW·OH·OW}
 * floats: 57 KB for the MNIST net) stays in cache between im2col and the product and is reused for the
 * backward, where the whole-batch matrix would be N times larger (5.8 MB at batch 100, and hundreds of MB for
 * large feature maps); it is also why backward recomputes im2col from the input instead of keeping the
 * columns: re-unfolding costs a copy, keeping them costs N·C·KH·KW·OH·OW floats. On the articles' MNIST layer
 * (batch 100, 1x28x28, 30 filters 5x5) with the scalar kernels, this was about 10% faster than the whole-batch
 * product in both directions.
 *
 * <p>Small output planes are multiplied a group of images at a time (see {@link #imagesPerGroup}). Groups are
 * tasks of {@link Parallel#forTasks}, taken by whichever thread is free; the weight and bias gradients are
 * summed per block of images fixed by the batch size and the blocks added in order, so results are
 * bit-identical for any number of threads and any order the threads take the tasks in.
 *
 * <p>3x3 stride-1 convolutions with enough channels and images ({@link Winograd#suits}) go to {@link Winograd}
 * instead, in both directions: same results to rounding, from fewer multiplications.
 *
 * <p>Memory: outputs and each chunk's scratch (unfolded columns, a group's product) come from {@link
 * Tensor#empty}, so inside a training step or prediction slice they are the last one's memory again.
 */
public final class Convolution {

  private static final Kernels KERNELS = KernelProvider.get();

  // Most images multiplied as one group (see imagesPerGroup).
  private static final int MAX_GROUP = 8;
  // Backward sums the weight gradient in about this many blocks of whole groups, whatever the batch size: enough
  // tasks for the threads to share out evenly, few enough partial sums to keep and add.
  private static final int WEIGHT_GRADIENT_BLOCKS = 16;
  // Most unfolded rows (in channels x kernel area) for which the weight gradient is taken as row dot products.
  private static final int ROW_DOTS_MAX_ROWS = 32;
  // Small output planes are multiplied a group of images at a time, their unfolded columns side by side in one
  // matrix [C·KH·KW, G·OH·OW], so that each product has enough columns to fill the register tiles (a 7x7 plane's
  // 49 columns fill two panels of 32 at 77%; eight images' 392 fill thirteen at 94%) and packs its operands once
  // for G images. G is the smallest power of two up to MAX_GROUP that reaches GROUP_COLUMNS columns; planes of
  // GROUP_COLUMNS pixels or more (the articles' 24x24) go one image at a time.
  private static final int GROUP_COLUMNS = 256;

  private Convolution() {}

  /**
   * {@code y[n, f] = W[f] · im2col(x_n) + b[f]}.
   *
   * @param x {@code [N, C, H, W]} matching {@code g}; Not modified
   * @param weight {@code [F, C, KH, KW]}; Not modified
   * @param bias {@code [F]}; Not modified
   * @return {@code [N, F, OH, OW]}, from {@link Tensor#empty}
   */
  public static Tensor forward(Tensor x, Tensor weight, Tensor bias, Im2Col.Geometry g) {
    return forward(x, weight, bias, g, null);
  }

  /**
   * What inference applies to each output plane right after its product, while it is still in cache, in place
   * of the eval-mode BatchNorm and activation layers that follow the convolution (each a pass over the whole
   * output): {@code v = y + b_f}, then with a norm {@code v = γ_f·((v - μ_f)·invStd_f) + β_f}, then with an
   * activation {@code v = v > 0 ? v : slope·v}. These are the float operations of {@link ChannelNorm#normalize}
   * and of the Leaky ReLU kernels, in their order, so the result is the same to the bit as running the layers
   * one by one.
   *
   * @param mean μ per output channel, or null for no norm (then {@code invStd}, {@code gamma}, {@code beta} too)
   * @param activate whether the Leaky ReLU (ReLU for slope 0) follows
   */
  public record Epilogue(float[] mean, float[] invStd, float[] gamma, float[] beta, boolean activate,
      float slope) {

    // One loop per step, each over a plane still in cache: plain arithmetic loops the JIT vectorises, and the
    // activation through the vector kernel (one loop with the branches inside ran scalar, and mispredicted on
    // the signs: slower than the separate layers).
    void apply(float[] y, int from, int to, int channel, float bias) {
      addBias(y, from, to, bias);
      if (mean != null) {
        float m = mean[channel];
        float s = invStd[channel];
        float g = gamma[channel];
        float t = beta[channel];
        for (int q = from; q < to; q++) {
          y[q] = g * ((y[q] - m) * s) + t;
        }
      }
      if (activate) {
        KERNELS.leakyRelu(slope, y, from, y, from, to - from);
      }
    }
  }

  static void addBias(float[] y, int from, int to, float bias) {
    for (int q = from; q < to; q++) {
      y[q] += bias;
    }
  }

  /**
   * {@link #forward(Tensor, Tensor, Tensor, Im2Col.Geometry)} followed by an {@link Epilogue} on each output
   * plane (inference only: nothing is kept for a backward pass).
   *
   * @param epilogue or null for the bias alone
   */
  public static Tensor forward(Tensor x, Tensor weight, Tensor bias, Im2Col.Geometry g, Epilogue epilogue) {
    int n = x.dim(0);
    int outChannels = weight.dim(0);
    if (Winograd.suits(g, outChannels, n)) {
      return Winograd.forward(x, weight, bias, g, epilogue);
    }
    int rows = g.colRows();
    int cols = g.colCols();
    Tensor out = Tensor.empty(n, outChannels, g.outHeight(), g.outWidth());
    float[] y = out.data();
    float[] w = weight.data();
    float[] b = bias.data();
    float[] in = x.data();
    int group = imagesPerGroup(cols);
    int groups = (n + group - 1) / group;
    boolean pointwise = g.isPointwise();
    // Groups of images are independent: each task unfolds and multiplies one in its thread's scratch, so no
    // element depends on which thread took it. A lone image's product goes straight into the output; a group's
    // is copied there image by image.
    Parallel pool = Parallel.common();
    int colSize = rows * group * cols;
    int scratchSize = colSize + (group > 1 ? outChannels * group * cols : 0);
    float[] scratch = Tensor.empty(pool.slots(groups) * scratchSize).data();
    pool.forTasks(groups, (slot, task) -> {
      int col = slot * scratchSize;
      int product = col + colSize;
      int first = task * group;
      int images = Math.min(group, n - first);
      int width = images * cols;
      int base = first * outChannels * cols;
      if (images == 1) {
        // A 1x1 convolution's columns are the image itself: multiplied in place.
        float[] columns = pointwise ? in : scratch;
        int columnsOff = pointwise ? first * g.imageSize() : col;
        if (!pointwise) {
          Im2Col.unfold(in, first * g.imageSize(), g, scratch, col, cols);
        }
        KERNELS.sgemm(false, false, outChannels, cols, rows, w, 0, rows, columns, columnsOff, cols, 0f, y, base,
            cols);
      } else {
        for (int j = 0; j < images; j++) {
          Im2Col.unfold(in, (first + j) * g.imageSize(), g, scratch, col + j * cols, width);
        }
        KERNELS.sgemm(false, false, outChannels, width, rows, w, 0, rows, scratch, col, width, 0f, scratch,
            product, width);
        for (int j = 0; j < images; j++) {
          for (int f = 0; f < outChannels; f++) {
            System.arraycopy(scratch, product + f * width + j * cols, y, base + (j * outChannels + f) * cols,
                cols);
          }
        }
      }
      for (int plane = 0; plane < images * outChannels; plane++) {
        int f = plane % outChannels;
        int from = base + plane * cols;
        if (epilogue != null) {
          epilogue.apply(y, from, from + cols, f, b[f]);
        } else {
          addBias(y, from, from + cols, b[f]);
        }
      }
    });
    return out;
  }

  /**
   * Adds {@code Σ_n g_n · col_nᵀ} into {@code weightGrad} and {@code Σ g} into {@code biasGrad}, and returns
   * {@code gradInput = col2im(Wᵀ · g_n)} per image. Without the input gradient the column gradient and col2im
   * are skipped: for a network's first convolution that is a third of its backward pass.
   *
   * @param x the forward input, {@code [N, C, H, W]}; Not modified
   * @param weight {@code [F, C, KH, KW]}; Not modified
   * @param gradOutput {@code [N, F, OH, OW]}; Not modified
   * @param weightGrad Modified: {@code +=}
   * @param biasGrad Modified: {@code +=}
   * @return {@code [N, C, H, W]} from {@link Tensor#empty}, or null when {@code needInputGradient} is false
   */
  public static Tensor backward(Tensor x, Tensor weight, Tensor gradOutput, Im2Col.Geometry g, Tensor weightGrad,
      Tensor biasGrad, boolean needInputGradient) {
    int n = x.dim(0);
    int outChannels = weight.dim(0);
    if (Winograd.suits(g, outChannels, n)) {
      return Winograd.backward(x, weight, gradOutput, g, weightGrad, biasGrad, needInputGradient);
    }
    int rows = g.colRows();
    int cols = g.colCols();
    float[] w = weight.data();
    float[] go = gradOutput.data();
    float[] in = x.data();
    // Reused memory: each image's part is zeroed by the task that folds into it, just before, on its core.
    Tensor gradInput = needInputGradient ? Tensor.empty(x.shape()) : null;
    float[] gi = needInputGradient ? gradInput.data() : null;
    // dW and db sum over images. Each block of imagesPerBlock images (whole groups, fixed by the batch size) is a
    // task that sums into its own partial, and the partials are added in block order: the same arithmetic
    // whatever the number of threads, and whichever thread takes a block.
    int group = imagesPerGroup(cols);
    int blockImages = imagesPerBlock(n, group);
    int blocks = (n + blockImages - 1) / blockImages;
    int wSize = outChannels * rows;
    float[] partialW = Tensor.empty(blocks * wSize).data(); // each block zeroes its own partial
    double[] partialB = new double[blocks * outChannels];
    boolean pointwise = g.isPointwise();
    Parallel pool = Parallel.common();
    int colSize = rows * group * cols;
    int scratchSize = colSize + (group > 1 ? outChannels * group * cols : 0);
    float[] scratch = Tensor.empty(pool.slots(blocks) * scratchSize).data();
    pool.forTasks(blocks, (slot, block) -> {
      int col = slot * scratchSize;
      int grads = col + colSize;
      Arrays.fill(partialW, block * wSize, (block + 1) * wSize, 0f);
      int blockEnd = Math.min(n, (block + 1) * blockImages);
      for (int first = block * blockImages; first < blockEnd; first += group) {
        int images = Math.min(group, blockEnd - first);
        int width = images * cols;
        int base = first * outChannels * cols;
        for (int plane = 0; plane < images * outChannels; plane++) {
          // A vector sum: one serial chain of double adds over every output pixel cost a third of backward.
          partialB[block * outChannels + plane % outChannels] += KERNELS.sum(go, base + plane * cols, cols);
        }
        // The group's columns as one matrix [C·KH·KW, width]: a lone image of a 1x1 convolution is its own.
        boolean inPlace = pointwise && images == 1;
        float[] columns = inPlace ? in : scratch;
        int columnsOff = inPlace ? first * g.imageSize() : col;
        if (!inPlace) {
          for (int j = 0; j < images; j++) {
            Im2Col.unfold(in, (first + j) * g.imageSize(), g, scratch, col + j * cols, width);
          }
        }
        // The group's output gradient as one matrix [F, width]: a lone image's is in place, a group's is
        // gathered image by image.
        float[] gm = go;
        int gOff = base;
        if (images > 1) {
          for (int j = 0; j < images; j++) {
            for (int f = 0; f < outChannels; f++) {
              System.arraycopy(go, base + (j * outChannels + f) * cols, scratch, grads + f * width + j * cols,
                  cols);
            }
          }
          gm = scratch;
          gOff = grads;
        }
        // dW_block += g · colᵀ. With few unfolded rows (a first layer: 25 for 1 channel and 5x5) as row dot
        // products read in place, where sgemm would spend as long packing a transposed col as multiplying;
        // with more, each row would be re-read too often, and sgemm's packed tiles win (3x on the detector).
        if (rows <= ROW_DOTS_MAX_ROWS) {
          KERNELS.accumulateRowDots(outChannels, rows, width, gm, gOff, width, columns, columnsOff, width,
              partialW, block * wSize, rows);
        } else {
          KERNELS.sgemm(false, true, outChannels, rows, width, gm, gOff, width, columns, columnsOff, width, 1f,
              partialW, block * wSize, rows);
        }
        if (gi != null && inPlace) {
          // A 1x1 convolution's column gradient is the input gradient itself.
          KERNELS.sgemm(true, false, rows, width, outChannels, w, 0, rows, gm, gOff, width, 0f, gi,
              first * g.imageSize(), width);
        } else if (gi != null) {
          // The columns are no longer needed: their memory takes the column gradient Wᵀ · g, folded back
          // image by image.
          KERNELS.sgemm(true, false, rows, width, outChannels, w, 0, rows, gm, gOff, width, 0f, scratch, col,
              width);
          for (int j = 0; j < images; j++) {
            int image = (first + j) * g.imageSize();
            Arrays.fill(gi, image, image + g.imageSize(), 0f);
            Im2Col.foldAdd(scratch, col + j * cols, width, g, gi, image);
          }
        }
      }
    });
    float[] dw = weightGrad.data();
    float[] db = biasGrad.data();
    for (int block = 0; block < blocks; block++) {
      KERNELS.axpy(1f, partialW, block * wSize, dw, 0, wSize);
      for (int f = 0; f < outChannels; f++) {
        db[f] += (float) partialB[block * outChannels + f];
      }
    }
    return gradInput;
  }

  /**
   * Images per product for output planes of {@code cols} pixels: the smallest power of two up to
   * {@value #MAX_GROUP} whose planes together reach {@value #GROUP_COLUMNS} columns.
   */
  static int imagesPerGroup(int cols) {
    int group = 1;
    while (group < MAX_GROUP && group * cols < GROUP_COLUMNS) {
      group *= 2;
    }
    return group;
  }

  /**
   * Images per weight-gradient block of a batch of {@code n}: whole groups of {@code group}, as few as make at
   * most {@value #WEIGHT_GRADIENT_BLOCKS} blocks.
   */
  static int imagesPerBlock(int n, int group) {
    int groups = (n + group - 1) / group;
    return group * ((groups + WEIGHT_GRADIENT_BLOCKS - 1) / WEIGHT_GRADIENT_BLOCKS);
  }
}
