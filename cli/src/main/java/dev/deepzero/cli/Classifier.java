package dev.deepzero.cli;

import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trained image classifier loaded from a model file, with what the commands need to use it: its class
 * names and its input shape {@code [C, H, W]}, both read from the file's metadata.
 */
record Classifier(Path file, Layer model, List<String> classNames, int[] inputShape, Map<String, String> metadata) {

  /** Metadata key of the input shape, a JSON array {@code [C, H, W]}. */
  static final String INPUT_SHAPE_KEY = "input_shape";

  static Classifier load(Path file) throws IOException {
    ModelFile.LoadedModel loaded = ModelFile.load(file);
    Map<String, String> meta = loaded.metadata();
    List<String> names = new ArrayList<>();
    Object classes = Json.parse(require(file, meta, ModelFile.CLASSES_KEY));
    for (Object o : (List<?>) classes) {
      names.add(String.valueOf(o));
    }
    List<?> shape = (List<?>) Json.parse(require(file, meta, INPUT_SHAPE_KEY));
    int[] input = shape.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    if (input.length != 3) {
      throw new IllegalArgumentException(file + ": input_shape must be [C, H, W], got " + shape);
    }
    return new Classifier(file, loaded.model(), names, input, meta);
  }

  private static String require(Path file, Map<String, String> meta, String key) {
    String value = meta.get(key);
    if (value == null) {
      throw new IllegalArgumentException(file + ": has no '" + key + "' metadata, so it is not an image classifier"
          + " written by 'deepzero train'");
    }
    return value;
  }
}
