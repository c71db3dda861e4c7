package dev.deepzero.cli;

import dev.deepzero.detect.YoloV1;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.nn.Layer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trained YOLOv1 detector loaded from a model file written by {@code detect-train}: the network, its
 * {@link YoloV1.Config} (S, B, C, input size) and class names, all read from the file's metadata.
 */
record Detector(Path file, Layer model, YoloV1.Config config, List<String> classNames) {

  /** The model name written into the metadata. */
  static final String MODEL_NAME = "yolo-v1";

  static Detector load(Path file) throws IOException {
    ModelFile.LoadedModel loaded = ModelFile.load(file);
    Map<String, String> meta = loaded.metadata();
    String configJson = meta.get(YoloV1.CONFIG_KEY);
    String classesJson = meta.get(ModelFile.CLASSES_KEY);
    if (configJson == null || classesJson == null) {
      throw new IllegalArgumentException(file + ": has no '" + YoloV1.CONFIG_KEY + "' or '" + ModelFile.CLASSES_KEY
          + "' metadata, so it is not a detector written by 'deepzero detect-train'");
    }
    YoloV1.Config config;
    try {
      config = YoloV1.Config.fromJson(configJson);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    List<String> names = new ArrayList<>();
    if (Json.parse(classesJson) instanceof List<?> list) {
      list.forEach(o -> names.add(String.valueOf(o)));
    }
    if (names.size() != config.numClasses()) {
      throw new IllegalArgumentException(file + ": " + names.size() + " class names for a detector of "
          + config.numClasses() + " classes");
    }
    return new Detector(file, loaded.model(), config, List.copyOf(names));
  }
}
