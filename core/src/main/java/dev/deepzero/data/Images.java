package dev.deepzero.data;

import dev.deepzero.tensor.InsufficientMemoryException;
import dev.deepzero.tensor.Limits;
import dev.deepzero.tensor.Tensor;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns image files (PNG, JPEG, and whatever else {@link ImageIO} reads) into tensors a model can take.
 *
 * <p>An image of any size and colour type becomes {@code [C, H, W]} with values in {@code [0, 1]}: with one
 * channel, grey images keep their grey levels and colour images become their luminance
 * {@code Y = 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, as Pillow's {@code convert("L")}); with three channels,
 * R, G and B (a grey image repeats its level). Alpha is ignored. The image is then resized to {@code H x W}
 * with a bilinear (triangle) filter that widens when shrinking, as Pillow's {@code BILINEAR} does, so that a
 * large photo is averaged rather than sampled at a few points.
 */
public final class Images {

  /** The file name extensions that {@link ImageFolderDataset} treats as images, lower case. */
  public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg");

  private static final float RED_WEIGHT = 0.299f;
  private static final float GREEN_WEIGHT = 0.587f;
  private static final float BLUE_WEIGHT = 0.114f;
  /** Bytes a decoded pixel may take: 4 in the decoder's image, then up to 3 floats (12) as a tensor. */
  private static final long DECODED_BYTES_PER_PIXEL = 16;

  private Images() {}

  /**
   * Decodes an image file into {@code [channels, height, width]} with values in {@code [0, 1]}, as {@link #read}
   * reads it.
   *
   * @param channels 1 (grey) or 3 (RGB)
   * @throws NoSuchFileException if the file does not exist
   * @throws DataFileException naming the file if it cannot be decoded, is not a regular file, or declares more
   *     pixels than {@link Limits#maxImagePixels()}
   */
  public static Tensor load(Path file, int channels, int height, int width) throws IOException {
    checkSize("load", channels, height, width);
    return fromImage(read(file), channels, height, width);
  }

  /**
   * Decodes an image file as it is (any size and colour type), for callers that need its own size, such as a
   * detector that reports boxes in the image's pixels. The header is read first: an image declaring more than
   * {@link Limits#maxImagePixels()} pixels, or more than the heap can hold, is refused before its pixels are
   * decoded (a 1 MB PNG can declare 30000 x 30000 pixels, 3.6 GB decoded). Only a regular file is opened: a
   * FIFO would block.
   *
   * @throws NoSuchFileException if the file does not exist
   * @throws DataFileException naming the file: not a regular file, not an image Java can decode, damaged, or
   *     too large (with its size and the limit)
   */
  public static BufferedImage read(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such image file");
    }
    DataPaths.requireRegularFile(file, file);
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      return decode(in, file.toString());
    }
  }

  /**
   * Decodes an image held in memory, such as an upload, with the checks of {@link #read(Path)}.
   *
   * @param bytes Not modified; the encoded image
   * @param name names the image in errors
   * @throws DataFileException naming it if it cannot be decoded or is too large
   */
  public static BufferedImage read(byte[] bytes, String name) throws DataFileException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      return decode(in, name);
    } catch (DataFileException e) {
      throw e;
    } catch (IOException e) {
      throw new DataFileException(name, DataFileException.NO_OFFSET, "cannot read the image (" + e.getMessage()
          + ")", e);
    }
  }

  /**
   * The width and height an image file declares in its header, read without decoding the pixels.
   *
   * @throws NoSuchFileException if the file does not exist
   * @throws DataFileException naming the file if it is not a regular file or not an image Java can read
   */
  public static Size size(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such image file");
    }
    DataPaths.requireRegularFile(file, file);
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = reader(in, file.toString());
      try {
        return size(reader, file.toString());
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * An image's size in pixels.
   *
   * @param width pixels per row
   * @param height rows
   */
  public record Size(int width, int height) {}

  private static BufferedImage decode(ImageInputStream in, String name) throws DataFileException {
    ImageReader reader = reader(in, name);
    try {
      Size size = size(reader, name);
      long pixels = (long) size.width() * size.height();
      if (pixels > Limits.maxImagePixels()) {
        throw new DataFileException(name, DataFileException.NO_OFFSET, "declares " + size.width() + " x "
            + size.height() + " pixels (" + megapixels(pixels) + "), more than the limit of "
            + megapixels(Limits.maxImagePixels()) + "; " + Limits.howToRaise(Limits.MAX_IMAGE_PIXELS_PROPERTY)
            + " or the command line's --max-pixels");
      }
      try {
        Limits.requireHeap(pixels * DECODED_BYTES_PER_PIXEL, "decoding " + size.width() + " x " + size.height()
            + " pixels");
      } catch (InsufficientMemoryException e) {
        throw new DataFileException(name, DataFileException.NO_OFFSET, e.getMessage(), e);
      }
      return reader.read(0);
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataFileException d) {
        throw d;
      }
      // Decoders report damaged data as IIOException or, for some truncated JPEGs, as runtime exceptions.
      throw new DataFileException(name, DataFileException.NO_OFFSET, "cannot decode the image ("
          + reason(e) + ")", e);
    } finally {
      reader.dispose();
    }
  }

  private static ImageReader reader(ImageInputStream in, String name) throws DataFileException {
    Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
    if (readers == null || !readers.hasNext()) {
      throw new DataFileException(name, DataFileException.NO_OFFSET,
          "not an image format Java can decode (PNG, JPEG, GIF and BMP can be)");
    }
    ImageReader reader = readers.next();
    reader.setInput(in, true, true);
    return reader;
  }

  private static Size size(ImageReader reader, String name) throws DataFileException {
    try {
      return new Size(reader.getWidth(0), reader.getHeight(0));
    } catch (IOException | RuntimeException e) {
      throw new DataFileException(name, DataFileException.NO_OFFSET, "cannot read the image header ("
          + reason(e) + ")", e);
    }
  }

  private static String megapixels(long pixels) {
    return String.format(Locale.ROOT, "%.1f megapixels", pixels / 1e6);
  }

  /**
   * Refuses an image size past {@link Limits#maxImagePixels()}, such as a resize target of 50000 x 50000 or an
   * input size in a model's metadata, before anything of that size is allocated.
   *
   * @param what names the size in the message, such as {@code "resize target"}
   * @throws IllegalArgumentException if a side is not positive or the pixels exceed the limit
   */
  public static void checkPixels(String what, int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(what + " " + height + " x " + width + ": the size must be positive");
    }
    long pixels = (long) height * width;
    if (pixels > Limits.maxImagePixels()) {
      throw new IllegalArgumentException(what + " " + height + " x " + width + " is " + megapixels(pixels)
          + ", more than the limit of " + megapixels(Limits.maxImagePixels()) + "; "
          + Limits.howToRaise(Limits.MAX_IMAGE_PIXELS_PROPERTY) + " or the command line's --max-pixels");
    }
  }

  /**
   * A decoder's reason, followed down the causes while a message stops short of one (ImageIO says "Caught
   * exception during read: " and keeps the reason in the cause).
   */
  private static String reason(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage().strip();
    if (message.isEmpty() || message.endsWith(":")) {
      String what = message.isEmpty() ? e.getClass().getSimpleName() : message;
      return e.getCause() == null || e.getCause() == e ? what : what + " " + reason(e.getCause());
    }
    return message;
  }

  /**
   * Converts a decoded image into {@code [channels, height, width]} with values in {@code [0, 1]}.
   *
   * @param image Not modified
   * @param channels 1 (grey) or 3 (RGB)
   */
  public static Tensor fromImage(BufferedImage image, int channels, int height, int width) {
    checkSize("fromImage", channels, height, width);
    int w = image.getWidth();
    int h = image.getHeight();
    checkPixels("image", h, w);
    float[] pixels = new float[channels * h * w];
    int plane = h * w;
    ColorModel model = image.getColorModel();
    if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(model instanceof IndexColorModel)) {
      // Read grey samples directly: getRGB would pass them through a linear-to-sRGB conversion and brighten them.
      Raster raster = image.getRaster();
      float scale = 1f / ((1 << model.getComponentSize(0)) - 1);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v = raster.getSample(x, y, 0) * scale;
          for (int c = 0; c < channels; c++) {
            pixels[c * plane + y * w + x] = v;
          }
        }
      }
    } else {
      int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
      for (int i = 0; i < plane; i++) {
        float r = ((argb[i] >> 16) & 0xff) / 255f;
        float g = ((argb[i] >> 8) & 0xff) / 255f;
        float b = (argb[i] & 0xff) / 255f;
        if (channels == 1) {
          pixels[i] = RED_WEIGHT * r + GREEN_WEIGHT * g + BLUE_WEIGHT * b;
        } else {
          pixels[i] = r;
          pixels[plane + i] = g;
          pixels[2 * plane + i] = b;
        }
      }
    }
    return resize(Tensor.wrap(pixels, channels, h, w), height, width);
  }

  /**
   * Resizes {@code [C, H, W]} to {@code [C, height, width]} with a bilinear filter: a triangle of radius one
   * source pixel when enlarging, widened to one output pixel when shrinking (Pillow's antialiased
   * {@code BILINEAR}). Pixel centres are aligned ({@code align_corners=False}); the same size returns a copy.
   *
   * @param image {@code [C, H, W]}; Not modified
   */
  public static Tensor resize(Tensor image, int height, int width) {
    if (image.rank() != 3 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException("resize: " + image.shapeString() + " -> [" + height + ", " + width
          + "]: expects [C, H, W] and a positive size");
    }
    checkPixels("resize target", height, width);
    int c = image.dim(0);
    int h = image.dim(1);
    int w = image.dim(2);
    float[] src = image.data();
    // Horizontal pass: [C, H, W] -> [C, H, width].
    Taps across = Taps.of(w, width);
    float[] mid = new float[c * h * width];
    for (int row = 0; row < c * h; row++) {
      for (int ox = 0; ox < width; ox++) {
        float[] weights = across.weights[ox];
        int start = across.start[ox];
        float sum = 0;
        for (int k = 0; k < weights.length; k++) {
          sum += weights[k] * src[row * w + start + k];
        }
        mid[row * width + ox] = sum;
      }
    }
    // Vertical pass: [C, H, width] -> [C, height, width].
    Taps down = Taps.of(h, height);
    float[] out = new float[c * height * width];
    for (int ch = 0; ch < c; ch++) {
      for (int oy = 0; oy < height; oy++) {
        float[] weights = down.weights[oy];
        int start = down.start[oy];
        for (int x = 0; x < width; x++) {
          float sum = 0;
          for (int k = 0; k < weights.length; k++) {
            sum += weights[k] * mid[(ch * h + start + k) * width + x];
          }
          out[(ch * height + oy) * width + x] = sum;
        }
      }
    }
    return Tensor.wrap(out, c, height, width);
  }

  /** Whether the file name ends in one of {@link #EXTENSIONS}, in any case. */
  public static boolean hasImageExtension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static void checkSize(String op, int channels, int height, int width) {
    if ((channels != 1 && channels != 3) || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(op + ": channels " + channels + ", size " + height + " x " + width
          + ": channels must be 1 (grey) or 3 (RGB) and the size positive");
    }
    checkPixels(op + ": size", height, width);
  }

  /** For each output pixel along one axis, the first source pixel it reads and the weights of those it reads. */
  private static final class Taps {
    final int[] start;
    final float[][] weights;

    private Taps(int[] start, float[][] weights) {
      this.start = start;
      this.weights = weights;
    }

    static Taps of(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double radius = Math.max(scale, 1.0);
      int[] start = new int[outSize];
      float[][] weights = new float[outSize][];
      for (int i = 0; i < outSize; i++) {
        double center = (i + 0.5) * scale;
        int lo = Math.max(0, (int) Math.floor(center - radius));
        int hi = Math.min(inSize, (int) Math.ceil(center + radius));
        double[] raw = new double[hi - lo];
        double total = 0;
        for (int j = lo; j < hi; j++) {
          raw[j - lo] = Math.max(0, 1 - Math.abs((j + 0.5 - center) / radius));
          total += raw[j - lo];
        }
        // Normalising keeps flat regions flat and, at the borders, clamps to the edge pixel.
        weights[i] = new float[raw.length];
        for (int k = 0; k < raw.length; k++) {
          weights[i][k] = (float) (raw[k] / total);
        }
        start[i] = lo;
      }
      return new Taps(start, weights);
    }
  }
}
