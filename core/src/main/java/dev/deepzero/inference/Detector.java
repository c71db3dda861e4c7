package dev.deepzero.inference;

import dev.deepzero.detect.Detection;
import dev.deepzero.detect.YoloDecoder;
import dev.deepzero.detect.YoloV1;
import dev.deepzero.nn.Layer;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A YOLOv1 object detector with what it takes to use it: the model, its {@link YoloV1.Config} (S, B, C, input
 * size) and class names, read from a model file of {@code deepzero detect-train} (or built in code with
 * {@link #of}). It preprocesses images, runs them as one batch and decodes each output into detections in that
 * image's own pixels, after per-class NMS ({@link YoloDecoder}).
 *
 * <p>Safe for concurrent callers, as {@link Classifier} is.
 */
public final class Detector {

  /** The model name the detector's training writes into its metadata. */
  public static final String MODEL_NAME = "yolo-v1";
  /** darknet's score threshold for showing detections. */
  public static final double DEFAULT_THRESHOLD = 0.2;
  /** darknet's NMS IoU threshold for showing detections. */
  public static final double DEFAULT_NMS = 0.4;

  private final Path file;
  private final Layer model;
  private final ModelMetadata metadata;
  private final Map<String, String> entries;

  private Detector(Path file, Layer model, ModelMetadata metadata, Map<String, String> entries) {
    this.file = file;
    this.model = model;
    this.metadata = metadata;
    this.entries = entries;
    String source = file == null ? "detector" : file.toString();
    Tensor out = LoadedModel.probe(source, model, metadata);
    try {
      config().layout().checkOutput(source, out);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": the model's output does not fit its metadata's detector"
          + " config: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a model file written by {@code deepzero detect-train}.
   *
   * @throws IllegalArgumentException naming the file: not a model file, metadata that is missing, mistyped or
   *     out of range, a classifier, or a model whose output does not fit the config
   * @throws IOException if the file cannot be read
   */
  public static Detector load(Path file) throws IOException {
    LoadedModel loaded = LoadedModel.load(file, ModelMetadata.Kind.DETECTOR);
    return new Detector(file, loaded.model(), loaded.metadata(), loaded.entries());
  }

  /** A detector around a model in memory, checked as {@link #load} checks a file. */
  public static Detector of(Layer model, YoloV1.Config config, List<String> classNames) {
    ModelMetadata metadata = ModelMetadata.detector(classNames, config);
    return new Detector(null, model, metadata, metadata.entries());
  }

  /** The file it was loaded from, or null for {@link #of}. */
  public Path file() {
    return file;
  }

  /** The model. */
  public Layer model() {
    return model;
  }

  /** The typed metadata. */
  public ModelMetadata metadata() {
    return metadata;
  }

  /** All of the file's metadata strings, unmodifiable. */
  public Map<String, String> entries() {
    return entries;
  }

  /** S, B, C and the input size. */
  public YoloV1.Config config() {
    return metadata.detector();
  }

  /** One name per class. */
  public List<String> classNames() {
    return metadata.classNames();
  }

  /** How an image becomes this model's input. */
  public Preprocessing preprocessing() {
    return metadata.preprocessing();
  }

  /**
   * The detections of each image, in that image's pixels, after per-class NMS.
   *
   * @param images Not modified; any sizes
   * @param threshold keep class scores above this, >= 0 ({@link #DEFAULT_THRESHOLD})
   * @param nms suppress same-class boxes overlapping a better one by more than this IoU, in [0, 1]
   *     ({@link #DEFAULT_NMS})
   */
  public List<List<Detection>> detect(List<BufferedImage> images, double threshold, double nms) {
    YoloDecoder decoder = new YoloDecoder(config().layout(), threshold, nms);
    if (images.isEmpty()) {
      return List.of();
    }
    Preprocessing preprocessing = preprocessing();
    List<Tensor> inputs = new ArrayList<>(images.size());
    for (BufferedImage image : images) {
      inputs.add(preprocessing.apply(image));
    }
    Tensor output = model.predict(preprocessing.batch(inputs));
    List<List<Detection>> all = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      BufferedImage image = images.get(i);
      all.add(decoder.decode(output.slice(i, i + 1), image.getWidth(), image.getHeight()).get(0));
    }
    return all;
  }

  @Override
  public String toString() {
    return "Detector(" + (file == null ? "" : file + ", ") + metadata + ")";
  }
}
