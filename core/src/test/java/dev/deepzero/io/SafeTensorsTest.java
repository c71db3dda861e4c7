package dev.deepzero.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.tensor.Limits;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

  @TempDir Path dir;

  /** Known tensors, shared with the Python reader test. */
  static Map<String, Tensor> sample() {
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("0.weight", Tensor.of(new float[] {0f, 0.5f, -1.25f, 3e-8f, 1e20f, -0f}, 2, 3));
    t.put("0.bias", Tensor.of(new float[] {Float.MIN_VALUE, -Float.MAX_VALUE}, 2));
    t.put("step", Tensor.scalar(42f));
    t.put("empty", Tensor.zeros(0, 4));
    t.put("héllo \"quoted\"", Tensor.of(new float[] {7f}, 1, 1, 1));
    return t;
  }

  @Test
  void roundTripKeepsNamesOrderShapesValuesAndMetadata() throws IOException {
    Path file = dir.resolve("m.safetensors");
    Map<String, String> meta = Map.of("k", "v with \"quotes\" and ünïcode");
    SafeTensors.write(file, sample(), meta);
    SafeTensors.Contents back = SafeTensors.read(file);
    assertEquals(List.copyOf(sample().keySet()), List.copyOf(back.tensors().keySet()));
    for (Map.Entry<String, Tensor> e : sample().entrySet()) {
      Tensor t = back.tensors().get(e.getKey());
      assertArrayEquals(e.getValue().shape(), t.shape(), e.getKey());
      assertArrayEquals(e.getValue().data(), t.data(), e.getKey());
    }
    assertEquals(meta, back.metadata());
  }

  @Test
  void largeTensorsSpanSeveralBufferChunks() throws IOException {
    SplittableRandom rng = new SplittableRandom(3);
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("a", Tensor.randn(rng, 1f, 700, 1000));
    t.put("b", Tensor.randn(rng, 1f, 3));
    Path file = dir.resolve("big.safetensors");
    SafeTensors.write(file, t, Map.of());
    SafeTensors.Contents back = SafeTensors.read(file);
    assertArrayEquals(t.get("a").data(), back.tensors().get("a").data());
    assertArrayEquals(t.get("b").data(), back.tensors().get("b").data());
    assertEquals(SafeTensors.readHeader(file).dataStart() + 4L * (700 * 1000 + 3), Files.size(file));
  }

  /** Parses the file with plain code (regular expressions, no Json class), as a foreign reader would. */
  @Test
  void independentParseOfTheHeaderAndData() throws IOException {
    Path file = dir.resolve("m.safetensors");
    SafeTensors.write(file, sample(), Map.of("format", "pt"));
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = buf.getLong(0);
    assertEquals(0, (8 + n) % 8, "data starts 8-aligned");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"), header);
    assertTrue(header.endsWith("}") || header.matches("(?s).*\\} +"), "padded with spaces only: " + header);
    Pattern entry = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\":\\{\"dtype\":\"(\\w+)\",\"shape\":\\[([0-9,]*)\\],"
        + "\"data_offsets\":\\[(\\d+),(\\d+)\\]\\}");
    Matcher m = entry.matcher(header);
    List<String> names = new ArrayList<>();
    long expectedBegin = 0;
    while (m.find()) {
      String name = m.group(1).replace("\\\"", "\"");
      names.add(name);
      Tensor expected = sample().get(name);
      assertEquals("F32", m.group(2));
      String shape = m.group(3);
      int[] dims = shape.isEmpty() ? new int[0]
          : Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
      assertArrayEquals(expected.shape(), dims, name);
      long begin = Long.parseLong(m.group(4));
      long end = Long.parseLong(m.group(5));
      assertEquals(expectedBegin, begin, name);
      assertEquals(4L * expected.size(), end - begin, name);
      float[] values = new float[expected.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = buf.getFloat((int) (8 + n + begin + 4L * i));
      }
      assertArrayEquals(expected.data(), values, name);
      expectedBegin = end;
    }
    assertEquals(List.copyOf(sample().keySet()), names);
    assertEquals(bytes.length, 8 + n + expectedBegin, "no bytes after the last tensor");
  }

  @Test
  void convertsF64F16AndBf16ToFloat32() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(3 * 8 + 6 * 2 + 2 * 2).order(ByteOrder.LITTLE_ENDIAN);
    data.putDouble(0.1).putDouble(-2.5).putDouble(1e300);
    // float16: 1.0, -2.0, 65504 (max), smallest subnormal 2^-24, +inf, 0x7e00 NaN
    for (int h : new int[] {0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00}) {
      data.putShort((short) h);
    }
    data.putShort((short) (Float.floatToIntBits(-1.5f) >>> 16)).putShort((short) (Float.floatToIntBits(3f) >>> 16));
    Path file = raw("conv.safetensors", "{\"d\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]},"
        + "\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[24,36]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[36,40]}}", data.array());
    SafeTensors.Contents c = SafeTensors.read(file);
    assertArrayEquals(new float[] {0.1f, -2.5f, Float.POSITIVE_INFINITY}, c.tensors().get("d").data());
    assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, Float.NaN},
        c.tensors().get("h").data());
    assertArrayEquals(new int[] {2, 3}, c.tensors().get("h").shape());
    assertArrayEquals(new float[] {-1.5f, 3f}, c.tensors().get("b").data());
  }

  @Test
  void convertsI64AndI32ToFloat32LikePyTorchsNumBatchesTracked() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(8 + 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.putLong(1234L).putInt(-7).putInt(0).putInt(1 << 24);
    Path file = raw("int.safetensors", "{\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],"
        + "\"data_offsets\":[0,8]},\"i\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[8,20]}}",
        data.array());
    SafeTensors.Contents c = SafeTensors.read(file);
    assertArrayEquals(new float[] {1234f}, c.tensors().get("1.num_batches_tracked").data());
    assertArrayEquals(new int[0], c.tensors().get("1.num_batches_tracked").shape());
    assertArrayEquals(new float[] {-7f, 0f, 16777216f}, c.tensors().get("i").data());
  }

  @Test
  void halfToFloatMatchesTheDefinitionForEveryFiniteHalf() {
    for (int h = 0; h < 0x10000; h++) {
      int exponent = (h >>> 10) & 0x1f;
      if (exponent == 0x1f) {
        continue;
      }
      int mantissa = h & 0x3ff;
      double value = exponent == 0 ? mantissa * Math.pow(2, -24) : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
      if ((h & 0x8000) != 0) {
        value = -value;
      }
      assertEquals((float) value, SafeTensors.halfToFloat((short) h), "half 0x" + Integer.toHexString(h));
    }
  }

  // ---------------------------------------------------------------- errors

  @Test
  void fileShorterThanTheLengthField() throws IOException {
    Path file = dir.resolve("short.safetensors");
    Files.write(file, new byte[] {1, 2, 3});
    assertError(file, "short.safetensors: 3 bytes is too short", "8-byte header length");
  }

  @Test
  void headerLengthLargerThanTheFile() throws IOException {
    Path file = rawWithLength("long.safetensors", 1000, "{}".getBytes(StandardCharsets.UTF_8));
    assertError(file, "long.safetensors: the header length at byte 0 is 1000, but only 2 bytes follow");
    Path huge = rawWithLength("huge.safetensors", -1, new byte[8]);
    assertError(huge, "huge.safetensors: the header length at byte 0 is 18446744073709551615");
  }

  @Test
  void truncatedFile() throws IOException {
    Path file = dir.resolve("cut.safetensors");
    SafeTensors.write(file, sample(), Map.of());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
    assertError(file, "cut.safetensors: tensor 'héllo \"quoted\"'", "past the end of the file at byte "
        + (bytes.length - 3), "truncated");
    Files.write(file, Arrays.copyOf(bytes, 20));
    assertError(file, "cut.safetensors: the header length at byte 0");
  }

  @Test
  void invalidJsonGivesTheByteOffset() throws IOException {
    Path file = raw("bad.safetensors", "{\"é\": [1,}", new byte[0]);
    // The error is at character 9, byte 10 of the header (é is two bytes), byte 18 of the file.
    assertError(file, "bad.safetensors: the header is not valid JSON", "offset 9", "byte 18 of the file");
  }

  @Test
  void invalidUtf8() throws IOException {
    byte[] header = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    header[2] = (byte) 0xff;
    assertError(rawWithLength("utf.safetensors", header.length, header), "utf.safetensors: the header is not "
        + "valid UTF-8 at byte 10");
  }

  @Test
  void headerThatIsNotAnObjectOfEntries() throws IOException {
    assertError(raw("arr.safetensors", "[]", new byte[0]), "arr.safetensors: the header must be a JSON object",
        "bytes 8 to 16");
    assertError(raw("ent.safetensors", "{\"a\": 3}", new byte[0]), "ent.safetensors: tensor 'a': expected an object");
    assertError(raw("fld.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"x\":1}}",
        new byte[4]), "fld.safetensors: tensor 'a': unknown field 'x'");
    assertError(raw("meta.safetensors", "{\"__metadata__\":{\"a\":1}}", new byte[0]),
        "meta.safetensors: __metadata__ value of 'a' must be a string, got 1");
    assertError(raw("shp.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
        new byte[4]), "shp.safetensors: tensor 'a': shape must be an array of non-negative integers, got [-1]");
    assertError(raw("off.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}",
        new byte[4]), "off.safetensors: tensor 'a': data_offsets must be an array of 2 non-negative integers");
  }

  @Test
  void offsetsOutOfRange() throws IOException {
    Path file = raw("range.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
        new byte[8]);
    assertError(file, "range.safetensors: tensor 'a': data_offsets [4, 12] end at file byte",
        "past the end of the file");
    Path backwards = raw("back.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}",
        new byte[4]);
    assertError(backwards, "back.safetensors: tensor 'a': data_offsets [4, 0] end before they begin");
  }

  @Test
  void overlappingTensors() throws IOException {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    Path file = raw("overlap.safetensors", header, new byte[12]);
    long dataStart = dataStart(header);
    assertError(file, "overlap.safetensors: tensors 'a' (data_offsets [0, 8]) and 'b' (data_offsets [4, 12]) "
        + "overlap at file byte " + (dataStart + 4));
  }

  @Test
  void gapsAndTrailingBytes() throws IOException {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
    assertError(raw("gap.safetensors", header, new byte[12]), "gap.safetensors: no tensor covers data bytes [4, 8)");
    String one = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    assertError(raw("tail.safetensors", one, new byte[7]), "tail.safetensors: the tensors end at file byte",
        "3 bytes no tensor accounts for");
  }

  @Test
  void sizeThatDoesNotMatchTheShape() throws IOException {
    Path file = raw("size.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}",
        new byte[20]);
    assertError(file, "size.safetensors: tensor 'a': shape [2, 3] of F32 needs 24 bytes, but data_offsets [0, 20] "
        + "span 20");
  }

  @Test
  void unsupportedAndUnknownDtypes() throws IOException {
    Path file = raw("u8.safetensors", "{\"n\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[0,1]}}",
        new byte[1]);
    assertEquals("U8", SafeTensors.readHeader(file).entries().get(0).dtype(), "the header alone is valid");
    assertError(file, "u8.safetensors: tensor 'n' has dtype U8, which deepzero does not read",
        "F32", "F64, F16, BF16, I64 and I32");
    assertError(raw("f33.safetensors", "{\"n\":{\"dtype\":\"F33\",\"shape\":[],\"data_offsets\":[0,4]}}",
        new byte[4]), "f33.safetensors: tensor 'n': dtype \"F33\" is not a safetensors dtype", "BF16");
  }

  @Test
  void errorsCarryTheOffsetAndTensorName() throws IOException {
    assertEquals(18, assertError(raw("bad.safetensors", "{\"é\": [1,}", new byte[0])).offset());
    ModelFileException e = assertError(raw("size.safetensors",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[20]), "needs 24 bytes");
    assertEquals("a", e.key());
  }

  @Test
  void aHugeValueInTheHeaderGivesAReadableMessage() throws IOException {
    String huge = "x".repeat(3_000_000);
    Path file = raw("huge.safetensors", "{\"a\":{\"dtype\":\"" + huge + "\",\"shape\":[],\"data_offsets\":[0,4]}}",
        new byte[4]);
    ModelFileException e = assertError(file, "huge.safetensors: tensor 'a': dtype \"xxx", "is not a safetensors dtype");
    assertTrue(e.getMessage().length() <= Limits.MAX_MESSAGE_CHARS, "message of " + e.getMessage().length());
    Path key = raw("key.safetensors", "{\"" + huge + "\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,8]}}",
        new byte[8]);
    String message = assertError(key, "characters cut").getMessage();
    assertTrue(message.length() <= Limits.MAX_MESSAGE_CHARS, message.length() + ": " + message);
  }

  @Test
  void writerRejectsReservedNames() {
    Map<String, Tensor> t = Map.of(SafeTensors.METADATA_KEY, Tensor.scalar(1f));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.write(dir.resolve("x.safetensors"), t, Map.of()));
    assertTrue(e.getMessage().contains("__metadata__"), e.getMessage());
  }

  // ---------------------------------------------------------------- helpers

  /** Asserts that reading {@code file} fails with a message containing every fragment. */
  static ModelFileException assertError(Path file, String... fragments) {
    ModelFileException e = assertThrows(ModelFileException.class, () -> SafeTensors.read(file));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
    }
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertEquals(file.toString(), e.file());
    return e;
  }

  /** A file with the given header (padded to 8 bytes) and data. */
  private Path raw(String name, String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    byte[] padded = Arrays.copyOf(h, (h.length + 7) / 8 * 8);
    Arrays.fill(padded, h.length, padded.length, (byte) ' ');
    byte[] all = Arrays.copyOf(padded, padded.length + data.length);
    System.arraycopy(data, 0, all, padded.length, data.length);
    return rawWithLength(name, padded.length, all);
  }

  private static long dataStart(String header) {
    return 8 + (header.getBytes(StandardCharsets.UTF_8).length + 7) / 8 * 8;
  }

  /** A file of an 8-byte length field holding {@code length}, then {@code rest}. */
  private Path rawWithLength(String name, long length, byte[] rest) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(length).put(rest);
    Path file = dir.resolve(name);
    Files.write(file, buf.array());
    return file;
  }
}
