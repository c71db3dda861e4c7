package dev.deepzero.bench;

import dev.deepzero.plot.LineChart;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws curves from a tab-separated file as a PNG of line-chart panels in a grid, with deepzero's own
 * {@link LineChart} (no matplotlib needed): {@code bench/scaling.sh} plots its scaling curves with it.
 *
 * <pre>
 * CurvesPlot CURVES.tsv OUT.png [COLUMNS]
 *   CURVES.tsv: one point a line, panel title, x label, y label, series name, x, y (tab-separated);
 *   panels and series appear in the order of their first point; COLUMNS panels a row (default 4)
 * </pre>
 */
public final class CurvesPlot {

  private static final int PANEL_WIDTH = 480;
  private static final int PANEL_HEIGHT = 360;

  private CurvesPlot() {}

  /** One panel's axes and its series' points. */
  private record Panel(String xLabel, String yLabel, Map<String, List<double[]>> series) {}

  /** Reads the curves and writes the PNG, see the class comment. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      throw new IllegalArgumentException("usage: CurvesPlot CURVES.tsv OUT.png [COLUMNS]");
    }
    Map<String, Panel> panels = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(Path.of(args[0]));
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).split("\t");
      if (f.length != 6) {
        throw new IllegalArgumentException(args[0] + " line " + (i + 1) + ": expected 6 tab-separated fields, got "
            + f.length);
      }
      panels.computeIfAbsent(f[0], t -> new Panel(f[1], f[2], new LinkedHashMap<>()))
          .series.computeIfAbsent(f[3], s -> new ArrayList<>())
          .add(new double[] {Double.parseDouble(f[4]), Double.parseDouble(f[5])});
    }
    if (panels.isEmpty()) {
      throw new IllegalArgumentException(args[0] + ": no points to plot");
    }
    int columns = Math.min(panels.size(), args.length == 3 ? Integer.parseInt(args[2]) : 4);
    int rows = (panels.size() + columns - 1) / columns;
    BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      int index = 0;
      for (Map.Entry<String, Panel> e : panels.entrySet()) {
        Panel p = e.getValue();
        LineChart chart = new LineChart(e.getKey(), p.xLabel, p.yLabel);
        for (Map.Entry<String, List<double[]>> s : p.series.entrySet()) {
          List<double[]> points = s.getValue();
          chart.add(s.getKey(), points.stream().mapToDouble(xy -> xy[0]).toArray(),
              points.stream().mapToDouble(xy -> xy[1]).toArray());
        }
        chart.draw(g, index % columns * PANEL_WIDTH, index / columns * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT);
        index++;
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(image, "png", Path.of(args[1]).toFile())) {
      throw new IOException("no PNG writer available");
    }
  }
}
