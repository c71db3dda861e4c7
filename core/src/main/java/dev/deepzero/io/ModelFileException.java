package dev.deepzero.io;

import dev.deepzero.tensor.Limits;
import java.nio.file.Path;

/**
 * A model file (safetensors, model or checkpoint) that exists but cannot be used: not a safetensors file, a
 * malformed or inconsistent header, a truncated data section, an architecture that cannot be rebuilt or that
 * does not match the tensors, a tensor past the size limits, a non-finite weight.
 *
 * <p>The message starts with the file name, says what was expected and, where one is known, names the byte
 * offset or the tensor or metadata key; it is cut to {@link Limits#MAX_MESSAGE_CHARS} characters. A command
 * line can print it as is, without a stack trace. It is an {@link IllegalArgumentException}, as every problem
 * with the content of a model file has been since the first version; problems reading the file at all (it is
 * missing, unreadable) remain {@link java.io.IOException}s.
 */
public final class ModelFileException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The offset of a problem that has no single position in the file, such as a mismatched architecture. */
  public static final long NO_OFFSET = -1;

  private final String file;
  private final long offset;
  private final String key;

  /**
   * @param file the file
   * @param offset the byte offset of the problem, or {@link #NO_OFFSET}
   * @param key the tensor name or metadata key concerned, or {@code null}
   * @param problem what is wrong, appended to {@code file + ": "}
   */
  public ModelFileException(Path file, long offset, String key, String problem) {
    this(file, offset, key, problem, null);
  }

  /** Like {@link #ModelFileException(Path, long, String, String)}, keeping the exception that revealed it. */
  public ModelFileException(Path file, long offset, String key, String problem, Throwable cause) {
    super(Limits.excerpt(file + ": " + problem), cause);
    this.file = String.valueOf(file);
    this.offset = offset;
    this.key = key;
  }

  /** The file, as given to the reader. */
  public String file() {
    return file;
  }

  /** The byte offset of the problem, or {@link #NO_OFFSET}. */
  public long offset() {
    return offset;
  }

  /** The tensor name or metadata key concerned, or {@code null}. */
  public String key() {
    return key;
  }
}
