package dev.deepzero.detect;

import dev.deepzero.data.DataFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * darknet / YOLO txt labels: one file per image, one line per object,
 * {@code <class_id> <x_center> <y_center> <width> <height>}, whitespace-separated, the four values fractions
 * of the image; class ids index a names file with one class name per line ({@code classes.txt}).
 *
 * <p>Reading is strict about syntax and lenient about geometry. A line with the wrong number of columns (a 6th
 * is a prediction's confidence, more is a segmentation polygon), a non-integer or unknown class, or a
 * non-numeric, NaN or infinite value throws {@link DataFileException} naming the file and line. A box
 * with zero or negative size is skipped, and one reaching outside the image is clipped, each with a warning
 * naming the file and line. A missing or empty file means no objects, as in darknet.
 */
public final class YoloFormat {

  private static final int COLUMNS = 5;

  private YoloFormat() {}

  /**
   * The objects of one label file, boxes in fractions of the image.
   *
   * @param numClasses class ids must be in {@code [0, numClasses)}
   * @param warn receives one message per skipped or clipped box
   * @throws DataFileException for a malformed line, naming the file and line, or bytes that are not UTF-8
   */
  public static List<LabeledBox> read(Path file, int numClasses, Consumer<String> warn) throws IOException {
    List<LabeledBox> objects = new ArrayList<>();
    if (!Files.exists(file)) {
      return objects;
    }
    List<String> lines = Labels.readLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i).strip();
      if (text.isEmpty()) {
        continue;
      }
      String where = file + ":" + (i + 1);
      String line = "line " + (i + 1) + ": ";
      String[] cols = text.split("\\s+");
      if (cols.length != COLUMNS) {
        throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, line + "expected 5 columns"
            + " 'class cx cy w h', got " + cols.length
            + (cols.length == COLUMNS + 1 ? " (a 6th column is a prediction's confidence)"
                : cols.length > COLUMNS ? " (a segmentation polygon?)" : "") + ": '" + text + "'");
      }
      int cls;
      try {
        cls = Integer.parseInt(cols[0]);
      } catch (NumberFormatException e) {
        throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, line + "class id '" + cols[0]
            + "' is not an integer", e);
      }
      if (cls < 0 || cls >= numClasses) {
        throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, line + "class id " + cls
            + " outside [0, " + numClasses + ")");
      }
      double[] v = new double[COLUMNS - 1];
      for (int k = 0; k < v.length; k++) {
        try {
          v[k] = Double.parseDouble(cols[k + 1]);
        } catch (NumberFormatException e) {
          throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, line + "value '" + cols[k + 1]
              + "' is not a number", e);
        }
        if (!Double.isFinite(v[k])) {
          throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, line + "value '" + cols[k + 1]
              + "' is not finite");
        }
      }
      Box box = new Box(v[0] - v[2] / 2, v[1] - v[3] / 2, v[0] + v[2] / 2, v[1] + v[3] / 2);
      Optional<LabeledBox> kept = Labels.sanitize(new LabeledBox(box, cls), 1, 1, where, warn);
      kept.ifPresent(objects::add);
    }
    return objects;
  }

  /**
   * Writes one label file.
   *
   * @param objects Not modified; boxes in fractions of the image
   */
  public static void write(Path file, List<LabeledBox> objects) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (LabeledBox o : objects) {
      Box b = o.box();
      sb.append(String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f%n", o.classId(), b.centerX(), b.centerY(),
          b.width(), b.height()));
    }
    createParent(file);
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /**
   * The class names of a names file, one per non-blank line.
   *
   * @throws DataFileException naming the file if it has no name or is not UTF-8 text
   */
  public static List<String> readClassNames(Path file) throws IOException {
    List<String> names = Labels.readLines(file).stream().map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
    if (names.isEmpty()) {
      throw new DataFileException(file.toString(), DataFileException.NO_OFFSET, "no class names");
    }
    return names;
  }

  /** Writes a names file, one class per line. */
  public static void writeClassNames(Path file, List<String> names) throws IOException {
    createParent(file);
    Files.writeString(file, String.join("\n", names) + "\n", StandardCharsets.UTF_8);
  }

  static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }
}
