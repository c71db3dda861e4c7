package dev.deepzero.io;

import dev.deepzero.tensor.InsufficientMemoryException;
import dev.deepzero.tensor.Limits;
import dev.deepzero.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors), which PyTorch,
 * numpy and the {@code safetensors} readers open directly:
 *
 * <pre>
 * bytes [0, 8)          N, the header length, unsigned 64-bit little-endian
 * bytes [8, 8 + N)      UTF-8 JSON: {"__metadata__": {string: string},
 *                                    "&lt;name&gt;": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..}
 *                       padded with spaces so that the data starts at a multiple of 8
 * bytes [8 + N, EOF)    the data section: each tensor's elements, row-major, little-endian, at
 *                       [begin, end) relative to the data section's start, laid out without gaps or overlaps
 * </pre>
 *
 * <p>Writing produces float32 ({@code F32}) tensors. Reading validates the whole header before touching the data
 * and accepts {@code F32}, and converts {@code F64}, {@code F16}, {@code BF16}, {@code I64} and {@code I32} to
 * float32 (integers such as PyTorch's {@code num_batches_tracked}); other dtypes are reported by name. Every problem
 * with the content is a {@link ModelFileException} whose message begins with the file name and gives the byte offset
 * (and tensor name) where it applies; declared sizes are checked against the bytes in the file before anything is
 * allocated, and error messages quoting the header are cut to a readable length. Reading is linear in the file size
 * and streams the data
 * through one small buffer.
 */
public final class SafeTensors {

  /** The header key of the string-to-string metadata. */
  public static final String METADATA_KEY = "__metadata__";
  /** The largest header accepted, as in the reference implementation: guards against absurd allocations. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final int LENGTH_BYTES = 8;
  private static final int ALIGNMENT = 8;
  private static final int BUFFER_BYTES = 1 << 20;
  /** The dtypes this reader converts to float32. */
  private static final Set<String> READABLE = Set.of("F32", "F64", "F16", "BF16", "I64", "I32");
  /** Bytes per element of every dtype of the format, to check sizes even of tensors it cannot read. */
  private static final Map<String, Integer> ELEMENT_BYTES = Map.ofEntries(Map.entry("BOOL", 1), Map.entry("U8", 1),
      Map.entry("I8", 1), Map.entry("F8_E5M2", 1), Map.entry("F8_E4M3", 1), Map.entry("I16", 2),
      Map.entry("U16", 2), Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4),
      Map.entry("F32", 4), Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8));

  private SafeTensors() {}

  /**
   * One tensor's entry in the header.
   *
   * @param name the tensor's name
   * @param dtype the element type, such as {@code "F32"}
   * @param shape the sizes of its axes (empty for a scalar); do not modify
   * @param begin the first byte of its data, relative to the data section
   * @param end one past its last byte, relative to the data section
   */
  public record Entry(String name, String dtype, int[] shape, long begin, long end) {
    /** The number of elements. */
    public long elementCount() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /**
   * A validated header.
   *
   * @param metadata the {@code __metadata__} strings, in file order (empty if absent)
   * @param entries the tensors, in header order
   * @param dataStart the file offset of the data section, {@code 8 + N}
   */
  public record Header(Map<String, String> metadata, List<Entry> entries, long dataStart) {}

  /**
   * A file's tensors and metadata.
   *
   * @param tensors by name, in header order
   * @param metadata the {@code __metadata__} strings
   */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  // ---------------------------------------------------------------- writing

  /**
   * Writes {@code tensors} as float32 with {@code metadata} to {@code file}, atomically (see
   * {@link AtomicFiles}): if anything fails, an existing file keeps its old content.
   *
   * @param tensors Not modified; written in iteration order
   * @param metadata Not modified; may be empty
   * @throws IllegalArgumentException for an empty or reserved tensor name
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    byte[] header = header(tensors, metadata);
    AtomicFiles.write(file, ch -> write(ch, header, tensors));
  }

  /**
   * Writes {@code tensors} as float32 with {@code metadata} to {@code channel}, from its current position.
   *
   * @param channel Modified
   * @param tensors Not modified; written in iteration order
   * @param metadata Not modified; may be empty
   */
  public static void write(WritableByteChannel channel, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    write(channel, header(tensors, metadata), tensors);
  }

  private static void write(WritableByteChannel channel, byte[] header, Map<String, Tensor> tensors)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    writeFully(channel, ByteBuffer.allocate(LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(0, header.length));
    writeFully(channel, ByteBuffer.wrap(header));
    int perChunk = BUFFER_BYTES / Float.BYTES;
    for (Tensor t : tensors.values()) {
      float[] data = t.data();
      for (int from = 0; from < data.length; from += perChunk) {
        int count = Math.min(perChunk, data.length - from);
        buf.clear();
        buf.asFloatBuffer().put(data, from, count);
        buf.limit(count * Float.BYTES);
        writeFully(channel, buf);
      }
    }
  }

  /** The header's bytes, padded with spaces to the alignment. */
  private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
    Map<String, Object> json = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        if (e.getKey() == null || e.getValue() == null) {
          throw new IllegalArgumentException("safetensors: metadata keys and values must not be null: " + metadata);
        }
      }
      json.put(METADATA_KEY, metadata);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String name = e.getKey();
      if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
        throw new IllegalArgumentException("safetensors: invalid tensor name '" + name + "'");
      }
      long bytes = (long) e.getValue().size() * Float.BYTES;
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("dtype", "F32");
      info.put("shape", e.getValue().shape());
      info.put("data_offsets", List.of(offset, offset + bytes));
      json.put(name, info);
      offset += bytes;
    }
    byte[] text = Json.write(json).getBytes(StandardCharsets.UTF_8);
    int padded = (text.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    byte[] header = Arrays.copyOf(text, padded);
    Arrays.fill(header, text.length, padded, (byte) ' ');
    return header;
  }

  private static void writeFully(WritableByteChannel channel, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  // ---------------------------------------------------------------- reading

  /**
   * Reads and validates the header of {@code file} without reading the data: the header length fits the file,
   * the header is UTF-8 JSON of the expected form, every size matches its dtype and shape, and the tensors tile
   * the data section exactly.
   *
   * @throws ModelFileException naming the file, the problem and its byte offset
   * @throws IOException if the file cannot be read
   */
  public static Header readHeader(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return readHeader(file, Source.of(ch));
    }
  }

  /**
   * Reads {@code file}, converting every tensor to float32.
   *
   * @throws ModelFileException naming the file, the problem and its byte offset, including for a dtype
   *     other than F32, F64, F16, BF16, I64 and I32
   * @throws IOException if the file cannot be read
   */
  public static Contents read(Path file) throws IOException {
    return read(file, header -> {});
  }

  /**
   * Reads {@code file} as {@link #read(Path)} does, showing the validated header to {@code check} before any
   * tensor is allocated: a model file checks its architecture against the tensors there.
   *
   * <p>Before allocating, the tensors are also checked against {@link Limits#maxTensorElements()} and, all
   * together, {@link Limits#maxModelElements()}, and their float32 size against the free heap
   * ({@link Limits#requireHeap}). Every declared size has already been checked against the bytes in the file.
   *
   * @param check throws (a {@link ModelFileException}) to stop the reading
   * @throws ModelFileException naming the file, the problem and its byte offset or tensor
   * @throws IOException if the file cannot be read
   */
  public static Contents read(Path file, Consumer<Header> check) throws IOException {
    if (Files.isDirectory(file)) {
      // Reading a folder's channel fails with a bare "Is a directory" that names nothing.
      throw new FileSystemException(file.toString(), null, "is a folder, expected a safetensors file");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(file, Source.of(ch), check);
    }
  }

  /**
   * Reads a safetensors file held in memory (as {@link #toBytes} makes it, or as received from another process),
   * converting every tensor to float32; {@link #read(Path)} with {@code name} in place of the file name.
   *
   * @param name names the bytes in error messages
   * @param bytes Not modified
   * @throws ModelFileException naming {@code name}, the problem and its byte offset
   */
  public static Contents read(String name, byte[] bytes) {
    return read(name, bytes, header -> {});
  }

  /**
   * {@link #read(String, byte[])}, showing the validated header to {@code check} before any tensor is allocated,
   * as {@link #read(Path, Consumer)} does.
   */
  public static Contents read(String name, byte[] bytes, Consumer<Header> check) {
    try {
      return read(Path.of(name), Source.of(bytes), check);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an array source never throws it
    }
  }

  /**
   * {@code tensors} and {@code metadata} as the bytes of a safetensors file: what {@link #write(Path, Map, Map)}
   * writes, for sending tensors to another process without a file.
   *
   * @param tensors Not modified
   * @param metadata Not modified; may be empty
   */
  public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(Channels.newChannel(out), tensors, metadata);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream never throws it
    }
    return out.toByteArray();
  }

  private static Contents read(Path file, Source ch, Consumer<Header> check) throws IOException {
    Header header = readHeader(file, ch);
    for (Entry e : header.entries()) {
      if (!READABLE.contains(e.dtype())) {
        throw new ModelFileException(file, header.dataStart() + e.begin(), e.name(), "tensor '" + e.name()
            + "' has dtype " + e.dtype()
            + ", which deepzero does not read; it reads F32, and converts F64, F16, BF16, I64 and I32 to float32");
      }
    }
    checkLimits(file, header);
    check.accept(header);
    // Read in file order, so the channel moves forward only; hand back in header order.
    List<Entry> byOffset = new ArrayList<>(header.entries());
    byOffset.sort(Comparator.comparingLong(Entry::begin));
    Map<String, Tensor> read = new LinkedHashMap<>();
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (Entry e : byOffset) {
      read.put(e.name(), Tensor.wrap(readFloats(file, ch, header.dataStart(), e, buf), e.shape()));
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Entry e : header.entries()) {
      tensors.put(e.name(), read.get(e.name()));
    }
    return new Contents(tensors, header.metadata());
  }

  /** Refuses tensors past the element limits, or more float32 data than the heap can hold. */
  private static void checkLimits(Path file, Header header) {
    long total = 0;
    for (Entry e : header.entries()) {
      long n = e.elementCount();
      if (n > Limits.maxTensorElements()) {
        throw new ModelFileException(file, header.dataStart() + e.begin(), e.name(), "tensor '" + e.name()
            + "' has " + n + " elements, more than the limit of " + Limits.maxTensorElements() + " per tensor; "
            + Limits.howToRaise(Limits.MAX_TENSOR_ELEMENTS_PROPERTY));
      }
      total += n;
    }
    if (total > Limits.maxModelElements()) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, null, "the tensors have " + total
          + " elements in all, more than the limit of " + Limits.maxModelElements() + " per file; "
          + Limits.howToRaise(Limits.MAX_MODEL_ELEMENTS_PROPERTY));
    }
    try {
      Limits.requireHeap(total * Float.BYTES, "reading the " + total + " values of its tensors as float32");
    } catch (InsufficientMemoryException e) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, null, e.getMessage(), e);
    }
  }

  private static float[] readFloats(Path file, Source ch, long dataStart, Entry e, ByteBuffer buf)
      throws IOException {
    int elementBytes = ELEMENT_BYTES.get(e.dtype());
    float[] out = new float[(int) e.elementCount()];
    int perChunk = BUFFER_BYTES / elementBytes;
    long position = dataStart + e.begin();
    for (int from = 0; from < out.length; from += perChunk) {
      int count = Math.min(perChunk, out.length - from);
      buf.clear();
      buf.limit(count * elementBytes);
      readFully(file, ch, buf, position);
      position += (long) count * elementBytes;
      buf.flip();
      convert(e.dtype(), buf, out, from, count);
    }
    return out;
  }

  private static void convert(String dtype, ByteBuffer buf, float[] out, int from, int count) {
    switch (dtype) {
      case "F32":
        buf.asFloatBuffer().get(out, from, count);
        break;
      case "F64":
        for (int i = 0; i < count; i++) {
          out[from + i] = (float) buf.getDouble(i * Double.BYTES);
        }
        break;
      case "F16":
        for (int i = 0; i < count; i++) {
          out[from + i] = halfToFloat(buf.getShort(i * Short.BYTES));
        }
        break;
      case "I64":
        // Integers such as BatchNorm's num_batches_tracked in PyTorch state dicts; exact up to 2^24.
        for (int i = 0; i < count; i++) {
          out[from + i] = buf.getLong(i * Long.BYTES);
        }
        break;
      case "I32":
        for (int i = 0; i < count; i++) {
          out[from + i] = buf.getInt(i * Integer.BYTES);
        }
        break;
      case "BF16":
        for (int i = 0; i < count; i++) {
          // bfloat16 is the top half of a float32.
          out[from + i] = Float.intBitsToFloat((buf.getShort(i * Short.BYTES) & 0xffff) << 16);
        }
        break;
      default:
        throw new AssertionError(dtype);
    }
  }

  /** IEEE 754 binary16 to float32, exactly (every half is a float). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Zero or subnormal: mantissa · 2^-24.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    // Rebias the exponent from 15 to 127.
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Where read bytes come from: a file channel or an array, read at absolute positions. */
  private interface Source {
    long size() throws IOException;

    /** Reads into {@code dst} from {@code position}: the count read, or -1 at the end. */
    int read(ByteBuffer dst, long position) throws IOException;

    static Source of(FileChannel ch) {
      return new Source() {
        @Override
        public long size() throws IOException {
          return ch.size();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
          return ch.read(dst, position);
        }
      };
    }

    static Source of(byte[] bytes) {
      return new Source() {
        @Override
        public long size() {
          return bytes.length;
        }

        @Override
        public int read(ByteBuffer dst, long position) {
          if (position >= bytes.length) {
            return -1;
          }
          int n = (int) Math.min(dst.remaining(), bytes.length - position);
          dst.put(bytes, (int) position, n);
          return n;
        }
      };
    }
  }

  private static void readFully(Path file, Source ch, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at);
      if (n < 0) {
        throw new ModelFileException(file, at, null, "unexpected end of file at byte " + at
            + " (the file changed while being read?)");
      }
      at += n;
    }
  }

  private static Header readHeader(Path file, Source ch) throws IOException {
    long size = ch.size();
    if (size < LENGTH_BYTES) {
      throw new ModelFileException(file, 0, null, size + " bytes is too short for a safetensors file, which "
          + "starts with an 8-byte header length (truncated, or not a safetensors file)");
    }
    ByteBuffer lengthBuf = ByteBuffer.allocate(LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    readFully(file, ch, lengthBuf, 0);
    long headerLength = lengthBuf.getLong(0);
    if (headerLength < 0 || headerLength > size - LENGTH_BYTES) {
      throw new ModelFileException(file, 0, null, "the header length at byte 0 is "
          + Long.toUnsignedString(headerLength) + ", but only " + (size - LENGTH_BYTES)
          + " bytes follow it (truncated, or not a safetensors file)");
    }
    if (headerLength > MAX_HEADER_BYTES) {
      throw new ModelFileException(file, 0, null, "the header length at byte 0 is " + headerLength
          + ", above the limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
    }
    ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLength);
    readFully(file, ch, headerBuf, LENGTH_BYTES);
    headerBuf.flip();
    String text = decodeUtf8(file, headerBuf);
    Object parsed;
    try {
      parsed = Json.parse(text);
    } catch (Json.ParseException e) {
      long byteOffset = LENGTH_BYTES + text.substring(0, e.offset()).getBytes(StandardCharsets.UTF_8).length;
      throw new ModelFileException(file, byteOffset, null, "the header is not valid JSON: " + e.getMessage()
          + " (byte " + byteOffset + " of the file)", e);
    }
    long dataStart = LENGTH_BYTES + headerLength;
    return validate(file, parsed, dataStart, size - dataStart);
  }

  private static String decodeUtf8(Path file, ByteBuffer bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer chars = CharBuffer.allocate(bytes.remaining());
    CoderResult result = decoder.decode(bytes, chars, true);
    if (result.isError()) {
      long at = LENGTH_BYTES + bytes.position();
      throw new ModelFileException(file, at, null, "the header is not valid UTF-8 at byte " + at);
    }
    decoder.flush(chars);
    return chars.flip().toString();
  }

  private static Header validate(Path file, Object parsed, long dataStart, long dataSize) {
    String where = " in the header (bytes " + LENGTH_BYTES + " to " + dataStart + ")";
    if (!(parsed instanceof Map)) {
      throw new ModelFileException(file, LENGTH_BYTES, null, "the header must be a JSON object" + where);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) parsed).entrySet()) {
      String name = (String) e.getKey();
      if (name.equals(METADATA_KEY)) {
        if (!(e.getValue() instanceof Map)) {
          throw new ModelFileException(file, ModelFileException.NO_OFFSET, METADATA_KEY, METADATA_KEY
              + " must be an object of strings" + where);
        }
        for (Map.Entry<?, ?> m : ((Map<?, ?>) e.getValue()).entrySet()) {
          if (!(m.getValue() instanceof String)) {
            throw new ModelFileException(file, ModelFileException.NO_OFFSET, (String) m.getKey(), METADATA_KEY
                + " value of '" + m.getKey()
                + "' must be a string, got " + Json.excerpt(m.getValue()) + where);
          }
          metadata.put((String) m.getKey(), (String) m.getValue());
        }
      } else {
        entries.add(entry(file, name, e.getValue(), dataStart, dataSize, where));
      }
    }
    checkTiling(file, entries, dataStart, dataSize);
    return new Header(metadata, entries, dataStart);
  }

  private static Entry entry(Path file, String name, Object value, long dataStart, long dataSize, String where) {
    String prefix = "tensor '" + name + "': ";
    if (!(value instanceof Map)) {
      throw invalid(file, name, prefix + "expected an object with dtype, shape and data_offsets" + where);
    }
    Map<?, ?> info = (Map<?, ?>) value;
    for (Object key : info.keySet()) {
      if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
        throw invalid(file, name, prefix + "unknown field '" + key + "'; expected dtype, shape and "
            + "data_offsets" + where);
      }
    }
    Object dtypeValue = info.get("dtype");
    if (!(dtypeValue instanceof String) || !ELEMENT_BYTES.containsKey(dtypeValue)) {
      throw invalid(file, name, prefix + "dtype " + Json.excerpt(dtypeValue) + " is not a safetensors dtype;"
          + " known: " + String.join(", ", ELEMENT_BYTES.keySet().stream().sorted().toList()) + where);
    }
    String dtype = (String) dtypeValue;
    long[] shapeValues = longs(file, name, prefix, "shape", info.get("shape"), -1, where);
    int[] shape = new int[shapeValues.length];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shapeValues[i] > Integer.MAX_VALUE) {
        throw invalid(file, name, prefix + "axis " + i + " of shape " + Arrays.toString(shapeValues)
            + " is too large" + where);
      }
      shape[i] = (int) shapeValues[i];
      elements *= shape[i];
      if (elements > Integer.MAX_VALUE - 8) {
        throw invalid(file, name, prefix + "shape " + Arrays.toString(shapeValues)
            + " has more than 2^31 elements, the most a tensor holds" + where);
      }
    }
    long[] offsets = longs(file, name, prefix, "data_offsets", info.get("data_offsets"), 2, where);
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw invalid(file, name, prefix + "data_offsets [" + begin + ", " + end + "] end before they begin"
          + where);
    }
    if (end > dataSize) {
      throw invalid(file, name, prefix + "data_offsets [" + begin + ", " + end + "] end at file byte "
          + (dataStart + end) + ", past the end of the file at byte " + (dataStart + dataSize)
          + " (truncated file?)");
    }
    long expected = elements * ELEMENT_BYTES.get(dtype);
    if (end - begin != expected) {
      throw invalid(file, name, prefix + "shape " + Arrays.toString(shape) + " of " + dtype + " needs "
          + expected + " bytes, but data_offsets [" + begin + ", " + end + "] span " + (end - begin)
          + " (file bytes " + (dataStart + begin) + " to " + (dataStart + end) + ")");
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  /** A problem with the header entry of tensor {@code name}, which has no single byte offset. */
  private static ModelFileException invalid(Path file, String name, String problem) {
    return new ModelFileException(file, ModelFileException.NO_OFFSET, name, problem);
  }

  /** A JSON array of non-negative integers, of length {@code length} unless it is -1. */
  private static long[] longs(Path file, String name, String prefix, String field, Object value, int length,
      String where) {
    String expected = length < 0 ? "an array of non-negative integers" : "an array of " + length
        + " non-negative integers";
    if (!(value instanceof List)) {
      throw invalid(file, name, prefix + field + " must be " + expected + ", got " + Json.excerpt(value)
          + where);
    }
    List<?> list = (List<?>) value;
    if (length >= 0 && list.size() != length) {
      throw invalid(file, name, prefix + field + " must be " + expected + ", got " + Json.excerpt(value)
          + where);
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Long) || (Long) list.get(i) < 0) {
        throw invalid(file, name, prefix + field + " must be " + expected + ", got " + Json.excerpt(value)
            + where);
      }
      out[i] = (Long) list.get(i);
    }
    return out;
  }

  /** Checks that the tensors cover the data section exactly once: by offset, each begins where the last ended. */
  private static void checkTiling(Path file, List<Entry> entries, long dataStart, long dataSize) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long covered = 0;
    Entry previous = null;
    for (Entry e : sorted) {
      if (e.begin() < covered) {
        throw new ModelFileException(file, dataStart + e.begin(), e.name(), "tensors '" + previous.name() + "' (data_offsets ["
            + previous.begin() + ", " + previous.end() + "]) and '" + e.name() + "' (data_offsets [" + e.begin()
            + ", " + e.end() + "]) overlap at file byte " + (dataStart + e.begin()));
      }
      if (e.begin() > covered) {
        throw new ModelFileException(file, dataStart + covered, null, "no tensor covers data bytes [" + covered + ", " + e.begin()
            + ") (file bytes " + (dataStart + covered) + " to " + (dataStart + e.begin())
            + "); safetensors lays tensors out without gaps");
      }
      covered = e.end();
      previous = e;
    }
    if (covered != dataSize) {
      throw new ModelFileException(file, dataStart + covered, null, "the tensors end at file byte " + (dataStart + covered)
          + ", but the file goes on to byte " + (dataStart + dataSize) + " (" + (dataSize - covered)
          + " bytes no tensor accounts for)");
    }
  }
}
