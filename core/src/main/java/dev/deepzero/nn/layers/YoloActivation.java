package dev.deepzero.nn.layers;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;

/**
 * Maps a YOLOv1 head's raw values onto the ranges their targets live in, per grid cell (the last axis, laid
 * out as {@code dev.deepzero.detect.YoloLayout}: {@code B x (x, y, √w, √h, confidence)}, then {@code C}
 * class scores):
 *
 * <pre>
 * x, y, confidence -> σ(v) = 1 / (1 + e^(-v))        (offsets in the cell and IoU targets are in [0, 1])
 * √w, √h           -> v                              (unchanged: the decoder squares them)
 * classes          -> softmax over the C scores      (Pr(class | object) sums to 1)
 *
 * Shape: [..., 5B + C] -> same
 * backward: σ: g · y · (1 - y);   softmax: y_c · (g_c - Σ_k g_k · y_k);   identity: g
 * </pre>
 *
 * <p>The YOLO loss then applies the paper's squared errors to these decoded values, as YOLOv2 does for x, y
 * and the confidence. A linear output (darknet's YOLOv1) lets a confidence overshoot 1 or go negative, which
 * the squared error punishes as hard as a wrong ranking; the bounded outputs rank detections across images
 * better, which is what mAP measures.
 */
public final class YoloActivation implements Layer {

  private static final int BOX_VALUES = 5;
  private static final int SQRT_W = 2;
  private static final int SQRT_H = 3;

  private final int boxesPerCell;
  private final int numClasses;
  private Tensor output;

  /**
   * @param boxesPerCell B, positive
   * @param numClasses C, positive
   */
  public YoloActivation(int boxesPerCell, int numClasses) {
    if (boxesPerCell <= 0 || numClasses <= 0) {
      throw new IllegalArgumentException("YoloActivation: B and C must be positive, got B=" + boxesPerCell
          + " C=" + numClasses);
    }
    this.boxesPerCell = boxesPerCell;
    this.numClasses = numClasses;
  }

  private int cellValues() {
    return BOX_VALUES * boxesPerCell + numClasses;
  }

  private static boolean passesThrough(int offsetInBox) {
    return offsetInBox == SQRT_W || offsetInBox == SQRT_H;
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    int d = cellValues();
    if (x.rank() == 0 || x.dim(-1) != d) {
      throw new IllegalArgumentException("YoloActivation: input " + x.shapeString() + " must end in 5B + C = " + d
          + " values (B=" + boxesPerCell + ", C=" + numClasses + ")");
    }
    Tensor y = Tensor.empty(x.shape());
    float[] in = x.data();
    float[] out = y.data();
    int boxValues = BOX_VALUES * boxesPerCell;
    for (int base = 0; base < in.length; base += d) {
      for (int v = 0; v < boxValues; v++) {
        float value = in[base + v];
        out[base + v] = passesThrough(v % BOX_VALUES) ? value : Sigmoid.sigmoid(value);
      }
      softmax(in, out, base + boxValues, numClasses);
    }
    output = y;
    return y;
  }

  /** Writes the softmax of {@code x[from, from + k)} into the same range of {@code dst}. */
  private static void softmax(float[] x, float[] dst, int from, int k) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = from; j < from + k; j++) {
      max = Math.max(max, x[j]);
    }
    double sum = 0;
    for (int j = from; j < from + k; j++) {
      float e = (float) Math.exp(x[j] - max);
      dst[j] = e;
      sum += e;
    }
    float inv = (float) (1.0 / sum);
    for (int j = from; j < from + k; j++) {
      dst[j] *= inv;
    }
  }

  @Override
  public Tensor backward(Tensor gradOutput) {
    Tensor y = BackwardCheck.cached("YoloActivation", output, output == null ? null : output.shape(), gradOutput);
    int d = cellValues();
    int boxValues = BOX_VALUES * boxesPerCell;
    Tensor gradInput = Tensor.empty(y.shape());
    float[] yd = y.data();
    float[] g = gradOutput.data();
    float[] gi = gradInput.data();
    for (int base = 0; base < yd.length; base += d) {
      for (int v = 0; v < boxValues; v++) {
        int i = base + v;
        gi[i] = passesThrough(v % BOX_VALUES) ? g[i] : g[i] * yd[i] * (1f - yd[i]);
      }
      int from = base + boxValues;
      double dot = 0;
      for (int j = from; j < from + numClasses; j++) {
        dot += (double) g[j] * yd[j];
      }
      for (int j = from; j < from + numClasses; j++) {
        gi[j] = (float) (yd[j] * (g[j] - dot));
      }
    }
    return gradInput;
  }


  @Override
  public LayerConfig config() {
    return LayerConfig.of("YoloActivation", "boxes", boxesPerCell, "classes", numClasses);
  }

  @Override
  public String toString() {
    return "YoloActivation(B=" + boxesPerCell + ", C=" + numClasses + ")";
  }
}
