package dev.deepzero.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deepzero.data.TensorDataset;
import dev.deepzero.tensor.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FashionSpritesTest {

  /** Four 3x2 items: item i is filled with 0.5 + i / 10 (above the box threshold) and has class i % 3. */
  private static TensorDataset items() {
    Tensor x = Tensor.zeros(4, 1, 3, 2);
    Tensor y = Tensor.zeros(4);
    for (int i = 0; i < 4; i++) {
      for (int k = 0; k < 6; k++) {
        x.data()[i * 6 + k] = 0.5f + i / 10f;
      }
      y.data()[i] = i % 3;
    }
    return new TensorDataset(x, y);
  }

  @Test
  void spritesAreTheItemsWithTheirClasses() {
    FashionSprites sprites = new FashionSprites(items(), List.of("a", "b", "c"));
    assertEquals(List.of("a", "b", "c"), sprites.classNames());
    SplittableRandom rng = new SplittableRandom(1);
    Set<Float> seen = new HashSet<>();
    for (int k = 0; k < 200; k++) {
      SpriteSource.Sprite s = sprites.next(rng);
      assertArrayEquals(new int[] {3, 2}, s.image().shape());
      int item = Math.round((s.image().data()[0] - 0.5f) * 10);
      assertEquals(item % 3, s.classId());
      assertEquals(sprites.classNames().get(s.classId()), s.className());
      seen.add(s.image().data()[0]);
    }
    assertEquals(4, seen.size(), "every item is drawn: " + seen);
  }

  @Test
  void classesAreGroupedOrLeftOut() {
    FashionSprites sprites = new FashionSprites(items(), List.of("c", "a"), new int[] {1, -1, 0});
    assertEquals(List.of("c", "a"), sprites.classNames());
    SplittableRandom rng = new SplittableRandom(2);
    for (int k = 0; k < 50; k++) {
      SpriteSource.Sprite s = sprites.next(rng);
      int item = Math.round((s.image().data()[0] - 0.5f) * 10);
      assertEquals(item % 3 == 2 ? 0 : 1, s.classId());
      assertTrue(item % 3 != 1);
    }
  }

  @Test
  void coarseFashionMergesTheUpperBodyGarments() {
    Tensor x = Tensor.full(0.8f, 10, 1, 2, 2);
    Tensor y = Tensor.zeros(10);
    for (int i = 0; i < 10; i++) {
      y.data()[i] = i;
      x.data()[i * 4] = i / 100f; // marks the item
    }
    FashionSprites sprites = FashionSprites.coarseFashion(new TensorDataset(x, y));
    assertEquals(7, sprites.classNames().size());
    SplittableRandom rng = new SplittableRandom(4);
    for (int k = 0; k < 100; k++) {
      SpriteSource.Sprite s = sprites.next(rng);
      int item = Math.round(s.image().data()[0] * 100);
      boolean top = item == 0 || item == 2 || item == 4 || item == 6;
      assertEquals(top, s.className().equals("Top"), "item " + item + " -> " + s.className());
    }
  }

  @Test
  void makesImagesWithObjectsThroughTheGenerator() {
    SyntheticDetectionData gen = new SyntheticDetectionData(new FashionSprites(items(), List.of("a", "b", "c")),
        new SyntheticDetectionData.Config(40, 40, 3, 2, 2, 8, 12, 0.1, 0.0, 0));
    SyntheticDetectionData.Sample s = gen.generate(new SplittableRandom(3));
    assertEquals(2, s.objects().size());
  }

  @Test
  void badInputsAreRejectedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new FashionSprites(items(), List.of("a", "b"), new int[] {0, 0, 2}));
    assertTrue(e.getMessage().contains("group 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new FashionSprites(items(), List.of("a", "d"), new int[] {0, 0, 0}));
    assertTrue(e.getMessage().contains("'d'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new FashionSprites(new TensorDataset(Tensor.zeros(2, 3, 4, 4), Tensor.zeros(2)), List.of("a")));
    assertTrue(e.getMessage().contains("[2, 3, 4, 4]"), e.getMessage());
  }
}
