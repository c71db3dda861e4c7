package dev.deepzero.tensor;

/**
 * The ceilings deepzero puts on what an input file may ask for, shared by every reader so that a hostile or
 * damaged file is refused with a message instead of exhausting the memory.
 *
 * <p>Messages: an error that quotes part of its input (a header value, a line) is cut by {@link #excerpt} to at
 * most {@link #MAX_MESSAGE_CHARS} characters, so a 95 MB header cannot produce a 100 MB error line.
 */
public final class Limits {

  /** The longest error message, in characters; longer ones keep their start and end. */
  public static final int MAX_MESSAGE_CHARS = 1000;

  /** The characters of {@code " ... ( characters cut) ... "}, the note around the count. */
  private static final int CUT_NOTE_CHARS = 27;

  private Limits() {}

  /**
   * {@code text} if it has at most {@link #MAX_MESSAGE_CHARS} characters, else its start and end around a note
   * saying how many characters were cut.
   */
  public static String excerpt(String text) {
    return excerpt(text, MAX_MESSAGE_CHARS);
  }

  /**
   * {@code text} if it has at most {@code maxChars} characters, else its start (two thirds) and end (one third)
   * around {@code " ... (N characters cut) ... "}; the result then has about {@code maxChars} characters.
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
