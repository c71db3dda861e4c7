package dev.deepzero.detect;

import dev.deepzero.data.DataFileException;
import dev.deepzero.data.DataPaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Text and degenerate-box handling shared by the VOC and YOLO readers, so both read list files and treat bad
 * boxes the same way.
 */
final class Labels {

  /**
   * Boxes reaching outside the image by less than this fraction of it are clipped without a warning: that is
   * the rounding of label files with 6 decimals (a box touching the edge written as centre and size).
   */
  private static final double ROUNDING = 1e-5;

  /** The largest label, annotation or list file read: far above any real one (VOC's largest XML is ~10 KB). */
  static final long MAX_TEXT_BYTES = 64L << 20;

  private Labels() {}

  /**
   * The lines of a UTF-8 text file (a label, class-name or image-list file).
   *
   * @throws DataFileException naming the file and the byte offset of the first byte that is not UTF-8 (the
   *     JDK's own reader says only "Input length = 1")
   */
  static List<String> readLines(Path file) throws IOException {
    requireReadableText(file);
    byte[] bytes = Files.readAllBytes(file);
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never decodes to more chars than it has bytes.
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new DataFileException(file.toString(), in.position(), String.format("not UTF-8 text: byte 0x%02x at "
          + "byte offset %d cannot be decoded", bytes[in.position()] & 0xff, in.position()));
    }
    decoder.flush(out);
    return out.flip().toString().lines().toList();
  }

  /**
   * Refuses a label, annotation or list file that is not a regular file (a FIFO would block the reader) or is
   * larger than {@link #MAX_TEXT_BYTES}, without opening it.
   */
  static void requireReadableText(Path file) throws IOException {
    DataPaths.requireRegularFile(file, file);
    long size = Files.size(file);
    if (size > MAX_TEXT_BYTES) {
      throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, "is " + size + " bytes; a label,"
          + " annotation or list file may have at most " + MAX_TEXT_BYTES);
    }
  }

  /** How far {@code box} reaches outside {@code [0, width] x [0, height]}, in its units. */
  private static double outsideBy(Box box, double width, double height) {
    return Math.max(Math.max(-box.xmin(), -box.ymin()), Math.max(box.xmax() - width, box.ymax() - height));
  }

  /**
   * The object with its box clipped to {@code [0, width] x [0, height]}, or empty when nothing usable is left.
   * Every change is reported to {@code warn} with {@code where} (file and line or object).
   */
  static Optional<LabeledBox> sanitize(LabeledBox object, double width, double height, String where,
      Consumer<String> warn) {
    Box box = object.box();
    if (box.xmax() < box.xmin() || box.ymax() < box.ymin()) {
      warn.accept(where + ": skipped box " + box + " with negative size");
      return Optional.empty();
    }
    if (box.isEmpty()) {
      warn.accept(where + ": skipped box " + box + " with zero width or height");
      return Optional.empty();
    }
    Box clipped = box.clip(width, height);
    if (clipped.isEmpty()) {
      warn.accept(where + ": skipped box " + box + " outside the image " + width + " x " + height);
      return Optional.empty();
    }
    if (!clipped.equals(box) && outsideBy(box, width, height) > ROUNDING * Math.max(width, height)) {
      warn.accept(where + ": clipped box " + box + " to the image " + width + " x " + height);
    }
    return Optional.of(object.withBox(clipped));
  }
}
