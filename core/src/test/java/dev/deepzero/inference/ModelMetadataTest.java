package dev.deepzero.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.detect.YoloV1;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {

  private static final Path FILE = Path.of("m.safetensors");

  private static Map<String, String> classifier(String classes, String shape) {
    Map<String, String> m = new HashMap<>();
    m.put(ModelMetadata.CLASSES_KEY, classes);
    m.put(ModelMetadata.INPUT_SHAPE_KEY, shape);
    return m;
  }

  /** The message of the error reading {@code metadata}, checked to name the file and the key. */
  private static String error(Map<String, String> metadata, String key) {
    String message = assertThrows(IllegalArgumentException.class, () -> ModelMetadata.read(FILE, metadata))
        .getMessage();
    assertTrue(message.startsWith(FILE + ": "), message);
    assertTrue(message.contains("'" + key + "'"), message);
    return message;
  }

  @Test
  void entriesReadBackAsTheSameMetadata() {
    ModelMetadata c = ModelMetadata.classifier(List.of("a", "b"), 1, 28, 28);
    assertEquals(c, ModelMetadata.read(FILE, c.entries()));
    assertEquals("[1,28,28]", c.entries().get(ModelMetadata.INPUT_SHAPE_KEY));
    ModelMetadata d = ModelMetadata.detector(List.of("x", "y", "z"), YoloV1.Config.defaults(3));
    ModelMetadata read = ModelMetadata.read(FILE, d.entries());
    assertEquals(d, read);
    assertEquals(ModelMetadata.Kind.DETECTOR, read.kind());
    assertArrayEquals(new int[] {3, 64, 64}, read.inputShape());
    assertEquals(new Preprocessing(3, 64, 64), read.preprocessing());
  }

  @Test
  void classesMustBeANonEmptyListOfStrings() {
    String key = ModelMetadata.CLASSES_KEY;
    assertTrue(error(classifier("5", "[1,28,28]"), key).contains("non-empty JSON array"));
    assertTrue(error(classifier("[]", "[1,28,28]"), key).contains("non-empty JSON array"));
    assertTrue(error(classifier("[\"a\", 7]", "[1,28,28]"), key).contains("as strings, got 7"));
    assertTrue(error(classifier("[\"a\"", "[1,28,28]"), key).contains("not valid JSON"));
    Map<String, String> missing = classifier("[]", "[1,28,28]");
    missing.remove(key);
    assertTrue(error(missing, key).contains("missing"));
  }

  @Test
  void inputShapeMustBeThreeBoundedIntegersWithOneOrThreeChannels() {
    String key = ModelMetadata.INPUT_SHAPE_KEY;
    for (String bad : List.of("[\"a\"]", "[\"a\", 1, 1]", "[1, 28]", "[1, 28, 28, 1]", "[2, 28, 28]", "[1, 0, 28]",
        "[1, 28.5, 28]", "{\"c\": 1}", "[1, 20000, 20000]", "[1, 4097, 1]", "[1, 1, 99999999999999]")) {
      String message = error(classifier("[\"a\"]", bad), key);
      assertTrue(message.contains("expected [C, H, W] with C = 1 or 3 and 1 <= H, W <= 4096"), message);
    }
    assertArrayEquals(new int[] {3, 4096, 1},
        ModelMetadata.read(FILE, classifier("[\"a\"]", "[3, 4096, 1]")).inputShape());
  }

  @Test
  void aHostileValueIsQuotedShortly() {
    String huge = "[" + "1,".repeat(100_000) + "1]";
    String message = error(classifier("[\"a\"]", huge), ModelMetadata.INPUT_SHAPE_KEY);
    assertTrue(message.length() < 300, message.length() + " characters");
    assertTrue(message.contains("(200003 characters)"), message);
  }

  @Test
  void aDetectorConfigIsCheckedAgainstTheClassesTheInputShapeAndTheSizeLimit() {
    Map<String, String> m = ModelMetadata.detector(List.of("x", "y"), YoloV1.Config.defaults(2)).entries();
    Map<String, String> moreClasses = new HashMap<>(m);
    moreClasses.put(ModelMetadata.CLASSES_KEY, "[\"x\", \"y\", \"z\"]");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelMetadata.read(FILE, moreClasses))
        .getMessage().contains("3 class names"));
    Map<String, String> otherShape = new HashMap<>(m);
    otherShape.put(ModelMetadata.INPUT_SHAPE_KEY, "[1, 64, 64]");
    assertTrue(error(otherShape, ModelMetadata.INPUT_SHAPE_KEY).contains("disagrees"));
    Map<String, String> huge = new HashMap<>(m);
    huge.put(ModelMetadata.DETECTOR_KEY, new YoloV1.Config(3, 8 * 1024, 8, 2, 2, 16, true).toJson());
    huge.remove(ModelMetadata.INPUT_SHAPE_KEY);
    assertTrue(error(huge, ModelMetadata.DETECTOR_KEY).contains("over the limit of 4096"));
    Map<String, String> mistyped = new HashMap<>(m);
    mistyped.put(ModelMetadata.DETECTOR_KEY, "{\"channels\": \"3\"}");
    assertTrue(error(mistyped, ModelMetadata.DETECTOR_KEY).contains("'channels' must be an integer"));
  }
}
