package dev.deepzero.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.deepzero.data.IdxReader;
import dev.deepzero.data.Images;
import dev.deepzero.detect.VocFormat;
import dev.deepzero.detect.YoloFormat;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.Json;
import dev.deepzero.io.ModelFile;
import dev.deepzero.io.SafeTensors;
import dev.deepzero.tensor.Limits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fuzz target per parser of untrusted input. Each feeds the input to the parser the way a command would (as
 * a file where the parser reads files) through {@link Documented#parse}: the only errors allowed are the
 * documented ones, naming the file, and one call may allocate at most {@link Documented#MAX_ALLOCATED_BYTES}, so
 * a tiny input that makes a parser allocate gigabytes is a finding in any heap (the fuzzing JVM's is 512 MB).
 *
 * <p>Without {@code JAZZER_FUZZ} each target replays its inputs under
 * {@code src/test/resources/dev/deepzero/fuzz/ParserFuzzTestInputs/<target>/}: the seeds (files the project
 * writes and malformed variants) and every finding that was fixed.
 */
class ParserFuzzTest {

  private static final List<String> CLASSES = List.of("cat", "dog", "person");

  @TempDir
  static Path dir;

  /**
   * The safetensors header: the target frames the fuzzer's header text as a file (its 8-byte length, the
   * header, then a data section of a length the fuzzer also picks), so that mutations reach the JSON and the
   * offset checks rather than only the length prefix.
   */
  @FuzzTest
  void safetensorsHeader(FuzzedDataProvider data) {
    int dataBytes = data.consumeInt(0, 1 << 14);
    byte[] header = data.consumeRemainingAsBytes();
    ByteBuffer file = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    file.putLong(header.length).put(header);
    Path path = write("header.safetensors", file.array());
    Documented.parse(path, () -> SafeTensors.readHeader(path));
  }

  /** A whole model file, header and tensors, loaded as {@code predict} and {@code summary} load one. */
  @FuzzTest
  void modelFile(byte[] input) {
    Path path = write("model.safetensors", input);
    Documented.parse(path, () -> ModelFile.load(path));
  }

  /**
   * The architecture JSON of a model file, in a file that is otherwise valid and holds no tensors: the loader
   * must refuse a layer it cannot build (or that the missing tensors cannot fill) before allocating it.
   */
  @FuzzTest
  void architecture(byte[] input) {
    Path path = dir.resolve("architecture.safetensors");
    Documented.parse(path, () -> {
      SafeTensors.write(path, Map.of(), Map.of(ModelFile.FORMAT_KEY, ModelFile.FORMAT_VERSION,
          ModelFile.ARCHITECTURE_KEY, new String(input, StandardCharsets.UTF_8)));
      ModelFile.load(path);
    });
  }

  /** The JSON reader behind headers, architectures and metadata; its one error type is a ParseException. */
  @FuzzTest
  void json(byte[] input) {
    Documented.parseText(Json.ParseException.class, () -> Json.parse(new String(input, StandardCharsets.UTF_8)));
  }

  /**
   * A model file's metadata ({@code classes}, {@code input_shape}, {@code yolo_v1}) through the typed reader
   * every front end uses. The input is a JSON object of the entries; a string value is taken as the entry's text,
   * any other value as its JSON, so that mutations reach both wrong JSON and wrong types.
   */
  @FuzzTest
  void modelMetadata(byte[] input) {
    Object entries;
    try {
      entries = Json.parse(new String(input, StandardCharsets.UTF_8));
    } catch (Json.ParseException e) {
      return;
    }
    if (!(entries instanceof Map<?, ?> map)) {
      return;
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    map.forEach((key, value) -> metadata.put((String) key, value instanceof String s ? s : Json.write(value)));
    Path file = dir.resolve("metadata.safetensors");
    Documented.parse(file, () -> ModelMetadata.read(file, metadata));
  }

  /** An uncompressed IDX file (MNIST's format). */
  @FuzzTest
  void idxRaw(byte[] input) {
    readIdx("fuzz.idx", input);
  }

  /** A gzip-compressed IDX file: the input is the decompressed content, so mutations reach the IDX parser. */
  @FuzzTest
  void idxGzip(byte[] input) {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    readIdx("fuzz.idx.gz", gz.toByteArray());
  }

  private static void readIdx(String name, byte[] bytes) {
    Documented.parse(Path.of(name),
        () -> IdxReader.read(new ByteArrayInputStream(bytes), name, IdxReader.ANY_RANK));
  }

  /**
   * A PNG or JPEG file through the image reader that training, {@code predict} and {@code detect} use, with the
   * pixel limit lowered to {@value #FUZZ_MAX_IMAGE_PIXELS}: at the default 64 megapixels a legal image needs
   * hundreds of MB to decode, more than {@link Documented#MAX_ALLOCATED_BYTES}; at the lowered limit that bound
   * checks that decoding never allocates more than the header's declared size allows (a 122-byte PNG declaring
   * 3,211,270 x 5 pixels allocated 73 MB at the default limit, legally).
   */
  @FuzzTest
  void image(byte[] input) {
    Path path = write("image.png", input);
    String previous = System.setProperty(Limits.MAX_IMAGE_PIXELS_PROPERTY, Long.toString(FUZZ_MAX_IMAGE_PIXELS));
    try {
      Documented.parse(path, () -> Images.load(path, 3, 28, 28));
    } finally {
      if (previous == null) {
        System.clearProperty(Limits.MAX_IMAGE_PIXELS_PROPERTY);
      } else {
        System.setProperty(Limits.MAX_IMAGE_PIXELS_PROPERTY, previous);
      }
    }
  }

  /** The image target's pixel limit: 2 megapixels decode in well under the 64 MB a call may allocate. */
  private static final long FUZZ_MAX_IMAGE_PIXELS = 2_000_000;

  /** A Pascal VOC annotation. */
  @FuzzTest
  void vocXml(byte[] input) {
    Path path = write("annotation.xml", input);
    Documented.parse(path, () -> VocFormat.read(path, CLASSES, warning -> { }));
  }

  /** A YOLO label file ({@code class cx cy w h} per line), read as boxes and as a class-name list. */
  @FuzzTest
  void yoloLabels(byte[] input) {
    Path path = write("labels.txt", input);
    Documented.parse(path, () -> {
      YoloFormat.read(path, CLASSES.size(), warning -> { });
      YoloFormat.readClassNames(path);
    });
  }

  private static Path write(String name, byte[] bytes) {
    Path path = dir.resolve(name);
    try {
      Files.write(path, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return path;
  }
}
