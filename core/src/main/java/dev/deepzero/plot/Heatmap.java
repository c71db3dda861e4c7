package dev.deepzero.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;

/**
 * A labelled matrix of counts drawn as coloured cells with the count written in each: a confusion matrix
 * (rows = true class, columns = predicted class). Cells are shaded by their share of the row, so the diagonal
 * reads as per-class recall.
 */
public final class Heatmap implements Chart {

  private final String title;
  private final String rowLabel;
  private final String columnLabel;
  private final long[][] counts;
  private final String[] labels;

  /**
   * @param counts Not modified; square, one row and column per label
   * @param labels the class names, in row/column order
   */
  public Heatmap(String title, String rowLabel, String columnLabel, long[][] counts, String[] labels) {
    if (counts.length != labels.length) {
      throw new IllegalArgumentException("Heatmap: " + counts.length + " rows but " + labels.length + " labels");
    }
    for (long[] row : counts) {
      if (row.length != labels.length) {
        throw new IllegalArgumentException("Heatmap: a row has " + row.length + " cells, expected " + labels.length);
      }
    }
    this.title = title;
    this.rowLabel = rowLabel;
    this.columnLabel = columnLabel;
    this.counts = counts;
    this.labels = labels.clone();
  }

  @Override
  public void draw(Graphics2D g, int x0, int y0, int width, int height) {
    int k = labels.length;
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    int labelWidth = 0;
    for (String l : labels) {
      labelWidth = Math.max(labelWidth, fm.stringWidth(l));
    }
    int left = x0 + labelWidth + 34;
    int top = y0 + 40;
    int size = Math.min(width - (left - x0) - 16, height - (top - y0) - labelWidth - 40);
    int cell = Math.max(size / Math.max(k, 1), 1);
    g.setColor(Color.BLACK);
    g.setFont(font.deriveFont(Font.BOLD, 14f));
    LineChart.drawCentered(g, title, x0 + width / 2, y0 + 22);
    g.setFont(font);
    for (int r = 0; r < k; r++) {
      long rowSum = 0;
      for (long c : counts[r]) {
        rowSum += c;
      }
      for (int c = 0; c < k; c++) {
        double share = rowSum == 0 ? 0 : (double) counts[r][c] / rowSum;
        int shade = (int) Math.round(255 - share * 200);
        g.setColor(new Color(shade, shade, 255));
        g.fillRect(left + c * cell, top + r * cell, cell, cell);
        g.setColor(share > 0.6 ? Color.WHITE : Color.BLACK);
        String text = String.valueOf(counts[r][c]);
        if (fm.stringWidth(text) < cell - 2) {
          LineChart.drawCentered(g, text, left + c * cell + cell / 2, top + r * cell + cell / 2 + fm.getAscent() / 2 - 1);
        }
      }
      g.setColor(Color.BLACK);
      g.drawString(labels[r], left - 6 - fm.stringWidth(labels[r]), top + r * cell + cell / 2 + fm.getAscent() / 2 - 1);
    }
    g.setColor(Color.GRAY);
    g.drawRect(left, top, cell * k, cell * k);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    for (int c = 0; c < k; c++) {
      rotated.setColor(Color.BLACK);
      rotated.drawString(labels[c], -(top + k * cell + 6 + fm.stringWidth(labels[c])),
          left + c * cell + cell / 2 + fm.getAscent() / 2 - 1);
    }
    LineChart.drawCentered(rotated, rowLabel, -(top + k * cell / 2), x0 + 14);
    rotated.dispose();
    LineChart.drawCentered(g, columnLabel, left + k * cell / 2, top + k * cell + labelWidth + 26);
  }
}
