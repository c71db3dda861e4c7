package dev.deepzero.plot;

import java.awt.Graphics2D;

/** Something that draws itself into a rectangle: one panel of a picture. */
public interface Chart {

  /** Draws into the rectangle at ({@code x}, {@code y}) of the given size. */
  void draw(Graphics2D g, int x, int y, int width, int height);
}
