package dev.deepzero.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;

/**
 * A line chart of one or more named series, with axes, ticks, a legend and a title: the learning curves
 * the CNN article plots with matplotlib, and precision-recall curves.
 */
public final class LineChart implements Chart {

  private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14),
      new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75)};

  private record Series(String name, double[] x, double[] y) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private Double yMin;
  private Double yMax;

  /** An empty chart with the given title and axis labels. */
  public LineChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /**
   * Adds a series; points whose y is NaN are left out.
   *
   * @param x Not modified
   * @param y Not modified; same length as {@code x}
   */
  public LineChart add(String name, double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("LineChart: series '" + name + "' has " + x.length + " x values and "
          + y.length + " y values");
    }
    series.add(new Series(name, x.clone(), y.clone()));
    return this;
  }

  /** Fixes the y range (for example [0, 1] for accuracy or precision) instead of fitting it to the data. */
  public LineChart yRange(double min, double max) {
    if (!(min < max)) {
      throw new IllegalArgumentException("LineChart: y range [" + min + ", " + max + "] is empty");
    }
    this.yMin = min;
    this.yMax = max;
    return this;
  }

  @Override
  public void draw(Graphics2D g, int x0, int y0, int width, int height) {
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    double[] xr = range(true);
    double[] yr = yMin != null ? new double[] {yMin, yMax} : range(false);
    double[] yTicks = ticks(yr[0], yr[1]);
    // Room on the left for the rotated axis label and the widest tick label (six digits need more than 64).
    int widestTick = 0;
    for (double t : yTicks) {
      widestTick = Math.max(widestTick, fm.stringWidth(format(t)));
    }
    int left = x0 + Math.max(64, 30 + widestTick + 6);
    int right = x0 + width - 16;
    // The legend goes in rows between the title and the plot; when one row is too narrow for it, the plot moves
    // down by a row for each row more, instead of the first entries running off the chart's left edge.
    List<List<Integer>> legendRows = legendRows(fm, right - (x0 + 8));
    int top = y0 + 52 + (legendRows.size() - 1) * fm.getHeight();
    int bottom = y0 + height - 48;

    g.setColor(Color.BLACK);
    g.setFont(font.deriveFont(Font.BOLD, 14f));
    drawCentered(g, title, (left + right) / 2, y0 + 22);
    g.setFont(font);

    // Grid and ticks.
    double[] xTicks = ticks(xr[0], xr[1]);
    for (double t : yTicks) {
      int py = mapY(t, yr, top, bottom);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(left, py, right, py);
      g.setColor(Color.DARK_GRAY);
      String label = format(t);
      g.drawString(label, left - 6 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
    }
    for (double t : xTicks) {
      int px = mapX(t, xr, left, right);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(px, top, px, bottom);
      g.setColor(Color.DARK_GRAY);
      drawCentered(g, format(t), px, bottom + 16);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, right - left, bottom - top);
    drawCentered(g, xLabel, (left + right) / 2, bottom + 36);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    drawCentered(rotated, yLabel, -(top + bottom) / 2, x0 + 16);
    rotated.dispose();

    // Lines, with a dot per point so single-point series still show.
    Graphics2D clip = (Graphics2D) g.create();
    clip.clipRect(left, top, right - left + 1, bottom - top + 1);
    clip.setStroke(new BasicStroke(2f));
    for (int s = 0; s < series.size(); s++) {
      Series ser = series.get(s);
      clip.setColor(PALETTE[s % PALETTE.length]);
      Path2D path = new Path2D.Double();
      boolean started = false;
      for (int i = 0; i < ser.x.length; i++) {
        if (Double.isNaN(ser.y[i])) {
          continue;
        }
        double px = mapXd(ser.x[i], xr, left, right);
        double py = mapYd(ser.y[i], yr, top, bottom);
        if (started) {
          path.lineTo(px, py);
        } else {
          path.moveTo(px, py);
          started = true;
        }
        if (ser.x.length <= 60) {
          clip.fillOval((int) px - 3, (int) py - 3, 6, 6);
        }
      }
      clip.draw(path);
    }
    clip.dispose();

    // Legend: rows between the title and the plot, each right-aligned, so it never hides a line.
    for (int row = 0; row < legendRows.size(); row++) {
      List<Integer> entries = legendRows.get(row);
      int lx = right;
      int ly = y0 + 44 + row * fm.getHeight();
      for (int e = entries.size() - 1; e >= 0; e--) {
        int s = entries.get(e);
        String name = series.get(s).name;
        lx -= fm.stringWidth(name) + 22;
        g.setColor(PALETTE[s % PALETTE.length]);
        g.fillRect(lx, ly - fm.getAscent() / 2 - 1, 16, 4);
        g.setColor(Color.BLACK);
        g.drawString(name, lx + 20, ly);
        lx -= 14;
      }
    }
  }

  /**
   * The series' indices in legend rows at most {@code width} pixels wide, in order (an entry is its swatch, its
   * name and a gap); at least one row, and one entry per row when even that is wider.
   */
  private List<List<Integer>> legendRows(FontMetrics fm, int width) {
    List<List<Integer>> rows = new ArrayList<>();
    List<Integer> row = new ArrayList<>();
    int used = 0;
    for (int s = 0; s < series.size(); s++) {
      int entry = fm.stringWidth(series.get(s).name) + 22 + 14;
      if (!row.isEmpty() && used + entry > width) {
        rows.add(row);
        row = new ArrayList<>();
        used = 0;
      }
      row.add(s);
      used += entry;
    }
    rows.add(row);
    return rows;
  }

  private double[] range(boolean xAxis) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (Double.isNaN(s.y[i])) {
          continue;
        }
        double v = xAxis ? s.x[i] : s.y[i];
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (min > max) {
      return new double[] {0, 1};
    }
    if (min == max) {
      return new double[] {min - 0.5, max + 0.5};
    }
    double pad = xAxis ? 0 : (max - min) * 0.05;
    return new double[] {min - pad, max + pad};
  }

  /** About five round tick values covering [min, max]. */
  static double[] ticks(double min, double max) {
    double span = max - min;
    double raw = span / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = magnitude;
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (raw <= m * magnitude) {
        step = m * magnitude;
        break;
      }
    }
    double first = Math.ceil(min / step) * step;
    int count = (int) Math.floor((max - first) / step + 1e-9) + 1;
    double[] t = new double[Math.max(count, 0)];
    for (int i = 0; i < t.length; i++) {
      t[i] = first + i * step;
    }
    return t;
  }

  private static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e6) {
      return String.valueOf((long) v);
    }
    return Math.abs(v) >= 0.01 ? String.format("%.3g", v) : String.format("%.1e", v);
  }

  private static int mapX(double v, double[] r, int left, int right) {
    return (int) Math.round(mapXd(v, r, left, right));
  }

  private static double mapXd(double v, double[] r, int left, int right) {
    return left + (v - r[0]) / (r[1] - r[0]) * (right - left);
  }

  private static int mapY(double v, double[] r, int top, int bottom) {
    return (int) Math.round(mapYd(v, r, top, bottom));
  }

  private static double mapYd(double v, double[] r, int top, int bottom) {
    return bottom - (v - r[0]) / (r[1] - r[0]) * (bottom - top);
  }

  static void drawCentered(Graphics2D g, String text, int cx, int baseline) {
    g.drawString(text, cx - g.getFontMetrics().stringWidth(text) / 2, baseline);
  }
}
