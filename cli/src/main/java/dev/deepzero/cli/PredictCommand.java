package dev.deepzero.cli;

import dev.deepzero.data.Images;
import dev.deepzero.inference.Classifier;
import dev.deepzero.inference.Preprocessing;
import dev.deepzero.io.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepzero predict}: classify image files with a trained model. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Classify PNG/JPEG images of any size and colour: each is converted to the model's channels,"
        + " resized to its input size, and the top classes are printed with their probabilities.")
final class PredictCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A model file from 'deepzero train'.")
  Path modelFile;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files (PNG or JPEG).")
  List<Path> images;

  @Option(names = "--top", defaultValue = "3", description = "How many classes to show (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--invert", defaultValue = "AUTO",
      description = "Invert grey levels: ${COMPLETION-CANDIDATES}. AUTO inverts images whose border is brighter"
          + " than their centre, as photos of objects on a light background are (default: ${DEFAULT-VALUE}).")
  Preprocessing.Invert invert;

  @Option(names = "--json", description = "Print one JSON line per image.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Options.atLeast("--top", top, 1);
    Classifier classifier = Classifier.load(modelFile);
    for (Path image : images) {
      Classifier.Prediction prediction = classifier.classify(List.of(Images.read(image)), invert, top).get(0);
      if (json) {
        List<Object> ranked = new ArrayList<>();
        for (Classifier.ClassScore score : prediction.top()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("class", score.className());
          row.put("probability", score.probability());
          ranked.add(row);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("image", image.toString());
        line.put("inverted", prediction.inverted());
        line.put("top", ranked);
        System.out.println(Json.write(line));
      } else {
        System.out.println(image + (prediction.inverted() ? "  (grey levels inverted)" : ""));
        for (Classifier.ClassScore score : prediction.top()) {
          System.out.printf("  %-14s %6.2f%%%n", score.className(), 100 * score.probability());
        }
      }
    }
    return 0;
  }
}
