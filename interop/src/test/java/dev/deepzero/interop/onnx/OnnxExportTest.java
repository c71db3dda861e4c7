package dev.deepzero.interop.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.deepzero.interop.ExternalTools;
import dev.deepzero.interop.TestModels;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.layers.Dropout;
import dev.deepzero.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every built-in model exported to ONNX is accepted by the onnx package's full checker and shape inference, and
 * ONNX Runtime running it on test images gives deepzero's outputs to {@value #TOLERANCE}.
 */
class OnnxExportTest {

  private static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  @Test
  void protobufFieldsAreEncodedAsTheWireFormatSays() {
    // Examples from the encoding guide: field 1 = 150 is 08 96 01; a string "testing" in field 2 is 12 07 ...
    assertArrayEquals(new byte[] {0x08, (byte) 0x96, 0x01}, new Protobuf().varint(1, 150).toByteArray());
    byte[] s = new Protobuf().string(2, "testing").toByteArray();
    assertArrayEquals(new byte[] {0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'}, s);
    // Packed [3, 270, 86942] in field 4: 22 06 03 8E 02 9E A7 05.
    assertArrayEquals(new byte[] {0x22, 0x06, 0x03, (byte) 0x8e, 0x02, (byte) 0x9e, (byte) 0xa7, 0x05},
        new Protobuf().packedInt64(4, 3, 270, 86942).toByteArray());
    // A float is fixed32, little-endian: 1.0f = 00 00 80 3F under key (2 << 3) | 5.
    assertArrayEquals(new byte[] {0x15, 0, 0, (byte) 0x80, 0x3f}, new Protobuf().float32(2, 1f).toByteArray());
    // -1 as an int64 takes ten bytes.
    assertEquals(11, new Protobuf().varint(1, -1).toByteArray().length);
  }

  @Test
  void aLayerWithoutAMappingIsNamed() {
    Layer custom = new Layer() {
      @Override
      public Tensor forward(Tensor input, Mode mode) {
        return input;
      }

      @Override
      public Tensor backward(Tensor gradOutput) {
        return gradOutput;
      }

      @Override
      public LayerConfig config() {
        return LayerConfig.of("Swish");
      }
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.toBytes(custom, new int[] {4}, "test"));
    assertTrue(e.getMessage().contains("'Swish'"), e.getMessage());
  }

  @Test
  void everyBuiltInModelPassesTheFullOnnxChecker() throws Exception {
    assumeTrue(ExternalTools.pythonHas("onnx"), "skipped: /usr/bin/python3 with onnx (Debian python3-onnx) not installed");
    List<String> command = new ArrayList<>(List.of(ExternalTools.PYTHON.toString(),
        ExternalTools.resource("check_onnx.py", dir).toString()));
    List<TestModels.Case> cases = TestModels.all();
    List<String> expected = new ArrayList<>();
    for (TestModels.Case c : cases) {
      Path file = dir.resolve(c.name() + ".onnx");
      OnnxExport.write(file, c.model(), c.inputShape(), "test");
      command.add(file.toString());
      int[] out = c.model().predict(c.images()).shape();
      expected.add(file + "\t" + OnnxExport.BATCH + "," + Arrays.stream(out).skip(1).mapToObj(Integer::toString)
          .collect(Collectors.joining(",")));
    }
    List<String> lines = ExternalTools.run(command, dir).lines().toList();
    assertEquals(cases.size(), lines.size(), String.join("\n", lines));
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).split("\t");
      assertEquals(expected.get(i), f[0] + "\t" + f[1], "inferred output shape");
      assertEquals(OnnxExport.OPSET + "\t" + OnnxExport.IR_VERSION, f[3] + "\t" + f[4]);
      System.out.println("onnx checker (full) + strict shape inference: " + cases.get(i).name() + " ok, output ["
          + f[1] + "], " + f[2] + " inferred intermediate shapes");
    }
  }

  @Test
  void onnxRuntimeReproducesEveryBuiltInModel() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    for (TestModels.Case c : TestModels.all()) {
      Path file = dir.resolve(c.name() + ".onnx");
      OnnxExport.write(file, c.model(), c.inputShape(), "test");
      float[] expected = c.model().predict(c.images()).data();
      float[] actual = runOnnx(env, file, c.images());
      double diff = TestModels.maxAbsDiff(actual, expected);
      System.out.printf("onnxruntime 1.20.0 vs deepzero, %s (%d images): max abs difference %.3g%n", c.name(),
          c.images().dim(0), diff);
      assertTrue(diff <= TOLERANCE, c.name() + ": max abs difference " + diff);
    }
  }

  @Test
  void dropoutIsLeftOutAndAGraphOfOnlyOmittedLayersStillHasItsOutput() throws Exception {
    Layer model = new Dropout(0.5f, new SplittableRandom(1));
    Path file = dir.resolve("dropout.onnx");
    OnnxExport.write(file, model, new int[] {3}, "test");
    Tensor x = Tensor.of(new float[] {1, -2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(x.data(), runOnnx(OrtEnvironment.getEnvironment(), file, x));
  }

  /** ONNX Runtime's output for {@code x} (any batch size: the batch dimension is symbolic). */
  static float[] runOnnx(OrtEnvironment env, Path file, Tensor x) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(file.toString(), options);
        OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data(), 0, x.size()),
            Arrays.stream(x.shape()).asLongStream().toArray());
        OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] values = new float[out.remaining()];
      out.get(values);
      return values;
    }
  }
}
