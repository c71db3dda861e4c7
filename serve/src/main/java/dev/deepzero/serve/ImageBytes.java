package dev.deepzero.serve;

import dev.deepzero.data.DataFileException;
import dev.deepzero.data.Images;
import java.awt.image.BufferedImage;

/**
 * Decodes the PNG or JPEG file a request holds with the core's {@link Images#read(byte[], String)}, which reads
 * the header first and refuses an image over the core's pixel limit before decoding it (no decompression bomb).
 * Other formats Java could decode (GIF, BMP, TIFF) are refused by their signature: the protocol promises PNG and
 * JPEG only.
 */
final class ImageBytes {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

  private ImageBytes() {}

  /**
   * @throws ApiException 400 for another format, damaged data or an image over the pixel limit
   */
  static BufferedImage decode(byte[] bytes) {
    if (!startsWith(bytes, PNG) && !startsWith(bytes, JPEG)) {
      throw ApiException.badRequest("the image is not a PNG or JPEG file");
    }
    try {
      return Images.read(bytes, "the image");
    } catch (DataFileException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] signature) {
    if (bytes.length < signature.length) {
      return false;
    }
    for (int i = 0; i < signature.length; i++) {
      if (bytes[i] != signature[i]) {
        return false;
      }
    }
    return true;
  }
}
