package dev.deepzero.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.layers.Linear;
import dev.deepzero.tensor.Limits;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny model file cannot make the loader allocate what its architecture declares: the architecture is checked
 * against the tensors present before any layer is built, and the tensors against the limits and the heap.
 */
class ModelFileLimitsTest {

  /** Far below what the hostile architectures below would allocate (0.9 to 8 GB), far above a small model. */
  private static final long ALLOCATION_BUDGET = 64L << 20;

  @TempDir Path dir;

  @Test
  void hugeLayersWithoutWeightsAreRefusedBeforeAnythingIsAllocated() throws IOException {
    String[] architectures = {
        seq(layer("Linear", "\"in\":15000,\"out\":15000"), layer("Linear", "\"in\":15000,\"out\":15000")),
        seq(layer("BatchNorm", "\"channels\":2000000000")),
        seq(layer("Normalize", "\"channels\":2000000000")),
        seq(layer("Conv2d", "\"in\":4096,\"out\":4096,\"kernel\":64,\"stride\":1,\"padding\":0"))};
    for (String architecture : architectures) {
      Path file = hostile(architecture, Map.of());
      assertTrue(Files.size(file) < 1000, Files.size(file) + " bytes");
      ModelFileException e = refusedWithin(ALLOCATION_BUDGET, () -> ModelFile.load(file));
      assertEquals(ModelFile.ARCHITECTURE_KEY, e.key(), e.getMessage());
      assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("missing tensors [0."),
          e.getMessage());
    }
  }

  @Test
  void weightsOfTheWrongShapeAreNamedWithBothShapes() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("0.weight", Tensor.zeros(3, 5));
    tensors.put("0.bias", Tensor.zeros(3));
    tensors.put("0.extra", Tensor.zeros(1));
    Path file = hostile(seq(layer("Linear", "\"in\":4,\"out\":3")), tensors);
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().contains("tensor '0.weight' has shape [3, 5], the architecture needs [3, 4]")
        && e.getMessage().contains("unexpected tensors [0.extra]"), e.getMessage());
  }

  @Test
  void sizesThatDoNotFitAnIntAreRefusedNotTruncated() throws IOException {
    Path file = hostile(seq(layer("Linear", "\"in\":4294967300,\"out\":3")), Map.of());
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().contains("option 'in' must be a whole number of at most"), e.getMessage());
  }

  @Test
  void tensorsPastTheElementLimitsAreRefusedNamingTheProperty() throws IOException {
    Path file = dir.resolve("small.safetensors");
    ModelFile.save(file, new Linear(4, 3, new SplittableRandom(1)), Map.of());
    ModelFileException perTensor = withProperty(Limits.MAX_TENSOR_ELEMENTS_PROPERTY, "11",
        () -> assertThrows(ModelFileException.class, () -> ModelFile.load(file)));
    assertEquals("weight", perTensor.key());
    assertTrue(perTensor.getMessage().contains("12 elements, more than the limit of 11")
        && perTensor.getMessage().contains("-D" + Limits.MAX_TENSOR_ELEMENTS_PROPERTY), perTensor.getMessage());
    ModelFileException perFile = withProperty(Limits.MAX_MODEL_ELEMENTS_PROPERTY, "14",
        () -> assertThrows(ModelFileException.class, () -> ModelFile.load(file)));
    assertTrue(perFile.getMessage().contains("15 elements in all, more than the limit of 14"), perFile.getMessage());
    assertEquals(15, ModelFile.load(file).model().stateDict().values().stream().mapToInt(Tensor::size).sum());
  }

  // ---------------------------------------------------------------- helpers

  /** A model file with the given architecture JSON and tensors, as an attacker would write it. */
  private Path hostile(String architecture, Map<String, Tensor> tensors) throws IOException {
    Path file = dir.resolve("hostile-" + Integer.toHexString(architecture.hashCode()) + ".safetensors");
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(ModelFile.FORMAT_KEY, ModelFile.FORMAT_VERSION);
    metadata.put(ModelFile.ARCHITECTURE_KEY, architecture);
    SafeTensors.write(file, tensors, metadata);
    return file;
  }

  private static String seq(String... layers) {
    return "{\"type\":\"Sequential\",\"options\":{\"layers\":[" + String.join(",", layers) + "]}}";
  }

  private static String layer(String type, String options) {
    return "{\"type\":\"" + type + "\",\"options\":{" + options + "}}";
  }

  /** The exception {@code call} throws, asserting that it allocated at most {@code budget} bytes on the way. */
  static ModelFileException refusedWithin(long budget, Executable call) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    ModelFileException e = assertThrows(ModelFileException.class, call);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < budget, "allocated " + allocated + " bytes before refusing: " + e.getMessage());
    return e;
  }

  private interface Body<T> {
    T run();
  }

  private static <T> T withProperty(String name, String value, Body<T> body) {
    String old = System.getProperty(name);
    System.setProperty(name, value);
    try {
      return body.run();
    } finally {
      if (old == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, old);
      }
    }
  }
}
