/**
 * YOLOv1 object detection (Redmon et al., CVPR 2016), everything but the network: the output and target
 * layout ({@link dev.deepzero.detect.YoloLayout}), the loss ({@link dev.deepzero.detect.YoloLoss}), target
 * encoding ({@link dev.deepzero.detect.YoloTargets}), decoding with per-class NMS
 * ({@link dev.deepzero.detect.YoloDecoder}, {@link dev.deepzero.detect.Nms}), PASCAL VOC mAP with both the
 * VOC2007 11-point and the all-point metric ({@link dev.deepzero.detect.MeanAveragePrecision}), VOC XML and
 * YOLO txt labels ({@link dev.deepzero.detect.VocFormat}, {@link dev.deepzero.detect.YoloFormat}), a synthetic
 * data set generator with pluggable sprites ({@link dev.deepzero.detect.SyntheticDetectionData},
 * {@link dev.deepzero.detect.SpriteSource}, {@link dev.deepzero.detect.ShapeSprites}), augmentation that moves
 * the boxes with the image ({@link dev.deepzero.detect.DetectionAugment}), and a
 * {@link dev.deepzero.data.Dataset} for the trainer ({@link dev.deepzero.detect.DetectionDataset}).
 *
 * <p>Boxes ({@link dev.deepzero.detect.Box}) are in pixels (0-based pixel indices, as py-faster-rcnn) or in
 * fractions of the image (YOLO labels, targets); each method says which.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.loss}, {@code dev.deepzero.data},
 * {@code dev.deepzero.plot}, and the JDK ({@code javax.xml}, {@code javax.imageio}).
 */
package dev.deepzero.detect;
