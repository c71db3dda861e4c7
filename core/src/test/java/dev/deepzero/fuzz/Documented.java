package dev.deepzero.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * The failure contract every parser of untrusted input keeps, checked around one call of a fuzz target.
 *
 * <p>A documented error is an {@link IOException} (such as {@code DataFileException}) or an
 * {@link IllegalArgumentException} whose message names the file and stays readable. Anything else (a
 * {@code NullPointerException}, an index or cast error, an {@code OutOfMemoryError}, a stack overflow) is
 * rethrown, so that Jazzer reports it as a finding. So is a call that allocates more than
 * {@link #MAX_ALLOCATED_BYTES}: the fuzz inputs are a few kilobytes, and a parser that allocates what a header
 * declares before checking it against the data would pass unnoticed in a large heap.
 */
final class Documented {

  /**
   * The longest error message accepted: a message that quotes a hostile input must cut it, not echo kilobytes of
   * it to a terminal or a log.
   */
  static final int MAX_MESSAGE_CHARS = 1000;

  /** The most one call may allocate; the largest seed (a YOLO architecture built from JSON) takes about 10 MB. */
  static final long MAX_ALLOCATED_BYTES = 64L << 20;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Documented() {}

  /** One call of a parser. */
  @FunctionalInterface
  interface Parse {
    void run() throws Exception;
  }

  /** Runs {@code parse}, which reads {@code file}: the only errors allowed name the file. */
  static void parse(Path file, Parse parse) {
    bounded(file.toString(), () -> {
      try {
        parse.run();
      } catch (Throwable e) {
        check(e, file);
      }
    });
  }

  /**
   * Runs {@code parse}, which reads text rather than a file, so its errors cannot name one: they must be of
   * the {@code documented} type and of readable length.
   */
  static void parseText(Class<? extends IllegalArgumentException> documented, Parse parse) {
    bounded("text", () -> {
      try {
        parse.run();
      } catch (Throwable e) {
        if (!documented.isInstance(e)) {
          throw new AssertionError("undocumented " + e.getClass().getName() + ", expected "
              + documented.getSimpleName(), e);
        }
        checkLength(e);
      }
    });
  }

  /**
   * Runs {@code checked} and fails if it allocated more than {@link #MAX_ALLOCATED_BYTES}. An over-limit call is
   * repeated once before it counts: the first call of a path also loads (and under Jazzer instruments) classes
   * and sets up the kernels, allocations of this thread that are not the parser's.
   */
  private static void bounded(String input, Runnable checked) {
    long bytes = allocatedBy(checked);
    if (bytes > MAX_ALLOCATED_BYTES) {
      bytes = allocatedBy(checked);
    }
    if (bytes > MAX_ALLOCATED_BYTES) {
      throw new AssertionError("reading " + input + " allocated " + (bytes >> 20) + " MB");
    }
  }

  private static long allocatedBy(Runnable run) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    run.run();
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }

  private static void check(Throwable thrown, Path file) {
    if (!(thrown instanceof IOException) && !(thrown instanceof IllegalArgumentException)) {
      throw new AssertionError("undocumented " + thrown.getClass().getName() + " reading " + file, thrown);
    }
    String message = thrown.getMessage();
    if (message == null || !message.contains(file.getFileName().toString())) {
      throw new AssertionError("the error does not name " + file + ": " + message, thrown);
    }
    checkLength(thrown);
  }

  private static void checkLength(Throwable thrown) {
    String message = thrown.getMessage();
    if (message == null || message.length() > MAX_MESSAGE_CHARS) {
      throw new AssertionError("an error message of " + (message == null ? "no" : message.length())
          + " characters: " + (message == null ? "" : message.substring(0, 200) + "..."), thrown);
    }
  }
}
