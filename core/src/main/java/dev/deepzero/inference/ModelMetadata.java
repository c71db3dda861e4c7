package dev.deepzero.inference;

import dev.deepzero.detect.YoloV1;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a model file's metadata says about using the model, read by one typed reader: the kind of model, its
 * class names, its input shape {@code [C, H, W]} and, for a detector, its {@link YoloV1.Config}. The training
 * commands write these entries with {@link #entries()} and every front end reads them with {@link #read}.
 *
 * <p>The entries, all JSON text:
 * <ul>
 *   <li>{@value #CLASSES_KEY}: a non-empty array of strings, one per output class;
 *   <li>{@value #INPUT_SHAPE_KEY}: {@code [C, H, W]}, integers, C = 1 (grey) or 3 (RGB), {@code 1 <= H, W <=}
 *       {@value #MAX_INPUT_SIDE};
 *   <li>{@value #DETECTOR_KEY} (detectors only): the {@link YoloV1.Config} object; its image size obeys the same
 *       bound, and the input shape, if present, must agree with it.
 * </ul>
 * The preprocessing follows from the input shape ({@link #preprocessing()}): convert to C channels, resize to
 * H x W; standardisation is inside the model (a {@code Normalize} first layer).
 *
 * <p>Every problem is an {@link IllegalArgumentException} whose message starts with the file, names the key and
 * says what was expected, quoting at most {@value #QUOTE_LIMIT} characters of the value.
 *
 * @param kind a classifier or a detector
 * @param classNames one name per class; unmodifiable
 * @param inputShape {@code [C, H, W]}
 * @param detector the detector's config, or null for a classifier
 */
public record ModelMetadata(Kind kind, List<String> classNames, int[] inputShape, YoloV1.Config detector) {

  /** The metadata key of the class names. */
  public static final String CLASSES_KEY = ModelFile.CLASSES_KEY;
  /** The metadata key of the input shape. */
  public static final String INPUT_SHAPE_KEY = "input_shape";
  /** The metadata key of a detector's config. */
  public static final String DETECTOR_KEY = YoloV1.CONFIG_KEY;
  /**
   * The largest input height or width: 3 x 4096 x 4096 floats are 200 MB per image, beyond any model trained
   * here, while a hostile {@code [1, 20000, 20000]} (1.6 GB) is refused before anything is allocated.
   */
  public static final int MAX_INPUT_SIDE = 4096;

  private static final int QUOTE_LIMIT = 80;

  /** What a model file holds. */
  public enum Kind {
    /** An image classifier from {@code deepzero train}: one score per class. */
    CLASSIFIER,
    /** A YOLOv1 object detector from {@code deepzero detect-train}. */
    DETECTOR
  }

  /** Checks that the parts agree; copies the list and the shape. */
  public ModelMetadata {
    classNames = List.copyOf(classNames);
    inputShape = inputShape.clone();
    if (classNames.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one class name");
    }
    checkShape(inputShape);
    if ((kind == Kind.DETECTOR) != (detector != null)) {
      throw new IllegalArgumentException("a detector needs its config and a classifier has none");
    }
    if (detector != null && (detector.numClasses() != classNames.size()
        || !Arrays.equals(inputShape, new int[] {detector.channels(), detector.imageSize(), detector.imageSize()}))) {
      throw new IllegalArgumentException("a detector of " + detector.numClasses() + " classes on "
          + detector.imageSize() + " x " + detector.imageSize() + " x " + detector.channels() + " images cannot have "
          + classNames.size() + " class names and input shape " + Arrays.toString(inputShape));
    }
  }

  /** A classifier's metadata. */
  public static ModelMetadata classifier(List<String> classNames, int... inputShape) {
    return new ModelMetadata(Kind.CLASSIFIER, classNames, inputShape, null);
  }

  /** A detector's metadata; the input shape follows from the config. */
  public static ModelMetadata detector(List<String> classNames, YoloV1.Config config) {
    return new ModelMetadata(Kind.DETECTOR, classNames, new int[] {config.channels(), config.imageSize(),
        config.imageSize()}, config);
  }

  /** The input shape {@code [C, H, W]} (a copy). */
  @Override
  public int[] inputShape() {
    return inputShape.clone();
  }

  /** How an image becomes this model's input. */
  public Preprocessing preprocessing() {
    return new Preprocessing(inputShape[0], inputShape[1], inputShape[2]);
  }

  /** These entries as model-file metadata strings, for {@link ModelFile#save}. */
  public Map<String, String> entries() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(CLASSES_KEY, Json.write(classNames));
    m.put(INPUT_SHAPE_KEY, Json.write(inputShape));
    if (detector != null) {
      m.put(DETECTOR_KEY, detector.toJson());
    }
    return m;
  }

  /**
   * Reads the entries of a model file's metadata: a detector when {@value #DETECTOR_KEY} is present, else a
   * classifier.
   *
   * @param file named in error messages
   * @param metadata a model file's metadata; Not modified
   * @throws IllegalArgumentException naming the file and the key: a missing entry, invalid JSON, a value of the
   *     wrong type or out of range, or entries that disagree
   */
  public static ModelMetadata read(Path file, Map<String, String> metadata) {
    List<String> names = classNames(file, metadata);
    String detectorJson = metadata.get(DETECTOR_KEY);
    if (detectorJson == null) {
      int[] shape = inputShape(file, metadata);
      return wrap(file, () -> classifier(names, shape));
    }
    YoloV1.Config config;
    try {
      config = YoloV1.Config.fromJson(detectorJson);
    } catch (IllegalArgumentException e) {
      throw problem(file, DETECTOR_KEY, e.getMessage());
    }
    if (config.imageSize() > MAX_INPUT_SIDE) {
      throw problem(file, DETECTOR_KEY, "image size " + config.imageSize() + " is over the limit of "
          + MAX_INPUT_SIDE);
    }
    if (metadata.containsKey(INPUT_SHAPE_KEY)) {
      int[] shape = inputShape(file, metadata);
      int[] implied = {config.channels(), config.imageSize(), config.imageSize()};
      if (!Arrays.equals(shape, implied)) {
        throw problem(file, INPUT_SHAPE_KEY, Arrays.toString(shape) + " disagrees with the detector config's "
            + Arrays.toString(implied));
      }
    }
    return wrap(file, () -> detector(names, config));
  }

  private static List<String> classNames(Path file, Map<String, String> metadata) {
    Object json = parse(file, metadata, CLASSES_KEY, "a JSON array of class names");
    if (!(json instanceof List<?> list) || list.isEmpty()) {
      throw problem(file, CLASSES_KEY, "expected a non-empty JSON array of class names, got "
          + quote(metadata.get(CLASSES_KEY)));
    }
    List<String> names = new ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw problem(file, CLASSES_KEY, "expected class names as strings, got " + quote(Json.write(o)));
      }
      names.add(s);
    }
    return names;
  }

  private static int[] inputShape(Path file, Map<String, String> metadata) {
    Object json = parse(file, metadata, INPUT_SHAPE_KEY, "[C, H, W]");
    String expected = "expected [C, H, W] with C = 1 or 3 and 1 <= H, W <= " + MAX_INPUT_SIDE + ", got ";
    if (!(json instanceof List<?> list) || list.size() != 3) {
      throw problem(file, INPUT_SHAPE_KEY, expected + quote(metadata.get(INPUT_SHAPE_KEY)));
    }
    int[] shape = new int[3];
    for (int i = 0; i < 3; i++) {
      if (!(list.get(i) instanceof Long v) || v < 1 || v > MAX_INPUT_SIDE) {
        throw problem(file, INPUT_SHAPE_KEY, expected + quote(metadata.get(INPUT_SHAPE_KEY)));
      }
      shape[i] = v.intValue();
    }
    try {
      checkShape(shape);
    } catch (IllegalArgumentException e) {
      throw problem(file, INPUT_SHAPE_KEY, expected + quote(metadata.get(INPUT_SHAPE_KEY)));
    }
    return shape;
  }

  private static void checkShape(int[] shape) {
    if (shape.length != 3 || (shape[0] != 1 && shape[0] != 3) || shape[1] < 1 || shape[1] > MAX_INPUT_SIDE
        || shape[2] < 1 || shape[2] > MAX_INPUT_SIDE) {
      throw new IllegalArgumentException("input shape " + Arrays.toString(shape) + " is not [C, H, W] with C = 1 or 3"
          + " and 1 <= H, W <= " + MAX_INPUT_SIDE);
    }
  }

  private static Object parse(Path file, Map<String, String> metadata, String key, String expected) {
    String text = metadata.get(key);
    if (text == null) {
      throw problem(file, key, "missing (expected " + expected + "), so this is not a model written by 'deepzero"
          + " train' or 'deepzero detect-train'");
    }
    try {
      return Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw problem(file, key, "not valid JSON (" + e.getMessage() + ")");
    }
  }

  private static ModelMetadata wrap(Path file, Supplier<ModelMetadata> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": metadata: " + e.getMessage(), e);
    }
  }

  static IllegalArgumentException problem(Path file, String key, String what) {
    return new IllegalArgumentException(file + ": metadata '" + key + "': " + what);
  }

  /** The text cut to {@link #QUOTE_LIMIT} characters, so a hostile value cannot flood the message. */
  static String quote(String text) {
    return text.length() <= QUOTE_LIMIT ? text : text.substring(0, QUOTE_LIMIT) + "... (" + text.length()
        + " characters)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelMetadata m && kind == m.kind && classNames.equals(m.classNames)
        && Arrays.equals(inputShape, m.inputShape) && Objects.equals(detector, m.detector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, classNames, Arrays.hashCode(inputShape), detector);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + " of " + classNames.size() + " classes on "
        + Arrays.toString(inputShape);
  }
}
