package dev.deepzero.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Normalize;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values a model cannot work with are refused when it is loaded, naming the tensor, instead of giving NaN. */
class ModelFileNumbersTest {

  @TempDir Path dir;

  @Test
  void nonFiniteWeightsAndStatisticsAreRefusedNamingTheTensor() throws IOException {
    Object[][] cases = {{"1.weight", 3, Float.NaN}, {"1.bias", 0, Float.POSITIVE_INFINITY},
        {"2.running_mean", 1, Float.NEGATIVE_INFINITY}, {"0.mean", 0, Float.NaN}};
    for (Object[] c : cases) {
      String key = (String) c[0];
      Path file = saveWith(key, (Integer) c[1], (Float) c[2]);
      ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
      assertEquals(key, e.key());
      assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("tensor '" + key + "' holds "
          + c[2] + " at index " + c[1]), e.getMessage());
    }
  }

  @Test
  void aNegativeVarianceOrANonPositiveStdIsRefusedNamingTheTensor() throws IOException {
    Object[][] cases = {{"2.running_var", 2, -0.5f, "at least 0.0"}, {"0.std", 1, 0f, "above 0.0"},
        {"0.std", 0, -1f, "above 0.0"}};
    for (Object[] c : cases) {
      Path file = saveWith((String) c[0], (Integer) c[1], (Float) c[2]);
      ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
      assertTrue(e.getMessage().contains("tensor '" + c[0] + "' holds " + c[2] + " at index " + c[1])
          && e.getMessage().contains((String) c[3]), e.getMessage());
    }
    Path healthy = saveWith("2.running_var", 2, 0f);
    assertEquals(0f, ModelFile.load(healthy).model().stateDict().get("2.running_var").data()[2]);
  }

  @Test
  void weightsCopiedIntoAModelAreCheckedToo() throws IOException {
    Path file = saveWith("2.running_var", 0, -1f);
    Sequential target = model();
    float before = target.stateDict().get("2.running_var").data()[0];
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.loadWeights(file, target));
    assertTrue(e.getMessage().contains("'2.running_var'"), e.getMessage());
    assertEquals(before, target.stateDict().get("2.running_var").data()[0], "the model is unchanged");
  }

  private static Sequential model() {
    SplittableRandom rng = new SplittableRandom(5);
    return new Sequential(new Normalize(new float[] {0.5f, 0.5f}, new float[] {0.25f, 0.25f}), new Linear(2, 3, rng),
        new BatchNorm(3));
  }

  /** A saved model whose tensor {@code key} holds {@code value} at {@code index}. */
  private Path saveWith(String key, int index, float value) throws IOException {
    Path clean = dir.resolve("clean.safetensors");
    ModelFile.save(clean, model(), Map.of());
    SafeTensors.Contents contents = SafeTensors.read(clean);
    Map<String, Tensor> tensors = new LinkedHashMap<>(contents.tensors());
    tensors.get(key).data()[index] = value;
    Path file = dir.resolve(key + "-" + index + ".safetensors");
    SafeTensors.write(file, tensors, contents.metadata());
    return file;
  }
}
