package dev.deepzero.detect;

import dev.deepzero.data.TensorDataset;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Sprites cut from a labelled grey image set such as Fashion-MNIST or MNIST digits: each sprite is one item,
 * its grey level used as coverage (the sets draw a light object on black, so the level is how much of a pixel
 * the object covers). Optionally only some of the classes are used; they are then renumbered 0, 1, ... in the
 * order given.
 *
 * <p>Give the generator of training images the training split and the generators of validation and test images
 * the test split, so that held-out images also hold items the detector has never seen.
 */
public final class FashionSprites implements SpriteSource {

  private final TensorDataset items;
  private final List<String> names;
  /** Per kept class, the indices of its items. */
  private final List<int[]> byClass;

  /**
   * Sprites of every class of {@code items}.
   *
   * @param items Not modified, not copied; inputs {@code [N, 1, H, W]} in [0, 1], targets class ids {@code [N]}
   * @param classNames the name of each class id of {@code items}
   */
  public FashionSprites(TensorDataset items, List<String> classNames) {
    this(items, classNames, allIds(classNames.size()));
  }

  /**
   * Sprites of the classes {@code keep} of {@code items} only; class {@code keep[i]} becomes sprite class i.
   *
   * @param items Not modified, not copied; inputs {@code [N, 1, H, W]} in [0, 1], targets class ids {@code [N]}
   * @param classNames the name of each class id of {@code items}
   * @param keep the class ids to use, distinct, each with at least one item
   */
  public FashionSprites(TensorDataset items, List<String> classNames, int[] keep) {
    int[] shape = items.inputs().shape();
    if (shape.length != 4 || shape[1] != 1 || items.targets().rank() != 1) {
      throw new IllegalArgumentException("FashionSprites: need grey images [N, 1, H, W] with class ids [N], got "
          + items.inputs().shapeString() + " and " + items.targets().shapeString());
    }
    if (keep.length == 0) {
      throw new IllegalArgumentException("FashionSprites: no classes chosen");
    }
    float[] labels = items.targets().data();
    List<String> kept = new ArrayList<>();
    List<int[]> indices = new ArrayList<>();
    for (int id : keep) {
      if (id < 0 || id >= classNames.size() || kept.contains(classNames.get(id))) {
        throw new IllegalArgumentException("FashionSprites: class id " + id + " is repeated or outside [0, "
            + classNames.size() + ")");
      }
      int[] members = IntStream.range(0, labels.length).filter(i -> (int) labels[i] == id)
          .toArray();
      if (members.length == 0) {
        throw new IllegalArgumentException("FashionSprites: class '" + classNames.get(id) + "' has no items");
      }
      kept.add(classNames.get(id));
      indices.add(members);
    }
    this.items = items;
    this.names = List.copyOf(kept);
    this.byClass = List.copyOf(indices);
  }

  private static int[] allIds(int n) {
    return IntStream.range(0, n).toArray();
  }

  @Override
  public List<String> classNames() {
    return names;
  }

  /** A class drawn uniformly, then one of its items drawn uniformly, so rare classes are not under-represented. */
  @Override
  public Sprite next(SplittableRandom rng) {
    int cls = rng.nextInt(byClass.size());
    int[] members = byClass.get(cls);
    int index = members[rng.nextInt(members.length)];
    int h = items.inputs().dim(2);
    int w = items.inputs().dim(3);
    Tensor image = Tensor.zeros(h, w);
    System.arraycopy(items.inputs().data(), index * h * w, image.data(), 0, h * w);
    return new Sprite(image, cls, names.get(cls));
  }
}
