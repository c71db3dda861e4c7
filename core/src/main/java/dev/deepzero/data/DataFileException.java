package dev.deepzero.data;

import dev.deepzero.tensor.Limits;
import java.io.IOException;

/**
 * A data file that exists but cannot be used: not an IDX file, the wrong kind of IDX file, truncated, corrupt
 * compression, a label out of range, an image that cannot be decoded.
 *
 * <p>The message always starts with the file name and, where a position is known, names the byte offset, such as
 * {@code "train-images-idx3-ubyte.gz: truncated at byte offset 1016 of the decompressed data, expected 7856 bytes"},
 * so that a command line can print it as is, without a stack trace. It is cut to {@link Limits#MAX_MESSAGE_CHARS}
 * characters.
 *
 * <p>The readers of data files (IDX, images, VOC XML, YOLO labels, list files) throw it for
 * every problem with a file's content, name or kind; a file that cannot be read at all remains an ordinary
 * {@link IOException} such as {@link java.nio.file.NoSuchFileException}.
 */
public final class DataFileException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The offset of a problem that has no position in the file, such as an undecodable image. */
  public static final long NO_OFFSET = -1;

  private final String file;
  private final long offset;

  /**
   * @param file the file (or resource) name, as the user would recognise it
   * @param offset the byte offset of the problem, or {@link #NO_OFFSET}
   * @param problem what is wrong, appended to {@code file + ": "}
   */
  public DataFileException(String file, long offset, String problem) {
    super(Limits.excerpt(file + ": " + problem));
    this.file = file;
    this.offset = offset;
  }

  /**
   * Like {@link #DataFileException(String, long, String)}, keeping the exception that revealed the problem.
   */
  public DataFileException(String file, long offset, String problem, Throwable cause) {
    super(Limits.excerpt(file + ": " + problem), cause);
    this.file = file;
    this.offset = offset;
  }

  /** The file (or resource) name. */
  public String file() {
    return file;
  }

  /** The byte offset of the problem, or {@link #NO_OFFSET}. */
  public long offset() {
    return offset;
  }
}
