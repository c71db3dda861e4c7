package dev.deepzero.serve;

import dev.deepzero.detect.YoloDecoder;
import dev.deepzero.inference.Classifier;
import dev.deepzero.inference.Detector;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.inference.Preprocessing;
import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The core's {@link Classifier} and {@link Detector} as {@link ServedModel}s. */
final class ServedModels {

  private ServedModels() {}

  /**
   * Loads a classifier or a detector, as its metadata says.
   *
   * @throws IllegalArgumentException naming the file, for anything the core's loaders refuse
   */
  static ServedModel load(Path file) throws IOException {
    ModelFile.LoadedModel loaded = ModelFile.load(file);
    ModelMetadata metadata = ModelMetadata.read(file, loaded.metadata());
    return metadata.kind() == ModelMetadata.Kind.DETECTOR
        ? of(Detector.of(loaded.model(), metadata.detector(), metadata.classNames()))
        : of(Classifier.of(loaded.model(), metadata.classNames(), metadata.inputShape()));
  }

  static ServedModel of(Classifier classifier) {
    return new ServedClassifier(classifier);
  }

  static ServedModel of(Detector detector) {
    return new ServedDetector(detector, new YoloDecoder(detector.config().layout(), Detector.DEFAULT_THRESHOLD,
        Detector.DEFAULT_NMS));
  }

  private static String summary(Layer model, int[] inputShape) {
    return model instanceof Sequential s ? s.summary(inputShape) : model.toString();
  }

  private record ServedClassifier(Classifier classifier) implements ServedModel {
    @Override
    public Kind kind() {
      return Kind.CLASSIFIER;
    }

    @Override
    public int[] inputShape() {
      return classifier.inputShape();
    }

    @Override
    public List<String> classNames() {
      return classifier.classNames();
    }

    @Override
    public String summary() {
      return ServedModels.summary(classifier.model(), classifier.inputShape());
    }

    @Override
    public Tensor preprocess(BufferedImage image) {
      return classifier.preprocessing().apply(image, Preprocessing.Invert.AUTO).pixels();
    }

    @Override
    public List<Prediction> predict(Tensor batch, int[][] sizes) {
      Tensor p = classifier.probabilities(batch);
      int k = p.dim(1);
      List<Prediction> out = new ArrayList<>(p.dim(0));
      for (int i = 0; i < p.dim(0); i++) {
        out.add(new Classes(Arrays.copyOfRange(p.data(), i * k, (i + 1) * k)));
      }
      return out;
    }
  }

  /** Decodes a batch the way {@link Detector#detect} does, for inputs already preprocessed by the caller. */
  private record ServedDetector(Detector detector, YoloDecoder decoder) implements ServedModel {
    @Override
    public Kind kind() {
      return Kind.DETECTOR;
    }

    @Override
    public int[] inputShape() {
      return detector.preprocessing().shape();
    }

    @Override
    public List<String> classNames() {
      return detector.classNames();
    }

    @Override
    public String summary() {
      return ServedModels.summary(detector.model(), inputShape());
    }

    @Override
    public Tensor preprocess(BufferedImage image) {
      return detector.preprocessing().apply(image);
    }

    @Override
    public List<Prediction> predict(Tensor batch, int[][] sizes) {
      Tensor output = detector.model().predict(batch);
      List<Prediction> out = new ArrayList<>(sizes.length);
      for (int i = 0; i < sizes.length; i++) {
        out.add(new Objects(decoder.decode(output.slice(i, i + 1), sizes[i][0], sizes[i][1]).get(0)));
      }
      return out;
    }
  }
}
