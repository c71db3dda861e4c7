package dev.deepzero.cli;

import dev.deepzero.data.ClassificationData;
import dev.deepzero.data.Dataset;
import dev.deepzero.inference.Classifier;
import dev.deepzero.io.Json;
import dev.deepzero.plot.Heatmap;
import dev.deepzero.plot.Png;
import dev.deepzero.train.ConfusionMatrix;
import dev.deepzero.train.Evaluation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepzero evaluate}: accuracy, per-class precision/recall and a confusion matrix on the test set. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a model on the test set: accuracy, per-class precision and recall, and the confusion"
        + " matrix (printed, and drawn as a PNG heatmap).")
final class EvaluateCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "A model file written by 'deepzero train'.")
  Path modelFile;

  @Mixin
  DataOptions data;

  @Option(names = "--heatmap", paramLabel = "PNG",
      description = "Where to draw the confusion matrix (default: confusion-matrix.png beside the model).")
  Path heatmap;

  @Option(names = "--json", description = "Print one machine-readable line instead of tables.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Path picture = heatmap != null ? heatmap
        : modelFile.toAbsolutePath().resolveSibling("confusion-matrix.png");
    Reports.checkWritable(picture.toAbsolutePath().getParent(), picture);
    Classifier classifier = Classifier.load(modelFile);
    ClassificationData loaded = data.load();
    Dataset test = loaded.test();
    if (!Arrays.equals(test.inputShape(), classifier.inputShape())) {
      throw new IllegalArgumentException(modelFile + " takes inputs " + Arrays.toString(classifier.inputShape())
          + " but the data has " + Arrays.toString(test.inputShape()));
    }
    int k = classifier.classNames().size();
    ConfusionMatrix matrix = ConfusionMatrix.evaluate(classifier.model(), k, test, Evaluation.DEFAULT_BATCH);
    String[] labels = classifier.classNames().toArray(new String[0]);
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("model", modelFile.toString());
      summary.put("data", loaded.description());
      summary.put("samples", matrix.total());
      summary.put("accuracy", Reports.finiteOrNull(matrix.accuracy()));
      List<Object> perClass = new ArrayList<>();
      for (int c = 0; c < k; c++) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("class", labels[c]);
        row.put("precision", Reports.finiteOrNull(matrix.precision(c)));
        row.put("recall", Reports.finiteOrNull(matrix.recall(c)));
        row.put("support", matrix.support(c));
        perClass.add(row);
      }
      summary.put("per_class", perClass);
      List<Object> rows = new ArrayList<>();
      for (long[] row : matrix.counts()) {
        rows.add(Arrays.stream(row).boxed().toList());
      }
      summary.put("confusion_matrix", rows);
      summary.put("heatmap", picture.toString());
      System.out.println(Json.write(summary));
      writeHeatmap(picture, matrix, labels);
      return 0;
    }
    System.out.println("data: " + loaded.description());
    System.out.printf("accuracy %.4f on %d test images%n%n", matrix.accuracy(), matrix.total());
    System.out.print(matrix.report(classifier.classNames()));
    System.out.println();
    writeHeatmap(picture, matrix, labels);
    System.out.println("wrote " + picture);
    return 0;
  }

  private static void writeHeatmap(Path picture, ConfusionMatrix matrix, String[] labels) throws IOException {
    Png.write(picture, 680, 680, List.of(new Heatmap("Confusion matrix (" + matrix.total() + " test images)",
        "true class", "predicted class", matrix.counts(), labels)));
  }
}
