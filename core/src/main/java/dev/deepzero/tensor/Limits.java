package dev.deepzero.tensor;

import java.util.Locale;

/**
 * The ceilings deepzero puts on what an input file may ask for, shared by every reader so that a hostile or
 * damaged file is refused with a message instead of exhausting the memory or the time.
 *
 * <ul>
 *   <li>Elements per tensor ({@link #maxTensorElements()}, default {@value #DEFAULT_MAX_TENSOR_ELEMENTS}, 1 GiB of
 *       float32) and per model file ({@link #maxModelElements()}, default {@value #DEFAULT_MAX_MODEL_ELEMENTS},
 *       4 GiB of float32): checked against a model file's header before any weight is allocated.
 *   <li>Pixels per image ({@link #maxImagePixels()}, default {@value #DEFAULT_MAX_IMAGE_PIXELS}, 64 megapixels):
 *       checked against the width and height in an image file's header before it is decoded, and for every
 *       size an image is resized to.
 *   <li>The heap: {@link #requireHeap} refuses a request that cannot fit, saying how much it would need and how
 *       much there is, instead of letting it end in an {@link OutOfMemoryError}.
 *   <li>Messages: an error that quotes part of its input (a header value, a line) is cut by {@link #excerpt} to
 *       at most {@link #MAX_MESSAGE_CHARS} characters, so a 95 MB header cannot produce a 100 MB error line.
 * </ul>
 *
 * <p>Raising a limit: set its system property, such as {@code -Ddeepzero.maxImagePixels=200000000} on the
 * {@code java} command line or {@code System.setProperty(Limits.MAX_IMAGE_PIXELS_PROPERTY, "200000000")} in a
 * program (the command line's {@code --max-pixels} does the latter). The properties are read at every check, so
 * a change applies to the next file read.
 */
public final class Limits {

  /** The longest error message, in characters; longer ones keep their start and end. */
  public static final int MAX_MESSAGE_CHARS = 1000;

  /** The default of {@link #maxTensorElements()}: 2^28, a 1 GiB float32 tensor. */
  public static final long DEFAULT_MAX_TENSOR_ELEMENTS = 1L << 28;
  /** The default of {@link #maxModelElements()}: 2^30, 4 GiB of float32 weights. */
  public static final long DEFAULT_MAX_MODEL_ELEMENTS = 1L << 30;
  /** The default of {@link #maxImagePixels()}: 64 megapixels, such as 8000 x 8000. */
  public static final long DEFAULT_MAX_IMAGE_PIXELS = 64_000_000L;

  /** The system property that raises (or lowers) {@link #maxTensorElements()}. */
  public static final String MAX_TENSOR_ELEMENTS_PROPERTY = "deepzero.maxTensorElements";
  /** The system property that raises (or lowers) {@link #maxModelElements()}. */
  public static final String MAX_MODEL_ELEMENTS_PROPERTY = "deepzero.maxModelElements";
  /** The system property that raises (or lowers) {@link #maxImagePixels()}. */
  public static final String MAX_IMAGE_PIXELS_PROPERTY = "deepzero.maxImagePixels";

  /** The characters of {@code " ... ( characters cut) ... "}, the note around the count. */
  private static final int CUT_NOTE_CHARS = 27;
  private static final double GIB = 1024.0 * 1024 * 1024;
  private static final double MIB = 1024.0 * 1024;

  private Limits() {}

  /** The most elements one tensor of a model file may have. */
  public static long maxTensorElements() {
    return property(MAX_TENSOR_ELEMENTS_PROPERTY, DEFAULT_MAX_TENSOR_ELEMENTS);
  }

  /** The most elements all tensors of one model file may have together. */
  public static long maxModelElements() {
    return property(MAX_MODEL_ELEMENTS_PROPERTY, DEFAULT_MAX_MODEL_ELEMENTS);
  }

  /** The most pixels (width x height) an image may have, in a file or as a resize target. */
  public static long maxImagePixels() {
    return property(MAX_IMAGE_PIXELS_PROPERTY, DEFAULT_MAX_IMAGE_PIXELS);
  }

  /** How to raise the limit of {@code property}, for error messages. */
  public static String howToRaise(String property) {
    return "raise the limit with -D" + property + "=N (or System.setProperty)";
  }

  private static long property(String name, long fallback) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long v = Long.parseLong(value.strip().replace("_", ""));
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below with the property's name
    }
    throw new IllegalStateException("system property " + name + " must be a positive whole number, got '"
        + excerpt(value) + "'");
  }

  /**
   * Refuses a request for {@code bytes} of heap that cannot fit: throws {@link InsufficientMemoryException}
   * saying {@code "<what> would need N GB, but the heap has M GB free (maximum K GB)"}. Call it before
   * allocating something whose size an input chose (a model's weights, a batch, a decoded image).
   *
   * <p>Memory that garbage collection would free counts as used at first; only when the request seems not to
   * fit is one collection asked for and the free memory measured again, so that the check never refuses what
   * would fit and costs nothing when there is room.
   *
   * @param bytes the bytes the request allocates
   * @param what the request, such as {@code "the weights of model.safetensors"}
   */
  public static void requireHeap(long bytes, String what) {
    if (bytes <= freeHeap()) {
      return;
    }
    System.gc();
    long free = freeHeap();
    if (bytes > free) {
      throw new InsufficientMemoryException(what + " would need " + formatBytes(bytes) + ", but the heap has "
          + formatBytes(free) + " free (maximum " + formatBytes(Runtime.getRuntime().maxMemory())
          + "); give Java more with -Xmx (such as JAVA_OPTS=-Xmx8g) or ask for less", bytes, free);
    }
  }

  /** The heap that can still be allocated: the maximum heap less what is in use now. */
  private static long freeHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  /** A byte count for people: {@code "1.9 GB"}, {@code "12.0 MB"}, {@code "512 bytes"} (binary units). */
  public static String formatBytes(long bytes) {
    if (bytes >= GIB) {
      return String.format(Locale.ROOT, "%.1f GB", bytes / GIB);
    }
    if (bytes >= MIB) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / MIB);
    }
    return bytes + " bytes";
  }

  /**
   * {@code text} if it has at most {@link #MAX_MESSAGE_CHARS} characters, else its start and end around a note
   * saying how many characters were cut.
   */
  public static String excerpt(String text) {
    return excerpt(text, MAX_MESSAGE_CHARS);
  }

  /**
   * {@code text} if it has at most {@code maxChars} characters, else its start (two thirds) and end (one third)
   * around {@code " ... (N characters cut) ... "}, at most {@code maxChars} characters in all.
   *
   * @param maxChars at least 40
   */
  public static String excerpt(String text, int maxChars) {
    if (maxChars < 40) {
      throw new IllegalArgumentException("excerpt: maxChars " + maxChars + " < 40");
    }
    if (text == null || text.length() <= maxChars) {
      return text;
    }
    // The count of cut characters has at most as many digits as the text's length.
    int keep = maxChars - CUT_NOTE_CHARS - Integer.toString(text.length()).length();
    int head = keep * 2 / 3;
    int tail = keep - head;
    int cut = text.length() - head - tail;
    return text.substring(0, head) + " ... (" + cut + " characters cut) ... " + text.substring(text.length() - tail);
  }
}
