package dev.deepzero.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.Relu;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens files written by {@link SafeTensors} and {@link ModelFile} with Python readers, each test skipped unless
 * its library is installed: the {@code safetensors} package itself, PyTorch ({@code torch.frombuffer} over a header
 * parsed with {@code json} and {@code struct}), and numpy the same way. Nothing is installed by the tests.
 */
class SafeTensorsPythonTest {

  /**
   * For each file: "META\t{sorted metadata json}", then per tensor "name\tdtype\tshape\thex values", as read by
   * {@code mode}.
   */
  private static final String SCRIPT = String.join("\n",
      "import json, struct, sys",
      "mode = sys.argv[1]",
      "def emit(meta, items):",
      "    print('META\\t' + json.dumps(meta, sort_keys=True))",
      "    for name, dtype, shape, values in items:",
      "        print('\\t'.join([name, dtype, ','.join(str(d) for d in shape),",
      "                         ' '.join(float(v).hex() for v in values)]))",
      "for path in sys.argv[2:]:",
      "    if mode == 'safetensors':",
      "        from safetensors import safe_open",
      "        items = []",
      "        with safe_open(path, framework='numpy') as f:",
      "            meta = f.metadata() or {}",
      "            for name in f.keys():",
      "                a = f.get_tensor(name)",
      "                items.append((name, str(a.dtype), a.shape, a.ravel().tolist()))",
      "        emit(meta, items)",
      "        continue",
      "    raw = open(path, 'rb').read()",
      "    n = struct.unpack('<Q', raw[:8])[0]",
      "    header = json.loads(raw[8:8 + n].decode('utf-8'))",
      "    meta = header.pop('__metadata__', {})",
      "    items = []",
      "    for name, info in header.items():",
      "        b, e = info['data_offsets']",
      "        chunk = raw[8 + n + b:8 + n + e]",
      "        if mode == 'torch':",
      "            import torch",
      "            # torch.frombuffer refuses an empty buffer (a tensor with a 0 in its shape)",
      "            t = (torch.frombuffer(bytearray(chunk), dtype=torch.float32) if chunk",
      "                 else torch.zeros(0)).reshape(info['shape'])",
      "            items.append((name, info['dtype'], list(t.shape), t.flatten().tolist()))",
      "        else:",
      "            import numpy as np",
      "            a = np.frombuffer(chunk, dtype='<f4').reshape(info['shape'])",
      "            items.append((name, info['dtype'], list(a.shape), a.ravel().tolist()))",
      "    emit(meta, items)");

  /** Python modules importable here, found once: each interpreter start costs seconds on a loaded machine. */
  private static Set<String> available;

  @TempDir Path dir;

  @Test
  void safetensorsPackageReadsOurFiles() throws Exception {
    assumeTrue(pythonHas("safetensors") && pythonHas("numpy"), "python3 with safetensors and numpy not installed");
    checkWith("safetensors", "float32");
  }

  @Test
  void torchReadsOurFiles() throws Exception {
    assumeTrue(pythonHas("torch"), "python3 with torch not installed");
    checkWith("torch", "F32");
  }

  @Test
  void numpyReadsOurFiles() throws Exception {
    assumeTrue(pythonHas("numpy"), "python3 with numpy not installed");
    checkWith("numpy", "F32");
  }

  private void checkWith(String mode, String dtype) throws Exception {
    Path plain = dir.resolve("sample.safetensors");
    Map<String, String> plainMeta = Map.of("note", "ünïcode");
    SafeTensors.write(plain, SafeTensorsTest.sample(), plainMeta);

    SplittableRandom rng = new SplittableRandom(9);
    Sequential model = new Sequential(new Linear(3, 4, rng), new BatchNorm(4), new Relu(), new Linear(4, 2, rng));
    model.forward(Tensor.randn(rng, 1f, 5, 3), Mode.TRAIN);
    Path modelFile = dir.resolve("model.safetensors");
    ModelFile.save(modelFile, model, Map.of(ModelFile.MODEL_NAME_KEY, "mlp"));
    Map<String, String> modelMeta = SafeTensors.readHeader(modelFile).metadata();
    assertTrue(modelMeta.containsKey(ModelFile.ARCHITECTURE_KEY));

    List<String> lines = run("-c", SCRIPT, mode, plain.toString(), modelFile.toString());
    int second = 1;
    while (!lines.get(second).startsWith("META\t")) {
      second++;
    }
    check(lines.subList(0, second), dtype, SafeTensorsTest.sample(), plainMeta);
    check(lines.subList(second, lines.size()), dtype, model.stateDict(), modelMeta);
  }

  private static void check(List<String> lines, String dtype, Map<String, Tensor> expected,
      Map<String, String> metadata) {
    assertEquals("META\t" + sortedJson(metadata), lines.get(0));
    List<String> names = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      names.add(f[0]);
      Tensor t = expected.get(f[0]);
      assertEquals(dtype, f[1], f[0]);
      assertEquals(shapeText(t.shape()), f[2], f[0]);
      float[] values = new float[t.size()];
      String[] hex = f[3].isEmpty() ? new String[0] : f[3].split(" ");
      assertEquals(values.length, hex.length, f[0]);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) Double.parseDouble(hex[i]);
      }
      assertArrayEquals(t.data(), values, f[0]);
    }
    assertEquals(expected.keySet().stream().sorted().toList(), names.stream().sorted().toList());
  }

  private static String sortedJson(Map<String, String> metadata) {
    // Python's json.dumps(sort_keys=True) escapes non-ASCII and separates with ", " and ": ".
    StringBuilder sb = new StringBuilder("{");
    metadata.keySet().stream().sorted().forEach(k -> {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(pyString(k)).append(": ").append(pyString(metadata.get(k)));
    });
    return sb.append('}').toString();
  }

  private static String pyString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static String shapeText(int[] shape) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ",").append(shape[i]);
    }
    return sb.toString();
  }

  private static synchronized boolean pythonHas(String module) {
    if (available == null) {
      available = new HashSet<>();
      try {
        available.addAll(run("-c", "import importlib.util as u\nfor m in ['numpy', 'safetensors', 'torch']:\n"
            + "    print(m) if u.find_spec(m) else None"));
      } catch (IOException | InterruptedException noPython) {
        // No interpreter: every test here is skipped.
      }
    }
    return available.contains(module);
  }

  /**
   * Debian's python3, where its packages (python3-torch, python3-numpy) live, when installed; else the
   * {@code python3} on the PATH (which may be another installation, such as pyenv's, without them).
   */
  private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

  /** Runs python3 with {@code args}; its stdout lines, or an exception carrying stderr if it fails. */
  private static List<String> run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("PYTHONIOENCODING", "utf-8");
    Path err = Files.createTempFile("python", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    String stderr = Files.readString(err);
    Files.delete(err);
    if (!finished) {
      p.destroyForcibly();
      throw new IOException("python3 timed out");
    }
    if (p.exitValue() != 0) {
      throw new IOException("python3 failed: " + stderr);
    }
    return new String(out, StandardCharsets.UTF_8).lines().toList();
  }
}
