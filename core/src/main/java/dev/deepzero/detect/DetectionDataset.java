package dev.deepzero.detect;

import dev.deepzero.data.Batch;
import dev.deepzero.data.DataFileException;
import dev.deepzero.data.Dataset;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
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
  private SplittableRandom rng;

  /**
   * A data set of {@code images} and their {@code objects}.
   *
   * @param images Not modified; each {@code [C, H, W]} in [0, 1], all the same shape
   * @param objects Not modified; per image, boxes in fractions of the image
   * @param layout the grid and classes of the targets
   */
  public DetectionDataset(List<Tensor> images, List<List<LabeledBox>> objects, YoloLayout layout) {
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
    this.rng = rng;
  }

  /** The generated samples as a data set. */
  public static DetectionDataset of(List<SyntheticDetectionData.Sample> samples, YoloLayout layout) {
    return new DetectionDataset(samples.stream().map(SyntheticDetectionData.Sample::image).toList(),
        samples.stream().map(SyntheticDetectionData.Sample::normalizedObjects).toList(), layout);
  }

  /**
   * Reads a YOLO-layout directory: {@code images/*.png|jpg|jpeg} with labels {@code labels/<stem>.txt}. An image
   * whose label file is malformed is skipped with a warning naming the file.
   *
   * @param warn receives skipped files and clipped or skipped boxes
   */
  public static DetectionDataset readYolo(Path dir, YoloLayout layout, int channels, int height, int width,
      Consumer<String> warn) throws IOException {
    List<Tensor> images = new ArrayList<>();
    List<List<LabeledBox>> labels = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir.resolve("images"))) {
      for (Path image : files.filter(DetectionDataset::isImage).sorted().toList()) {
        String name = image.getFileName().toString();
        Path label = dir.resolve("labels").resolve(name.substring(0, name.lastIndexOf('.')) + ".txt");
        try {
          labels.add(YoloFormat.read(label, layout.numClasses(), warn));
        } catch (DataFileException e) {
          warn.accept("skipped " + image + ": " + e.getMessage());
          continue;
        }
        images.add(Images.read(image, channels, height, width));
      }
    }
    return new DetectionDataset(images, labels, layout);
  }

  /**
   * Reads a VOC-layout directory: the ids of {@code ImageSets/Main/<split>.txt} (or every
   * {@code Annotations/*.xml} when that file is missing), annotations {@code Annotations/<id>.xml} and images
   * {@code JPEGImages/<filename>}. An image whose annotation is malformed is skipped with a warning naming it.
   *
   * @param classNames the class names; a name's index is its class id
   * @param split such as {@code trainval} or {@code test}
   * @param warn receives skipped files and clipped or skipped boxes
   */
  public static DetectionDataset readVoc(Path dir, List<String> classNames, String split, YoloLayout layout,
      int channels, int height, int width, Consumer<String> warn) throws IOException {
    if (classNames.size() != layout.numClasses()) {
      throw new IllegalArgumentException("readVoc: " + classNames.size() + " class names for a layout with C = "
          + layout.numClasses());
    }
    Path list = dir.resolve("ImageSets").resolve("Main").resolve(split + ".txt");
    List<String> ids;
    if (Files.exists(list)) {
      ids = Labels.readLines(list).stream().map(String::strip)
          .filter(s -> !s.isEmpty()).toList();
    } else {
      try (Stream<Path> files = Files.list(dir.resolve("Annotations"))) {
        ids = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xml"))
            .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
      }
    }
    List<Tensor> images = new ArrayList<>();
    List<List<LabeledBox>> labels = new ArrayList<>();
    for (String id : ids) {
      Path xml = dir.resolve("Annotations").resolve(id + ".xml");
      VocFormat.Annotation a;
      try {
        a = VocFormat.read(xml, classNames, warn);
      } catch (DataFileException e) {
        warn.accept("skipped " + xml + ": " + e.getMessage());
        continue;
      }
      Path image = dir.resolve("JPEGImages").resolve(a.filename().isEmpty() ? id + ".jpg" : a.filename());
      images.add(Images.read(image, channels, height, width));
      labels.add(a.normalizedObjects());
    }
    return new DetectionDataset(images, labels, layout);
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
