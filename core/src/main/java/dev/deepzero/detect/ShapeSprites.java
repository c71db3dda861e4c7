package dev.deepzero.detect;

import dev.deepzero.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Procedurally drawn shapes, needing no data files: circle, square, triangle, cross and ring, each with a
 * random aspect ratio and stroke, antialiased by 4x4 supersampling on a {@value #SIZE}-pixel canvas (the
 * generator scales it).
 */
public final class ShapeSprites implements SpriteSource {

  private static final int SIZE = 32;
  private static final int SUPERSAMPLE = 4;
  private static final List<String> NAMES = List.of("circle", "square", "triangle", "cross", "ring");

  @Override
  public List<String> classNames() {
    return NAMES;
  }

  @Override
  public Sprite next(SplittableRandom rng) {
    int cls = rng.nextInt(NAMES.size());
    // Squash one axis a little so shapes vary beyond scale; keep the tight box near the canvas edge.
    double ax = rng.nextDouble(0.75, 1.0);
    double ay = rng.nextDouble(0.75, 1.0);
    double stroke = rng.nextDouble(0.18, 0.32);
    Tensor img = Tensor.zeros(SIZE, SIZE);
    float[] d = img.data();
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int inside = 0;
        for (int sy = 0; sy < SUPERSAMPLE; sy++) {
          for (int sx = 0; sx < SUPERSAMPLE; sx++) {
            // u, v in [-1, 1] across the canvas, stretched by the aspect factors.
            double u = ((x + (sx + 0.5) / SUPERSAMPLE) / SIZE * 2 - 1) / ax;
            double v = ((y + (sy + 0.5) / SUPERSAMPLE) / SIZE * 2 - 1) / ay;
            inside += covers(cls, u, v, stroke) ? 1 : 0;
          }
        }
        d[y * SIZE + x] = inside / (float) (SUPERSAMPLE * SUPERSAMPLE);
      }
    }
    return new Sprite(img, cls, NAMES.get(cls));
  }

  private static boolean covers(int cls, double u, double v, double stroke) {
    double r = Math.sqrt(u * u + v * v);
    return switch (cls) {
      case 0 -> r <= 0.95;
      case 1 -> Math.abs(u) <= 0.85 && Math.abs(v) <= 0.85;
      case 2 -> v <= 0.9 && v >= -0.9 && Math.abs(u) <= (v + 0.9) / 1.8 * 0.95;
      case 3 -> (Math.abs(u) <= stroke && Math.abs(v) <= 0.95) || (Math.abs(v) <= stroke && Math.abs(u) <= 0.95);
      default -> r <= 0.95 && r >= 0.95 - stroke * 1.5;
    };
  }
}
