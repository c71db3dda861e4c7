package dev.deepzero.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Memory reused from one training step (or inference slice) to the next, in the manner of DL4J's workspaces and
 * PyTorch's caching allocator. While a workspace is open on a thread, {@link Tensor#empty} on that thread takes
 * its array from the workspace; closing the workspace makes every array handed out since it was opened free
 * for the next opening. A training loop of fixed shapes then allocates its activations and gradients once, not
 * tens of megabytes per step that the JVM must zero and collect.
 *
 * <pre>{@code
 * Workspace workspace = new Workspace();
 * for (Batch batch : batches) {
 *   try (Workspace.Scope step = workspace.open()) {
 *     ... forward, loss, backward, optimizer step ...
 *   }
 * }
 * }</pre>
 *
 * <p>This is the library's one mechanism for reusing memory. Rule: a tensor made by {@code Tensor.empty} inside
 * a scope is valid until the scope closes; {@link Tensor#copy()} it to keep it (copies, {@link Tensor#zeros} and
 * every other factory never use the workspace). Every layer takes its output and input gradient from {@code
 * Tensor.empty}, and the operations under the layers and the optimizers take their scratch arrays from it too
 * (an operation run in parallel takes one piece per chunk on the calling thread, since worker threads have no
 * workspace open); memory that is added into is zeroed by whoever adds into it. A loop that reads a step's
 * outputs within the step is unaffected. The one other reused memory is the SIMD kernels' per-thread packing
 * buffers, below this package (see {@code PanamaGemm}).
 *
 * <p>What a workspace keeps between scopes is what its last outermost scope used: arrays that scope did not take
 * are dropped when it closes. A loop of fixed shapes reuses every array it kept; when the shapes change (another
 * batch size, a larger input) the arrays of the old ones go at the end of the first scope that did without them,
 * rather than piling up in a thread's own workspace (a server thread seeing every batch size from 1 to 64, or a
 * benchmark sweeping sizes, held the activations of all of them).
 *
 * <p>Scopes nest, innermost closed first: opening another workspace inside a scope makes it current until it
 * closes, and opening the same one again (a {@code predict} called inside a step or inside another
 * {@code predict}) starts an inner scope whose closing frees only what was taken since it opened, as a stack
 * allocator does. A workspace is used by the thread that opened it; it is not thread-safe.
 */
public final class Workspace {

  private static final ThreadLocal<Workspace> CURRENT = new ThreadLocal<>();
  private static final ThreadLocal<Workspace> OWN = ThreadLocal.withInitial(Workspace::new);

  // Free arrays by length, and the arrays lent out by the open scope.
  private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  private final List<float[]> lent = new ArrayList<>();
  // Scopes of this workspace open now: each frees, when it closes, what was lent since it opened.
  private int depth;
  // Every array taken since the outermost scope opened, lent or freed again by an inner scope (each once): what
  // is kept when it closes.
  private final Set<float[]> usedInScope = Collections.newSetFromMap(new IdentityHashMap<>());

  /** A closed workspace holding no memory yet. */
  public Workspace() {}

  /**
   * Opens a scope: until it is closed, {@link Tensor#empty} on this thread draws from this workspace. Inside an
   * open scope of this workspace it opens an inner one, which frees only what is taken after it.
   */
  public Scope open() {
    depth++;
    Scope scope = new Scope(CURRENT.get(), lent.size(), depth);
    CURRENT.set(this);
    return scope;
  }

  /**
   * This thread's own workspace, kept for the thread's lifetime: for code that runs on whatever thread calls it
   * and wants one call's memory reused by the next, such as {@code Sequential.predict}. Its memory stays
   * allocated between calls.
   */
  public static Workspace ofCurrentThread() {
    return OWN.get();
  }

  /** The workspace open on this thread, or null. */
  static Workspace current() {
    return CURRENT.get();
  }

  /** An array of {@code length} floats with unspecified contents, lent until the scope closes. */
  float[] take(int length) {
    ArrayDeque<float[]> arrays = free.get(length);
    float[] array = arrays == null || arrays.isEmpty() ? new float[length] : arrays.pop();
    lent.add(array);
    usedInScope.add(array);
    return array;
  }

  /** Floats held by this workspace, free and lent: its memory footprint. */
  public long floats() {
    long n = 0;
    for (ArrayDeque<float[]> arrays : free.values()) {
      for (float[] a : arrays) {
        n += a.length;
      }
    }
    for (float[] a : lent) {
      n += a.length;
    }
    return n;
  }

  /** The open period of a {@link Workspace}; closing it frees what was taken and restores the outer workspace. */
  public final class Scope implements AutoCloseable {
    private final Workspace outer;
    // Arrays lent before this scope opened stay lent when it closes.
    private final int firstLent;
    private final int level;
    private boolean closed;

    private Scope(Workspace outer, int firstLent, int level) {
      this.outer = outer;
      this.firstLent = firstLent;
      this.level = level;
    }

    /**
     * Ends the scope. Tensors made by {@code Tensor.empty} inside it must not be used afterwards.
     *
     * @throws IllegalStateException if closed on another thread than the one that opened it, or out of order
     */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (CURRENT.get() != Workspace.this || depth != level) {
        throw new IllegalStateException("Workspace scope closed out of order or on another thread");
      }
      closed = true;
      CURRENT.set(outer);
      depth--;
      if (depth == 0) {
        // The outermost scope: keep exactly the arrays it used, drop the ones it did without. The queues are
        // emptied and refilled, not made anew, so a loop of fixed shapes allocates nothing here.
        for (ArrayDeque<float[]> arrays : free.values()) {
          arrays.clear();
        }
        for (float[] array : usedInScope) {
          free.computeIfAbsent(array.length, k -> new ArrayDeque<>()).push(array);
        }
        free.values().removeIf(ArrayDeque::isEmpty);
        usedInScope.clear();
        lent.clear();
        return;
      }
      List<float[]> taken = lent.subList(firstLent, lent.size());
      for (float[] array : taken) {
        free.computeIfAbsent(array.length, k -> new ArrayDeque<>()).push(array);
      }
      taken.clear();
    }
  }
}
