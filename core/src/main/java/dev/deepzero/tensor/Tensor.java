package dev.deepzero.tensor;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * A float32 n-dimensional array: contiguous, row-major, with an immutable shape.
 *
 * <p>Methods that return a {@code Tensor} allocate a new one and leave {@code this} and their arguments
 * unchanged; methods whose name ends in {@code InPlace} (and {@link #fill}, {@link #set}) modify {@code this}.
 * {@link #reshape} is the exception that shares storage, as a view does in numpy.
 *
 * <p>Every operation checks shapes up front and throws {@link IllegalArgumentException} with a message that
 * names the operation and both shapes, such as {@code "matmul: [64, 784] x [100, 10]"}.
 */
public final class Tensor {

  private static final Kernels K = KernelProvider.get();

  private final float[] data;
  private final int[] shape;

  private Tensor(float[] data, int[] shape) {
    this.data = data;
    this.shape = shape;
  }

  // ---------------------------------------------------------------- creation

  /** A tensor of zeros. */
  public static Tensor zeros(int... shape) {
    int[] s = checkShape(shape);
    return new Tensor(new float[numel(s)], s);
  }

  /**
   * A tensor whose contents are unspecified, for outputs that the caller overwrites in full (PyTorch's
   * {@code torch.empty}). Inside an open {@link Workspace} scope its array is reused memory, valid until the
   * scope closes; elsewhere it is a new array (of zeros, though callers must not rely on that).
   */
  public static Tensor empty(int... shape) {
    int[] s = checkShape(shape);
    Workspace workspace = Workspace.current();
    int n = numel(s);
    return new Tensor(workspace == null ? new float[n] : workspace.take(n), s);
  }

  /** A tensor filled with {@code value}. */
  public static Tensor full(float value, int... shape) {
    Tensor t = zeros(shape);
    Arrays.fill(t.data, value);
    return t;
  }

  /** A tensor of ones. */
  public static Tensor ones(int... shape) {
    return full(1f, shape);
  }

  /**
   * A tensor holding a copy of {@code values} in the given shape.
   *
   * @param values Not modified
   */
  public static Tensor of(float[] values, int... shape) {
    int[] s = checkShape(shape);
    if (values.length != numel(s)) {
      throw new IllegalArgumentException("of: " + values.length + " values do not fill shape "
          + Arrays.toString(s) + " (" + numel(s) + " elements)");
    }
    return new Tensor(values.clone(), s);
  }

  /** A rank-2 tensor from rows of equal length, copied. */
  public static Tensor of(float[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("of: no rows");
    }
    int cols = rows[0].length;
    float[] d = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != cols) {
        throw new IllegalArgumentException("of: row " + i + " has " + rows[i].length
            + " values, row 0 has " + cols);
      }
      System.arraycopy(rows[i], 0, d, i * cols, cols);
    }
    return new Tensor(d, new int[] {rows.length, cols});
  }

  /**
   * A tensor that uses {@code values} as its storage, without a copy.
   *
   * @param values becomes the live backing array
   */
  public static Tensor wrap(float[] values, int... shape) {
    int[] s = checkShape(shape);
    if (values.length != numel(s)) {
      throw new IllegalArgumentException("wrap: " + values.length + " values do not fill shape "
          + Arrays.toString(s));
    }
    return new Tensor(values, s);
  }

  /** A scalar (rank-0) tensor. */
  public static Tensor scalar(float value) {
    return new Tensor(new float[] {value}, new int[0]);
  }

  /** Values drawn from N(0, std²). */
  public static Tensor randn(SplittableRandom rng, float std, int... shape) {
    Tensor t = zeros(shape);
    for (int i = 0; i < t.data.length; i++) {
      t.data[i] = (float) (Gaussian.next(rng) * std);
    }
    return t;
  }

  /** Values drawn uniformly from [low, high). */
  public static Tensor uniform(SplittableRandom rng, float low, float high, int... shape) {
    if (!(low < high)) {
      throw new IllegalArgumentException("uniform: low " + low + " must be below high " + high);
    }
    Tensor t = zeros(shape);
    for (int i = 0; i < t.data.length; i++) {
      t.data[i] = (float) rng.nextDouble(low, high);
    }
    return t;
  }

  // ---------------------------------------------------------------- shape and access

  /** The shape, as a copy. */
  public int[] shape() {
    return shape.clone();
  }

  /** The size of one axis; negative axes count from the end. */
  public int dim(int axis) {
    return shape[normalizeAxis("dim", axis)];
  }

  /** The number of axes. */
  public int rank() {
    return shape.length;
  }

  /** The number of elements. */
  public int size() {
    return data.length;
  }

  /**
   * The live backing array, row-major. Writing to it changes this tensor (and any {@link #reshape} of it).
   */
  public float[] data() {
    return data;
  }

  /** Whether {@code other} has the same shape. */
  public boolean sameShape(Tensor other) {
    return Arrays.equals(shape, other.shape);
  }

  /** The shape as text, such as {@code [2, 3]}. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  /** The element at a multi-index. */
  public float get(int... index) {
    return data[flatIndex("get", index)];
  }

  /** Sets the element at a multi-index. Modifies this tensor. */
  public void set(float value, int... index) {
    data[flatIndex("set", index)] = value;
  }

  /** The value of a one-element tensor. */
  public float item() {
    if (data.length != 1) {
      throw new IllegalArgumentException("item: tensor of shape " + shapeString() + " has "
          + data.length + " elements, not 1");
    }
    return data[0];
  }

  /** A copy of the data. */
  public float[] toArray() {
    return data.clone();
  }

  /** A deep copy. */
  public Tensor copy() {
    return new Tensor(data.clone(), shape);
  }

  /**
   * The same data seen in another shape; shares storage. One axis may be {@code -1} and is then inferred.
   */
  public Tensor reshape(int... newShape) {
    int[] s = newShape.clone();
    int infer = -1;
    int known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException("reshape: " + shapeString() + " -> "
              + Arrays.toString(newShape) + ": only one axis may be -1");
        }
        infer = i;
      } else if (s[i] < 0) {
        throw new IllegalArgumentException("reshape: " + shapeString() + " -> "
            + Arrays.toString(newShape) + ": negative size");
      } else {
        known *= s[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || data.length % known != 0) {
        throw new IllegalArgumentException("reshape: " + shapeString() + " -> "
            + Arrays.toString(newShape) + ": cannot infer the -1 axis");
      }
      s[infer] = data.length / known;
    }
    if (numel(s) != data.length) {
      throw new IllegalArgumentException("reshape: " + shapeString() + " -> "
          + Arrays.toString(newShape) + ": " + data.length + " elements do not fit");
    }
    return new Tensor(data, s);
  }

  /** The transpose of a rank-2 tensor, as a new contiguous tensor. */
  public Tensor transpose() {
    requireRank("transpose", 2);
    int rows = shape[0];
    int cols = shape[1];
    float[] out = new float[data.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[j * rows + i] = data[i * cols + j];
      }
    }
    return new Tensor(out, new int[] {cols, rows});
  }

  /**
   * The axes reordered: output axis {@code i} is input axis {@code axes[i]}, as numpy's {@code transpose}.
   */
  public Tensor permute(int... axes) {
    if (axes.length != shape.length) {
      throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " for shape " + shapeString());
    }
    int r = shape.length;
    int[] outShape = new int[r];
    boolean[] seen = new boolean[r];
    for (int i = 0; i < r; i++) {
      int a = axes[i];
      if (a < 0 || a >= r || seen[a]) {
        throw new IllegalArgumentException("permute: " + Arrays.toString(axes)
            + " is not a permutation of the axes of " + shapeString());
      }
      seen[a] = true;
      outShape[i] = shape[a];
    }
    int[] inStrides = strides(shape);
    int[] stepFor = new int[r];
    for (int i = 0; i < r; i++) {
      stepFor[i] = inStrides[axes[i]];
    }
    float[] out = new float[data.length];
    int[] idx = new int[r];
    int src = 0;
    for (int o = 0; o < out.length; o++) {
      out[o] = data[src];
      for (int ax = r - 1; ax >= 0; ax--) {
        idx[ax]++;
        src += stepFor[ax];
        if (idx[ax] < outShape[ax]) {
          break;
        }
        src -= stepFor[ax] * outShape[ax];
        idx[ax] = 0;
      }
    }
    return new Tensor(out, outShape);
  }

  /** Rows {@code [from, to)} along axis 0, copied. */
  public Tensor slice(int from, int to) {
    if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
      throw new IllegalArgumentException("slice: [" + from + ", " + to + ") of shape " + shapeString());
    }
    int row = shape[0] == 0 ? 0 : data.length / shape[0];
    int[] s = shape.clone();
    s[0] = to - from;
    return new Tensor(Arrays.copyOfRange(data, from * row, to * row), s);
  }

  // ---------------------------------------------------------------- elementwise, with broadcasting

  /** {@code this + other}, numpy broadcasting. */
  public Tensor add(Tensor other) {
    return broadcast("add", other, BinaryOp.ADD);
  }

  /** {@code this - other}, numpy broadcasting. */
  public Tensor sub(Tensor other) {
    return broadcast("sub", other, BinaryOp.SUB);
  }

  /** {@code this * other} elementwise, numpy broadcasting. */
  public Tensor mul(Tensor other) {
    return broadcast("mul", other, BinaryOp.MUL);
  }

  /** {@code this / other} elementwise, numpy broadcasting. */
  public Tensor div(Tensor other) {
    return broadcast("div", other, BinaryOp.DIV);
  }

  /** {@code this + value}. */
  public Tensor add(float value) {
    Tensor out = copy();
    for (int i = 0; i < out.data.length; i++) {
      out.data[i] += value;
    }
    return out;
  }

  /** {@code this · value}. */
  public Tensor mul(float value) {
    Tensor out = zeros(shape);
    K.scale(value, data, 0, out.data, 0, data.length);
    return out;
  }

  /** {@code f(x)} for every element. */
  public Tensor map(DoubleUnaryOperator f) {
    Tensor out = zeros(shape);
    for (int i = 0; i < data.length; i++) {
      out.data[i] = (float) f.applyAsDouble(data[i]);
    }
    return out;
  }

  /** {@code this += other}, same shape. Modifies this tensor. */
  public void addInPlace(Tensor other) {
    requireSameShape("addInPlace", other);
    K.add(data, 0, other.data, 0, data, 0, data.length);
  }

  /** {@code this += alpha · other}, same shape. Modifies this tensor. */
  public void addScaledInPlace(float alpha, Tensor other) {
    requireSameShape("addScaledInPlace", other);
    K.axpy(alpha, other.data, 0, data, 0, data.length);
  }

  /** {@code this *= value}. Modifies this tensor. */
  public void scaleInPlace(float value) {
    K.scale(value, data, 0, data, 0, data.length);
  }

  /** Sets every element to {@code value}. Modifies this tensor. */
  public void fill(float value) {
    Arrays.fill(data, value);
  }

  /** Copies {@code other}'s values into this tensor of the same shape. Modifies this tensor. */
  public void copyFrom(Tensor other) {
    requireSameShape("copyFrom", other);
    System.arraycopy(other.data, 0, data, 0, data.length);
  }

  // ---------------------------------------------------------------- reductions

  /** The sum of all elements, accumulated in double. */
  public double sumAll() {
    double acc = 0;
    for (float v : data) {
      acc += v;
    }
    return acc;
  }

  /** The mean of all elements. */
  public double meanAll() {
    return sumAll() / data.length;
  }

  /** Sum over one axis, which is removed from the shape. */
  public Tensor sum(int axis) {
    return reduce("sum", axis, Reduction.SUM);
  }

  /** Mean over one axis, which is removed from the shape. */
  public Tensor mean(int axis) {
    Tensor s = reduce("mean", axis, Reduction.SUM);
    s.scaleInPlace(1f / shape[normalizeAxis("mean", axis)]);
    return s;
  }

  /** Maximum over one axis, which is removed from the shape. */
  public Tensor max(int axis) {
    return reduce("max", axis, Reduction.MAX);
  }

  /** Index of the maximum over one axis (first on ties), as a tensor without that axis. */
  public Tensor argmax(int axis) {
    return reduce("argmax", axis, Reduction.ARGMAX);
  }

  /** Whether every element is finite (no NaN or infinity). */
  public boolean isFinite() {
    for (float v : data) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor").append(shapeString()).append(' ');
    int limit = Math.min(data.length, 16);
    sb.append('[');
    for (int i = 0; i < limit; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(data[i]);
    }
    if (limit < data.length) {
      sb.append(", ...");
    }
    return sb.append(']').toString();
  }

  // ---------------------------------------------------------------- internals

  private enum BinaryOp {
    ADD, SUB, MUL, DIV;

    float apply(float a, float b) {
      switch (this) {
        case ADD: return a + b;
        case SUB: return a - b;
        case MUL: return a * b;
        default: return a / b;
      }
    }
  }

  private enum Reduction { SUM, MAX, ARGMAX }

  private Tensor broadcast(String op, Tensor other, BinaryOp f) {
    if (Arrays.equals(shape, other.shape)) {
      Tensor out = zeros(shape);
      switch (f) {
        case ADD: K.add(data, 0, other.data, 0, out.data, 0, data.length); break;
        case MUL: K.mul(data, 0, other.data, 0, out.data, 0, data.length); break;
        default:
          for (int i = 0; i < data.length; i++) {
            out.data[i] = f.apply(data[i], other.data[i]);
          }
      }
      return out;
    }
    int r = Math.max(shape.length, other.shape.length);
    int[] outShape = new int[r];
    int[] sa = new int[r];
    int[] sb = new int[r];
    int[] ta = strides(shape);
    int[] tb = strides(other.shape);
    for (int i = 0; i < r; i++) {
      int ia = i - (r - shape.length);
      int ib = i - (r - other.shape.length);
      int da = ia >= 0 ? shape[ia] : 1;
      int db = ib >= 0 ? other.shape[ib] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(op + ": shapes " + shapeString() + " and "
            + other.shapeString() + " cannot be broadcast (axis " + i + ": " + da + " vs " + db + ")");
      }
      outShape[i] = Math.max(da, db);
      sa[i] = da == 1 ? 0 : ta[ia];
      sb[i] = db == 1 ? 0 : tb[ib];
    }
    Tensor out = zeros(outShape);
    int[] idx = new int[r];
    int pa = 0;
    int pb = 0;
    for (int o = 0; o < out.data.length; o++) {
      out.data[o] = f.apply(data[pa], other.data[pb]);
      for (int ax = r - 1; ax >= 0; ax--) {
        idx[ax]++;
        pa += sa[ax];
        pb += sb[ax];
        if (idx[ax] < outShape[ax]) {
          break;
        }
        pa -= sa[ax] * outShape[ax];
        pb -= sb[ax] * outShape[ax];
        idx[ax] = 0;
      }
    }
    return out;
  }

  private Tensor reduce(String op, int axis, Reduction kind) {
    int ax = normalizeAxis(op, axis);
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= shape[i];
    }
    int len = shape[ax];
    if (len == 0 && kind != Reduction.SUM) {
      throw new IllegalArgumentException(op + ": axis " + axis + " of " + shapeString() + " is empty");
    }
    int inner = 1;
    for (int i = ax + 1; i < shape.length; i++) {
      inner *= shape[i];
    }
    int[] outShape = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i != ax) {
        outShape[j++] = shape[i];
      }
    }
    Tensor out = zeros(outShape);
    for (int o = 0; o < outer; o++) {
      for (int in = 0; in < inner; in++) {
        int base = o * len * inner + in;
        float acc = kind == Reduction.SUM ? 0f : data[base];
        int best = 0;
        for (int l = (kind == Reduction.SUM ? 0 : 1); l < len; l++) {
          float v = data[base + l * inner];
          if (kind == Reduction.SUM) {
            acc += v;
          } else if (v > acc || (Float.isNaN(v) && !Float.isNaN(acc))) {
            acc = v;
            best = l;
          }
        }
        out.data[o * inner + in] = kind == Reduction.ARGMAX ? best : acc;
      }
    }
    return out;
  }

  private int flatIndex(String op, int[] index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException(op + ": index " + Arrays.toString(index) + " for shape "
          + shapeString());
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i]) {
        throw new IllegalArgumentException(op + ": index " + Arrays.toString(index)
            + " is outside shape " + shapeString());
      }
      flat = flat * shape[i] + index[i];
    }
    return flat;
  }

  private int normalizeAxis(String op, int axis) {
    int a = axis < 0 ? axis + shape.length : axis;
    if (a < 0 || a >= shape.length) {
      throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape " + shapeString());
    }
    return a;
  }

  /** Throws unless this tensor has rank {@code rank}; {@code op} names the caller in the message. */
  public void requireRank(String op, int rank) {
    if (shape.length != rank) {
      throw new IllegalArgumentException(op + ": expected a rank-" + rank + " tensor, got shape " + shapeString());
    }
  }

  /** Throws unless {@code other} has this tensor's shape; {@code op} names the caller in the message. */
  public void requireSameShape(String op, Tensor other) {
    if (!Arrays.equals(shape, other.shape)) {
      throw new IllegalArgumentException(op + ": shapes " + shapeString() + " and " + other.shapeString()
          + " differ");
    }
  }

  private static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  private static int[] checkShape(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative size in shape " + Arrays.toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31 elements");
      }
    }
    return shape.clone();
  }

  private static int numel(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
