package dev.deepzero.fuzz;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The failure contract every parser of untrusted input keeps, checked on whatever a fuzz target's call threw.
 *
 * <p>A documented error is an {@link IOException} (such as {@code DataFileException}) or an
 * {@link IllegalArgumentException} whose message names the file and stays readable. Anything else (a
 * {@code NullPointerException}, an index or cast error, an {@code OutOfMemoryError} in the fuzzing JVM's small
 * heap, a stack overflow) is rethrown, so that Jazzer reports it as a finding.
 */
final class Documented {

  /**
   * The longest error message accepted: a message that quotes a hostile input must cut it, not echo kilobytes of
   * it to a terminal or a log.
   */
  static final int MAX_MESSAGE_CHARS = 1000;

  private Documented() {}

  /** Returns if {@code thrown} is a documented error about {@code file}; otherwise rethrows it as a finding. */
  static void check(Throwable thrown, Path file) {
    if (!(thrown instanceof IOException) && !(thrown instanceof IllegalArgumentException)) {
      throw new AssertionError("undocumented " + thrown.getClass().getName() + " reading " + file, thrown);
    }
    String message = thrown.getMessage();
    if (message == null || !message.contains(file.getFileName().toString())) {
      throw new AssertionError("the error does not name " + file + ": " + message, thrown);
    }
    if (message.length() > MAX_MESSAGE_CHARS) {
      throw new AssertionError("a " + message.length() + "-character error message: "
          + message.substring(0, 200) + "...", thrown);
    }
  }

  /** Like {@link #check(Throwable, Path)} for a parser that reads text, not a file: the error names no file. */
  static void checkText(Throwable thrown, Class<? extends IllegalArgumentException> documented) {
    if (!documented.isInstance(thrown)) {
      throw new AssertionError("undocumented " + thrown.getClass().getName() + ", expected "
          + documented.getSimpleName(), thrown);
    }
    String message = thrown.getMessage();
    if (message == null || message.length() > MAX_MESSAGE_CHARS) {
      throw new AssertionError("error message of " + (message == null ? "no" : message.length())
          + " characters", thrown);
    }
  }
}
