package dev.deepzero.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * A sum of one vector per partition whose rounding does not depend on the order in which the vectors arrive.
 *
 * <p>Spark's {@code treeAggregate} combines partial results as tasks finish, so summing floats in its combine
 * function would round differently from run to run. Here every partial result is a set of nodes of one fixed
 * binary tree over the partition indices: partition {@code p} is leaf {@code p}, and a node is replaced by its
 * parent, {@code left + right} element by element, as soon as its sibling is present. The total is therefore
 * always the same balanced-tree sum
 *
 * <pre>
 * total = ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + ...)
 * </pre>
 *
 * whatever the arrival order and however {@code treeAggregate} groups the partial results: float addition of
 * two numbers is commutative, and each node's value depends only on the leaves below it. A node whose right
 * subtree holds no partition (indices past the last) moves up unchanged. A partial result holds at most one
 * node per tree level when its partitions arrive in index order, and never more than the partitions it covers.
 *
 * <p>Each leaf carries a float vector (gradients or weights) and a double vector (statistics such as loss sums);
 * both are summed by the same tree.
 */
public final class TreeSum implements Serializable {

  private static final long serialVersionUID = 1L;

  /** One node's sums. */
  private record Node(float[] values, double[] stats) implements Serializable {}

  private final int partitions;
  private final int height;
  // Key: level * 2^32 + index within the level.
  private final Map<Long, Node> nodes = new HashMap<>();

  /**
   * An empty sum over {@code partitions} leaves.
   *
   * @param partitions the number of partitions, positive; every one must be {@link #add added} exactly once
   */
  public TreeSum(int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("TreeSum: need a positive partition count, got " + partitions);
    }
    this.partitions = partitions;
    this.height = 32 - Integer.numberOfLeadingZeros(partitions - 1);
  }

  /**
   * Adds partition {@code partition}'s vectors. Returns this sum.
   *
   * @param values Not copied: owned by the sum from now on
   * @param stats Not copied: owned by the sum from now on
   * @throws IllegalArgumentException for an index out of range or one added before
   */
  public TreeSum add(int partition, float[] values, double[] stats) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("TreeSum: partition " + partition + " outside [0, " + partitions + ")");
    }
    insert(0, partition, new Node(values, stats));
    return this;
  }

  /** Moves every node of {@code other} (a sum over the same partitions) into this one. Returns this sum. */
  public TreeSum merge(TreeSum other) {
    if (other.partitions != partitions) {
      throw new IllegalArgumentException("TreeSum: cannot merge sums over " + other.partitions + " and "
          + partitions + " partitions");
    }
    for (Map.Entry<Long, Node> e : other.nodes.entrySet()) {
      insert((int) (e.getKey() >>> 32), (int) (long) e.getKey(), e.getValue());
    }
    return this;
  }

  /** Whether every partition has been added. */
  public boolean complete() {
    return nodes.containsKey(key(height, 0));
  }

  /** The summed float vector. @throws IllegalStateException if a partition is missing */
  public float[] values() {
    return root().values();
  }

  /** The summed double vector. @throws IllegalStateException if a partition is missing */
  public double[] stats() {
    return root().stats();
  }

  private Node root() {
    Node root = nodes.get(key(height, 0));
    if (root == null) {
      throw new IllegalStateException("TreeSum: " + nodes.size() + " partial nodes, not all " + partitions
          + " partitions were added");
    }
    return root;
  }

  private void insert(int level, int index, Node node) {
    while (level < height) {
      int sibling = index ^ 1;
      if ((long) sibling << level < partitions) {
        Node other = nodes.remove(key(level, sibling));
        if (other == null) {
          if (nodes.putIfAbsent(key(level, index), node) != null) {
            throw new IllegalArgumentException("TreeSum: node " + index + " of level " + level + " added twice");
          }
          return;
        }
        node = sum(node, other);
      }
      level++;
      index >>= 1;
    }
    if (nodes.putIfAbsent(key(level, index), node) != null) {
      throw new IllegalArgumentException("TreeSum: the total was completed twice");
    }
  }

  private static Node sum(Node a, Node b) {
    if (a.values().length != b.values().length || a.stats().length != b.stats().length) {
      throw new IllegalArgumentException("TreeSum: vectors of lengths " + a.values().length + "/" + a.stats().length
          + " and " + b.values().length + "/" + b.stats().length);
    }
    float[] v = a.values();
    float[] w = b.values();
    for (int i = 0; i < v.length; i++) {
      v[i] += w[i];
    }
    double[] s = a.stats();
    double[] t = b.stats();
    for (int i = 0; i < s.length; i++) {
      s[i] += t[i];
    }
    return a;
  }

  private static long key(int level, int index) {
    return ((long) level << 32) | (index & 0xFFFFFFFFL);
  }
}
