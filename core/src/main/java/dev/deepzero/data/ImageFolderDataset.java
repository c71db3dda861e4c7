package dev.deepzero.data;

import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A labelled data set read from a folder with one sub-folder per class, as torchvision's {@code ImageFolder}:
 *
 * <pre>
 * root/cat/001.png
 * root/cat/002.jpg
 * root/dog/a.jpeg
 * </pre>
 *
 * <p>Classes are the sub-folder names sorted by name, so class index 0 is the first name. Images are the files
 * ending in {@code .png}, {@code .jpg} or {@code .jpeg} (any case); other files and hidden entries are
 * ignored. Every image is decoded and converted as {@link Images#load} does, to {@code [channels, height,
 * width]} in {@code [0, 1]}, and the whole set is held in memory: as 8-bit levels ({@link ByteImageDataset}) when
 * every value is one exactly (8-bit grey images at their own size), as floats otherwise.
 *
 * <p>Policy for bad files: an image that cannot be decoded is skipped and listed in {@link #skipped()}, so
 * that one damaged photo does not stop training on thousands; the caller should print that list. A class
 * folder left with no image at all, or fewer than two classes, is an error. So is a class folder or image that
 * is a symbolic link to somewhere outside {@code root} (checked as {@link DataPaths} checks the names in label
 * files): a folder handed over to be read must not make the reader open files elsewhere. Links that stay inside
 * are followed.
 */
public final class ImageFolderDataset implements Dataset {

  /**
   * An image file that was left out.
   *
   * @param file the file
   * @param reason why, as the decoder reported it
   */
  public record Skipped(Path file, String reason) {}

  private final Path root;
  private final Dataset samples;
  private final List<String> classNames;
  private final List<Skipped> skipped;

  private ImageFolderDataset(Path root, Dataset samples, List<String> classNames, List<Skipped> skipped) {
    this.root = root;
    this.samples = samples;
    this.classNames = List.copyOf(classNames);
    this.skipped = List.copyOf(skipped);
  }

  /**
   * Reads every image under {@code root}.
   *
   * @param channels 1 (grey) or 3 (RGB)
   * @throws NoSuchFileException if {@code root} is not a folder
   * @throws DataFileException naming the folder if it has fewer than two class folders or a class has no
   *     decodable image, or naming the entry if a class folder or image links to outside {@code root}
   */
  public static ImageFolderDataset load(Path root, int channels, int height, int width) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString(), null, "not a folder of class sub-folders");
    }
    Path realRoot = root.toRealPath();
    List<Path> classDirs = list(root, Files::isDirectory);
    if (classDirs.size() < 2) {
      throw new DataFileException(root.toString(), DataFileException.NO_OFFSET, "found " + classDirs.size()
          + " class sub-folder(s); expected one sub-folder per class (at least two), each holding PNG or JPEG"
          + " images");
    }
    List<String> classNames = new ArrayList<>();
    List<float[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (Path classDir : classDirs) {
      Path realClassDir = classDir.toRealPath();
      if (!realClassDir.startsWith(realRoot)) {
        throw new DataFileException(classDir.toString(), DataFileException.NO_OFFSET, "class folder leads (through"
            + " a symbolic link) to " + realClassDir + ", outside the data folder " + realRoot + "; it was not read");
      }
      int label = classNames.size();
      classNames.add(classDir.getFileName().toString());
      int before = images.size();
      for (Path file : list(classDir, f -> Files.isRegularFile(f) && Images.hasImageExtension(f))) {
        // DataPaths' rule for names in label files: refuses a link out of the data folder.
        DataPaths.resolve(realRoot, realRoot.relativize(realClassDir.resolve(file.getFileName())).toString(),
            classDir);
        try {
          images.add(Images.load(file, channels, height, width).data());
          labels.add(label);
        } catch (DataFileException e) {
          skipped.add(new Skipped(file, e.getMessage()));
        }
      }
      if (images.size() == before) {
        throw new DataFileException(classDir.toString(), DataFileException.NO_OFFSET, "class folder has no PNG"
            + " or JPEG image that could be decoded" + (skipped.isEmpty() ? "" : " (" + skipped.size()
            + " skipped so far)"));
      }
    }
    int n = images.size();
    int sampleSize = channels * height * width;
    float[] inputs = new float[n * sampleSize];
    float[] targets = new float[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(images.get(i), 0, inputs, i * sampleSize, sampleSize);
      targets[i] = labels.get(i);
    }
    Tensor inputTensor = Tensor.wrap(inputs, n, channels, height, width);
    Tensor targetTensor = Tensor.wrap(targets, n);
    Dataset samples = ByteImageDataset.ofExactLevels(inputTensor, targetTensor).<Dataset>map(d -> d)
        .orElseGet(() -> new TensorDataset(inputTensor, targetTensor));
    return new ImageFolderDataset(root, samples, classNames, skipped);
  }

  private static List<Path> list(Path dir, Predicate<Path> keep) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> !p.getFileName().toString().startsWith(".")).filter(keep).sorted().toList();
    }
  }

  /** The class names, in class-index order (sorted sub-folder names). */
  public List<String> classNames() {
    return classNames;
  }

  /** The image files that could not be decoded and were left out, in the order met. */
  public List<Skipped> skipped() {
    return skipped;
  }

  /** Which data this is, such as {@code "image folder photos/ (120 images, 3 classes: cat, dog, fox)"}. */
  public String description() {
    return "image folder " + root + " (" + size() + " images, " + classNames.size() + " classes: "
        + String.join(", ", classNames) + (skipped.isEmpty() ? "" : "; " + skipped.size() + " skipped") + ")";
  }

  @Override
  public int size() {
    return samples.size();
  }

  @Override
  public Batch batch(int[] indices) {
    return samples.batch(indices);
  }

  @Override
  public int[] inputShape() {
    return samples.inputShape();
  }
}
