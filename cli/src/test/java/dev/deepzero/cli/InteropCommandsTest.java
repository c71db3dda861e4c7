package dev.deepzero.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.detect.YoloV1;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.interop.onnx.OnnxExport;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.io.SafeTensors;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export} and {@code import} write what the interop library writes and read what it reads. */
class InteropCommandsTest {

  @TempDir Path dir;

  @Test
  void exportWritesTheLibrarysOnnxFile() throws Exception {
    Sequential model = Models.byName("lenet", 1, 28, 28, 10, new SplittableRandom(1));
    Path file = dir.resolve("lenet.safetensors");
    ModelFile.save(file, model, Map.of(ModelMetadata.INPUT_SHAPE_KEY, "[1, 28, 28]"));
    Path onnx = dir.resolve("lenet.onnx");
    CliRun run = CliRun.run("export", file.toString(), "--format", "onnx", "--out", onnx.toString());
    assertEquals(0, run.status(), run.all());
    assertTrue(run.out().contains("ONNX opset 13, IR 7"), run.all());
    Layer loaded = ModelFile.load(file).model();
    assertArrayEquals(OnnxExport.toBytes(loaded, new int[] {1, 28, 28}, "deepzero " + Main.VERSION),
        Files.readAllBytes(onnx));
  }

  @Test
  void aDetectorGoesToDarknetAndComesBack() throws Exception {
    YoloV1.Config config = new YoloV1.Config(3, 32, 4, 2, 3, 4, true);
    Sequential detector = YoloV1.build(config, new SplittableRandom(2));
    Path file = dir.resolve("detector.safetensors");
    ModelFile.save(file, detector, Map.of(ModelMetadata.INPUT_SHAPE_KEY, "[3, 32, 32]"));
    Path cfg = dir.resolve("detector.cfg");
    CliRun export = CliRun.run("export", file.toString(), "--format", "darknet", "--out", cfg.toString());
    assertEquals(0, export.status(), export.all());
    Path weights = dir.resolve("detector.weights");
    assertTrue(Files.exists(weights), export.all());
    Path back = dir.resolve("back.safetensors");
    CliRun imported = CliRun.run("import", "--from", "darknet", cfg.toString(), "--weights", weights.toString(),
        "--out", back.toString());
    assertEquals(0, imported.status(), imported.all());
    Tensor x = Tensor.uniform(new SplittableRandom(3), 0f, 1f, 2, 3, 32, 32);
    float[] expected = detector.predict(x).data();
    float[] actual = ModelFile.load(back).model().predict(x).data();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4, "output " + i);
    }
    ModelMetadata meta = ModelMetadata.read(back, ModelFile.load(back).metadata());
    assertEquals(config, meta.detector(), "a detector again");
  }

  @Test
  void importTakesAPyTorchStateDictForABuiltInModelOrAnArchitectureFile() throws Exception {
    Sequential source = Models.byName("deep-cnn", 1, 28, 28, 10, new SplittableRandom(4));
    Map<String, Tensor> state = new LinkedHashMap<>();
    source.stateDict().forEach((k, v) -> state.put("net." + k, v));
    state.put("net.1.num_batches_tracked", Tensor.scalar(12f));
    Path torch = dir.resolve("state.safetensors");
    SafeTensors.write(torch, state, Map.of());
    Tensor x = Tensor.uniform(new SplittableRandom(5), 0f, 1f, 3, 1, 28, 28);
    float[] expected = source.predict(x).data();

    Path byName = dir.resolve("by-name.safetensors");
    CliRun run = CliRun.run("import", "--from", "pytorch", torch.toString(), "--architecture", "deep-cnn",
        "--rename", "net.=", "--class-names", "a,b,c,d,e,f,g,h,i,j", "--out", byName.toString());
    assertEquals(0, run.status(), run.all());
    assertArrayEquals(expected, ModelFile.load(byName).model().predict(x).data());
    assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"),
        Json.parse(ModelFile.load(byName).metadata().get(ModelFile.CLASSES_KEY)));

    Path arch = dir.resolve("arch.json");
    Files.writeString(arch, ModelFile.architectureJson(source.config()));
    Path byFile = dir.resolve("by-file.safetensors");
    run = CliRun.run("import", "--from", "pytorch", torch.toString(), "--architecture", arch.toString(),
        "--rename", "net.=", "--out", byFile.toString());
    assertEquals(0, run.status(), run.all());
    assertArrayEquals(expected, ModelFile.load(byFile).model().predict(x).data());
  }

  @Test
  void aStateDictOfAnotherModelIsAnErrorNamingTheKeys() throws Exception {
    Path torch = dir.resolve("lenet.safetensors");
    SafeTensors.write(torch, Models.byName("lenet", 1, 28, 28, 10, new SplittableRandom(1)).stateDict(), Map.of());
    CliRun run = CliRun.run("import", "--from", "pytorch", torch.toString(), "--architecture", "simple-cnn",
        "--out", dir.resolve("x.safetensors").toString());
    assertEquals(2, run.status(), run.all());
    assertTrue(run.err().contains("does not fit") && run.err().contains("3.weight"), run.all());
    assertTrue(!Files.exists(dir.resolve("x.safetensors")));
  }
}
