package dev.deepzero.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import javax.imageio.ImageIO;

/** Writes charts side by side into one PNG file. */
public final class Png {

  private Png() {}

  /**
   * Renders {@code panels} left to right, each {@code panelWidth x height}, on white, and writes the PNG to
   * {@code file} atomically (temp file, then rename).
   */
  public static void write(Path file, int panelWidth, int height, List<? extends Chart> panels) throws IOException {
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("Png.write: no panels");
    }
    BufferedImage image = render(panelWidth, height, panels);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      if (!ImageIO.write(image, "png", tmp.toFile())) {
        throw new IOException("no PNG writer available");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Renders {@code panels} left to right into a new image. */
  public static BufferedImage render(int panelWidth, int height, List<? extends Chart> panels) {
    BufferedImage image = new BufferedImage(panelWidth * panels.size(), height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      for (int i = 0; i < panels.size(); i++) {
        panels.get(i).draw(g, i * panelWidth, 0, panelWidth, height);
      }
    } finally {
      g.dispose();
    }
    return image;
  }
}
