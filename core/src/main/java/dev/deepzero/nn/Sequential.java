package dev.deepzero.nn;

import dev.deepzero.tensor.Tensor;
import dev.deepzero.tensor.Workspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Layers applied in order: forward runs them first to last, backward last to first.
 *
 * <p>State-dict keys follow PyTorch's scheme: the layer's index, a dot, and the layer's own key, such as
 * {@code "0.weight"} or {@code "3.running_mean"}; nested containers nest the prefix ({@code "1.0.bias"}).
 */
public final class Sequential implements Layer {

  /** Samples per slice in {@link #predict}. */
  public static final int PREDICT_SLICE = 100;

  private final List<Layer> layers;

  /** A model of the given layers, in order. */
  public Sequential(Layer... layers) {
    this(List.of(layers));
  }

  /** A model of the given layers, in order. */
  public Sequential(List<? extends Layer> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("Sequential needs at least one layer");
    }
    this.layers = List.copyOf(layers);
  }

  /** The layers, in order (unmodifiable). */
  public List<Layer> layers() {
    return layers;
  }

  /** The layer at {@code index}. */
  public Layer get(int index) {
    return layers.get(index);
  }

  /** The number of layers. */
  public int size() {
    return layers.size();
  }

  @Override
  public Tensor forward(Tensor input, Mode mode) {
    Tensor x = input;
    for (int i = 0; i < layers.size(); i++) {
      try {
        x = layers.get(i).forward(x, mode);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("layer " + i + " (" + layers.get(i) + "): " + e.getMessage(), e);
      }
    }
    return x;
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    return backward(gradOutput, true);
  }

  /** Backward through every layer; the first layer is told whether its input gradient is wanted. */
  @Override
  public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
    Tensor g = gradOutput;
    for (int i = layers.size() - 1; i >= 0; i--) {
      g = layers.get(i).backward(g, i > 0 || needInputGradient);
    }
    return g;
  }

  /**
   * Inference: the output in {@link Mode#EVAL}. A batch larger than {@link #PREDICT_SLICE} samples runs through
   * the whole network one slice at a time when every layer is {@link Layer#samplewiseInEval() samplewise}, so each
   * slice's activations stay in the processor's caches from one layer to the next; the result is the same as one
   * {@code forward(input, Mode.EVAL)}, bit for bit. (The articles' CNN ran about four times faster this way at
   * batch 1000: its whole-batch activations are 69 MB.)
   *
   * <p>The activations live in the calling thread's own {@link Workspace}, reused in the next call, so
   * repeated prediction (an evaluation pass) allocates only its outputs: fresh activations per
   * batch, tens of megabytes for a deep network, were too large for the young generation and filled the old
   * one, and a deep-cnn training run's resident size grew to the heap cap. The memory of one slice stays
   * allocated between calls.
   *
   * @param input Not modified; {@code [N, ...]}
   */
  @Override
  public Tensor predict(Tensor input) {
    int n = input.rank() == 0 ? 0 : input.dim(0);
    if (n == 0 || !samplewiseInEval()) {
      return forward(input, Mode.EVAL);
    }
    Tensor out = null;
    // Each slice's activations are dead once its output is copied out: the next slice reuses their memory. The
    // call is one scope around the slices', so the workspace keeps the arrays of every slice size it used (a
    // batch of 230 runs slices of 100 and 30) for the next call, and drops those of sizes no longer seen.
    Workspace workspace = Workspace.ofCurrentThread();
    try (Workspace.Scope call = workspace.open()) {
      for (int from = 0; from < n; from += PREDICT_SLICE) {
        int to = Math.min(n, from + PREDICT_SLICE);
        try (Workspace.Scope slice = workspace.open()) {
          Tensor part = predictLayers(to - from == n ? input : input.slice(from, to));
          if (out == null) {
            int[] shape = part.shape();
            shape[0] = n;
            out = Tensor.zeros(shape);
          }
          int sampleSize = part.size() / (to - from);
          System.arraycopy(part.data(), 0, out.data(), from * sampleSize, part.size());
        }
      }
    }
    return out;
  }

  /**
   * The layers in eval mode, each absorbing the following ones it can ({@link Layer#predictAbsorbs}), nested
   * containers likewise: the result of {@code forward(x, Mode.EVAL)}, to the bit, in fewer passes.
   */
  private Tensor predictLayers(Tensor x) {
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      List<Layer> following = layers.subList(i + 1, layers.size());
      if (layer instanceof Sequential nested) {
        // A container inside runs its own layers fused too (not across its edges).
        x = nested.predictLayers(x);
        continue;
      }
      int absorbed = layer.predictAbsorbs(following);
      x = absorbed == 0 ? layer.forward(x, Mode.EVAL) : layer.predictAbsorbing(x, following.subList(0, absorbed));
      i += absorbed;
    }
    return x;
  }

  /** True when every layer is. */
  @Override
  public boolean samplewiseInEval() {
    for (Layer layer : layers) {
      if (!layer.samplewiseInEval()) {
        return false;
      }
    }
    return true;
  }

  /** Reseeds each layer with its own seed, drawn in order from a generator seeded with {@code seed}. */
  @Override
  public void reseed(long seed) {
    SplittableRandom seeds = new SplittableRandom(seed);
    for (Layer layer : layers) {
      layer.reseed(seeds.nextLong());
    }
  }

  @Override
  public LayerConfig config() {
    List<LayerConfig> configs = new ArrayList<>();
    for (Layer layer : layers) {
      configs.add(layer.config());
    }
    return LayerConfig.of("Sequential", "layers", configs);
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>();
    for (Layer layer : layers) {
      all.addAll(layer.parameters());
    }
    return all;
  }

  /** Sets every parameter's gradient to zero. */
  public void zeroGrad() {
    for (Parameter p : parameters()) {
      p.zeroGrad();
    }
  }

  /** The total number of trainable scalars. */
  public long parameterCount() {
    long n = 0;
    for (Parameter p : parameters()) {
      n += p.value().size();
    }
    return n;
  }

  @Override
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      for (Map.Entry<String, Tensor> e : layers.get(i).stateDict().entrySet()) {
        state.put(i + "." + e.getKey(), e.getValue());
      }
    }
    return state;
  }

  /**
   * A table of each layer, its output shape for one sample of {@code inputShape} (without the batch axis)
   * and its parameter count, and the total. Runs one forward pass in eval mode on zeros.
   */
  public String summary(int... inputShape) {
    int[] batched = new int[inputShape.length + 1];
    batched[0] = 1;
    System.arraycopy(inputShape, 0, batched, 1, inputShape.length);
    Tensor x = Tensor.zeros(batched);
    StringBuilder sb = new StringBuilder();
    String format = "%-4s %-44s %-20s %12s%n";
    sb.append(String.format(format, "#", "layer", "output shape", "parameters"));
    sb.append("-".repeat(83)).append('\n');
    sb.append(String.format(format, "", "input", shapeWithoutBatch(x), ""));
    long total = 0;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      x = layer.forward(x, Mode.EVAL);
      long count = 0;
      for (Parameter p : layer.parameters()) {
        count += p.value().size();
      }
      total += count;
      sb.append(String.format(format, i, layer, shapeWithoutBatch(x), String.format("%,d", count)));
    }
    sb.append("-".repeat(83)).append('\n');
    sb.append(String.format("total trainable parameters: %,d%n", total));
    return sb.toString();
  }

  private static String shapeWithoutBatch(Tensor x) {
    int[] s = x.shape();
    return Arrays.toString(Arrays.copyOfRange(s, 1, s.length)).replace("[", "[N, ").replace("[N, ]", "[N]");
  }

  @Override
  public String toString() {
    return "Sequential(" + layers.size() + " layers)";
  }
}
