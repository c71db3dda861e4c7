package dev.deepzero.detect;

import dev.deepzero.data.Batch;
import dev.deepzero.data.Batches;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.tensor.Tensor;
import java.util.List;

/**
 * Runs a detector over a data set and collects its detections and the truths for
 * {@link MeanAveragePrecision}: the evaluation loop that training (validation mAP per epoch) and
 * {@code detect-eval} share.
 *
 * <p>Boxes are compared in fractions of the image, so the mAP uses continuous IoU (no VOC {@code +1} pixel
 * widths), with VOC's match threshold: IoU above 0.5.
 */
public final class DetectionMetrics {

  /** darknet's score threshold for mAP: keep nearly every candidate, so the PR curve reaches low precision. */
  public static final double MAP_SCORE_THRESHOLD = 0.001;
  /** darknet's NMS IoU for mAP. */
  public static final double MAP_NMS_THRESHOLD = 0.5;

  private DetectionMetrics() {}

  /**
   * What {@link #evaluate} measured.
   *
   * @param precision the detections and truths of every image, ready for {@link MeanAveragePrecision#compute}
   * @param loss the mean {@link YoloLoss} over the images
   */
  public record Result(MeanAveragePrecision precision, double loss) {}

  /**
   * Runs {@code model} on every image of {@code data}: its mean loss, and its detections added with the images'
   * truths to a new {@link MeanAveragePrecision}.
   *
   * @param model the network, run in {@link Mode#EVAL}; its output must fit {@code decoder}'s layout
   * @param loss the loss to report, of the data's layout
   * @param data Not modified; evaluated without augmentation
   * @param decoder turns outputs into detections (use {@link #MAP_SCORE_THRESHOLD}, {@link #MAP_NMS_THRESHOLD})
   * @param batchSize images per forward pass, positive
   */
  public static Result evaluate(Layer model, YoloLoss loss, DetectionDataset data, YoloDecoder decoder,
      int batchSize) {
    MeanAveragePrecision map = new MeanAveragePrecision(data.layout().numClasses(),
        MeanAveragePrecision.VOC_IOU_THRESHOLD, false);
    double lossSum = 0;
    for (int[] indices : Batches.sequential(data.size(), batchSize)) {
      Batch batch = data.batch(indices);
      Tensor output = model.predict(batch.inputs());
      lossSum += (double) loss.forward(output, batch.targets()) * indices.length;
      List<List<Detection>> detections = decoder.decode(output, 1, 1);
      for (int i = 0; i < indices.length; i++) {
        map.add(detections.get(i), data.objects(indices[i]));
      }
    }
    return new Result(map, lossSum / data.size());
  }
}
