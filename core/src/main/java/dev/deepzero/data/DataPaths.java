package dev.deepzero.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Resolves a file name read from a data file (a VOC {@code <filename>}, an {@code ImageSets} id, a line of a list
 * file) inside the folder it must come from, so that a hostile label file cannot make a reader open something
 * else: {@code ../../secret.png}, {@code /etc/passwd}, a symbolic link to outside the folder, or a FIFO, which
 * would block the reader forever as soon as it is opened.
 *
 * <p>The rules: the name is relative and has no {@code ..} part; the file exists; its real path (every symbolic
 * link followed) lies inside the folder's real path; and it is a regular file. The checks read file attributes
 * only and never open the file.
 */
public final class DataPaths {

  private DataPaths() {}

  /**
   * The file {@code name} inside {@code folder}, checked as the class comment says.
   *
   * @param folder the folder the name must stay in
   * @param name the name as written in {@code source}, such as {@code "000005.jpg"} or {@code "train/a.png"}
   * @param source the data file the name was read from, named in errors
   * @return {@code folder.resolve(name)}, normalised
   * @throws DataFileException naming {@code source} and the name: absolute, escaping the folder (directly or
   *     through a link), missing, or not a regular file
   */
  public static Path resolve(Path folder, String name, Path source) throws DataFileException {
    String quoted = "'" + name + "'";
    if (name == null || name.isBlank()) {
      throw new DataFileException(source.toString(), DataFileException.NO_OFFSET, "an empty file name");
    }
    Path relative;
    try {
      relative = Paths.get(name);
    } catch (InvalidPathException e) {
      throw new DataFileException(source.toString(), DataFileException.NO_OFFSET, "file name " + quoted
          + " is not a valid path (" + e.getReason() + ")", e);
    }
    if (relative.isAbsolute() || relative.getRoot() != null || name.startsWith("/") || name.startsWith("\\")) {
      throw new DataFileException(source.toString(), DataFileException.NO_OFFSET, "file name " + quoted
          + " is absolute; names in data files must be relative to " + folder);
    }
    for (Path part : relative) {
      if (part.toString().equals("..")) {
        throw new DataFileException(source.toString(), DataFileException.NO_OFFSET, "file name " + quoted
            + " contains '..'; names in data files must stay inside " + folder);
      }
    }
    Path resolved = folder.resolve(relative).normalize();
    Path real;
    Path realFolder;
    try {
      realFolder = folder.toRealPath();
      real = resolved.toRealPath();
    } catch (NoSuchFileException e) {
      throw new DataFileException(source.toString(), DataFileException.NO_OFFSET, "names " + quoted + ", but "
          + resolved + " does not exist", e);
    } catch (IOException e) {
      throw new DataFileException(source.toString(), DataFileException.NO_OFFSET, "names " + quoted + ", but "
          + resolved + " cannot be resolved (" + e.getMessage() + ")", e);
    }
    if (!real.startsWith(realFolder)) {
      throw new DataFileException(source.toString(), DataFileException.NO_OFFSET, "names " + quoted + ", which "
          + "leads (through a symbolic link) to " + real + ", outside " + realFolder);
    }
    requireRegularFile(real, source, quoted);
    return resolved;
  }

  /**
   * Checks that {@code file} (already a real path or a folder listing's entry) is a regular file, reading its
   * attributes without opening it.
   *
   * @param source the data file or folder that named it, named in errors
   * @throws DataFileException if it is a folder, FIFO, device or socket, or cannot be examined
   */
  public static void requireRegularFile(Path file, Path source) throws DataFileException {
    requireRegularFile(file, source, "'" + file.getFileName() + "'");
  }

  private static void requireRegularFile(Path file, Path source, String quoted) throws DataFileException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new DataFileException(source.toString(), DataFileException.NO_OFFSET, "names " + quoted + ", but "
          + file + " cannot be examined (" + e.getMessage() + ")", e);
    }
    if (!attributes.isRegularFile()) {
      String kind = attributes.isDirectory() ? "a folder" : "a FIFO, device or socket";
      throw new DataFileException(source.toString(), DataFileException.NO_OFFSET, "names " + quoted + ", but "
          + file + " is " + kind + ", not a regular file; it was not opened");
    }
  }
}
