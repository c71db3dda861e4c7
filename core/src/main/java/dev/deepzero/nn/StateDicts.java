package dev.deepzero.nn;

import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Strict state-dict loading shared by every {@link Layer}. */
public final class StateDicts {

  private StateDicts() {}

  /**
   * Copies each tensor of {@code source} into the tensor of the same key in {@code target}. Checks
   * everything first: if a key is missing, unexpected, or has another shape, throws and copies nothing.
   *
   * @param target Modified: the live tensors of a model
   * @param source Not modified
   * @throws IllegalArgumentException listing every missing, unexpected and mis-shaped key
   */
  public static void load(Map<String, Tensor> target, Map<String, Tensor> source) {
    List<String> problems = new ArrayList<>();
    TreeSet<String> missing = new TreeSet<>(target.keySet());
    missing.removeAll(source.keySet());
    TreeSet<String> unexpected = new TreeSet<>(source.keySet());
    unexpected.removeAll(target.keySet());
    if (!missing.isEmpty()) {
      problems.add("missing keys " + missing);
    }
    if (!unexpected.isEmpty()) {
      problems.add("unexpected keys " + unexpected);
    }
    for (Map.Entry<String, Tensor> e : target.entrySet()) {
      Tensor given = source.get(e.getKey());
      if (given != null && !given.sameShape(e.getValue())) {
        problems.add("key '" + e.getKey() + "' has shape " + given.shapeString() + ", the model expects "
            + e.getValue().shapeString());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("state dict does not match the model: " + String.join("; ", problems));
    }
    for (Map.Entry<String, Tensor> e : target.entrySet()) {
      e.getValue().copyFrom(source.get(e.getKey()));
    }
  }
}
