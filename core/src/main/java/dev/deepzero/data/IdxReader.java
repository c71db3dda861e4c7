package dev.deepzero.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed.
 *
 * <p>An IDX file is a 4-byte magic number {@code 0x00 0x00 T D} (T the element type, D the number of
 * dimensions), then D big-endian 32-bit dimension sizes, then the elements in row-major order. MNIST's image
 * files have magic {@code 0x00000803} (unsigned bytes, dimensions {@code [N, 28, 28]}) and its label files
 * {@code 0x00000801} (unsigned bytes, {@code [N]}). Only the unsigned-byte type {@code 0x08} is read; any
 * number of dimensions is.
 *
 * <p>Compression is recognised by the gzip magic bytes {@code 1f 8b}, not by the file name. Every check
 * (magic, type, dimension count, payload length equal to the product of the dimensions, nothing after it)
 * fails with a {@link DataFileException} whose message names the file and the byte offset; offsets count
 * bytes of the decompressed data when the file is compressed, and the message says so.
 */
public final class IdxReader {

  /** The IDX type code of unsigned bytes, the only type MNIST uses. */
  public static final int UNSIGNED_BYTE = 0x08;

  /** Any number of dimensions, for {@link #read(InputStream, String, int)}. */
  public static final int ANY_RANK = -1;

  private static final int GZIP_MAGIC = 0x1f8b;
  // Payloads are Java arrays; the header is small, so leave a little room below the array limit.
  private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 64;
  /** The first allocation for a payload; it grows as the data arrives (see {@code Parser.readPayload}). */
  private static final int FIRST_CHUNK = 1 << 20;

  private IdxReader() {}

  /**
   * The contents of one IDX file.
   *
   * @param source the file or resource name it was read from
   * @param dims the dimension sizes, such as {@code [60000, 28, 28]}; live array
   * @param values the elements, row-major, as unsigned bytes (read them with {@code & 0xff}); live array
   */
  public record IdxData(String source, int[] dims, byte[] values) {

    /** The size of the first dimension: the number of images or labels. */
    public int count() {
      return dims[0];
    }

    /** The element at flat index {@code i}, as an int in {@code [0, 255]}. */
    public int unsigned(int i) {
      return values[i] & 0xff;
    }

    /** The size in bytes of the header that precedes the values, for reporting offsets. */
    public int headerBytes() {
      return 4 + 4 * dims.length;
    }

    @Override
    public String toString() {
      return "IdxData[" + source + ", " + Arrays.toString(dims) + "]";
    }
  }

  /** Reads an IDX file with any number of dimensions. */
  public static IdxData read(Path file) throws IOException {
    return read(file, ANY_RANK);
  }

  /**
   * Reads an IDX file that must have {@code rank} dimensions (3 for MNIST images, 1 for labels).
   *
   * @throws DataFileException if the file is not an unsigned-byte IDX file of that rank, or is truncated
   * @throws IOException if it cannot be opened or read
   */
  public static IdxData read(Path file, int rank) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), rank);
    }
  }

  /**
   * Reads IDX data from a stream (a classpath resource, a download), which it does not close.
   *
   * @param name the name used in error messages
   * @param rank the required number of dimensions, or {@link #ANY_RANK}
   * @throws DataFileException if the data is not an unsigned-byte IDX file of that rank, or is truncated
   */
  public static IdxData read(InputStream stream, String name, int rank) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(stream, 1 << 16);
    buffered.mark(2);
    int first = buffered.read();
    int second = buffered.read();
    buffered.reset();
    boolean gzip = first >= 0 && second >= 0 && ((first << 8) | second) == GZIP_MAGIC;
    return new Parser(gzip ? gunzip(buffered, name) : buffered, name, gzip).parse(rank);
  }

  /** The decompressed stream; GZIPInputStream reads the gzip header at once, so its damage is reported here. */
  private static InputStream gunzip(InputStream in, String name) throws IOException {
    try {
      return new GZIPInputStream(in, 1 << 16);
    } catch (EOFException | ZipException e) {
      throw new DataFileException(name, 0, "corrupt gzip header (" + e.getMessage() + "); is the file complete?",
          e);
    }
  }

  /** Reads one stream, keeping the offset so that every error can say where it happened. */
  private static final class Parser {
    private final InputStream in;
    private final String name;
    private final String where;
    private long offset;

    Parser(InputStream in, String name, boolean gzip) {
      this.in = in;
      this.name = name;
      this.where = gzip ? " of the decompressed data" : "";
    }

    IdxData parse(int rank) throws IOException {
      byte[] magic = new byte[4];
      int got = fill(magic, "a 4-byte IDX magic number");
      if (got < 4) {
        throw error("truncated at byte offset " + got + where + ", expected a 4-byte IDX magic number");
      }
      int magicValue = ((magic[0] & 0xff) << 24) | ((magic[1] & 0xff) << 16) | ((magic[2] & 0xff) << 8)
          | (magic[3] & 0xff);
      int type = magic[2] & 0xff;
      int dimCount = magic[3] & 0xff;
      if (magic[0] != 0 || magic[1] != 0 || dimCount == 0) {
        throw new DataFileException(name, 0, "not an IDX file: magic number " + hex(magicValue) + " at byte offset 0"
            + where + " (an IDX file starts with two zero bytes, a type code and a non-zero dimension count,"
            + " such as 0x00000803 for MNIST images)");
      }
      if (type != UNSIGNED_BYTE) {
        throw new DataFileException(name, 2, "unsupported IDX type code " + String.format("0x%02x", type)
            + " at byte offset 2" + where + " (magic " + hex(magicValue) + "); deepzero reads unsigned-byte IDX"
            + " files (type 0x08), as MNIST and Fashion-MNIST use");
      }
      if (rank != ANY_RANK && dimCount != rank) {
        throw new DataFileException(name, 3, "expected an IDX " + kind(rank) + " file (magic "
            + hex(0x0800 | rank) + ", " + rank + " dimension" + (rank == 1 ? "" : "s") + ") but found magic "
            + hex(magicValue) + " (" + dimCount + " dimension" + (dimCount == 1 ? "" : "s") + ", "
            + kind(dimCount) + "); is this the right file?");
      }
      byte[] header = new byte[4 * dimCount];
      got = fill(header, "the dimension sizes");
      int headerBytes = 4 + header.length;
      if (got < header.length) {
        throw error("truncated at byte offset " + offset + where + ", expected a " + headerBytes
            + "-byte header (" + dimCount + " dimension sizes)");
      }
      int[] dims = new int[dimCount];
      long payload = 1;
      for (int d = 0; d < dimCount; d++) {
        dims[d] = ((header[4 * d] & 0xff) << 24) | ((header[4 * d + 1] & 0xff) << 16)
            | ((header[4 * d + 2] & 0xff) << 8) | (header[4 * d + 3] & 0xff);
        if (dims[d] < 0) {
          throw new DataFileException(name, 4 + 4L * d, "dimension " + d + " at byte offset " + (4 + 4 * d) + where
              + " is " + Integer.toUnsignedString(dims[d]) + ", too large to be real");
        }
        // Saturate so that the product cannot overflow; anything this large is rejected below anyway.
        payload = Math.min(payload * dims[d], Long.MAX_VALUE / Integer.MAX_VALUE);
      }
      String shape = dimsText(dims);
      if (payload > MAX_PAYLOAD) {
        throw new DataFileException(name, 4, "dimensions " + shape + " (at byte offset 4" + where
            + ") make a payload over 2 GB, which deepzero cannot hold in one array; is the header damaged?");
      }
      byte[] values = readPayload((int) payload);
      if (values.length < payload) {
        throw error("truncated at byte offset " + offset + where + ", expected " + (headerBytes + payload)
            + " bytes (a " + headerBytes + "-byte header and " + shape + " = " + payload + " payload bytes)");
      }
      if (hasExtra()) {
        throw error("unexpected data after the expected end at byte offset " + offset + where + ": dimensions "
            + shape + " account for " + (headerBytes + payload) + " bytes; is the file damaged or the header wrong?");
      }
      return new IdxData(name, dims, values);
    }

    /**
     * Reads up to {@code payload} bytes, fewer if the data ends first. The array grows with the data that
     * actually arrives (doubling from 1 MB), so a header that declares gigabytes in a file of a few bytes costs
     * at most 1 MB before the truncation is found; a complete payload costs one final copy at most.
     */
    private byte[] readPayload(int payload) throws IOException {
      byte[] values = new byte[Math.min(payload, FIRST_CHUNK)];
      int got = 0;
      while (true) {
        got += fill(values, got, "the payload");
        if (got < values.length || values.length == payload) {
          return got == values.length ? values : Arrays.copyOf(values, got);
        }
        values = Arrays.copyOf(values, (int) Math.min(payload, 2L * values.length));
      }
    }

    /** Reads until {@code buffer} is full or the data ends; returns the number of bytes read. */
    private int fill(byte[] buffer, String what) throws IOException {
      return fill(buffer, 0, what);
    }

    /** Reads into {@code buffer} from index {@code from} until it is full or the data ends; returns the count. */
    private int fill(byte[] buffer, int from, String what) throws IOException {
      int n = 0;
      while (from + n < buffer.length) {
        int r;
        try {
          r = in.read(buffer, from + n, buffer.length - from - n);
        } catch (EOFException e) {
          // GZIPInputStream's way of saying the compressed data stops in the middle.
          throw new DataFileException(name, offset + n, "truncated: the compressed data ends at byte offset "
              + (offset + n) + where + ", while reading " + what, e);
        } catch (ZipException e) {
          throw new DataFileException(name, offset + n, "corrupt gzip data at byte offset " + (offset + n) + where
              + " (" + e.getMessage() + "), while reading " + what, e);
        }
        if (r < 0) {
          break;
        }
        n += r;
      }
      offset += n;
      return n;
    }

    /** Whether anything follows the payload. */
    private boolean hasExtra() throws IOException {
      try {
        return in.read() >= 0;
      } catch (EOFException | ZipException e) {
        // The payload is complete; damage in the gzip trailer still means a damaged file.
        throw new DataFileException(name, offset, "corrupt gzip data after the payload, at byte offset " + offset
            + where + " (" + e.getMessage() + ")", e);
      }
    }

    private DataFileException error(String problem) {
      return new DataFileException(name, offset, problem);
    }

  }

  private static String kind(int rank) {
    return rank == 1 ? "label" : rank == 3 ? "image" : rank + "-dimensional";
  }

  private static String hex(int value) {
    return String.format("0x%08x", value);
  }

  private static String dimsText(int[] dims) {
    StringBuilder s = new StringBuilder();
    for (int d = 0; d < dims.length; d++) {
      s.append(d == 0 ? "" : " x ").append(dims[d]);
    }
    return s.toString();
  }
}
