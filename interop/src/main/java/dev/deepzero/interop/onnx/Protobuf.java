package dev.deepzero.interop.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A protocol buffers message being written, field by field, in the wire format
 * (https://protobuf.dev/programming-guides/encoding/): each field is a key {@code (number << 3) | wireType}
 * followed by a varint (type 0), four little-endian bytes (type 5) or a length and that many bytes (type 2:
 * strings, bytes, packed arrays and nested messages). A nested message's length must come first, so it is
 * built as its own {@code Protobuf} and added whole with {@link #message}.
 */
final class Protobuf {

  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** An int32, int64 or enum field (negative values take ten bytes, as protobuf encodes them). */
  Protobuf varint(int field, long value) {
    key(field, VARINT);
    writeVarint(value);
    return this;
  }

  /** A float field. */
  Protobuf float32(int field, float value) {
    key(field, FIXED32);
    int bits = Float.floatToIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i));
    }
    return this;
  }

  /** A string field, UTF-8. */
  Protobuf string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A bytes field. */
  Protobuf bytes(int field, byte[] value) {
    key(field, LENGTH_DELIMITED);
    writeVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** A nested message field. */
  Protobuf message(int field, Protobuf message) {
    return bytes(field, message.toByteArray());
  }

  /** A packed repeated int64 field. */
  Protobuf packedInt64(int field, long... values) {
    Protobuf packed = new Protobuf();
    for (long v : values) {
      packed.writeVarint(v);
    }
    return bytes(field, packed.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void key(int field, int wireType) {
    writeVarint(((long) field << 3) | wireType);
  }

  private void writeVarint(long value) {
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
