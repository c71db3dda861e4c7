package dev.deepzero.interop.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.deepzero.interop.ExternalTools;
import dev.deepzero.interop.TestModels;
import dev.deepzero.io.SafeTensors;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Normalize;
import dev.deepzero.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CNN with BatchNorm trained a few steps in PyTorch (deepzero's deep-cnn, built there layer for layer) and
 * saved as safetensors loads into deepzero and gives PyTorch's eval-mode logits to {@value #TOLERANCE}, from
 * float32, float16 and bfloat16 weights alike.
 */
class PyTorchImportTest {

  private static final double TOLERANCE = 1e-5;

  @TempDir Path dir;

  @Test
  void aPyTorchTrainedCnnGivesPyTorchsLogits() throws Exception {
    assumeTrue(ExternalTools.pythonHas("torch"), "skipped: /usr/bin/python3 with torch (Debian python3-torch) not installed");
    String steps = ExternalTools.run(List.of(ExternalTools.PYTHON.toString(),
        ExternalTools.resource("pytorch_state_dict.py", dir).toString(), dir.toString()), dir).strip();
    assertEquals("5", steps, "num_batches_tracked after five training steps");
    Map<String, Tensor> expected = SafeTensors.read(dir.resolve("expected.safetensors")).tensors();
    Tensor inputs = expected.get("inputs");
    for (String tag : List.of("f32", "f16", "bf16")) {
      Sequential model = Models.byName("deep-cnn", 1, 28, 28, 10, new SplittableRandom(1));
      PyTorchImport.load(dir.resolve("state-" + tag + ".safetensors"), Map.of(), model);
      double diff = TestModels.maxAbsDiff(model.predict(inputs).data(), expected.get(tag).data());
      System.out.printf("PyTorch 1.13 state dict (%s weights, I64 num_batches_tracked) -> deepzero deep-cnn:"
          + " eval logits max abs difference %.3g%n", tag, diff);
      assertTrue(diff <= TOLERANCE, tag + ": max abs difference " + diff);
    }
    // The same file into a model with a Normalize in front, through a name map.
    Sequential normalized = new Sequential(new Normalize(1),
        Models.byName("deep-cnn", 1, 28, 28, 10, new SplittableRandom(1)));
    Map<String, Tensor> state = PyTorchImport.stateDict(dir.resolve("state-f32.safetensors"), Map.of("", "1."));
    normalized.get(0).stateDict().forEach((k, v) -> state.put("0." + k, v));
    normalized.loadStateDict(state);
    double diff = TestModels.maxAbsDiff(normalized.predict(inputs).data(), expected.get("f32").data());
    assertTrue(diff <= TOLERANCE, "renamed: max abs difference " + diff);
  }

  @Test
  void stateDictsThatDoNotFitAreRefusedNamingTheKeys() throws Exception {
    Sequential source = Models.byName("lenet", 1, 28, 28, 10, new SplittableRandom(1));
    Path file = dir.resolve("lenet.safetensors");
    Map<String, Tensor> state = new java.util.LinkedHashMap<>(source.stateDict());
    state.put("3.num_batches_tracked", Tensor.scalar(4f));
    SafeTensors.write(file, state, Map.of());
    Sequential target = Models.byName("lenet", 1, 28, 28, 10, new SplittableRandom(2));
    PyTorchImport.load(file, Map.of(), target);
    assertEquals(0, TestModels.maxAbsDiff(target.stateDict().get("0.weight").data(),
        source.stateDict().get("0.weight").data()));
    assertFalse(PyTorchImport.stateDict(file, Map.of()).containsKey("3.num_batches_tracked"));
    Sequential other = Models.byName("simple-cnn", 1, 28, 28, 10, new SplittableRandom(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PyTorchImport.load(file, Map.of(), other));
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("3.weight"), e.getMessage());
  }
}
