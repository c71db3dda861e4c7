package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Parameter;
import dev.deepzero.ops.ChannelNorm;
import dev.deepzero.ops.Convolution;
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
 * where M is the number of values per channel (N, or N·H·W) and m the momentum, as in PyTorch. The channel
 * statistics and loops are {@link ChannelNorm}'s.
 */
public final class BatchNorm implements Layer {

  /** Added to the variance before the square root. */
  public static final float DEFAULT_EPSILON = 1e-5f;
  /** Weight of the newest batch in the running statistics. */
  public static final float DEFAULT_MOMENTUM = 0.1f;

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
    float[] mean = new float[channels];
    float[] inv = new float[channels];
    float[] rm = runningMean.data();
    float[] rv = runningVar.data();
    Tensor xhat = Tensor.empty(x.shape());
    Tensor y;
    if (mode == Mode.TRAIN) {
      float[] variance = new float[channels];
      y = ChannelNorm.normalizeWithBatchStatistics(x, epsilon, weight.value(), bias.value(), xhat, mean, inv,
          variance);
      for (int c = 0; c < channels; c++) {
        rm[c] = (1 - momentum) * rm[c] + momentum * mean[c];
        rv[c] = (1 - momentum) * rv[c] + momentum * variance[c];
      }
    } else {
      runningStatistics(mean, inv);
      y = ChannelNorm.normalize(x, mean, inv, weight.value(), bias.value(), xhat);
    }
    normalized = xhat;
    invStd = inv;
    inputShape = x.shape();
    trainedLast = mode == Mode.TRAIN;
    return y;
  }

  /** The eval-mode statistics: the running mean, and {@code 1/sqrt(running_var + ε)}, per channel. */
  void runningStatistics(float[] mean, float[] invStd) {
    float[] rm = runningMean.data();
    float[] rv = runningVar.data();
    for (int c = 0; c < channels; c++) {
      mean[c] = rm[c];
      invStd[c] = (float) (1.0 / Math.sqrt(rv[c] + epsilon));
    }
  }

  /** The eval-mode transform of {@code x}'s channels as a convolution's {@link Convolution.Epilogue}. */
  Convolution.Epilogue epilogue(LeakyRelu activation) {
    float[] mean = new float[channels];
    float[] inv = new float[channels];
    runningStatistics(mean, inv);
    return new Convolution.Epilogue(mean, inv, weight.value().data(), bias.value().data(), activation != null,
        activation == null ? 0f : activation.alpha());
  }

  int channels() {
    return channels;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Tensor xhat = BackwardCheck.cached("BatchNorm", normalized, inputShape, gradOutput);
    return ChannelNorm.backward(gradOutput, xhat, weight.value(), invStd, trainedLast, weight.grad(), bias.grad());
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


  @Override
  public LayerConfig config() {
    return LayerConfig.of("BatchNorm", "channels", channels, "epsilon", epsilon, "momentum", momentum);
  }

  @Override
  public String toString() {
    return "BatchNorm(" + channels + ")";
  }
}
