package dev.deepzero.data;

import dev.deepzero.data.IdxReader.IdxData;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Loads MNIST and Fashion-MNIST from their four standard IDX files.
 *
 * <p>A folder holds {@value #TRAIN_IMAGES}, {@value #TRAIN_LABELS}, {@value #TEST_IMAGES} and {@value #TEST_LABELS},
 * each raw or with a {@code .gz} suffix (the compressed file is used when both exist). Images become inputs
 * {@code [N, 1, 28, 28]} with pixel values scaled from {@code 0..255} to {@code [0, 1]}, held as the file's bytes
 * and scaled a batch at a time ({@link ByteImageDataset}); labels become class indices {@code [N]} stored as
 * floats, as the classification losses expect.
 *
 * <p>Besides the checks of {@link IdxReader}, loading checks that image files hold 28 x 28 images, that each
 * label file has one label per image, and that every label is a valid class index; each failure is a
 * {@link DataFileException} naming the file and, for a bad label, its byte offset.
 */
public final class Mnist {

  /** The file of training images. */
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  /** The file of training labels. */
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  /** The file of test images. */
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  /** The file of test labels. */
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
  /** The four files, in the order above. */
  public static final List<String> FILE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

  /** The side of an MNIST image, in pixels. */
  public static final int IMAGE_SIZE = 28;

  private static final String GZIP_SUFFIX = ".gz";

  /** The two data sets in MNIST's format, which differ only in what the ten classes mean. */
  public enum Variant {
    /** Handwritten digits (LeCun, Cortes and Burges). */
    DIGITS("MNIST", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
    /** Zalando's article images (Xiao, Rasul and Vollgraf, 2017), a harder drop-in replacement. */
    FASHION("Fashion-MNIST", List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
        "Sneaker", "Bag", "Ankle boot"));

    private final String displayName;
    private final List<String> classNames;

    Variant(String displayName, List<String> classNames) {
      this.displayName = displayName;
      this.classNames = classNames;
    }

    /** The data set's usual name, such as {@code "Fashion-MNIST"}. */
    public String displayName() {
      return displayName;
    }

    /** The name of each class index. */
    public List<String> classNames() {
      return classNames;
    }
  }

  private Mnist() {}

  /** Opens one of the four files by its standard name; {@code read} names it in errors. */
  private interface FileSource {
    IdxData read(String baseName, int rank) throws IOException;
  }

  /**
   * Loads the four files from {@code dir}.
   *
   * @return the data, described as {@code "<variant> from <dir> (N train, M test)"}
   * @throws NoSuchFileException if a file is missing (the message lists every missing one)
   * @throws DataFileException if a file is damaged or of the wrong kind
   */
  public static ClassificationData load(Path dir, Variant variant) throws IOException {
    List<String> missing = missingFiles(dir);
    if (!missing.isEmpty()) {
      throw new NoSuchFileException(dir.toString(), null, "missing " + String.join(", ", missing)
          + " (the folder must hold the four " + variant.displayName() + " files, each raw or .gz)");
    }
    FileSource source = (baseName, rank) -> IdxReader.read(find(dir, baseName).orElseThrow(), rank);
    return load(source, variant, variant.displayName() + " from " + dir);
  }

  /**
   * Loads the four files, gzip-compressed, from classpath resources under {@code resourceDir} (such as
   * {@code "/dev/deepzero/data/fashion-mnist-subset/"}).
   *
   * @param description says which data this is; {@code " (N train, M test)"} is appended
   * @throws NoSuchFileException if a resource is missing
   */
  public static ClassificationData loadResources(String resourceDir, Variant variant, String description)
      throws IOException {
    FileSource source = (baseName, rank) -> {
      String name = resourceDir + baseName + GZIP_SUFFIX;
      try (InputStream in = Mnist.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new NoSuchFileException(name, null, "classpath resource not found");
        }
        return IdxReader.read(in, name, rank);
      }
    };
    return load(source, variant, description);
  }

  private static ClassificationData load(FileSource source, Variant variant, String description)
      throws IOException {
    int classes = variant.classNames().size();
    ByteImageDataset train = toDataset(source.read(TRAIN_IMAGES, 3), source.read(TRAIN_LABELS, 1), classes);
    ByteImageDataset test = toDataset(source.read(TEST_IMAGES, 3), source.read(TEST_LABELS, 1), classes);
    return new ClassificationData(train, test, variant.classNames(),
        description + " (" + train.size() + " train, " + test.size() + " test)");
  }

  /** The file {@code baseName + ".gz"} or {@code baseName} in {@code dir}, whichever exists (.gz first). */
  public static Optional<Path> find(Path dir, String baseName) {
    for (String name : List.of(baseName + GZIP_SUFFIX, baseName)) {
      Path file = dir.resolve(name);
      if (Files.isRegularFile(file)) {
        return Optional.of(file);
      }
    }
    return Optional.empty();
  }

  /** The standard names (without {@code .gz}) of the files that {@code dir} lacks; empty if it has all four. */
  public static List<String> missingFiles(Path dir) {
    List<String> missing = new ArrayList<>();
    for (String name : FILE_NAMES) {
      if (find(dir, name).isEmpty()) {
        missing.add(name);
      }
    }
    return missing;
  }

  /**
   * Checks that {@code images} and {@code labels} form one MNIST split: 28 x 28 images, one label per image,
   * each label below {@code classes}.
   *
   * @return the number of samples
   * @throws DataFileException naming the offending file (and the byte offset of a bad label)
   */
  public static int checkSplit(IdxData images, IdxData labels, int classes) throws DataFileException {
    int[] dims = images.dims();
    if (dims.length != 3 || dims[1] != IMAGE_SIZE || dims[2] != IMAGE_SIZE) {
      throw new DataFileException(images.source(), 4, "expected " + IMAGE_SIZE + " x " + IMAGE_SIZE
          + " images, found dimensions " + Arrays.toString(dims));
    }
    if (labels.dims().length != 1) {
      throw new DataFileException(labels.source(), 3, "expected a label file with 1 dimension, found "
          + Arrays.toString(labels.dims()));
    }
    if (labels.count() != images.count()) {
      throw new DataFileException(labels.source(), 4, "has " + labels.count() + " labels but "
          + images.source() + " has " + images.count() + " images; are the files from the same split?");
    }
    for (int i = 0; i < labels.count(); i++) {
      int label = labels.unsigned(i);
      if (label >= classes) {
        long offset = labels.headerBytes() + (long) i;
        throw new DataFileException(labels.source(), offset, "label " + label + " of sample " + i
            + " at byte offset " + offset + " is not a class index in [0, " + classes + ")");
      }
    }
    return images.count();
  }

  private static ByteImageDataset toDataset(IdxData images, IdxData labels, int classes) throws DataFileException {
    int n = checkSplit(images, labels, classes);
    float[] targets = new float[n];
    for (int i = 0; i < n; i++) {
      targets[i] = labels.unsigned(i);
    }
    // The file's bytes are the pixel levels: kept as they are, converted to floats a batch at a time.
    return new ByteImageDataset(images.values(), new int[] {1, IMAGE_SIZE, IMAGE_SIZE}, Tensor.wrap(targets, n));
  }
}
