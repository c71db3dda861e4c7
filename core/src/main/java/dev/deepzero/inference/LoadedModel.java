package dev.deepzero.inference;

import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** What {@link Classifier#load} and {@link Detector#load} share: the model file, its typed metadata, the checks. */
record LoadedModel(Path file, Layer model, ModelMetadata metadata, Map<String, String> entries) {

  /**
   * Loads {@code file} and checks that it holds the {@code expected} kind of model.
   *
   * @throws IllegalArgumentException naming the file: everything {@link ModelFile#load} and
   *     {@link ModelMetadata#read} reject, or a model of the other kind
   */
  static LoadedModel load(Path file, ModelMetadata.Kind expected) throws IOException {
    ModelFile.LoadedModel loaded = ModelFile.load(file);
    ModelMetadata metadata = ModelMetadata.read(file, loaded.metadata());
    if (metadata.kind() != expected) {
      throw new IllegalArgumentException(file + ": is " + (metadata.kind() == ModelMetadata.Kind.DETECTOR
          ? "an object detector (it has '" + ModelMetadata.DETECTOR_KEY + "' metadata), not a classifier: use"
              + " 'deepzero detect' or Detector.load"
          : "an image classifier (it has no '" + ModelMetadata.DETECTOR_KEY + "' metadata), not a detector: use"
              + " 'deepzero predict' or Classifier.load"));
    }
    return new LoadedModel(file, loaded.model(), metadata, Map.copyOf(loaded.metadata()));
  }

  /**
   * The model's output for one all-zero input of the metadata's shape, so that a model that cannot take that
   * shape fails here, naming the file, and not in the middle of a prediction.
   *
   * @param source named in the message: the file, or a description of an in-memory model
   */
  static Tensor probe(String source, Layer model, ModelMetadata metadata) {
    int[] shape = metadata.inputShape();
    try {
      return model.predict(Tensor.zeros(1, shape[0], shape[1], shape[2]));
    } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException(source + ": the model cannot take the input shape "
          + Arrays.toString(shape) + " of its metadata: " + e.getMessage(), e);
    }
  }
}
