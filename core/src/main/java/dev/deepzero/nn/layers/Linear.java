package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Parameter;
import dev.deepzero.ops.Gemm;
import dev.deepzero.ops.Pointwise;
import dev.deepzero.tensor.Initializer;
import dev.deepzero.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fully connected layer, the articles' Affine: {@code y = x · Wᵀ + b}.
 *
 * <pre>
 * Shape: input [N, in] -> output [N, out]
 * weight [out, in] (PyTorch's layout), bias [out]
 * backward: gradInput = gradOutput · W;  dW += gradOutputᵀ · x;  db += Σ_N gradOutput
 * </pre>
 */
public final class Linear implements Layer {

  private final int inFeatures;
  private final int outFeatures;
  private final Parameter weight;
  private final Parameter bias;
  private Tensor input;

  /** A layer with LeCun-normal weights, N(0, 1/in), as in the full-scratch article, and zero bias. */
  public Linear(int inFeatures, int outFeatures, SplittableRandom rng) {
    this(inFeatures, outFeatures, Initializer.lecunNormal(), rng);
  }

  /** A layer whose weights are drawn by {@code init} and whose bias is zero. */
  public Linear(int inFeatures, int outFeatures, Initializer init, SplittableRandom rng) {
    this(init.sample(rng, checkPositive(inFeatures, "inFeatures"), checkPositive(outFeatures, "outFeatures"),
        outFeatures, inFeatures), Tensor.zeros(outFeatures));
  }

  /**
   * A layer with the given weight {@code [out, in]} and bias {@code [out]}, which become its live parameters.
   */
  public Linear(Tensor weight, Tensor bias) {
    weight.requireRank("Linear weight", 2);
    bias.requireRank("Linear bias", 1);
    if (bias.dim(0) != weight.dim(0)) {
      throw new IllegalArgumentException("Linear: bias " + bias.shapeString() + " does not match weight "
          + weight.shapeString() + " ([out, in])");
    }
    this.outFeatures = weight.dim(0);
    this.inFeatures = weight.dim(1);
    this.weight = new Parameter("weight", weight);
    this.bias = new Parameter("bias", bias);
  }

  private static int checkPositive(int v, String what) {
    if (v <= 0) {
      throw new IllegalArgumentException("Linear: " + what + " must be positive, got " + v);
    }
    return v;
  }

  /** The weight parameter, {@code [out, in]}. */
  public Parameter weight() {
    return weight;
  }

  /** The bias parameter, {@code [out]}. */
  public Parameter bias() {
    return bias;
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    if (x.rank() != 2 || x.dim(1) != inFeatures) {
      throw new IllegalArgumentException("Linear: input " + x.shapeString() + " does not fit weight "
          + weight.value().shapeString() + ": expected [N, " + inFeatures + "]");
    }
    input = x;
    // Tensor.empty: in a training step or prediction slice, memory reused from the last one.
    Tensor out = Tensor.empty(x.dim(0), outFeatures);
    Gemm.multiply(x, false, weight.value(), true, 0f, out);
    Pointwise.addToEveryRow(out, bias.value());
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    return backward(gradOutput, true);
  }

  @Override
  public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
    Tensor x = BackwardCheck.cached("Linear", input, input == null ? null : new int[] {input.dim(0), outFeatures},
        gradOutput);
    Gemm.multiply(gradOutput, true, x, false, 1f, weight.grad());
    Pointwise.addRowsInto(gradOutput, bias.grad());
    if (!needInputGradient) {
      return null;
    }
    Tensor gradInput = Tensor.empty(x.dim(0), inFeatures);
    Gemm.multiply(gradOutput, false, weight.value(), false, 0f, gradInput);
    return gradInput;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(weight, bias);
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("Linear", "in", inFeatures, "out", outFeatures);
  }

  @Override
  public String toString() {
    return "Linear(" + inFeatures + " -> " + outFeatures + ")";
  }
}
