package dev.deepzero.cli;

import dev.deepzero.plot.LineChart;
import dev.deepzero.plot.Png;
import dev.deepzero.train.TrainingRun;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The files the commands write beside their model (metrics CSV, pictures), and checks that they can. */
final class Reports {

  private Reports() {}

  /**
   * Creates {@code folder} and checks that each of {@code files} in it can be written, before any training or
   * evaluation work starts, so that a wrong --out fails in a second rather than after an epoch. A probe file is
   * created and deleted beside them; existing files are not touched but must be writable.
   *
   * @throws IOException naming the folder or file that cannot be written
   */
  static void checkWritable(Path folder, Path... files) throws IOException {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new IOException(folder + ": cannot create the output folder (" + reason(e) + ")", e);
    }
    for (Path file : files) {
      Path parent = file.toAbsolutePath().getParent();
      if (Files.isDirectory(file)) {
        throw new IOException(file + ": is a folder, expected a file to write");
      }
      if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(parent)) {
        throw new IOException(file + ": cannot be written (no permission)");
      }
    }
    Path probe = folder.resolve(".deepzero-write-check-" + ProcessHandle.current().pid());
    try {
      Files.deleteIfExists(Files.createFile(probe));
    } catch (IOException e) {
      throw new IOException(folder + ": cannot write into the output folder (" + reason(e) + ")", e);
    }
  }

  /**
   * One output file in {@code folder} per input, named {@code <input name without extension><suffix>}, and
   * unique: a name that another output already took (a.png and a.jpg) gets -2, -3... before the suffix's
   * extension. An output that would be one of the inputs (x.png and x-detections.png written into their own
   * folder) is refused before anything is written.
   */
  static List<Path> outputNames(List<Path> inputs, Path folder, String suffix) {
    Set<Path> taken = new HashSet<>();
    for (Path input : inputs) {
      taken.add(input.toAbsolutePath().normalize());
    }
    int dot = suffix.lastIndexOf('.');
    String stemSuffix = dot < 0 ? suffix : suffix.substring(0, dot);
    String extension = dot < 0 ? "" : suffix.substring(dot);
    List<Path> outputs = new ArrayList<>();
    for (Path input : inputs) {
      String name = input.getFileName().toString();
      String stem = name.lastIndexOf('.') > 0 ? name.substring(0, name.lastIndexOf('.')) : name;
      Path candidate = folder.resolve(stem + stemSuffix + extension);
      if (inputs.stream().anyMatch(in -> in.toAbsolutePath().normalize().equals(
          folder.resolve(stem + stemSuffix + extension).toAbsolutePath().normalize()))) {
        throw new IllegalArgumentException(candidate + ": the output for " + input + " would replace that input;"
            + " choose another --out folder");
      }
      for (int n = 2; !taken.add(candidate.toAbsolutePath().normalize()); n++) {
        candidate = folder.resolve(stem + stemSuffix + "-" + n + extension);
      }
      outputs.add(candidate);
    }
    return outputs;
  }

  /** What went wrong, for a message: the exception's reason without the file name it repeats. */
  static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** JSON has no NaN: a figure that does not exist (an empty split, a class without objects) is null. */
  static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** "after epoch E", or "in epoch E after batch B" for a run stopped mid-epoch. */
  static String resumePoint(TrainingRun run) {
    return run.start().batch() == 0 ? "after epoch " + (run.start().epoch() - 1)
        : "in epoch " + run.start().epoch() + " after batch " + run.start().batch();
  }

  /** " at epoch E, batch B" when the run stopped mid-epoch, else "". */
  static String stoppedAt(TrainingRun run) {
    return run.stoppedAt() == null ? "" : " at epoch " + run.stoppedAt().epoch() + ", batch " + run.stoppedAt().batch();
  }

  /** Writes {@code header} and {@code rows} as a CSV file. */
  static void writeCsv(Path file, String header, List<String> rows) throws IOException {
    Files.writeString(file, header + "\n" + String.join("\n", rows) + "\n");
  }

  /** The first {@code count} columns of CSV rows, parsed as numbers: {@code result[column][row]}. */
  static double[][] columns(List<String> csvRows, int count) {
    double[][] columns = new double[count][csvRows.size()];
    for (int i = 0; i < csvRows.size(); i++) {
      String[] cells = csvRows.get(i).split(",");
      for (int c = 0; c < count; c++) {
        columns[c][i] = Double.parseDouble(cells[c]);
      }
    }
    return columns;
  }

  /**
   * Writes the learning curve (loss and accuracy per epoch, train/validation/test) from metrics.csv rows
   * {@code epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,test_loss,test_accuracy,...}.
   */
  static void learningCurve(List<String> csvRows, Path file) throws IOException {
    double[][] columns = columns(csvRows, 7);
    double[] epoch = columns[0];
    LineChart loss = new LineChart("Loss", "epoch", "cross-entropy loss")
        .add("train", epoch, columns[1]).add("validation", epoch, columns[3]).add("test", epoch, columns[5]);
    LineChart accuracy = new LineChart("Accuracy", "epoch", "accuracy")
        .add("train", epoch, columns[2]).add("validation", epoch, columns[4]).add("test", epoch, columns[6]);
    Png.write(file, 560, 420, List.of(loss, accuracy));
  }
}
