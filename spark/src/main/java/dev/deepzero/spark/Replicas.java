package dev.deepzero.spark;

import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import dev.deepzero.optim.Optimizer;
import dev.deepzero.optim.Optimizers;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The models of this executor JVM, built once per training run or inference job and reused by every task the
 * executor runs for it.
 *
 * <p>A layer caches activations between forward and backward, so two tasks running at once in one executor
 * (one per core) cannot share a model: each task borrows a replica from the run's pool and returns it when done.
 * A JVM therefore builds at most as many replicas as it runs tasks at once, however many tasks and steps
 * follow. The pools of the few most recent runs are kept; older ones are dropped.
 */
public final class Replicas {

  /** A model with the optimizer that updates it locally (parameter averaging); null where none is needed. */
  public record Replica(Layer model, Optimizer optimizer) {}

  /** How to build a replica: the model file bytes and, for local updates, the optimizer. */
  public record Spec(String runId, byte[] modelFile, String optimizer, float learningRate, float weightDecay)
      implements java.io.Serializable {}

  private static final int RUNS_KEPT = 4;
  private static final Map<String, Deque<Replica>> POOLS = new LinkedHashMap<>();

  private Replicas() {}

  /**
   * Runs {@code work} on a replica of {@code spec}'s run: a pooled one, or a new one built from the model file.
   *
   * @return what {@code work} returns
   */
  public static <T> T with(Spec spec, Function<Replica, T> work) {
    Replica replica = borrow(spec);
    try {
      return work.apply(replica);
    } finally {
      giveBack(spec.runId(), replica);
    }
  }

  /** {@link #with} for work without a result. */
  public static void run(Spec spec, Consumer<Replica> work) {
    with(spec, r -> {
      work.accept(r);
      return null;
    });
  }

  private static Replica borrow(Spec spec) {
    synchronized (POOLS) {
      Deque<Replica> pool = POOLS.get(spec.runId());
      if (pool != null && !pool.isEmpty()) {
        return pool.pop();
      }
    }
    Layer model = ModelFile.load("model of run " + spec.runId(), spec.modelFile(), new SplittableRandom(0)).model();
    Optimizer optimizer = spec.optimizer() == null ? null
        : Optimizers.byName(spec.optimizer(), model.parameters(), spec.learningRate(), spec.weightDecay());
    return new Replica(model, optimizer);
  }

  private static void giveBack(String runId, Replica replica) {
    synchronized (POOLS) {
      POOLS.computeIfAbsent(runId, k -> new ArrayDeque<>()).push(replica);
      Iterator<String> oldest = POOLS.keySet().iterator();
      while (POOLS.size() > RUNS_KEPT) {
        oldest.next();
        oldest.remove();
      }
    }
  }
}
