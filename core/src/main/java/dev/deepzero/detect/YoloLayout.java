package dev.deepzero.detect;

import dev.deepzero.tensor.Tensor;

/**
 * Where each value of a YOLOv1 output and target lives: the one index helper that {@link YoloLoss},
 * {@link YoloDecoder} and {@link YoloTargets} share, so they cannot disagree.
 *
 * <p>The image is split into an {@code S x S} grid; cell {@code i = row · S + col}. Each cell predicts
 * {@code B} boxes and one set of {@code C} class probabilities, laid out per cell (as the PyTorch ports, not
 * darknet's planar layout; {@link #darknetIndex} converts):
 *
 * <pre>
 * output per sample: S·S cells x D values, D = 5B + C
 *   cell i, box b:  i·D + 5b + {0: x, 1: y, 2: √w, 3: √h, 4: confidence}
 *   cell i, class c: i·D + 5B + c
 * x, y: the box centre as an offset inside its cell, in [0, 1]; √w, √h: square roots of the width and height
 * as fractions of the image (the network predicts the roots, as darknet does, so decoding squares them)
 *
 * target per sample: S·S cells x (5 + C) values, as darknet's fill_truth_region
 *   cell i: [is_object, one-hot class (C values), x, y, w, h]   (w, h raw, not rooted)
 *
 * Shape: output [N, S·S·D] (a Linear head) or [N, S, S, D]; target [N, S, S, 5 + C]
 * </pre>
 *
 * <p>The target is rank 4 on purpose: the trainer's accuracy metric only reads rank-2 outputs with class
 * targets, and reports NaN accuracy for this pair instead of a meaningless number.
 *
 * @param gridSize S, the cells per side
 * @param boxesPerCell B
 * @param numClasses C
 */
public record YoloLayout(int gridSize, int boxesPerCell, int numClasses) {

  /** Offset of the centre x within a box's five values. */
  public static final int X = 0;
  /** Offset of the centre y. */
  public static final int Y = 1;
  /** Offset of √w. */
  public static final int SQRT_W = 2;
  /** Offset of √h. */
  public static final int SQRT_H = 3;
  /** Offset of the confidence. */
  public static final int CONFIDENCE = 4;
  /** Values per predicted box. */
  public static final int BOX_VALUES = 5;
  /** Offset of the target's box values (x, y, w, h) after the object flag and the one-hot classes. */
  private static final int TARGET_FIXED = 5;

  /** Checks that S, B and C are positive. */
  public YoloLayout {
    if (gridSize <= 0 || boxesPerCell <= 0 || numClasses <= 0) {
      throw new IllegalArgumentException("YoloLayout: S, B and C must be positive, got S=" + gridSize + " B="
          + boxesPerCell + " C=" + numClasses);
    }
  }

  /** The number of cells, {@code S·S}. */
  public int cells() {
    return gridSize * gridSize;
  }

  /** Values per cell of the output, {@code D = 5B + C}. */
  public int cellValues() {
    return BOX_VALUES * boxesPerCell + numClasses;
  }

  /** Values per sample of the output, {@code S·S·(5B + C)}: 1470 for VOC's S=7, B=2, C=20. */
  public int outputSize() {
    return cells() * cellValues();
  }

  /** Values per cell of the target, {@code 5 + C}. */
  public int targetCellValues() {
    return TARGET_FIXED + numClasses;
  }

  /** Values per sample of the target. */
  public int targetSize() {
    return cells() * targetCellValues();
  }

  /** The cell index {@code row · S + col}. */
  public int cell(int row, int col) {
    return row * gridSize + col;
  }

  /** Output index of value {@code k} ({@link #X} .. {@link #CONFIDENCE}) of box {@code b} in cell {@code cell}. */
  public int boxIndex(int cell, int b, int k) {
    return cell * cellValues() + BOX_VALUES * b + k;
  }

  /** Output index of the confidence of box {@code b} in cell {@code cell}. */
  public int confidenceIndex(int cell, int b) {
    return boxIndex(cell, b, CONFIDENCE);
  }

  /** Output index of the probability of class {@code c} in cell {@code cell}. */
  public int classIndex(int cell, int c) {
    return cell * cellValues() + BOX_VALUES * boxesPerCell + c;
  }

  /** Target index of the object flag of cell {@code cell}. */
  public int targetObjectIndex(int cell) {
    return cell * targetCellValues();
  }

  /** Target index of the one-hot value of class {@code c} in cell {@code cell}. */
  public int targetClassIndex(int cell, int c) {
    return cell * targetCellValues() + 1 + c;
  }

  /** Target index of value {@code k} (0 x, 1 y, 2 w, 3 h) of the truth box in cell {@code cell}. */
  public int targetBoxIndex(int cell, int k) {
    return cell * targetCellValues() + 1 + numClasses + k;
  }

  /**
   * Where output value {@code index} (of one sample, this layout) sits in darknet's planar layout
   * ({@code detection_layer.c}): all classes {@code i·C + c}, then confidences {@code S·S·C + i·B + b}, then
   * coordinates {@code S·S·(C + B) + (i·B + b)·4 + k}. Used to import darknet outputs or weights of the last layer.
   */
  public int darknetIndex(int index) {
    if (index < 0 || index >= outputSize()) {
      throw new IllegalArgumentException("darknetIndex: " + index + " outside [0, " + outputSize() + ")");
    }
    int cell = index / cellValues();
    int within = index % cellValues();
    int boxValues = BOX_VALUES * boxesPerCell;
    if (within >= boxValues) {
      return cell * numClasses + within - boxValues;
    }
    int b = within / BOX_VALUES;
    int k = within % BOX_VALUES;
    if (k == CONFIDENCE) {
      return cells() * numClasses + cell * boxesPerCell + b;
    }
    return cells() * (numClasses + boxesPerCell) + (cell * boxesPerCell + b) * 4 + k;
  }

  /**
   * Checks that {@code output} is {@code [N, S·S·D]} or {@code [N, S, S, D]} and returns N.
   *
   * @param output Not modified
   */
  public int checkOutput(String op, Tensor output) {
    boolean flat = output.rank() == 2 && output.dim(1) == outputSize();
    boolean grid = output.rank() == 4 && output.dim(1) == gridSize && output.dim(2) == gridSize
        && output.dim(3) == cellValues();
    if (!flat && !grid) {
      throw new IllegalArgumentException(op + ": output " + output.shapeString() + " must be [N, " + outputSize()
          + "] or [N, " + gridSize + ", " + gridSize + ", " + cellValues() + "] for " + this);
    }
    return output.dim(0);
  }

  /**
   * Checks that {@code target} is {@code [n, S, S, 5 + C]}.
   *
   * @param target Not modified
   */
  public void checkTarget(String op, Tensor output, Tensor target, int n) {
    if (target.rank() != 4 || target.dim(0) != n || target.dim(1) != gridSize || target.dim(2) != gridSize
        || target.dim(3) != targetCellValues()) {
      throw new IllegalArgumentException(op + ": output " + output.shapeString() + " needs target [" + n + ", "
          + gridSize + ", " + gridSize + ", " + targetCellValues() + "], got " + target.shapeString());
    }
  }
}
