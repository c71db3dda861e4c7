package dev.deepzero.serve;

import dev.deepzero.detect.Detection;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * What the server needs of a loaded model. Implementations delegate to the core's classifier and detector, so the
 * server has no loader or preprocessing of its own; {@link #predict} may be called from several threads at once.
 */
interface ServedModel {

  /** The two kinds of model the server answers for. */
  enum Kind { CLASSIFIER, DETECTOR }

  Kind kind();

  /** The input of one sample, {@code [C, H, W]}. */
  int[] inputShape();

  List<String> classNames();

  /** A table of the layers, output shapes and parameter counts. */
  String summary();

  /** A decoded image as the model's input {@code [C, H, W]}: converted, resized and, where needed, inverted. */
  Tensor preprocess(BufferedImage image);

  /**
   * The predictions for a batch.
   *
   * @param batch {@code [N, C, H, W]} with values in {@code [0, 1]}; Not modified
   * @param sizes for each sample, the {@code {width, height}} detected boxes are scaled to
   */
  List<Prediction> predict(Tensor batch, int[][] sizes);

  /** One sample's result. */
  sealed interface Prediction permits Classes, Objects {}

  /** A classifier's softmax probabilities, one per class. */
  record Classes(float[] probabilities) implements Prediction {}

  /** A detector's detections after decoding and NMS, boxes in pixels of the size given. */
  record Objects(List<Detection> detections) implements Prediction {}
}
