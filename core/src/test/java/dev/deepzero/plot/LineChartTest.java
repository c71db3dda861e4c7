package dev.deepzero.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class LineChartTest {

  private static final int WHITE = Color.WHITE.getRGB();

  /** Draws the chart at x = 100 in a wider white image and returns the image. */
  private static BufferedImage drawAt100(LineChart chart, int width) {
    BufferedImage image = new BufferedImage(100 + width + 100, 260, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    chart.draw(g, 100, 0, width, 260);
    g.dispose();
    return image;
  }

  private static int inkedColumnsOutside(BufferedImage image, int from, int to) {
    int inked = 0;
    for (int x = 0; x < image.getWidth(); x++) {
      if (x >= from && x < to) {
        continue;
      }
      for (int y = 0; y < image.getHeight(); y++) {
        if (image.getRGB(x, y) != WHITE) {
          inked++;
          break;
        }
      }
    }
    return inked;
  }

  /** Four long series names do not fit one row of a 320-pixel chart: the legend wraps and stays inside. */
  @Test
  void aLegendWiderThanTheChartWrapsInsideIt() {
    double[] x = {0, 1, 2, 3};
    LineChart chart = new LineChart("images/s by batch", "log2(batch size)", "images/s");
    for (String name : new String[] {"deepzero train", "deepzero infer", "pytorch train", "pytorch infer"}) {
      chart.add(name, x, new double[] {1, 3, 2, 4});
    }
    BufferedImage image = drawAt100(chart, 320);
    assertEquals(0, inkedColumnsOutside(image, 100, 420), "columns drawn outside the chart");
  }

  /** Six-digit tick labels (images/s) fit left of the plot without running off the chart. */
  @Test
  void wideTickLabelsStayInsideTheChart() {
    double[] x = {0, 1, 2};
    LineChart chart = new LineChart("t", "x", "images/s").add("a", x, new double[] {0, 100_000, 200_000});
    BufferedImage image = drawAt100(chart, 320);
    assertEquals(0, inkedColumnsOutside(image, 100, 420), "columns drawn outside the chart");
  }

  @Test
  void aShortLegendKeepsOneRowAndThePlotItsPlace() {
    double[] x = {0, 1};
    LineChart one = new LineChart("t", "x", "y").add("a", x, new double[] {0, 1});
    BufferedImage image = drawAt100(one, 320);
    assertEquals(0, inkedColumnsOutside(image, 100, 420));
    // The plot frame's top edge stays at y = 52 with a one-row legend.
    int black = Color.BLACK.getRGB();
    assertTrue(image.getRGB(300, 52) == black, "frame top at 52");
  }
}
