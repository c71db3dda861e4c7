package dev.deepzero.detect;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Draws detections onto a picture with Java2D: a coloured rectangle per box (one colour per class) and a filled
 * label {@code "class 0.93"} above it, on a copy scaled up so that small inputs stay readable.
 */
public final class BoxDrawing {

  /** Pictures narrower than this are scaled up (by a whole factor) before drawing. */
  private static final int MIN_WIDTH = 448;
  /** Distinct, saturated hues for class colours. */
  private static final float GOLDEN_RATIO_CONJUGATE = 0.618034f;

  private BoxDrawing() {}

  /**
   * A copy of {@code picture}, scaled up by {@code max(1, MIN_WIDTH / width)} with nearest-neighbour
   * sampling, with {@code detections} drawn on it.
   *
   * @param picture Not modified
   * @param detections Not modified; boxes in {@code picture}'s pixels
   * @param classNames the name of each class id
   */
  public static BufferedImage draw(BufferedImage picture, List<Detection> detections, List<String> classNames) {
    int scale = Math.max(1, MIN_WIDTH / Math.max(1, picture.getWidth()));
    BufferedImage out = new BufferedImage(picture.getWidth() * scale, picture.getHeight() * scale,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      g.drawImage(picture, 0, 0, out.getWidth(), out.getHeight(), null);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setStroke(new BasicStroke(2f));
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
      FontMetrics fm = g.getFontMetrics();
      for (Detection d : detections) {
        Color colour = colourOf(d.classId());
        int x0 = (int) Math.round(d.box().xmin() * scale);
        int y0 = (int) Math.round(d.box().ymin() * scale);
        int x1 = (int) Math.round(d.box().xmax() * scale);
        int y1 = (int) Math.round(d.box().ymax() * scale);
        g.setColor(colour);
        g.drawRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
        String name = d.classId() < classNames.size() ? classNames.get(d.classId()) : "class " + d.classId();
        String label = String.format(Locale.ROOT, "%s %.2f", name, d.score());
        int tw = fm.stringWidth(label) + 4;
        int th = fm.getHeight();
        // Above the box when there is room, else inside its top edge.
        int ty = y0 - th >= 0 ? y0 - th : y0;
        int tx = Math.max(0, Math.min(out.getWidth() - tw, x0));
        g.fillRect(tx, ty, tw, th);
        g.setColor(Color.BLACK);
        g.drawString(label, tx + 2, ty + fm.getAscent());
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** A bright colour for {@code classId}: hues spaced by the golden ratio, so neighbouring ids differ. */
  static Color colourOf(int classId) {
    float hue = (classId * GOLDEN_RATIO_CONJUGATE) % 1f;
    return Color.getHSBColor(hue, 0.75f, 1f);
  }
}
