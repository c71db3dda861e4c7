package dev.deepzero.detect;

import dev.deepzero.data.Batch;
import dev.deepzero.data.DataFileException;
import dev.deepzero.data.DataPaths;
import dev.deepzero.data.ImageFolderDataset;
import dev.deepzero.data.Dataset;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Images with their objects, as a {@link Dataset} that {@code Trainer} trains a detector on unchanged: inputs
 * {@code [B, C, H, W]} in [0, 1] and targets {@code [B, S, S, 5 + C]} encoded by {@link YoloTargets} (see
 * {@link YoloLayout}), which {@link YoloLoss} consumes. The rank-4 target makes the trainer report accuracy as
 * NaN, since accuracy means nothing for detection.
 *
 * <p>Images are held as 8 bits per value (a quarter of the float memory; PNG and JPEG files have no more), and
 * converted to floats per batch. With {@link #withAugmentation}, every batch applies a fresh random
 * {@link DetectionAugment} to its images and boxes and encodes the targets of the moved boxes.
 */
public final class DetectionDataset implements Dataset {

  private static final float LEVELS = 255f;

  private final YoloTargets encoder;
  private final int[] imageShape;
  private final List<byte[]> pixels;
  private final List<List<LabeledBox>> objects;
  private final Tensor targets;
  private final YoloTargets.Encoded encoding;
  private final DetectionAugment augment;
  private final List<ImageFolderDataset.Skipped> skipped;
  private SplittableRandom rng;

  /**
   * A data set of {@code images} and their {@code objects}.
   *
   * @param images Not modified; each {@code [C, H, W]} in [0, 1], all the same shape
   * @param objects Not modified; per image, boxes in fractions of the image
   * @param layout the grid and classes of the targets
   */
  public DetectionDataset(List<Tensor> images, List<List<LabeledBox>> objects, YoloLayout layout) {
    this(images, objects, layout, List.of());
  }

  private DetectionDataset(List<Tensor> images, List<List<LabeledBox>> objects, YoloLayout layout,
      List<ImageFolderDataset.Skipped> skipped) {
    if (images.size() != objects.size() || images.isEmpty()) {
      throw new IllegalArgumentException("DetectionDataset: " + images.size() + " images and " + objects.size()
          + " label lists; need the same positive number");
    }
    this.imageShape = images.get(0).shape();
    this.pixels = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      Tensor image = images.get(i);
      if (image.rank() != 3 || !Arrays.equals(image.shape(), imageShape)) {
        throw new IllegalArgumentException("DetectionDataset: image " + i + " is " + image.shapeString()
            + ", image 0 is " + Arrays.toString(imageShape) + "; all must be the same [C, H, W]");
      }
      pixels.add(quantize(image));
    }
    this.objects = objects.stream().map(List::copyOf).toList();
    this.encoder = new YoloTargets(layout);
    this.encoding = encoder.encode(this.objects);
    this.targets = encoding.targets();
    this.augment = null;
    this.skipped = List.copyOf(skipped);
    this.rng = null;
  }

  private DetectionDataset(DetectionDataset base, DetectionAugment augment, SplittableRandom rng) {
    this.encoder = base.encoder;
    this.imageShape = base.imageShape;
    this.pixels = base.pixels;
    this.objects = base.objects;
    this.targets = base.targets;
    this.encoding = base.encoding;
    this.augment = augment;
    this.skipped = base.skipped;
    this.rng = rng;
  }

  /** The generated samples as a data set. */
  public static DetectionDataset of(List<SyntheticDetectionData.Sample> samples, YoloLayout layout) {
    return new DetectionDataset(samples.stream().map(SyntheticDetectionData.Sample::image).toList(),
        samples.stream().map(SyntheticDetectionData.Sample::normalizedObjects).toList(), layout);
  }

  /**
   * Reads a YOLO-layout directory: {@code images/*.png|jpg|jpeg} with labels {@code labels/<stem>.txt}. An image
   * whose label file is malformed, or that cannot be decoded, is too large, is a link out of its folder or is not
   * a regular file (a FIFO), is skipped with a warning naming the file and listed in {@link #skipped()}.
   *
   * @param warn receives skipped files and clipped or skipped boxes
   * @throws DataFileException if every image was skipped
   */
  public static DetectionDataset readYolo(Path dir, YoloLayout layout, int channels, int height, int width,
      Consumer<String> warn) throws IOException {
    Loaded loaded = new Loaded(warn);
    Path imageDir = dir.resolve("images");
    Path labelDir = dir.resolve("labels");
    List<String> names;
    try (Stream<Path> files = Files.list(imageDir)) {
      names = files.filter(DetectionDataset::isImage).map(p -> p.getFileName().toString()).sorted().toList();
    }
    for (String name : names) {
      Path image;
      List<LabeledBox> objects;
      try {
        image = DataPaths.resolve(imageDir, name, imageDir);
        String label = name.substring(0, name.lastIndexOf('.')) + ".txt";
        // A missing label file means no objects, as in darknet.
        objects = Files.exists(labelDir.resolve(label), LinkOption.NOFOLLOW_LINKS)
            ? YoloFormat.read(DataPaths.resolve(labelDir, label, labelDir), layout.numClasses(), warn) : List.of();
        loaded.add(Images.read(image, channels, height, width), objects);
      } catch (DataFileException e) {
        loaded.skip(imageDir.resolve(name), e);
      }
    }
    return loaded.dataset(dir, layout);
  }

  /**
   * Reads a VOC-layout directory: the ids of {@code ImageSets/Main/<split>.txt} (or every
   * {@code Annotations/*.xml} when that file is missing), annotations {@code Annotations/<id>.xml} and images
   * {@code JPEGImages/<filename>}. Ids and file names are resolved inside their folders ({@link DataPaths}): a
   * name that leaves the folder, an absolute name, a link out or a FIFO is refused. An image whose annotation is
   * malformed, whose file cannot be decoded or is too large, or whose real size differs from the annotation's
   * {@code <size>} (its boxes would be scaled wrongly) is skipped with a warning naming the file.
   *
   * @param classNames the class names; a name's index is its class id
   * @param split such as {@code trainval} or {@code test}
   * @param warn receives skipped files and clipped or skipped boxes
   * @throws DataFileException if the list file cannot be read or every image was skipped
   */
  public static DetectionDataset readVoc(Path dir, List<String> classNames, String split, YoloLayout layout,
      int channels, int height, int width, Consumer<String> warn) throws IOException {
    if (classNames.size() != layout.numClasses()) {
      throw new IllegalArgumentException("readVoc: " + classNames.size() + " class names for a layout with C = "
          + layout.numClasses());
    }
    Path list = dir.resolve("ImageSets").resolve("Main").resolve(split + ".txt");
    Path annotations = dir.resolve("Annotations");
    Path imageDir = dir.resolve("JPEGImages");
    List<String> ids;
    if (Files.exists(list)) {
      ids = Labels.readLines(list).stream().map(String::strip)
          .filter(s -> !s.isEmpty()).toList();
    } else {
      list = annotations;
      try (Stream<Path> files = Files.list(annotations)) {
        ids = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xml"))
            .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
      }
    }
    Loaded loaded = new Loaded(warn);
    for (String id : ids) {
      Path xml = annotations.resolve(id + ".xml");
      try {
        xml = DataPaths.resolve(annotations, id + ".xml", list);
        VocFormat.Annotation a = VocFormat.read(xml, classNames, warn);
        Path image = DataPaths.resolve(imageDir, a.filename().isEmpty() ? id + ".jpg" : a.filename(), xml);
        dev.deepzero.data.Images.Size size = dev.deepzero.data.Images.size(image);
        if (size.width() != a.width() || size.height() != a.height()) {
          throw new DataFileException(xml.toString(), DataFileException.NO_OFFSET, "<size> says " + a.width()
              + " x " + a.height() + ", but " + image + " is " + size.width() + " x " + size.height()
              + " pixels; its boxes would be scaled wrongly");
        }
        loaded.add(Images.read(image, channels, height, width), a.normalizedObjects());
      } catch (DataFileException e) {
        loaded.skip(xml, e);
      }
    }
    return loaded.dataset(dir, layout);
  }

  /** The images and objects a reader kept, and the files it skipped. */
  private static final class Loaded {
    final List<Tensor> images = new ArrayList<>();
    final List<List<LabeledBox>> objects = new ArrayList<>();
    final List<ImageFolderDataset.Skipped> skipped = new ArrayList<>();
    final Consumer<String> warn;

    Loaded(Consumer<String> warn) {
      this.warn = warn;
    }

    void add(Tensor image, List<LabeledBox> boxes) {
      images.add(image);
      objects.add(boxes);
    }

    void skip(Path file, DataFileException e) {
      skipped.add(new ImageFolderDataset.Skipped(file, e.getMessage()));
      warn.accept("skipped " + file + ": " + e.getMessage());
    }

    DetectionDataset dataset(Path dir, YoloLayout layout) throws DataFileException {
      if (images.isEmpty()) {
        throw new DataFileException(dir.toString(), DataFileException.NO_OFFSET, "no usable image ("
            + skipped.size() + " skipped" + (skipped.isEmpty() ? "" : ", the first: " + skipped.get(0).reason())
            + ")");
      }
      return new DetectionDataset(images, objects, layout, skipped);
    }
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }

  /**
   * This data set with random augmentation on every batch, drawn from a generator seeded with {@code seed} (and
   * again by {@link #reseed}, which the trainer calls at every epoch).
   */
  public DetectionDataset withAugmentation(DetectionAugment augmentation, long seed) {
    return new DetectionDataset(this, augmentation, new SplittableRandom(seed));
  }

  /**
   * The files {@link #readYolo} or {@link #readVoc} left out (malformed labels, undecodable or oversized images,
   * names leaving the data folder), in the order met, for the caller to print.
   */
  public List<ImageFolderDataset.Skipped> skipped() {
    return skipped;
  }

  /** The layout of the targets. */
  public YoloLayout layout() {
    return encoder.layout();
  }

  /** How the objects were encoded: counts of encoded, dropped (same cell) and skipped objects. */
  public YoloTargets.Encoded encoding() {
    return encoding;
  }

  /** The objects of image {@code i} (boxes in fractions of the image), for evaluation with mAP. */
  public List<LabeledBox> objects(int i) {
    return objects.get(i);
  }

  /** Image {@code i}, {@code [C, H, W]} in [0, 1], without augmentation. */
  public Tensor image(int i) {
    byte[] p = pixels.get(i);
    Tensor t = Tensor.zeros(imageShape);
    float[] d = t.data();
    for (int k = 0; k < p.length; k++) {
      d[k] = (p[k] & 0xFF) / LEVELS;
    }
    return t;
  }

  @Override
  public int size() {
    return pixels.size();
  }

  @Override
  public void reseed(long seed) {
    if (augment != null) {
      rng = new SplittableRandom(seed);
    }
  }

  @Override
  public int[] inputShape() {
    return imageShape.clone();
  }

  @Override
  public Batch batch(int[] indices) {
    int[] shape = new int[] {indices.length, imageShape[0], imageShape[1], imageShape[2]};
    Tensor inputs = Tensor.zeros(shape);
    int stride = imageShape[0] * imageShape[1] * imageShape[2];
    List<List<LabeledBox>> moved = new ArrayList<>(indices.length);
    for (int i = 0; i < indices.length; i++) {
      int index = indices[i];
      if (index < 0 || index >= size()) {
        throw new IllegalArgumentException("DetectionDataset: sample index " + index + " is outside [0, " + size()
            + ")");
      }
      Tensor image = image(index);
      if (augment != null) {
        DetectionAugment.Augmented a = augment.apply(image, objects.get(index), rng);
        image = a.image();
        moved.add(a.objects());
      }
      System.arraycopy(image.data(), 0, inputs.data(), i * stride, stride);
    }
    return new Batch(inputs, augment != null ? encoder.encode(moved).targets() : gather(indices));
  }

  private Tensor gather(int[] indices) {
    int stride = encoder.layout().targetSize();
    int s = encoder.layout().gridSize();
    Tensor out = Tensor.zeros(indices.length, s, s, encoder.layout().targetCellValues());
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(targets.data(), indices[i] * stride, out.data(), i * stride, stride);
    }
    return out;
  }

  private static byte[] quantize(Tensor image) {
    float[] d = image.data();
    byte[] p = new byte[d.length];
    for (int k = 0; k < d.length; k++) {
      p[k] = (byte) Math.round(Math.max(0f, Math.min(1f, d[k])) * LEVELS);
    }
    return p;
  }
}
