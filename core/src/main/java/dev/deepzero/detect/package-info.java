/**
 * YOLOv1 object detection (Redmon et al., CVPR 2016): a small YOLOv1-style network
 * ({@link dev.deepzero.detect.YoloV1}), the output and target
 * layout ({@link dev.deepzero.detect.YoloLayout}), the loss ({@link dev.deepzero.detect.YoloLoss}), target
 * encoding ({@link dev.deepzero.detect.YoloTargets}), decoding with per-class NMS
 * ({@link dev.deepzero.detect.YoloDecoder}, {@link dev.deepzero.detect.Nms}), PASCAL VOC mAP with both the
 * VOC2007 11-point and the all-point metric ({@link dev.deepzero.detect.MeanAveragePrecision}), VOC XML and
 * YOLO txt labels ({@link dev.deepzero.detect.VocFormat}, {@link dev.deepzero.detect.YoloFormat}), a synthetic
 * data set generator with pluggable sprites ({@link dev.deepzero.detect.SyntheticDetectionData},
 * {@link dev.deepzero.detect.SpriteSource}, {@link dev.deepzero.detect.ShapeSprites},
 * {@link dev.deepzero.detect.FashionSprites}), augmentation that moves
 * the boxes with the image ({@link dev.deepzero.detect.DetectionAugment}), and a
 * {@link dev.deepzero.data.Dataset} for the trainer ({@link dev.deepzero.detect.DetectionDataset}), the
 * evaluation loop ({@link dev.deepzero.detect.DetectionMetrics}) and drawing of detections
 * ({@link dev.deepzero.detect.BoxDrawing}).
 *
 * <p>Boxes ({@link dev.deepzero.detect.Box}) are in pixels (0-based pixel indices, as py-faster-rcnn) or in
 * fractions of the image (YOLO labels, targets); each method says which.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn}, {@code dev.deepzero.nn.layers},
 * {@code dev.deepzero.loss}, {@code dev.deepzero.data}, {@code dev.deepzero.io}, {@code dev.deepzero.plot}, and the
 * JDK ({@code javax.xml}, {@code javax.imageio}, {@code java.awt}).
 */
package dev.deepzero.detect;
