package dev.deepzero.cli;

import dev.deepzero.data.Images;
import dev.deepzero.io.Json;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.layers.Softmax;
import dev.deepzero.tensor.Tensor;
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

  /** How to treat dark-on-light images when the model was trained on light-on-dark ones (as (Fashion-)MNIST). */
  enum Invert { AUTO, ALWAYS, NEVER }

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A model file from 'deepzero train'.")
  Path modelFile;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files (PNG or JPEG).")
  List<Path> images;

  @Option(names = "--top", defaultValue = "3", description = "How many classes to show (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--invert", defaultValue = "AUTO",
      description = "Invert grey levels: ${COMPLETION-CANDIDATES}. AUTO inverts images whose border is brighter"
          + " than their centre, as photos of objects on a light background are (default: ${DEFAULT-VALUE}).")
  Invert invert;

  @Option(names = "--json", description = "Print one JSON line per image.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Classifier classifier = Classifier.load(modelFile);
    int[] shape = classifier.inputShape();
    int k = classifier.classNames().size();
    int shown = Math.max(1, Math.min(top, k));
    for (Path image : images) {
      Tensor pixels = Images.load(image, shape[0], shape[1], shape[2]);
      boolean inverted = invert == Invert.ALWAYS || (invert == Invert.AUTO && borderBrighterThanCentre(pixels));
      if (inverted) {
        pixels = pixels.mul(-1f).add(1f);
      }
      Tensor logits = classifier.model().forward(pixels.reshape(1, shape[0], shape[1], shape[2]), Mode.EVAL);
      float[] p = new float[k];
      Softmax.softmaxRows(logits.data(), p, k);
      Integer[] order = new Integer[k];
      for (int i = 0; i < k; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
      if (json) {
        List<Object> ranked = new ArrayList<>();
        for (int i = 0; i < shown; i++) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("class", classifier.classNames().get(order[i]));
          row.put("probability", (double) p[order[i]]);
          ranked.add(row);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("image", image.toString());
        line.put("inverted", inverted);
        line.put("top", ranked);
        System.out.println(Json.write(line));
      } else {
        System.out.println(image + (inverted ? "  (grey levels inverted)" : ""));
        for (int i = 0; i < shown; i++) {
          System.out.printf("  %-14s %6.2f%%%n", classifier.classNames().get(order[i]), 100 * p[order[i]]);
        }
      }
    }
    return 0;
  }

  /** Whether the mean of the outer ring of pixels exceeds the mean of the rest. */
  static boolean borderBrighterThanCentre(Tensor chw) {
    int c = chw.dim(0);
    int h = chw.dim(1);
    int w = chw.dim(2);
    double border = 0;
    double centre = 0;
    long nb = 0;
    long nc = 0;
    float[] d = chw.data();
    int ring = Math.max(1, Math.min(h, w) / 8);
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v = d[(ch * h + y) * w + x];
          if (y < ring || y >= h - ring || x < ring || x >= w - ring) {
            border += v;
            nb++;
          } else {
            centre += v;
            nc++;
          }
        }
      }
    }
    return nc > 0 && border / nb > centre / nc;
  }
}
