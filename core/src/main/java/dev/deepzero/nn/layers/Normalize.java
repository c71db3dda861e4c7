package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixed per-channel standardisation as a model's first layer: {@code y = (x - mean[c]) / std[c]}. The
 * statistics are buffers (saved with the weights, never trained), so a saved model carries its own input
 * preprocessing and callers feed it raw {@code [0, 1]} pixels, as Keras's {@code Normalization} layer does.
 *
 * <pre>
 * Shape: [N, C] or [N, C, H, W] -> same
 * backward: gradInput = gradOutput / std[c]
 * buffers: mean [C], std [C] (std > 0)
 * </pre>
 */
public final class Normalize implements Layer {

  private final int channels;
  private final Tensor mean;
  private final Tensor std;
  private int[] shape;

  /** The identity standardisation (mean 0, std 1) for {@code channels} channels; load real statistics after. */
  public Normalize(int channels) {
    this(new float[channels], ones(channels));
  }

  /**
   * @param mean Not modified; one per channel
   * @param std Not modified; one positive value per channel
   */
  public Normalize(float[] mean, float[] std) {
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("Normalize: " + mean.length + " means and " + std.length
          + " standard deviations; need one of each per channel");
    }
    for (float s : std) {
      if (!(s > 0) || !Float.isFinite(s)) {
        throw new IllegalArgumentException("Normalize: standard deviations must be positive, got "
            + java.util.Arrays.toString(std));
      }
    }
    this.channels = mean.length;
    this.mean = Tensor.of(mean, channels);
    this.std = Tensor.of(std, channels);
  }

  private static float[] ones(int n) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, 1f);
    return a;
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    if ((x.rank() != 2 && x.rank() != 4) || x.dim(1) != channels) {
      throw new IllegalArgumentException("Normalize: input " + x.shapeString() + " does not fit " + channels
          + " channels: expected [N, " + channels + "] or [N, " + channels + ", H, W]");
    }
    shape = x.shape();
    return apply(x, false);
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    BackwardCheck.cached("Normalize", shape == null ? null : gradOutput, shape, gradOutput);
    return apply(gradOutput, true);
  }

  /** {@code (x - mean) / std} per channel, or only {@code / std} for gradients. */
  private Tensor apply(Tensor x, boolean scaleOnly) {
    Tensor y = Tensor.empty(x.shape());
    float[] in = x.data();
    float[] out = y.data();
    float[] m = mean.data();
    float[] s = std.data();
    int spatial = x.rank() == 4 ? x.dim(2) * x.dim(3) : 1;
    for (int i = 0, c = 0; i < in.length; i += spatial, c = (c + 1) % channels) {
      float shift = scaleOnly ? 0f : m[c];
      float inv = 1f / s[c];
      for (int j = i; j < i + spatial; j++) {
        out[j] = (in[j] - shift) * inv;
      }
    }
    return y;
  }

  @Override
  public Map<String, Tensor> buffers() {
    Map<String, Tensor> b = new LinkedHashMap<>();
    b.put("mean", mean);
    b.put("std", std);
    return b;
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("Normalize", "channels", channels);
  }

  @Override
  public String toString() {
    return "Normalize(" + channels + ")";
  }
}
