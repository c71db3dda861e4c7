package dev.deepzero.cli;

import dev.deepzero.data.ClassificationData;
import dev.deepzero.data.DataSources;
import dev.deepzero.data.Mnist;
import dev.deepzero.detect.FashionSprites;
import dev.deepzero.detect.ShapeSprites;
import dev.deepzero.detect.SpriteSource;
import dev.deepzero.detect.SyntheticDetectionData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deepzero detect-data}: writes a synthetic object-detection data set to disk. */
@Command(name = "detect-data", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Make a synthetic object-detection set: several objects per image (Fashion-MNIST items or drawn"
        + " shapes) at random scale, position and colour on a noisy background, with tight boxes. Writes --out/train,"
        + " --out/val and --out/test, each in YOLO layout (images/, labels/, classes.txt) or VOC layout"
        + " (JPEGImages/, Annotations/, ImageSets/Main/trainval.txt, classes.txt).",
        "Fashion items of the training images come from Fashion-MNIST's training split, those of val and test"
        + " from its test split, so held-out images hold unseen items."})
final class DetectDataCommand implements Callable<Integer> {

  /** Where the objects come from. */
  enum Sprites { FASHION, FASHION10, SHAPES }

  /** Which label files to write. */
  enum Format { YOLO, VOC }

  /** detect-data's and detect-train's default data folder. */
  static final String DEFAULT_DIR = "runs/detect-data";
  /** The object sizes at a 64-pixel image; other sizes scale them. */
  private static final int REFERENCE_SIZE = 64;
  private static final int REFERENCE_MIN_OBJECT = 16;
  private static final int REFERENCE_MAX_OBJECT = 30;
  private static final double MAX_OVERLAP = 0.1;
  private static final double NOISE = 0.05;

  @Option(names = "--out", defaultValue = DEFAULT_DIR, description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--format", defaultValue = "yolo", description = "yolo or voc (default: ${DEFAULT-VALUE}).")
  String formatName;

  @Option(names = "--sprites", defaultValue = "fashion",
      description = "fashion (Fashion-MNIST items in 7 classes: the four upper-body garments merged into 'Top'),"
          + " fashion10 (all 10 Fashion-MNIST classes) or shapes (5 drawn shapes) (default: ${DEFAULT-VALUE}).")
  String spritesName;

  @Option(names = "--train", defaultValue = "6000", description = "Training images (default: ${DEFAULT-VALUE}).")
  int trainCount;

  @Option(names = "--val", defaultValue = "300", description = "Validation images (default: ${DEFAULT-VALUE}).")
  int valCount;

  @Option(names = "--test", defaultValue = "500", description = "Test images (default: ${DEFAULT-VALUE}).")
  int testCount;

  @Option(names = "--size", defaultValue = "64",
      description = "Image side in pixels; objects are 25%% to 47%% of it (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--objects", defaultValue = "2..5", paramLabel = "MIN..MAX",
      description = "Objects per image (default: ${DEFAULT-VALUE}).")
  String objects;

  @Option(names = "--grid", defaultValue = "4",
      description = "At most one object centre per cell of this grid: the detector's S or a divisor of it, so no"
          + " target is dropped; 0: no limit (default: ${DEFAULT-VALUE}).")
  int grid;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    Format format = Enums.parse(Format.class, "--format", formatName);
    Sprites sprites = Enums.parse(Sprites.class, "--sprites", spritesName);
    if (trainCount <= 0 || valCount < 0 || testCount < 0) {
      throw new IllegalArgumentException("--train must be positive and --val, --test non-negative, got " + trainCount
          + ", " + valCount + ", " + testCount);
    }
    int[] range = parseRange(objects);
    int minObject = Math.max(4, size * REFERENCE_MIN_OBJECT / REFERENCE_SIZE);
    int maxObject = Math.max(minObject, size * REFERENCE_MAX_OBJECT / REFERENCE_SIZE);
    SyntheticDetectionData.Config config = new SyntheticDetectionData.Config(size, size, 3, range[0], range[1],
        minObject, maxObject, MAX_OVERLAP, NOISE, grid);
    SpriteSource trainSprites;
    SpriteSource heldOutSprites;
    String source;
    if (sprites != Sprites.SHAPES) {
      ClassificationData fashion = DataSources.standard().load(null, Mnist.Variant.FASHION);
      boolean coarse = sprites == Sprites.FASHION;
      trainSprites = coarse ? FashionSprites.coarseFashion(fashion.train())
          : new FashionSprites(fashion.train(), fashion.classNames());
      heldOutSprites = coarse ? FashionSprites.coarseFashion(fashion.test())
          : new FashionSprites(fashion.test(), fashion.classNames());
      source = fashion.description();
    } else {
      trainSprites = new ShapeSprites();
      heldOutSprites = trainSprites;
      source = "drawn shapes";
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int total = 0;
    for (Split split : List.of(new Split("train", trainCount, trainSprites), new Split("val", valCount, heldOutSprites),
        new Split("test", testCount, heldOutSprites))) {
      if (split.count() == 0) {
        continue;
      }
      SyntheticDetectionData generator = new SyntheticDetectionData(split.sprites(), config);
      List<SyntheticDetectionData.Sample> samples = generator.generate(split.count(), rng.split());
      Path dir = out.resolve(split.name());
      Files.createDirectories(dir);
      if (format == Format.YOLO) {
        generator.writeYolo(dir, samples);
      } else {
        generator.writeVoc(dir, samples);
      }
      int objectCount = samples.stream().mapToInt(s -> s.objects().size()).sum();
      total += objectCount;
      System.out.printf("%-5s %,6d images, %,7d objects -> %s%n", split.name(), samples.size(), objectCount, dir);
    }
    System.out.printf("%s layout, %dx%d RGB, %d-%d objects of %d-%d px per image, classes %s (from %s); %,d objects"
        + " in all%n", format.name().toLowerCase(java.util.Locale.ROOT), size, size, range[0], range[1], minObject,
        maxObject, String.join(", ", trainSprites.classNames()), source, total);
    return 0;
  }

  private record Split(String name, int count, SpriteSource sprites) {}

  private static int[] parseRange(String text) {
    String[] parts = text.split("\\.\\.", -1);
    try {
      int min = Integer.parseInt(parts[0].strip());
      int max = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : min;
      if (parts.length <= 2 && min >= 0 && max >= min) {
        return new int[] {min, max};
      }
    } catch (NumberFormatException e) {
      // Reported below with the expected form.
    }
    throw new IllegalArgumentException("--objects must be N or MIN..MAX with 0 <= MIN <= MAX, got '" + text + "'");
  }
}
