package dev.deepzero.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for the tests. */
final class IdxFiles {

  static final int SIDE = Mnist.IMAGE_SIZE;
  static final int PIXELS = SIDE * SIDE;

  private IdxFiles() {}

  /** The bytes of an IDX file: magic {@code 0 0 type dims.length}, the dimensions, then {@code values}. */
  static byte[] idx(int type, int[] dims, byte[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
    buffer.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
    for (int d : dims) {
      buffer.putInt(d);
    }
    buffer.put(values);
    return buffer.array();
  }

  /** An unsigned-byte IDX file. */
  static byte[] idx(int[] dims, byte[] values) {
    return idx(IdxReader.UNSIGNED_BYTE, dims, values);
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Path write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, bytes);
  }

  /** {@code n} random 28 x 28 images. */
  static byte[] images(int n, SplittableRandom rng) {
    byte[] pixels = new byte[n * PIXELS];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) rng.nextInt(256);
    }
    return idx(new int[] {n, SIDE, SIDE}, pixels);
  }

  /** {@code n} labels {@code 0, 1, ..., 9, 0, 1, ...}. */
  static byte[] labels(int n) {
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    return idx(new int[] {n}, labels);
  }

  /** Writes the four standard files, gzip-compressed with the {@code .gz} names when {@code compressed}. */
  static Path writeSet(Path dir, int train, int test, boolean compressed, long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    writeStandard(dir, Mnist.TRAIN_IMAGES, images(train, rng), compressed);
    writeStandard(dir, Mnist.TRAIN_LABELS, labels(train), compressed);
    writeStandard(dir, Mnist.TEST_IMAGES, images(test, rng), compressed);
    writeStandard(dir, Mnist.TEST_LABELS, labels(test), compressed);
    return dir;
  }

  static Path writeStandard(Path dir, String baseName, byte[] idx, boolean compressed) throws IOException {
    return compressed ? write(dir.resolve(baseName + ".gz"), gzip(idx)) : write(dir.resolve(baseName), idx);
  }
}
