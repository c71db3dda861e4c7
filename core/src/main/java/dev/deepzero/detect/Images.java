package dev.deepzero.detect;

import dev.deepzero.data.DataFileException;
import dev.deepzero.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Image I/O and resampling shared by the data readers, the generator and augmentation. */
final class Images {

  /** The whole image as a crop window. */
  static final Box WHOLE = new Box(0, 0, 1, 1);

  private Images() {}

  /**
   * Bilinear resampling of the window {@code crop} (fractions of the source, may reach outside it) of a
   * {@code [C, H, W]} image to {@code [C, outH, outW]}, mirrored left-right when {@code flip}. Pixels sampled
   * outside the source get {@code fill}.
   *
   * @param image Not modified
   */
  static Tensor resample(Tensor image, Box crop, int outH, int outW, boolean flip, float fill) {
    dev.deepzero.data.Images.checkPixels("resample target", outH, outW);
    int c = image.dim(0);
    int h = image.dim(1);
    int w = image.dim(2);
    float[] src = image.data();
    Tensor out = Tensor.zeros(c, outH, outW);
    float[] dst = out.data();
    double scaleX = (crop.xmax() - crop.xmin()) * w / outW;
    double scaleY = (crop.ymax() - crop.ymin()) * h / outH;
    for (int oy = 0; oy < outH; oy++) {
      // Pixel centres map to pixel centres: output centre oy + 0.5 sits at crop.ymin·H + (oy + 0.5)·scale.
      double sy = crop.ymin() * h + (oy + 0.5) * scaleY - 0.5;
      for (int ox = 0; ox < outW; ox++) {
        int col = flip ? outW - 1 - ox : ox;
        double sx = crop.xmin() * w + (col + 0.5) * scaleX - 0.5;
        for (int ch = 0; ch < c; ch++) {
          dst[(ch * outH + oy) * outW + ox] = bilinear(src, ch * h * w, h, w, sy, sx, fill);
        }
      }
    }
    return out;
  }

  private static float bilinear(float[] src, int off, int h, int w, double y, double x, float fill) {
    if (y < -0.5 || y > h - 0.5 || x < -0.5 || x > w - 0.5) {
      return fill;
    }
    double yc = Math.max(0, Math.min(h - 1, y));
    double xc = Math.max(0, Math.min(w - 1, x));
    int y0 = (int) Math.floor(yc);
    int x0 = (int) Math.floor(xc);
    int y1 = Math.min(h - 1, y0 + 1);
    int x1 = Math.min(w - 1, x0 + 1);
    double fy = yc - y0;
    double fx = xc - x0;
    double top = src[off + y0 * w + x0] * (1 - fx) + src[off + y0 * w + x1] * fx;
    double bottom = src[off + y1 * w + x0] * (1 - fx) + src[off + y1 * w + x1] * fx;
    return (float) (top * (1 - fy) + bottom * fy);
  }

  /**
   * Reads a PNG or JPEG as {@code [channels, height, width]} in [0, 1], resized (bilinear) when needed; 1 channel
   * is the mean of R, G and B. Decoding is {@link dev.deepzero.data.Images#read(Path)}'s, with its pixel limit
   * and its refusal of anything but a regular file.
   *
   * @throws DataFileException naming the file if it cannot be decoded or is too large
   */
  static Tensor read(Path file, int channels, int height, int width) throws IOException {
    dev.deepzero.data.Images.checkPixels("image size", height, width);
    BufferedImage img = dev.deepzero.data.Images.read(file);
    int h = img.getHeight();
    int w = img.getWidth();
    Tensor t = Tensor.zeros(channels, h, w);
    float[] d = t.data();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        float r = ((rgb >> 16) & 0xFF) / 255f;
        float g = ((rgb >> 8) & 0xFF) / 255f;
        float b = (rgb & 0xFF) / 255f;
        if (channels == 1) {
          d[y * w + x] = (r + g + b) / 3f;
        } else {
          d[y * w + x] = r;
          d[(h + y) * w + x] = g;
          d[(2 * h + y) * w + x] = b;
        }
      }
    }
    return h == height && w == width ? t : resample(t, WHOLE, height, width, false, 0f);
  }

  /** Writes a {@code [C, H, W]} image in [0, 1] (C = 1 or 3) as PNG. */
  static void writePng(Path file, Tensor image) throws IOException {
    int c = image.dim(0);
    int h = image.dim(1);
    int w = image.dim(2);
    float[] d = image.data();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = byteOf(d[y * w + x]);
        int g = c == 1 ? r : byteOf(d[(h + y) * w + x]);
        int b = c == 1 ? r : byteOf(d[(2 * h + y) * w + x]);
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    YoloFormat.createParent(file);
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer available for " + file);
    }
  }

  private static int byteOf(float v) {
    return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
  }
}
