package dev.deepzero.serve;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Decodes PNG or JPEG bytes from a request, reading the header first so that no decompression bomb is expanded. */
final class ImageBytes {

  /** The most pixels a request's image may have: 4096 x 4096, a 64 MB ARGB raster. */
  static final long MAX_PIXELS = 4096L * 4096L;

  private ImageBytes() {}

  static BufferedImage decode(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (in == null || !readers.hasNext()) {
        throw ApiException.badRequest("the body is not a PNG or JPEG image");
      }
      ImageReader reader = readers.next();
      try {
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        if (!format.equals("png") && !format.equals("jpeg")) {
          throw ApiException.badRequest("the body is a " + format + " image; send PNG or JPEG");
        }
        reader.setInput(in, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width * height > MAX_PIXELS) {
          throw ApiException.badRequest("the image is " + width + " x " + height + " pixels, more than the limit of "
              + MAX_PIXELS);
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ApiException api) {
        throw api;
      }
      // Decoders report damaged data as IIOException or, for some truncated JPEGs, as runtime exceptions.
      throw ApiException.badRequest("cannot decode the image (" + (e.getMessage() == null
          ? e.getClass().getSimpleName() : e.getMessage()) + ")");
    }
  }
}
