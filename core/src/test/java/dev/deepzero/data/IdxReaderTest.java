package dev.deepzero.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.IdxReader.IdxData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  @TempDir
  Path dir;

  private static final int[] DIMS = {3, 2, 4};
  private static final byte[] VALUES = new byte[24];

  static {
    for (int i = 0; i < VALUES.length; i++) {
      VALUES[i] = (byte) (i * 11); // crosses 127, so unsigned reading is exercised
    }
  }

  @Test
  void readsRawAndGzipAlike() throws IOException {
    byte[] file = IdxFiles.idx(DIMS, VALUES);
    IdxData raw = IdxReader.read(IdxFiles.write(dir.resolve("a"), file));
    IdxData gz = IdxReader.read(IdxFiles.write(dir.resolve("a.gz"), IdxFiles.gzip(file)));
    for (IdxData d : new IdxData[] {raw, gz}) {
      assertArrayEquals(DIMS, d.dims());
      assertArrayEquals(VALUES, d.values());
      assertEquals(3, d.count());
      assertEquals(16, d.headerBytes());
    }
    assertEquals(23 * 11, raw.unsigned(23));
  }

  @Test
  void detectsGzipByContentNotByName() throws IOException {
    byte[] file = IdxFiles.idx(DIMS, VALUES);
    IdxData compressedWithoutSuffix = IdxReader.read(IdxFiles.write(dir.resolve("plain-name"), IdxFiles.gzip(file)));
    IdxData rawWithSuffix = IdxReader.read(IdxFiles.write(dir.resolve("raw.gz"), file));
    assertArrayEquals(VALUES, compressedWithoutSuffix.values());
    assertArrayEquals(VALUES, rawWithSuffix.values());
  }

  @Test
  void rejectsAFileThatIsNotIdx() throws IOException {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0};
    Path file = IdxFiles.write(dir.resolve("picture.png"), png);
    DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(file));
    assertMessage(e, file, "not an IDX file", "0x89504e47", "byte offset 0");
    assertEquals(0, e.offset());
    assertEquals(file.toString(), e.file());
  }

  @Test
  void rejectsAnUnsupportedType() throws IOException {
    Path file = IdxFiles.write(dir.resolve("floats"), IdxFiles.idx(0x0D, new int[] {2}, new byte[8]));
    DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(file));
    assertMessage(e, file, "unsupported IDX type code 0x0d", "byte offset 2");
  }

  @Test
  void reportsATruncatedPayloadWithItsOffset() throws IOException {
    byte[] full = IdxFiles.idx(DIMS, VALUES);
    Path file = IdxFiles.write(dir.resolve("cut"), Arrays.copyOf(full, 30));
    DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(file));
    assertMessage(e, file, "truncated at byte offset 30", "expected 40 bytes");
    assertEquals(30, e.offset());
  }

  @Test
  void reportsATruncatedPayloadInsideGzipAsDecompressedOffset() throws IOException {
    byte[] full = IdxFiles.idx(DIMS, VALUES);
    Path file = IdxFiles.write(dir.resolve("cut.gz"), IdxFiles.gzip(Arrays.copyOf(full, 21)));
    DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(file));
    assertMessage(e, file, "truncated at byte offset 21 of the decompressed data", "expected 40 bytes");
  }

  @Test
  void reportsACutGzipStream() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.images(5, new SplittableRandom(1)));
    Path file = IdxFiles.write(dir.resolve("cut-stream.gz"), Arrays.copyOf(gz, gz.length / 2));
    DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(file));
    assertMessage(e, file, "truncated", "byte offset", "decompressed");
    assertTrue(e.offset() > 16 && e.offset() < 16 + 5 * 784, "offset " + e.offset());
  }

  @Test
  void reportsCorruptGzipData() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.images(5, new SplittableRandom(1)));
    for (int i = 20; i < gz.length - 8; i += 7) {
      gz[i] ^= 0x5a;
    }
    Path file = IdxFiles.write(dir.resolve("garbled.gz"), gz);
    // Where garbled deflate data fails depends on the bytes; any failure must name the file and an offset.
    DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(file));
    assertMessage(e, file, "byte offset");
  }

  @Test
  void reportsABadGzipChecksumAfterACompletePayload() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.images(5, new SplittableRandom(1)));
    gz[gz.length - 8] ^= 0x01; // the CRC-32 in the gzip trailer
    Path file = IdxFiles.write(dir.resolve("bad-crc.gz"), gz);
    DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(file));
    assertMessage(e, file, "corrupt gzip data after the payload", "byte offset " + (16 + 5 * 784));
  }

  @Test
  void reportsAHeaderThatStopsEarly() throws IOException {
    Path empty = IdxFiles.write(dir.resolve("empty"), new byte[0]);
    assertMessage(assertThrows(DataFileException.class, () -> IdxReader.read(empty)), empty,
        "truncated at byte offset 0");
    Path shortHeader = IdxFiles.write(dir.resolve("short"), Arrays.copyOf(IdxFiles.idx(DIMS, VALUES), 9));
    assertMessage(assertThrows(DataFileException.class, () -> IdxReader.read(shortHeader)), shortHeader,
        "truncated at byte offset 9", "16-byte header");
  }

  @Test
  void rejectsDataAfterThePayload() throws IOException {
    byte[] full = IdxFiles.idx(DIMS, VALUES);
    Path file = IdxFiles.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 5));
    assertMessage(assertThrows(DataFileException.class, () -> IdxReader.read(file)), file,
        "unexpected data after the expected end at byte offset 40");
  }

  @Test
  void rejectsTheWrongKindOfFile() throws IOException {
    Path labels = IdxFiles.write(dir.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(10));
    DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(labels, 3));
    assertMessage(e, labels, "expected an IDX image file", "0x00000803", "found magic 0x00000801", "label");
  }

  @Test
  void readsFromAStreamWithAName() throws IOException {
    IdxData d = IdxReader.read(new java.io.ByteArrayInputStream(IdxFiles.gzip(IdxFiles.idx(DIMS, VALUES))),
        "resource:x", IdxReader.ANY_RANK);
    assertEquals("resource:x", d.source());
    assertArrayEquals(VALUES, d.values());
  }

  static void assertMessage(Exception e, Object file, String... parts) {
    String message = e.getMessage();
    assertTrue(message.startsWith(file + ": "), () -> "message should start with the file name: " + message);
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "message should contain \"" + part + "\": " + message);
    }
  }
}
