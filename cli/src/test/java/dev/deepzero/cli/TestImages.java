package dev.deepzero.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Small generated pictures and {@code --images} folders for the tests that run the command line. */
final class TestImages {

  private TestImages() {}

  /** A colour gradient of {@code width x height}; PNG or JPEG by the file's extension. */
  static Path write(Path file, int width, int height) throws IOException {
    BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        picture.setRGB(x, y, (x * 15 & 0xff) << 16 | (y * 15 & 0xff) << 8 | 128);
      }
    }
    String name = file.getFileName().toString();
    Files.createDirectories(file.getParent());
    ImageIO.write(picture, name.substring(name.lastIndexOf('.') + 1), file.toFile());
    return file;
  }

  /** An {@code --images} folder: classes {@code a} and {@code b}, {@code perClass} 8 x 8 pictures each. */
  static Path folder(Path root, int perClass) throws IOException {
    for (String cls : List.of("a", "b")) {
      for (int i = 0; i < perClass; i++) {
        write(root.resolve(cls).resolve(i + ".png"), 8, 8);
      }
    }
    return root;
  }
}
