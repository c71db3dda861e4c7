package dev.deepzero.nn;

import dev.deepzero.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A differentiable function with optional parameters: the "Deep Learning from Scratch" layer pattern.
 *
 * <p>Lifecycle: {@link #forward} computes the output and caches what {@link #backward} needs; {@link #backward}
 * is then called once per forward with dLoss/dOutput, returns dLoss/dInput and adds ({@code +=}) into the
 * gradients of {@link #parameters()}. Neither method modifies its argument. A layer holds the cache of one
 * forward pass at a time, so it is not safe for concurrent use.
 */
public interface Layer {

  /**
   * Computes the output and caches what backward needs.
   *
   * @param input Not modified
   * @param mode train or eval
   * @return a new tensor (or {@code input} itself for identity-like layers)
   * @throws IllegalArgumentException if the input's shape does not fit the layer
   */
  Tensor forward(Tensor input, Mode mode);

  /**
   * Given dLoss/dOutput of the last forward pass, adds into parameter gradients and returns dLoss/dInput.
   *
   * @param gradOutput Not modified; same shape as the last output
   * @throws IllegalArgumentException if {@code gradOutput} does not have the last output's shape
   * @throws IllegalStateException if called before forward
   */
  Tensor backward(Tensor gradOutput);

  /**
   * Inference: the output in {@link Mode#EVAL}. Unlike {@code forward}, it leaves no cache that a following
   * {@code backward} could rely on: containers may run a large batch in slices (see {@link Sequential#predict}).
   *
   * @param input Not modified
   * @return a new tensor (or {@code input} itself for identity-like layers)
   */
  default Tensor predict(Tensor input) {
    return forward(input, Mode.EVAL);
  }

  /**
   * Inference fusion: how many of the layers that directly follow this one in a container (a prefix of {@code
   * following}) it can apply itself in {@link #predictAbsorbing}, with a result equal to the bit to running them
   * one by one in {@link Mode#EVAL}. {@code Conv2d} absorbs a following {@code BatchNorm} and a (Leaky) ReLU after
   * it, saving a pass over the output for each. The default is 0: none.
   *
   * @param following the layers after this one, in order; Not modified
   */
  default int predictAbsorbs(List<Layer> following) {
    return 0;
  }

  /**
   * The eval-mode output of this layer followed by {@code absorbed} (as {@link #predictAbsorbs} allowed),
   * leaving, like {@link #predict}, no cache for a backward pass.
   *
   * @param input Not modified
   * @param absorbed the first {@link #predictAbsorbs} layers of {@code following}
   * @throws UnsupportedOperationException if this layer absorbs none
   */
  default Tensor predictAbsorbing(Tensor input, List<Layer> absorbed) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " absorbs no following layers");
  }

  /**
   * Whether, in {@link Mode#EVAL}, each sample's output depends on that sample alone, so that a batch run in
   * slices gives the same result. True by default, as for every built-in layer (BatchNorm normalises with its
   * running statistics and Dropout passes through in eval mode); a layer that mixes the samples of a batch in
   * eval mode must override this to return {@code false}, and a container answers for its contents.
   */
  default boolean samplewiseInEval() {
    return true;
  }

  /**
   * Restarts the layer's random draws (Dropout's masks), and those of the layers inside it, from {@code seed}.
   * The trainer calls it at the start of every epoch with a seed made from the run's seed and the epoch
   * number, so that a run resumed from a checkpoint draws what the uninterrupted run would have drawn.
   * Deterministic layers ignore it, which is the default.
   */
  default void reseed(long seed) {}

  /**
   * The layer's architecture (type and constructor options, no weights), from which
   * {@code dev.deepzero.nn.layers.Layers.fromConfig} builds an equal, freshly initialised layer.
   */
  LayerConfig config();

  /**
   * {@link #backward(Tensor)} for a caller that may not need dLoss/dInput, such as the first layer of a model:
   * with {@code needInputGradient} false a layer may skip computing it and return {@code null}. Parameter
   * gradients are accumulated either way. The default computes it regardless.
   */
  default Tensor backward(Tensor gradOutput, boolean needInputGradient) {
    return backward(gradOutput);
  }

  /** The trainable parameters, in a stable order. */
  default List<Parameter> parameters() {
    return List.of();
  }

  /** Saved but not trained state, such as BatchNorm's running statistics, by local name. Live tensors. */
  default Map<String, Tensor> buffers() {
    return Map.of();
  }

  /**
   * Every saved tensor by name: parameters by their names, then buffers. The tensors are live, so
   * {@link StateDicts#load} can copy into them.
   */
  default Map<String, Tensor> stateDict() {
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (Parameter p : parameters()) {
      state.put(p.name(), p.value());
    }
    state.putAll(buffers());
    return state;
  }

  /**
   * Copies {@code state} into this layer's tensors; strict: a missing, extra or mis-shaped key is an error
   * and nothing is copied.
   *
   * @param state Not modified
   * @throws IllegalArgumentException naming every offending key
   */
  default void loadStateDict(Map<String, Tensor> state) {
    StateDicts.load(stateDict(), state);
  }
}
