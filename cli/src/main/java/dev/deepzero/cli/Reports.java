package dev.deepzero.cli;

import dev.deepzero.io.Checkpoint;
import dev.deepzero.nn.Layer;
import dev.deepzero.optim.Optimizer;
import dev.deepzero.plot.LineChart;
import dev.deepzero.plot.Png;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The files the training commands write beside their model: checkpoints, metrics CSV and pictures. */
final class Reports {

  private Reports() {}

  /**
   * Saves a checkpoint from inside a training listener, where checked exceptions cannot pass.
   *
   * @throws UncheckedIOException naming the file if writing fails (the previous file is kept)
   */
  static void saveCheckpoint(Path file, Layer model, Optimizer optimizer, Checkpoint.TrainingState state,
      Map<String, String> metadata) {
    try {
      Checkpoint.save(file, model, optimizer, state, metadata);
    } catch (IOException e) {
      throw new UncheckedIOException("could not save " + file + ": " + e.getMessage(), e);
    }
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
