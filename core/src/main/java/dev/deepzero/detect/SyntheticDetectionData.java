package dev.deepzero.detect;

import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic detection data set that needs no download: several sprites per image (from a pluggable
 * {@link SpriteSource}) at random scale, position and colour on a noisy background, with tight boxes taken from
 * the sprites' pixels, as hukkelas/MNIST-ObjectDetection does.
 *
 * <p>Placement rejects a position whose box overlaps an earlier one by more than {@code maxOverlap} IoU and,
 * when {@code gridSize > 0}, one whose centre falls in a grid cell already used, so a YOLO target never drops
 * an object. After {@value #ATTEMPTS} rejected positions an object is left out, so an image can hold fewer than
 * {@code minObjects} when the canvas is crowded.
 *
 * <p>Files: {@link #writeYolo} writes {@code images/NNNNNN.png}, {@code labels/NNNNNN.txt}, {@code classes.txt};
 * {@link #writeVoc} writes {@code JPEGImages/NNNNNN.png} (PNG, under VOC's folder name),
 * {@code Annotations/NNNNNN.xml}, {@code ImageSets/Main/trainval.txt}, {@code classes.txt}.
 */
public final class SyntheticDetectionData {

  private static final int ATTEMPTS = 50;
  /** Sprite pixels above this coverage count toward the tight box. */
  private static final float BOX_COVERAGE = 0.25f;

  /**
   * How images look.
   *
   * @param width image width in pixels
   * @param height image height in pixels
   * @param channels 3 (colour) or 1 (grey)
   * @param minObjects fewest objects per image to try, >= 0
   * @param maxObjects most objects per image, >= minObjects
   * @param minSize smallest sprite side in pixels, >= 4
   * @param maxSize largest sprite side in pixels, <= min(width, height)
   * @param maxOverlap largest IoU allowed between two objects' boxes
   * @param noise standard deviation of the Gaussian background noise
   * @param gridSize S: at most one object centre per cell of an S x S grid; 0 for no such rule
   */
  public record Config(int width, int height, int channels, int minObjects, int maxObjects, int minSize, int maxSize,
      double maxOverlap, double noise, int gridSize) {

    /** Checks the values. */
    public Config {
      if (width <= 0 || height <= 0 || (channels != 1 && channels != 3) || minObjects < 0 || maxObjects < minObjects
          || minSize < 4 || maxSize < minSize || maxSize > Math.min(width, height) || !(maxOverlap >= 0)
          || !(noise >= 0) || gridSize < 0) {
        throw new IllegalArgumentException("SyntheticDetectionData: invalid " + this);
      }
    }

    /** 112 x 112 colour images, 1 to 4 objects of 20 to 48 pixels, at most one per cell of a 7 x 7 grid. */
    public static Config defaults() {
      return new Config(112, 112, 3, 1, 4, 20, 48, 0.1, 0.05, 7);
    }
  }

  /**
   * One generated image.
   *
   * @param image {@code [C, H, W]} in [0, 1]
   * @param objects tight boxes in 0-based pixel indices (see {@link Box}), with their classes
   */
  public record Sample(Tensor image, List<LabeledBox> objects) {

    /** The objects with boxes in fractions of the image. */
    public List<LabeledBox> normalizedObjects() {
      return objects.stream().map(o -> o.withBox(o.box().scale(1.0 / image.dim(2), 1.0 / image.dim(1)))).toList();
    }
  }

  private final SpriteSource source;
  private final Config config;

  /** A generator of images like {@code config} from the sprites of {@code source}. */
  public SyntheticDetectionData(SpriteSource source, Config config) {
    this.source = source;
    this.config = config;
  }

  /** The class names of the sprite source. */
  public List<String> classNames() {
    return source.classNames();
  }

  /** {@code count} images drawn with {@code rng}. */
  public List<Sample> generate(int count, SplittableRandom rng) {
    List<Sample> samples = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      samples.add(generate(rng));
    }
    return samples;
  }

  /** One image drawn with {@code rng}. */
  public Sample generate(SplittableRandom rng) {
    int w = config.width();
    int h = config.height();
    int c = config.channels();
    float base = (float) rng.nextDouble(0, 0.35);
    Tensor image = Tensor.randn(rng, (float) config.noise(), c, h, w).add(base);
    float[] d = image.data();
    boolean[] usedCells = new boolean[config.gridSize() * config.gridSize()];
    List<LabeledBox> objects = new ArrayList<>();
    int wanted = config.minObjects() + rng.nextInt(config.maxObjects() - config.minObjects() + 1);
    for (int k = 0; k < wanted; k++) {
      SpriteSource.Sprite sprite = source.next(rng);
      Tensor scaled = scale(sprite.image(), rng.nextInt(config.minSize(), config.maxSize() + 1));
      int sh = scaled.dim(0);
      int sw = scaled.dim(1);
      Box tight = tightBox(scaled);
      if (tight == null) {
        continue;
      }
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        int x0 = rng.nextInt(w - sw + 1);
        int y0 = rng.nextInt(h - sh + 1);
        Box box = new Box(tight.xmin() + x0, tight.ymin() + y0, tight.xmax() + x0, tight.ymax() + y0);
        int cell = cellOf(box);
        if (overlapsAny(box, objects) || (cell >= 0 && usedCells[cell])) {
          continue;
        }
        if (cell >= 0) {
          usedCells[cell] = true;
        }
        paint(d, c, h, w, scaled, x0, y0, colour(rng, c));
        objects.add(new LabeledBox(box, sprite.classId()));
        break;
      }
    }
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.max(0f, Math.min(1f, d[i]));
    }
    return new Sample(image, List.copyOf(objects));
  }

  private Tensor scale(Tensor sprite, int longSide) {
    int sh = sprite.dim(0);
    int sw = sprite.dim(1);
    double f = (double) longSide / Math.max(sh, sw);
    int oh = Math.max(1, (int) Math.round(sh * f));
    int ow = Math.max(1, (int) Math.round(sw * f));
    return Images.resample(sprite.reshape(1, sh, sw), Images.WHOLE, oh, ow, false, 0f).reshape(oh, ow);
  }

  /** The first and last rows and columns whose coverage exceeds {@link #BOX_COVERAGE}; null if none. */
  private static Box tightBox(Tensor sprite) {
    int sh = sprite.dim(0);
    int sw = sprite.dim(1);
    float[] s = sprite.data();
    int minX = sw;
    int minY = sh;
    int maxX = -1;
    int maxY = -1;
    for (int y = 0; y < sh; y++) {
      for (int x = 0; x < sw; x++) {
        if (s[y * sw + x] > BOX_COVERAGE) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    return maxX < minX || maxX == minX || maxY == minY ? null : new Box(minX, minY, maxX, maxY);
  }

  private int cellOf(Box box) {
    int s = config.gridSize();
    if (s == 0) {
      return -1;
    }
    int col = Math.min(s - 1, (int) Math.floor(box.centerX() / config.width() * s));
    int row = Math.min(s - 1, (int) Math.floor(box.centerY() / config.height() * s));
    return row * s + col;
  }

  private boolean overlapsAny(Box box, List<LabeledBox> placed) {
    for (LabeledBox o : placed) {
      if (o.box().iou(box) > config.maxOverlap()) {
        return true;
      }
    }
    return false;
  }

  /** A random colour that stands out from the dark background; grey images get its mean. */
  private static float[] colour(SplittableRandom rng, int channels) {
    float[] rgb = new float[3];
    for (int i = 0; i < 3; i++) {
      rgb[i] = (float) rng.nextDouble(0.55, 1.0);
    }
    return channels == 3 ? rgb : new float[] {(rgb[0] + rgb[1] + rgb[2]) / 3f};
  }

  private static void paint(float[] d, int c, int h, int w, Tensor sprite, int x0, int y0, float[] colour) {
    int sh = sprite.dim(0);
    int sw = sprite.dim(1);
    float[] s = sprite.data();
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < sh; y++) {
        for (int x = 0; x < sw; x++) {
          float alpha = s[y * sw + x];
          int i = (ch * h + y0 + y) * w + x0 + x;
          d[i] = d[i] * (1 - alpha) + colour[ch] * alpha;
        }
      }
    }
  }

  /**
   * Writes {@code samples} in YOLO layout under {@code dir}: {@code images/}, {@code labels/}, {@code classes.txt}.
   *
   * @param samples Not modified
   */
  public void writeYolo(Path dir, List<Sample> samples) throws IOException {
    for (int i = 0; i < samples.size(); i++) {
      String id = id(i);
      Images.writePng(dir.resolve("images").resolve(id + ".png"), samples.get(i).image());
      YoloFormat.write(dir.resolve("labels").resolve(id + ".txt"), samples.get(i).normalizedObjects());
    }
    YoloFormat.writeClassNames(dir.resolve("classes.txt"), classNames());
  }

  /**
   * Writes {@code samples} in VOC layout under {@code dir}: {@code JPEGImages/} (PNG files), {@code Annotations/},
   * {@code ImageSets/Main/trainval.txt}, {@code classes.txt}.
   *
   * @param samples Not modified
   */
  public void writeVoc(Path dir, List<Sample> samples) throws IOException {
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < samples.size(); i++) {
      String id = id(i);
      Sample s = samples.get(i);
      Images.writePng(dir.resolve("JPEGImages").resolve(id + ".png"), s.image());
      VocFormat.write(dir.resolve("Annotations").resolve(id + ".xml"),
          new VocFormat.Annotation(id + ".png", s.image().dim(2), s.image().dim(1), s.image().dim(0), s.objects()),
          classNames());
      ids.append(id).append('\n');
    }
    Path list = dir.resolve("ImageSets").resolve("Main").resolve("trainval.txt");
    YoloFormat.createParent(list);
    Files.writeString(list, ids.toString(), StandardCharsets.UTF_8);
    YoloFormat.writeClassNames(dir.resolve("classes.txt"), classNames());
  }

  private static String id(int i) {
    return String.format("%06d", i);
  }
}
