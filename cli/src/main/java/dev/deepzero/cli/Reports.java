package dev.deepzero.cli;

import dev.deepzero.plot.LineChart;
import dev.deepzero.plot.Png;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The pictures the commands write. */
final class Reports {

  private Reports() {}

  /**
   * Writes the learning curve (loss and accuracy per epoch, train/validation/test) from metrics.csv rows
   * {@code epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,test_loss,test_accuracy,...}.
   */
  static void learningCurve(List<String> csvRows, Path file) throws IOException {
    int n = csvRows.size();
    double[][] columns = new double[7][n];
    for (int i = 0; i < n; i++) {
      String[] cells = csvRows.get(i).split(",");
      for (int c = 0; c < 7; c++) {
        columns[c][i] = Double.parseDouble(cells[c]);
      }
    }
    double[] epoch = columns[0];
    LineChart loss = new LineChart("Loss", "epoch", "cross-entropy loss")
        .add("train", epoch, columns[1]).add("validation", epoch, columns[3]).add("test", epoch, columns[5]);
    LineChart accuracy = new LineChart("Accuracy", "epoch", "accuracy")
        .add("train", epoch, columns[2]).add("validation", epoch, columns[4]).add("test", epoch, columns[6]);
    Png.write(file, 560, 420, List.of(loss, accuracy));
  }
}
