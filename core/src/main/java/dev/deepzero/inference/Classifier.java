package dev.deepzero.inference;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.layers.Softmax;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An image classifier with what it takes to use it: the model, its class names and its input shape, read from
 * a model file of {@code deepzero train} (or built in code with {@link #of}). It preprocesses images
 * ({@link #preprocessing()}) and gives each sample's top classes with their softmax probabilities.
 *
 * <p>Safe for concurrent callers: prediction goes through {@link Layer#predict}, whose activations live in
 * memory kept per calling thread, and nothing here changes after construction.
 */
public final class Classifier {

  private final Path file;
  private final Layer model;
  private final ModelMetadata metadata;
  private final Map<String, String> entries;

  /**
   * A class and its probability.
   *
   * @param classIndex the output index
   * @param className its name
   * @param probability softmax of the logits, in [0, 1]
   */
  public record ClassScore(int classIndex, String className, double probability) {}

  /**
   * What the classifier says about one image.
   *
   * @param top the most probable classes, best first (ties by class index)
   * @param inverted whether the image's grey levels were inverted before classifying it
   */
  public record Prediction(List<ClassScore> top, boolean inverted) {}

  private Classifier(Path file, Layer model, ModelMetadata metadata, Map<String, String> entries) {
    this.file = file;
    this.model = model;
    this.metadata = metadata;
    this.entries = entries;
    Tensor out = LoadedModel.probe(file == null ? "classifier" : file.toString(), model, metadata);
    int k = metadata.classNames().size();
    if (out.rank() != 2 || out.dim(1) != k) {
      throw new IllegalArgumentException((file == null ? "classifier" : file) + ": the model outputs "
          + out.shapeString() + " for one image, but its metadata lists " + k + " classes: expected [1, " + k
          + "]");
    }
  }

  /**
   * Loads a model file written by {@code deepzero train}.
   *
   * @throws IllegalArgumentException naming the file: not a model file, metadata that is missing, mistyped or
   *     out of range, a detector, or a model whose output does not match its class names or input shape
   * @throws IOException if the file cannot be read
   */
  public static Classifier load(Path file) throws IOException {
    LoadedModel loaded = LoadedModel.load(file, ModelMetadata.Kind.CLASSIFIER);
    return new Classifier(file, loaded.model(), loaded.metadata(), loaded.entries());
  }

  /**
   * A classifier around a model in memory, checked as {@link #load} checks a file.
   *
   * @param inputShape {@code [C, H, W]}
   */
  public static Classifier of(Layer model, List<String> classNames, int... inputShape) {
    ModelMetadata metadata = ModelMetadata.classifier(classNames, inputShape);
    return new Classifier(null, model, metadata, metadata.entries());
  }

  /** The file it was loaded from, or null for {@link #of}. */
  public Path file() {
    return file;
  }

  /** The model; its {@link Layer#predict} is what this class calls. */
  public Layer model() {
    return model;
  }

  /** The typed metadata. */
  public ModelMetadata metadata() {
    return metadata;
  }

  /** All of the file's metadata strings (such as the training data's description), unmodifiable. */
  public Map<String, String> entries() {
    return entries;
  }

  /** One name per output class. */
  public List<String> classNames() {
    return metadata.classNames();
  }

  /** The input shape {@code [C, H, W]}. */
  public int[] inputShape() {
    return metadata.inputShape();
  }

  /** How an image becomes this model's input. */
  public Preprocessing preprocessing() {
    return metadata.preprocessing();
  }

  /**
   * The class probabilities of a batch: softmax of the logits.
   *
   * @param batch {@code [N, C, H, W]} preprocessed images; Not modified
   * @return {@code [N, K]}
   */
  public Tensor probabilities(Tensor batch) {
    int[] shape = inputShape();
    if (batch.rank() != 4 || batch.dim(1) != shape[0] || batch.dim(2) != shape[1] || batch.dim(3) != shape[2]) {
      throw new IllegalArgumentException("Classifier: batch " + batch.shapeString() + " is not [N, "
          + shape[0] + ", " + shape[1] + ", " + shape[2] + "]");
    }
    if (batch.dim(0) == 0) {
      return Tensor.zeros(0, classNames().size());
    }
    Tensor logits = model.predict(batch);
    Tensor p = Tensor.zeros(logits.shape());
    Softmax.softmaxRows(logits.data(), p.data(), classNames().size());
    return p;
  }

  /**
   * The {@code k} most probable classes of each sample, best first.
   *
   * @param batch {@code [N, C, H, W]} preprocessed images; Not modified
   * @param k at least 1; more than the number of classes gives them all
   */
  public List<List<ClassScore>> top(Tensor batch, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("Classifier: top k must be at least 1, got " + k);
    }
    Tensor p = probabilities(batch);
    int classes = classNames().size();
    int shown = Math.min(k, classes);
    List<List<ClassScore>> all = new ArrayList<>(p.dim(0));
    for (int n = 0; n < p.dim(0); n++) {
      float[] row = Arrays.copyOfRange(p.data(), n * classes, (n + 1) * classes);
      Integer[] order = new Integer[classes];
      for (int i = 0; i < classes; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Float.compare(row[b], row[a])); // stable: ties keep the class order
      List<ClassScore> top = new ArrayList<>(shown);
      for (int i = 0; i < shown; i++) {
        top.add(new ClassScore(order[i], classNames().get(order[i]), row[order[i]]));
      }
      all.add(List.copyOf(top));
    }
    return all;
  }

  /**
   * Preprocesses and classifies images in one batch.
   *
   * @param images Not modified
   * @param invert whether to invert grey levels (see {@link Preprocessing.Invert})
   * @param k how many classes to give per image
   */
  public List<Prediction> classify(List<BufferedImage> images, Preprocessing.Invert invert, int k) {
    Preprocessing preprocessing = preprocessing();
    List<Tensor> inputs = new ArrayList<>(images.size());
    boolean[] inverted = new boolean[images.size()];
    for (int i = 0; i < images.size(); i++) {
      Preprocessing.Input input = preprocessing.apply(images.get(i), invert);
      inputs.add(input.pixels());
      inverted[i] = input.inverted();
    }
    List<List<ClassScore>> tops = top(preprocessing.batch(inputs), k);
    List<Prediction> out = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      out.add(new Prediction(tops.get(i), inverted[i]));
    }
    return out;
  }

  @Override
  public String toString() {
    return "Classifier(" + (file == null ? "" : file + ", ") + metadata + ")";
  }
}
