package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Parameter;
import dev.deepzero.ops.Convolution;
import dev.deepzero.ops.Im2Col;
import dev.deepzero.tensor.Initializer;
import dev.deepzero.tensor.Tensor;
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
 * <p>How the products are cut into images, groups of images and threads, and which memory they reuse, is
 * {@link Convolution}'s business.
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

  private void checkInput(Tensor x) {
    if (x.rank() != 4 || x.dim(1) != inChannels) {
      throw new IllegalArgumentException("Conv2d: input " + x.shapeString() + " does not fit weight "
          + weight.value().shapeString() + ": expected [N, " + inChannels + ", H, W]");
    }
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
    checkInput(x);
    Im2Col.Geometry g = geometry(x);
    input = x;
    geometry = g;
    return Convolution.forward(x, weight.value(), bias.value(), g);
  }

  /**
   * A following BatchNorm over this layer's output channels, and a (Leaky) ReLU after it, or a (Leaky) ReLU
   * alone: applied to each output plane right after its product ({@link Convolution.Epilogue}).
   */
  @Override
  public int predictAbsorbs(List<Layer> following) {
    int absorbed = 0;
    if (!following.isEmpty() && following.get(0) instanceof BatchNorm norm && norm.channels() == outChannels) {
      absorbed = 1;
    }
    if (following.size() > absorbed && following.get(absorbed) instanceof LeakyRelu) {
      absorbed++;
    }
    return absorbed;
  }

  @Override
  public Tensor predictAbsorbing(Tensor x, List<Layer> absorbed) {
    checkInput(x);
    BatchNorm norm = absorbed.get(0) instanceof BatchNorm b ? b : null;
    LeakyRelu activation = absorbed.get(absorbed.size() - 1) instanceof LeakyRelu a ? a : null;
    Convolution.Epilogue epilogue = norm != null ? norm.epilogue(activation)
        : new Convolution.Epilogue(null, null, null, null, true, activation.alpha());
    return Convolution.forward(x, weight.value(), bias.value(), geometry(x), epilogue);
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
    Tensor x = BackwardCheck.cached("Conv2d", input, g == null ? null
        : new int[] {input.dim(0), outChannels, g.outHeight(), g.outWidth()}, gradOutput);
    return Convolution.backward(x, weight.value(), gradOutput, g, weight.grad(), bias.grad(), needInputGradient);
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
