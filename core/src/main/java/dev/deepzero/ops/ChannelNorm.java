package dev.deepzero.ops;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.tensor.Tensor;

/**
 * Per-channel normalisation of {@code [N, C]} or {@code [N, C, H, W]} tensors over axis 1: the channel statistics
 * and loops under {@code nn.layers.BatchNorm}, which holds the formulas.
 *
 * <pre>
 * x̂ = (x - μ_c) · invStd_c,  y = γ_c · x̂ + β_c,  over the M = N (or N·H·W) values of channel c
 * </pre>
 *
 * <p>Channels are independent: each thread owns whole channels, so every sum, and so every result, is the same
 * whatever the number of threads. A channel's values come in runs of H·W contiguous floats, one run per image
 * (runs of 1 for {@code [N, C]} input); each run is summed by the vector kernels and the runs' sums are added in
 * double, in image order.
 */
public final class ChannelNorm {

  private static final Kernels KERNELS = KernelProvider.get();
  // Runs at least this long go to the vector kernels; shorter ones stay in a plain loop, where a kernel call
  // would cost more than it saves.
  private static final int KERNEL_RUN = 32;

  private ChannelNorm() {}

  /**
   * Normalises with the batch's own statistics (training): {@code μ_c} and the biased variance {@code σ²_c} over
   * the batch, {@code invStd_c = 1/sqrt(σ²_c + ε)}. The variance is taken in two passes (the mean, then squared
   * deviations from it): one pass of sums and sums of squares loses it to cancellation when the mean is large.
   *
   * @param x Not modified
   * @param xhat Modified: receives x̂, shaped as {@code x}
   * @param mean Modified: receives μ_c
   * @param invStd Modified: receives invStd_c
   * @param unbiasedVariance Modified: receives {@code σ²_c · M/(M-1)}, for running statistics
   * @return y, from {@link Tensor#empty}
   */
  public static Tensor normalizeWithBatchStatistics(Tensor x, float epsilon, Tensor gamma, Tensor beta,
      Tensor xhat, float[] mean, float[] invStd, float[] unbiasedVariance) {
    return normalize(x, true, epsilon, gamma, beta, xhat, mean, invStd, unbiasedVariance);
  }

  /**
   * Normalises with given statistics (evaluation: the running ones).
   *
   * @param x Not modified
   * @param xhat Modified: receives x̂, shaped as {@code x}
   * @return y, from {@link Tensor#empty}
   */
  public static Tensor normalize(Tensor x, float[] mean, float[] invStd, Tensor gamma, Tensor beta, Tensor xhat) {
    return normalize(x, false, 0f, gamma, beta, xhat, mean, invStd, null);
  }

  private static Tensor normalize(Tensor x, boolean batchStatistics, float epsilon, Tensor gamma, Tensor beta,
      Tensor xhat, float[] mean, float[] inv, float[] unbiasedVariance) {
    int n = x.dim(0);
    int channels = x.dim(1);
    int spatial = x.rank() == 4 ? x.dim(2) * x.dim(3) : 1;
    int perChannel = n * spatial;
    float[] in = x.data();
    float[] xh = xhat.data();
    Tensor y = Tensor.empty(x.shape());
    float[] out = y.data();
    float[] gammas = gamma.data();
    float[] betas = beta.data();
    Parallel.common().forRange(channels, 1, (from, to) -> {
      for (int c = from; c < to; c++) {
        if (batchStatistics) {
          double sum = 0;
          for (int b = 0; b < n; b++) {
            sum += runSum(in, (b * channels + c) * spatial, spatial);
          }
          float mu = (float) (sum / perChannel);
          double sq = 0;
          for (int b = 0; b < n; b++) {
            sq += runSquaredDeviations(in, (b * channels + c) * spatial, spatial, mu);
          }
          mean[c] = mu;
          inv[c] = (float) (1.0 / Math.sqrt(sq / perChannel + epsilon));
          unbiasedVariance[c] = (float) (sq / (perChannel - 1));
        }
        float m = mean[c];
        float s = inv[c];
        float g = gammas[c];
        float t = betas[c];
        for (int b = 0; b < n; b++) {
          for (int i = (b * channels + c) * spatial, end = i + spatial; i < end; i++) {
            float v = (in[i] - m) * s;
            xh[i] = v;
            out[i] = g * v + t;
          }
        }
      }
    });
    return y;
  }

  /**
   * The backward of the normalisation: {@code dγ += Σ g·x̂}, {@code dβ += Σ g}, and
   * {@code gradInput = γ·invStd/M · (M·g - Σg - x̂·Σ(g·x̂))} with batch statistics ({@code γ·invStd·g} with given
   * ones, which do not depend on the input).
   *
   * @param gradOutput Not modified
   * @param xhat x̂ of the forward pass; Not modified
   * @param gammaGrad Modified: {@code +=}
   * @param betaGrad Modified: {@code +=}
   * @return gradInput, from {@link Tensor#empty}
   */
  public static Tensor backward(Tensor gradOutput, Tensor xhat, Tensor gamma, float[] invStd,
      boolean batchStatistics, Tensor gammaGrad, Tensor betaGrad) {
    int[] shape = xhat.shape();
    int n = shape[0];
    int channels = shape[1];
    int spatial = shape.length == 4 ? shape[2] * shape[3] : 1;
    int perChannel = n * spatial;
    float[] g = gradOutput.data();
    float[] xh = xhat.data();
    float[] gammas = gamma.data();
    float[] dGamma = gammaGrad.data();
    float[] dBeta = betaGrad.data();
    Tensor gradInput = Tensor.empty(shape);
    float[] gi = gradInput.data();
    Parallel.common().forRange(channels, 1, (from, to) -> {
      for (int c = from; c < to; c++) {
        double sumG = 0;
        double sumGx = 0;
        for (int b = 0; b < n; b++) {
          int run = (b * channels + c) * spatial;
          sumG += runSum(g, run, spatial);
          sumGx += runDot(g, run, xh, spatial);
        }
        dGamma[c] += (float) sumGx;
        dBeta[c] += (float) sumG;
        float scale = gammas[c] * invStd[c];
        // With batch statistics, they depend on every input: hence the two correction terms.
        float meanG = batchStatistics ? (float) (sumG / perChannel) : 0f;
        float meanGx = batchStatistics ? (float) (sumGx / perChannel) : 0f;
        for (int b = 0; b < n; b++) {
          for (int i = (b * channels + c) * spatial, end = i + spatial; i < end; i++) {
            gi[i] = scale * (g[i] - meanG - xh[i] * meanGx);
          }
        }
      }
    });
    return gradInput;
  }

  private static float runSum(float[] a, int from, int length) {
    if (length >= KERNEL_RUN) {
      return KERNELS.sum(a, from, length);
    }
    float sum = 0f;
    for (int i = from; i < from + length; i++) {
      sum += a[i];
    }
    return sum;
  }

  private static float runSquaredDeviations(float[] a, int from, int length, float center) {
    if (length >= KERNEL_RUN) {
      return KERNELS.sumSquaredDeviations(a, from, length, center);
    }
    float sum = 0f;
    for (int i = from; i < from + length; i++) {
      float d = a[i] - center;
      sum += d * d;
    }
    return sum;
  }

  private static float runDot(float[] a, int from, float[] b, int length) {
    if (length >= KERNEL_RUN) {
      return KERNELS.dot(a, from, b, from, length);
    }
    float sum = 0f;
    for (int i = from; i < from + length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
