package dev.deepzero.nn.layers;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Parameter;
import dev.deepzero.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalisation (Ioffe and Szegedy 2015, https://arxiv.org/abs/1502.03167) over the channel axis 1.
 *
 * <pre>
 * Shape: [N, C] (per feature) or [N, C, H, W] (per channel, statistics over N, H, W) -> same
 * TRAIN: x̂ = (x - μ_B) / sqrt(σ²_B + ε),  y = γ·x̂ + β,  with μ_B, σ²_B (biased) over the batch;
 *        running_mean ← (1-m)·running_mean + m·μ_B,  running_var ← (1-m)·running_var + m·σ²_B·M/(M-1)
 * EVAL:  x̂ = (x - running_mean) / sqrt(running_var + ε)
 * weight γ [C] (starts at 1), bias β [C] (starts at 0); buffers running_mean [C], running_var [C]
 * backward (TRAIN): gradInput = γ/(M·sqrt(σ²_B+ε)) · (M·g - Σg - x̂·Σ(g·x̂)),  dγ += Σ g·x̂,  dβ += Σ g
 * </pre>
 * where M is the number of values per channel (N, or N·H·W) and m the momentum, as in PyTorch.
 */
public final class BatchNorm implements Layer {

  /** Added to the variance before the square root. */
  public static final float DEFAULT_EPSILON = 1e-5f;
  /** Weight of the newest batch in the running statistics. */
  public static final float DEFAULT_MOMENTUM = 0.1f;

  private static final Kernels KERNELS = KernelProvider.get();

  private final int channels;
  private final float epsilon;
  private final float momentum;
  private final Parameter weight;
  private final Parameter bias;
  private final Tensor runningMean;
  private final Tensor runningVar;

  // Cache of the last forward pass.
  private Tensor normalized;
  private float[] invStd;
  private int[] inputShape;
  private boolean trainedLast;

  /** Batch normalisation of {@code channels} features or channels, with the default epsilon and momentum. */
  public BatchNorm(int channels) {
    this(channels, DEFAULT_EPSILON, DEFAULT_MOMENTUM);
  }

  /** Batch normalisation with explicit epsilon and momentum. */
  public BatchNorm(int channels, float epsilon, float momentum) {
    if (channels <= 0 || !(epsilon > 0) || !(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException("BatchNorm: need channels > 0, epsilon > 0, momentum in [0, 1]; got "
          + channels + ", " + epsilon + ", " + momentum);
    }
    this.channels = channels;
    this.epsilon = epsilon;
    this.momentum = momentum;
    this.weight = new Parameter("weight", Tensor.ones(channels));
    this.bias = new Parameter("bias", Tensor.zeros(channels));
    this.runningMean = Tensor.zeros(channels);
    this.runningVar = Tensor.ones(channels);
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    if ((x.rank() != 2 && x.rank() != 4) || x.dim(1) != channels) {
      throw new IllegalArgumentException("BatchNorm: input " + x.shapeString() + " does not fit " + channels
          + " channels: expected [N, " + channels + "] or [N, " + channels + ", H, W]");
    }
    int n = x.dim(0);
    int spatial = x.rank() == 4 ? x.dim(2) * x.dim(3) : 1;
    int perChannel = n * spatial;
    if (mode == Mode.TRAIN && perChannel < 2) {
      throw new IllegalArgumentException("BatchNorm: training needs more than one value per channel, got input "
          + x.shapeString());
    }
    float[] in = x.data();
    float[] mean = new float[channels];
    float[] inv = new float[channels];
    Tensor xhat = Tensor.empty(x.shape());
    Tensor y = Tensor.empty(x.shape());
    float[] xh = xhat.data();
    float[] out = y.data();
    float[] gamma = weight.value().data();
    float[] beta = bias.value().data();
    float[] rm = runningMean.data();
    float[] rv = runningVar.data();
    // Channels are independent: each thread owns whole channels, so every sum, and so every result, is the same
    // whatever the number of threads.
    Parallel.common().forRange(channels, 1, (from, to) -> {
      for (int c = from; c < to; c++) {
        if (mode == Mode.TRAIN) {
          // Two passes (the mean, then squared deviations from it, which xhat holds meanwhile): one pass of
          // sums and sums of squares loses the variance to cancellation when the mean is large. Each image's
          // run of the channel is summed by the vector kernels, the runs' sums in double, in image order.
          double sum = 0;
          for (int b = 0; b < n; b++) {
            sum += runSum(in, (b * channels + c) * spatial, spatial);
          }
          float mu = (float) (sum / perChannel);
          double sq = 0;
          for (int b = 0; b < n; b++) {
            int run = (b * channels + c) * spatial;
            for (int i = run, end = run + spatial; i < end; i++) {
              xh[i] = in[i] - mu;
            }
            sq += runDot(xh, run, xh, spatial);
          }
          mean[c] = mu;
          inv[c] = (float) (1.0 / Math.sqrt(sq / perChannel + epsilon));
          rm[c] = (1 - momentum) * rm[c] + momentum * mu;
          rv[c] = (1 - momentum) * rv[c] + momentum * (float) (sq / (perChannel - 1));
        } else {
          mean[c] = rm[c];
          inv[c] = (float) (1.0 / Math.sqrt(rv[c] + epsilon));
        }
        float m = mean[c];
        float s = inv[c];
        float g = gamma[c];
        float t = beta[c];
        for (int b = 0; b < n; b++) {
          for (int i = (b * channels + c) * spatial, end = i + spatial; i < end; i++) {
            float v = (in[i] - m) * s;
            xh[i] = v;
            out[i] = g * v + t;
          }
        }
      }
    });
    normalized = xhat;
    invStd = inv;
    inputShape = x.shape();
    trainedLast = mode == Mode.TRAIN;
    return y;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Tensor xhat = Cache.checkBackward("BatchNorm", normalized, inputShape, gradOutput);
    int n = inputShape[0];
    int spatial = inputShape.length == 4 ? inputShape[2] * inputShape[3] : 1;
    int perChannel = n * spatial;
    float[] g = gradOutput.data();
    float[] xh = xhat.data();
    float[] gamma = weight.value().data();
    float[] dGamma = weight.grad().data();
    float[] dBeta = bias.grad().data();
    Tensor gradInput = Tensor.empty(inputShape);
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
        float scale = gamma[c] * invStd[c];
        // In training the batch statistics depend on every input, hence the two correction terms.
        float meanG = trainedLast ? (float) (sumG / perChannel) : 0f;
        float meanGx = trainedLast ? (float) (sumGx / perChannel) : 0f;
        for (int b = 0; b < n; b++) {
          for (int i = (b * channels + c) * spatial, end = i + spatial; i < end; i++) {
            gi[i] = scale * (g[i] - meanG - xh[i] * meanGx);
          }
        }
      }
    });
    return gradInput;
  }

  // A channel's values come in runs of H·W contiguous floats, one run per image (runs of 1 for [N, C] input).
  // Long runs go to the vector kernels; short ones stay in a plain loop, where a kernel call would cost more
  // than it saves.
  private static final int KERNEL_RUN = 32;

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

  @Override
  public List<Parameter> parameters() {
    return List.of(weight, bias);
  }

  @Override
  public Map<String, Tensor> buffers() {
    Map<String, Tensor> b = new LinkedHashMap<>();
    b.put("running_mean", runningMean);
    b.put("running_var", runningVar);
    return b;
  }

  /** {@inheritDoc} In eval mode it uses its running statistics, not the batch's. */
  @Override
  public boolean samplewiseInEval() {
    return true;
  }

  @Override
  public LayerConfig config() {
    return LayerConfig.of("BatchNorm", "channels", channels, "epsilon", epsilon, "momentum", momentum);
  }

  @Override
  public String toString() {
    return "BatchNorm(" + channels + ")";
  }
}
