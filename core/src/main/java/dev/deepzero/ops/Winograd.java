package dev.deepzero.ops;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.tensor.Tensor;
import java.util.Arrays;

/**
 * 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2015): the same results as {@link Convolution}'s im2col products, to rounding,
 * from 16 multiplications per 2x2 block of outputs and input channel instead of 36.
 *
 * <pre>
 * per 2x2 output tile t of image n, its 4x4 input patch d_t (rows 2ty - p .. 2ty - p + 3, likewise columns):
 *   U_f,c = G · w_f,c · Gᵀ                      (4x4, once per call)
 *   V_c,t = Bᵀ · d_c,t · B                      (4x4)
 *   M_f,t[ξ] = Σ_c U_f,c[ξ] · V_c,t[ξ]           for each of the 16 positions ξ: a product [F, C] · [C, T]
 *   y_f,t = Aᵀ · M_f,t · A + b_f                (2x2)
 * backward (the forward is linear in U and V):
 *   dU_f,c[ξ] = Σ_t (A · dy_f,t · Aᵀ)[ξ] · V_c,t[ξ]   a product [F, T] · [T, C]ᵀ,  dw_f,c = Gᵀ · dU_f,c · G
 *   dx = the same forward on dy, padded by 2 - p, with w'_c,f = w_f,c turned 180 degrees
 *
 *   Bᵀ = | 1  0 -1  0 |    G = | 1    0    0   |    Aᵀ = | 1  1  1  0 |
 *        | 0  1  1  0 |        | 1/2  1/2  1/2 |         | 0  1 -1 -1 |
 *        | 0 -1  1  0 |        | 1/2 -1/2  1/2 |
 *        | 0  1  0 -1 |        | 0    0    1   |
 * </pre>
 *
 * <p>Why: the im2col product spends 9·C multiply-adds per output; this spends 4·C (16 per 4 outputs), plus
 * transforms that are additions only. The 16 products have the channel counts for depth (k = C forward, F for
 * the input gradient) and the tiles of a group of images for width, so they pay where channels are many and
 * planes small (deep-cnn's second and third layers, the detector's middle), which is where im2col's products
 * were slowest. {@link #suits} holds the measured rule.
 *
 * <p>A NaN or infinity in an input tile reaches all four outputs of the tile (the transforms mix its 16 pixels,
 * and 0 · ∞ is NaN), where im2col reaches only the windows that contain it: a NaN input still gives NaN outputs,
 * and a NaN loss in training, but around it more outputs are NaN than with im2col.
 *
 * <p>Scheduling follows {@link Convolution}: groups of images are tasks of {@link Parallel#forTasks}, each
 * transformed and multiplied in its thread's scratch; the weight gradient is summed per block of images fixed by
 * the batch size and the blocks added in order. Results are bit-identical for any number of threads.
 */
public final class Winograd {

  private static final Kernels KERNELS = KernelProvider.get();

  // Positions of the 4x4 transformed tile.
  private static final int XI = 16;
  // Images per group, interleaved a pixel of each to a point (see Plan): a 256-bit vector of floats.
  private static final int LANES = 8;
  // Fewest input and output channels for which Winograd beats im2col (see suits).
  private static final int MIN_CHANNELS = 32;
  // Most floats of V and M for one group (64 MB; the detector's 32 -> 64 layer at 224 pixels needs 38).
  private static final long MAX_GROUP_FLOATS = 1L << 24;

  private Winograd() {}

  /**
   * Whether a convolution of {@code images} images of this geometry with {@code outChannels} filters runs here
   * rather than as im2col products. The rule, from alternating the two on each shape (see the README):
   * <ul>
   *   <li>a 3x3 kernel, stride 1, the same padding of at most 2 on both axes (the input gradient's is 2 - p);
   *   <li>at least {@value #MIN_CHANNELS} input and output channels: the 16 products are [F, C] · [C, tiles], and
   *       shallower ones do not pay for the transforms (the detector's 16 -> 32 layer: 0.66x forward);
   *   <li>images filling at least three quarters of the groups of {@value #LANES} they take: the missing
   *       images of the last group cost as much as real ones (3 images: 0.73x);
   *   <li>a group's transformed input and products (16 · (C + F) floats per tile and image) within
   *       {@value #MAX_GROUP_FLOATS} floats: each thread holds them for 8 images at once, where im2col holds
   *       one image's columns, so large planes (64 channels on 512x512: 2 GB) stay with im2col.
   * </ul>
   */
  public static boolean suits(Im2Col.Geometry g, int outChannels, int images) {
    if (g.kernelH() != 3 || g.kernelW() != 3 || g.strideH() != 1 || g.strideW() != 1 || g.padH() != g.padW()
        || g.padH() > 2 || g.channels() < MIN_CHANNELS || outChannels < MIN_CHANNELS) {
      return false;
    }
    int groups = (images + LANES - 1) / LANES;
    long tiles = (long) ((g.outHeight() + 1) / 2) * ((g.outWidth() + 1) / 2) * LANES;
    return 4 * images >= 3 * groups * LANES
        && XI * ((long) g.channels() + outChannels) * tiles <= MAX_GROUP_FLOATS;
  }

  /**
   * {@link Convolution#forward(Tensor, Tensor, Tensor, Im2Col.Geometry, Convolution.Epilogue)} for a geometry
   * that {@link #suits}.
   *
   * @param x {@code [N, C, H, W]}; Not modified
   * @param weight {@code [F, C, 3, 3]}; Not modified
   * @param bias {@code [F]}; Not modified
   * @param epilogue or null for the bias alone
   * @return {@code [N, F, OH, OW]}, from {@link Tensor#empty}
   */
  public static Tensor forward(Tensor x, Tensor weight, Tensor bias, Im2Col.Geometry g,
      Convolution.Epilogue epilogue) {
    int n = x.dim(0);
    int outChannels = weight.dim(0);
    Tensor out = Tensor.empty(n, outChannels, g.outHeight(), g.outWidth());
    Plan plan = new Plan(g.channels(), g.height(), g.width(), g.padH(), outChannels);
    float[] u = transformWeights(weight.data(), outChannels, g.channels(), false);
    int group = LANES;
    int groups = (n + group - 1) / group;
    Parallel pool = Parallel.common();
    int scratchSize = plan.scratchSize();
    float[] scratch = Tensor.empty(pool.slots(groups) * scratchSize).data();
    float[] in = x.data();
    float[] y = out.data();
    float[] b = bias.data();
    pool.forTasks(groups, (slot, task) -> {
      int first = task * group;
      int images = Math.min(group, n - first);
      plan.convolve(in, first, images, u, epilogue == null ? b : null, y, scratch, slot * scratchSize);
      if (epilogue != null) {
        int planeSize = plan.outHeight * plan.outWidth;
        for (int plane = first * outChannels; plane < (first + images) * outChannels; plane++) {
          int f = plane % outChannels;
          epilogue.apply(y, plane * planeSize, (plane + 1) * planeSize, f, b[f]);
        }
      }
    });
    return out;
  }

  /**
   * {@link Convolution#backward} for a geometry that {@link #suits}: adds the weight and bias gradients and
   * returns the input gradient (null when not needed).
   */
  public static Tensor backward(Tensor x, Tensor weight, Tensor gradOutput, Im2Col.Geometry g, Tensor weightGrad,
      Tensor biasGrad, boolean needInputGradient) {
    int n = x.dim(0);
    int channels = g.channels();
    int outChannels = weight.dim(0);
    int pad = g.padH();
    Plan forward = new Plan(channels, g.height(), g.width(), pad, outChannels);
    // The input gradient is a forward convolution of the output gradient, padded by 2 - p, with the filters
    // turned 180 degrees and input and output channels exchanged.
    Plan inputGradient = new Plan(outChannels, forward.outHeight, forward.outWidth, 2 - pad, channels);
    float[] uTurned = needInputGradient ? transformWeights(weight.data(), outChannels, channels, true) : null;
    int group = LANES;
    int blockImages = Convolution.imagesPerBlock(n, group);
    int blocks = (n + blockImages - 1) / blockImages;
    int uSize = XI * outChannels * channels;
    float[] partialU = Tensor.empty(blocks * uSize).data(); // each block zeroes its own partial
    double[] partialB = new double[blocks * outChannels];
    Parallel pool = Parallel.common();
    int scratchSize = Math.max(forward.scratchSize(), needInputGradient ? inputGradient.scratchSize() : 0);
    float[] scratch = Tensor.empty(pool.slots(blocks) * scratchSize).data();
    Tensor gradInput = needInputGradient ? Tensor.empty(x.shape()) : null;
    float[] in = x.data();
    float[] go = gradOutput.data();
    float[] gi = needInputGradient ? gradInput.data() : null;
    int planeSize = forward.outHeight * forward.outWidth;
    pool.forTasks(blocks, (slot, block) -> {
      int at = slot * scratchSize;
      Arrays.fill(partialU, block * uSize, (block + 1) * uSize, 0f);
      int blockEnd = Math.min(n, (block + 1) * blockImages);
      for (int first = block * blockImages; first < blockEnd; first += group) {
        int images = Math.min(group, blockEnd - first);
        for (int plane = first * outChannels; plane < (first + images) * outChannels; plane++) {
          partialB[block * outChannels + plane % outChannels] += KERNELS.sum(go, plane * planeSize, planeSize);
        }
        forward.accumulateWeightGradient(in, go, first, images, partialU, block * uSize, scratch, at);
        if (gi != null) {
          inputGradient.convolve(go, first, images, uTurned, null, gi, scratch, at);
        }
      }
    });
    // The blocks' partials added in block order, each element on its own (split between the threads by range,
    // vectorised: summing them filter by filter, strided across 16 positions and every block, took a quarter of
    // the backward pass), then transformed back to 3x3.
    float[] dU = Tensor.empty(uSize).data();
    pool.forRange(uSize, 64, (from, to) -> {
      System.arraycopy(partialU, from, dU, from, to - from);
      for (int block = 1; block < blocks; block++) {
        KERNELS.axpy(1f, partialU, block * uSize + from, dU, from, to - from);
      }
    });
    addWeightGradient(dU, outChannels, channels, weightGrad.data());
    float[] db = biasGrad.data();
    for (int block = 0; block < blocks; block++) {
      for (int f = 0; f < outChannels; f++) {
        db[f] += (float) partialB[block * outChannels + f];
      }
    }
    return gradInput;
  }

  /**
   * {@code U[ξ][f][c] = (G · w_f,c · Gᵀ)[ξ]} for weights {@code [F, C, 3, 3]}; with {@code turned}, the
   * transform of {@code w'[c][f] = w[f][c]} turned 180 degrees, laid out {@code [ξ][c][f]}.
   */
  static float[] transformWeights(float[] w, int outChannels, int channels, boolean turned) {
    float[] u = Tensor.empty(XI * outChannels * channels).data();
    // Filters are independent: shared out between the threads (alone, this was 7% of a forward pass).
    Parallel.common().forRange(outChannels, 1, (fromFilter, toFilter) -> {
      float[] k = new float[9];
      float[] t = new float[12];
      for (int f = fromFilter; f < toFilter; f++) {
        transformFilter(w, f, outChannels, channels, turned, k, t, u);
      }
    });
    return u;
  }

  private static void transformFilter(float[] w, int f, int outChannels, int channels, boolean turned, float[] k,
      float[] t, float[] u) {
    for (int c = 0; c < channels; c++) {
      int from = (f * channels + c) * 9;
      for (int i = 0; i < 9; i++) {
        k[i] = w[from + (turned ? 8 - i : i)];
      }
      // t = G · k (4x3), then G · k · Gᵀ (4x4), row by row.
      for (int j = 0; j < 3; j++) {
        float k0 = k[j];
        float k1 = k[3 + j];
        float k2 = k[6 + j];
        t[j] = k0;
        t[3 + j] = 0.5f * (k0 + k1 + k2);
        t[6 + j] = 0.5f * (k0 - k1 + k2);
        t[9 + j] = k2;
      }
      int rowsF = turned ? channels : outChannels;
      int colsC = turned ? outChannels : channels;
      int at = turned ? c * outChannels + f : f * channels + c;
      for (int i = 0; i < 4; i++) {
        float t0 = t[3 * i];
        float t1 = t[3 * i + 1];
        float t2 = t[3 * i + 2];
        int xi = 4 * i;
        u[(xi) * rowsF * colsC + at] = t0;
        u[(xi + 1) * rowsF * colsC + at] = 0.5f * (t0 + t1 + t2);
        u[(xi + 2) * rowsF * colsC + at] = 0.5f * (t0 - t1 + t2);
        u[(xi + 3) * rowsF * colsC + at] = t2;
      }
    }
  }

  /** {@code dw_f,c += Gᵀ · dU_f,c · G} for {@code dU} laid out {@code [ξ][f][c]}, filters split between threads. */
  private static void addWeightGradient(float[] dU, int outChannels, int channels, float[] dw) {
    Parallel.common().forRange(outChannels, 1, (fromFilter, toFilter) -> {
      float[] m = new float[16];
      float[] t = new float[12];
      for (int f = fromFilter; f < toFilter; f++) {
        addFilterGradient(dU, f, outChannels, channels, m, t, dw);
      }
    });
  }

  private static void addFilterGradient(float[] dU, int f, int outChannels, int channels, float[] m, float[] t,
      float[] dw) {
    int stride = outChannels * channels;
    for (int c = 0; c < channels; c++) {
      int at = f * channels + c;
      for (int xi = 0; xi < XI; xi++) {
        m[xi] = dU[xi * stride + at];
      }
      // t = Gᵀ · m (3x4), then Gᵀ · m · G (3x3), row by row.
      for (int j = 0; j < 4; j++) {
        float m0 = m[j];
        float m1 = m[4 + j];
        float m2 = m[8 + j];
        float m3 = m[12 + j];
        t[j] = m0 + 0.5f * (m1 + m2);
        t[4 + j] = 0.5f * (m1 - m2);
        t[8 + j] = 0.5f * (m1 + m2) + m3;
      }
      int to = at * 9;
      for (int i = 0; i < 3; i++) {
        float t0 = t[4 * i];
        float t1 = t[4 * i + 1];
        float t2 = t[4 * i + 2];
        float t3 = t[4 * i + 3];
        dw[to + 3 * i] += t0 + 0.5f * (t1 + t2);
        dw[to + 3 * i + 1] += 0.5f * (t1 - t2);
        dw[to + 3 * i + 2] += 0.5f * (t1 + t2) + t3;
      }
    }
  }

  /**
   * One convolution's tiling: {@code channels} input planes of {@code height × width}, padded by {@code pad},
   * into {@code outChannels} planes of {@code outHeight × outWidth} (= input + 2·pad - 2), covered by
   * {@code tilesHigh × tilesWide} tiles of 2x2 outputs (the last row and column of tiles cut short when the
   * output is odd).
   *
   * <p>A group's images are first interleaved, {@value #LANES} to a point ({@code [C][rows][columns][LANES]}),
   * so that the transform kernels hold one pixel of every image in one vector; the 16 products then have a
   * column per tile and image, {@code t = tile·LANES + image}. The last group of a batch fills its missing
   * images with zeros.
   */
  private static final class Plan {
    final int channels;
    final int height;
    final int width;
    final int pad;
    final int outChannels;
    final int outHeight;
    final int outWidth;
    final int tilesHigh;
    final int tilesWide;
    // The interleaved, zero-padded input: 2·tilesHigh + 2 rows of 2·tilesWide + 2 points per channel.
    final int paddedHigh;
    final int paddedWide;
    // Columns of the 16 products: every tile of every image of a group.
    final int tiles;

    Plan(int channels, int height, int width, int pad, int outChannels) {
      this.channels = channels;
      this.height = height;
      this.width = width;
      this.pad = pad;
      this.outChannels = outChannels;
      this.outHeight = height + 2 * pad - 2;
      this.outWidth = width + 2 * pad - 2;
      this.tilesHigh = (outHeight + 1) / 2;
      this.tilesWide = (outWidth + 1) / 2;
      this.paddedHigh = 2 * tilesHigh + 2;
      this.paddedWide = 2 * tilesWide + 2;
      this.tiles = tilesHigh * tilesWide * LANES;
    }

    /**
     * Distance between the 16 positions' matrices of {@code rows × tiles}: one cache line more than their size.
     * The transforms read or write all 16 at once, and at a distance that is a multiple of 4 KB (64 channels by
     * 128 tiles: 32 KB) every one falls in the same L1 set: 2.4x slower transforms.
     */
    private int positionStride(int rows) {
      return rows * tiles + 16;
    }

    // Interleaved planes: the padded input, or the output (and the output gradient), 2·tilesHigh x 2·tilesWide.
    private int interleavedSize() {
      return LANES * Math.max(channels * paddedHigh * paddedWide, outChannels * 4 * tilesHigh * tilesWide);
    }

    /** Scratch for {@link #convolve} and {@link #accumulateWeightGradient}: interleaved planes, V and M. */
    int scratchSize() {
      return interleavedSize() + XI * (positionStride(channels) + positionStride(outChannels));
    }

    /**
     * Images {@code [first, first + images)} of {@code in} convolved with the transformed weights {@code u}
     * ({@code [ξ][outChannels][channels]}) into the same images of {@code out}, plus {@code bias} unless null.
     */
    void convolve(float[] in, int first, int images, float[] u, float[] bias, float[] out, float[] s, int at) {
      int v = at + interleavedSize();
      int m = v + XI * positionStride(channels);
      transformInput(in, first, images, s, at, v);
      for (int xi = 0; xi < XI; xi++) {
        KERNELS.sgemm(false, false, outChannels, tiles, channels, u, xi * outChannels * channels, channels,
            s, v + xi * positionStride(channels), tiles, 0f, s, m + xi * positionStride(outChannels), tiles);
      }
      // M -> interleaved output planes (the input's interleaved planes are no longer needed) -> the images.
      int rowStride = 2 * tilesWide * LANES;
      for (int f = 0; f < outChannels; f++) {
        for (int ty = 0; ty < tilesHigh; ty++) {
          KERNELS.winogradOutputTransform(s, m + f * tiles + ty * tilesWide * LANES, positionStride(outChannels),
              tilesWide, LANES, s, at + (f * 2 * tilesHigh + 2 * ty) * rowStride, rowStride);
        }
      }
      int planeSize = outHeight * outWidth;
      for (int j = 0; j < images; j++) {
        for (int f = 0; f < outChannels; f++) {
          int plane = ((first + j) * outChannels + f) * planeSize;
          float b = bias == null ? 0f : bias[f];
          for (int y = 0; y < outHeight; y++) {
            int from = at + (f * 2 * tilesHigh + y) * rowStride + j;
            int to = plane + y * outWidth;
            if (bias == null) {
              for (int x = 0; x < outWidth; x++) {
                out[to + x] = s[from + x * LANES];
              }
            } else {
              for (int x = 0; x < outWidth; x++) {
                out[to + x] = s[from + x * LANES] + b;
              }
            }
          }
        }
      }
    }

    /**
     * Adds {@code dU[ξ] += (A · dy · Aᵀ)[ξ] · V[ξ]ᵀ} over images {@code [first, first + images)} into
     * {@code du} at {@code duOff}, laid out {@code [ξ][outChannels][channels]}.
     */
    void accumulateWeightGradient(float[] in, float[] gradOut, int first, int images, float[] du, int duOff,
        float[] s, int at) {
      int v = at + interleavedSize();
      int m = v + XI * positionStride(channels);
      transformInput(in, first, images, s, at, v);
      // The output gradient interleaved, zero past the output's edge (a tile cut short) and for missing images.
      int rowStride = 2 * tilesWide * LANES;
      Arrays.fill(s, at, at + outChannels * 2 * tilesHigh * rowStride, 0f);
      int planeSize = outHeight * outWidth;
      for (int j = 0; j < images; j++) {
        for (int f = 0; f < outChannels; f++) {
          int plane = ((first + j) * outChannels + f) * planeSize;
          for (int y = 0; y < outHeight; y++) {
            int to = at + (f * 2 * tilesHigh + y) * rowStride + j;
            int from = plane + y * outWidth;
            for (int x = 0; x < outWidth; x++) {
              s[to + x * LANES] = gradOut[from + x];
            }
          }
        }
      }
      for (int f = 0; f < outChannels; f++) {
        for (int ty = 0; ty < tilesHigh; ty++) {
          KERNELS.winogradGradientTransform(s, at + (f * 2 * tilesHigh + 2 * ty) * rowStride, rowStride, tilesWide,
              LANES, s, m + f * tiles + ty * tilesWide * LANES, positionStride(outChannels));
        }
      }
      for (int xi = 0; xi < XI; xi++) {
        KERNELS.sgemm(false, true, outChannels, channels, tiles, s, m + xi * positionStride(outChannels), tiles,
            s, v + xi * positionStride(channels), tiles, 1f, du, duOff + xi * outChannels * channels, channels);
      }
    }

    /**
     * {@code V[ξ][c][t] = (Bᵀ · d_c,t · B)[ξ]} at {@code s[v..]}: the group's planes interleaved into the
     * zero-padded planes at {@code s[padded..]}, then each row of tiles transformed by the kernel.
     */
    private void transformInput(float[] in, int first, int images, float[] s, int padded, int v) {
      int rowStride = paddedWide * LANES;
      Arrays.fill(s, padded, padded + channels * paddedHigh * rowStride, 0f);
      for (int j = 0; j < images; j++) {
        for (int c = 0; c < channels; c++) {
          int plane = ((first + j) * channels + c) * height * width;
          for (int y = 0; y < height; y++) {
            int to = padded + (c * paddedHigh + y + pad) * rowStride + pad * LANES + j;
            int from = plane + y * width;
            for (int x = 0; x < width; x++) {
              s[to + x * LANES] = in[from + x];
            }
          }
        }
      }
      for (int c = 0; c < channels; c++) {
        for (int ty = 0; ty < tilesHigh; ty++) {
          KERNELS.winogradInputTransform(s, padded + (c * paddedHigh + 2 * ty) * rowStride, rowStride, tilesWide,
              LANES, s, v + c * tiles + ty * tilesWide * LANES, positionStride(channels));
        }
      }
    }
  }
}
