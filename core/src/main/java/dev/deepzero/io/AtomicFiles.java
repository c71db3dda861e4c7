package dev.deepzero.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Replaces a file all at once: the content goes to a temporary file in the same directory, is forced to the
 * disk, and is then renamed over the target. A reader (or a crash) sees either the old file or the complete new
 * one, never a half-written file; if writing fails, the temporary file is deleted and the old file is untouched.
 *
 * <p>A process killed while saving leaves its temporary file behind ({@code .<name>.<hex>.tmp} next to the
 * target); the next save to the same target removes such leftovers, and only those: other files, and the
 * temporary files of other targets, are left alone. Two processes saving to the same target at the same time
 * are not supported (one of them may then fail; the target stays complete either way).
 */
public final class AtomicFiles {

  /** The suffix of the temporary files, so that a leftover from a killed process is recognisable. */
  public static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /** Writes the new content of a file. */
  @FunctionalInterface
  public interface Content {
    /**
     * Writes everything to {@code channel}, which is positioned at 0 of an empty file.
     *
     * @param channel Modified
     */
    void writeTo(FileChannel channel) throws IOException;
  }

  /**
   * Replaces {@code target} with what {@code content} writes.
   *
   * @throws IOException if writing, forcing or renaming fails; the target then keeps its old content
   */
  public static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    removeLeftovers(dir, absolute.getFileName().toString());
    // Same directory: a rename within one file system is atomic, across file systems it is a copy.
    Path temp = dir.resolve(tempName(absolute.getFileName().toString(), ThreadLocalRandom.current().nextLong()));
    // CREATE_NEW rather than Files.createTempFile, whose owner-only permissions the saved file would keep.
    FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      try (ch) {
        content.writeTo(ch);
        ch.force(true);
      }
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
      }
    } catch (Throwable t) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        t.addSuppressed(cleanup);
      }
      throw t;
    }
    forceDirectory(dir);
  }

  /** The name of a temporary file for the target named {@code name}: {@code .<name>.<hex>.tmp}. */
  private static String tempName(String name, long random) {
    return "." + name + "." + Long.toHexString(random) + TEMP_SUFFIX;
  }

  /** Deletes the temporary files that killed saves to the target named {@code name} left in {@code dir}. */
  private static void removeLeftovers(Path dir, String name) throws IOException {
    Pattern ours = Pattern.compile(Pattern.quote("." + name + ".") + "[0-9a-f]{1,16}" + Pattern.quote(TEMP_SUFFIX));
    DirectoryStream.Filter<Path> leftover = p -> ours.matcher(p.getFileName().toString()).matches();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, leftover)) {
      for (Path p : entries) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Makes the rename itself durable where the platform allows it (Linux, macOS; not Windows). */
  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the new file is complete either way, only the rename's
      // durability across a power cut is then up to the file system.
    }
  }
}
