package dev.deepzero.optim;

import dev.deepzero.nn.Parameter;
import dev.deepzero.nn.StateDicts;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates a fixed list of parameters from their gradients.
 *
 * <p>Lifecycle, as in PyTorch: {@link #zeroGrad()}, then the model's backward accumulates gradients, then
 * {@link #step()} updates every parameter in place. State (momentum, running averages) is allocated in the
 * constructor, one slot per parameter per kind, and saved by {@link #stateDict()} so that training can resume.
 *
 * <p>Weight decay is the classic L2 penalty folded into the gradient, {@code g ← g + weightDecay·w}, before the
 * rule of each subclass (as PyTorch's {@code weight_decay}).
 */
public abstract class Optimizer {

  private final List<Parameter> parameters;
  private final List<Map<String, Tensor>> slots = new ArrayList<>();
  // The same slot tensors' arrays, in slot order: step() hands them over without a per-step map.
  private final List<float[][]> slotArrays = new ArrayList<>();
  private final float weightDecay;
  private float learningRate;
  private long steps;

  /**
   * @param parameters the parameters to update; the list is copied, the parameters are live
   * @param learningRate the step size, positive
   * @param weightDecay the L2 coefficient, non-negative
   * @param slotNames the per-parameter state tensors each parameter gets, zero-initialised
   */
  protected Optimizer(List<Parameter> parameters, float learningRate, float weightDecay, String... slotNames) {
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be positive, got "
          + learningRate);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": weight decay must be >= 0, got "
          + weightDecay);
    }
    this.parameters = List.copyOf(parameters);
    this.learningRate = learningRate;
    this.weightDecay = weightDecay;
    for (Parameter p : this.parameters) {
      Map<String, Tensor> s = new LinkedHashMap<>();
      float[][] arrays = new float[slotNames.length][];
      for (int k = 0; k < slotNames.length; k++) {
        Tensor t = Tensor.zeros(p.value().shape());
        s.put(slotNames[k], t);
        arrays[k] = t.data();
      }
      slots.add(s);
      slotArrays.add(arrays);
    }
  }

  /**
   * Updates one parameter.
   *
   * @param value Modified: the parameter's values
   * @param grad the gradient, weight decay already added; Not modified
   * @param n the number of elements
   * @param slots Modified: the parameter's state arrays, in the order of the constructor's slot names
   * @param step the 1-based number of this step
   */
  protected abstract void update(float[] value, float[] grad, int n, float[][] slots, long step);

  /** Applies one update to every parameter from its current gradient. */
  public final void step() {
    steps++;
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      float[] w = p.value().data();
      float[] g = p.grad().data();
      int n = w.length;
      float[] grad = g;
      if (weightDecay != 0f) {
        grad = Tensor.empty(n).data(); // in a training step, the last step's memory (see Workspace)
        for (int j = 0; j < n; j++) {
          grad[j] = g[j] + weightDecay * w[j];
        }
      }
      update(w, grad, n, slotArrays.get(i), steps);
    }
  }

  /** Sets every parameter's gradient to zero. */
  public final void zeroGrad() {
    for (Parameter p : parameters) {
      p.zeroGrad();
    }
  }

  /** The current step size. */
  public final float learningRate() {
    return learningRate;
  }

  /** Changes the step size, as a learning-rate schedule does. */
  public final void setLearningRate(float learningRate) {
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  /** The L2 coefficient. */
  public final float weightDecay() {
    return weightDecay;
  }

  /** The number of steps taken. */
  public final long steps() {
    return steps;
  }

  /** The parameters this optimizer updates (unmodifiable). */
  public final List<Parameter> parameters() {
    return parameters;
  }

  /**
   * The optimizer's state: {@code "<parameter index>.<slot>"} for each slot, and {@code "step"}. Live
   * tensors except {@code "step"}.
   */
  public final Map<String, Tensor> stateDict() {
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (int i = 0; i < slots.size(); i++) {
      for (Map.Entry<String, Tensor> e : slots.get(i).entrySet()) {
        state.put(i + "." + e.getKey(), e.getValue());
      }
    }
    state.put("step", Tensor.scalar(steps));
    return state;
  }

  /**
   * Restores state saved by {@link #stateDict()} of an optimizer of the same kind over parameters of the same
   * shapes. Strict, as {@link StateDicts#load}.
   */
  public final void loadStateDict(Map<String, Tensor> state) {
    Map<String, Tensor> target = stateDict();
    Tensor stepHolder = target.get("step");
    StateDicts.load(target, state);
    steps = (long) stepHolder.item();
  }

  /** The name and hyperparameters, for logs. */
  @Override
  public String toString() {
    return getClass().getSimpleName() + "(lr=" + learningRate + (weightDecay != 0 ? ", weightDecay=" + weightDecay : "")
        + ")";
  }
}
