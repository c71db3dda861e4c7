package dev.deepzero.detect;

import dev.deepzero.data.Dataset;
import dev.deepzero.data.Datasets;
import dev.deepzero.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Sprites cut from a labelled grey image set such as Fashion-MNIST or MNIST digits: each sprite is one item,
 * its grey level used as coverage (the sets draw a light object on black, so the level is how much of a pixel
 * the object covers). Classes can be grouped or left out ({@link #coarseFashion} merges Fashion-MNIST's
 * upper-body garments).
 *
 * <p>Give the generator of training images the training split and the generators of validation and test images
 * the test split, so that held-out images also hold items the detector has never seen.
 */
public final class FashionSprites implements SpriteSource {

  private final Dataset items;
  private final List<String> names;
  /** Per kept class, the indices of its items. */
  private final List<int[]> byClass;

  /**
   * Sprites of every class of {@code items}.
   *
   * @param items Not modified, not copied; inputs {@code [N, 1, H, W]} in [0, 1], targets class ids {@code [N]}
   * @param classNames the name of each class id of {@code items}
   */
  public FashionSprites(Dataset items, List<String> classNames) {
    this(items, classNames, IntStream.range(0, classNames.size()).toArray());
  }

  /**
   * Sprites whose classes group those of {@code items}: class {@code c} of the items becomes sprite class
   * {@code groupOf[c]}, or is left out when that is -1.
   *
   * @param items Not modified, not copied; inputs {@code [N, 1, H, W]} in [0, 1], targets class ids {@code [N]}
   * @param groupNames the name of each sprite class
   * @param groupOf per class id of {@code items}, its sprite class in {@code [0, groupNames.size())} or -1; every
   *     sprite class needs at least one item
   */
  public FashionSprites(Dataset items, List<String> groupNames, int[] groupOf) {
    int[] shape = items.inputShape();
    int[] labels = Datasets.classLabels(items).orElse(null);
    if (shape.length != 3 || shape[0] != 1 || labels == null) {
      throw new IllegalArgumentException("FashionSprites: need grey images [N, 1, H, W] with class ids [N], got "
          + Arrays.toString(IntStream.concat(IntStream.of(items.size()), Arrays.stream(shape)).toArray())
          + (labels == null ? " whose targets are not class ids" : ""));
    }
    if (groupNames.isEmpty()) {
      throw new IllegalArgumentException("FashionSprites: no classes chosen");
    }
    List<List<Integer>> members = new ArrayList<>();
    for (int g = 0; g < groupNames.size(); g++) {
      members.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      int c = labels[i];
      if (c < 0 || c >= groupOf.length) {
        throw new IllegalArgumentException("FashionSprites: item " + i + " has class " + c + " but the grouping"
            + " covers classes [0, " + groupOf.length + ")");
      }
      int g = groupOf[c];
      if (g < -1 || g >= groupNames.size()) {
        throw new IllegalArgumentException("FashionSprites: class " + c + " maps to group " + g + " outside [-1, "
            + groupNames.size() + ")");
      }
      if (g >= 0) {
        members.get(g).add(i);
      }
    }
    for (int g = 0; g < groupNames.size(); g++) {
      if (members.get(g).isEmpty()) {
        throw new IllegalArgumentException("FashionSprites: class '" + groupNames.get(g) + "' has no items");
      }
    }
    this.items = items;
    this.names = List.copyOf(groupNames);
    this.byClass = members.stream().map(m -> m.stream().mapToInt(Integer::intValue).toArray()).toList();
  }

  /**
   * Fashion-MNIST with its four upper-body garments (T-shirt/top, Pullover, Coat, Shirt) merged into one class
   * "Top": seven classes that differ in shape, rather than ten of which four are told apart mostly by texture
   * (even strong classifiers confuse them; 28 x 28 items scaled into a detection image lose that texture).
   *
   * @param items Fashion-MNIST, Not modified, not copied
   */
  public static FashionSprites coarseFashion(Dataset items) {
    return new FashionSprites(items, COARSE_NAMES, COARSE_GROUPS);
  }

  /** The class names of {@link #coarseFashion}. */
  public static final List<String> COARSE_NAMES = List.of("Top", "Trouser", "Dress", "Sandal", "Sneaker", "Bag",
      "Ankle boot");
  /** Fashion-MNIST class id to {@link #COARSE_NAMES} index. */
  private static final int[] COARSE_GROUPS = {0, 1, 0, 2, 0, 3, 0, 4, 5, 6};

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
    Tensor image = items.batch(new int[] {index}).inputs();
    return new Sprite(image.reshape(image.dim(2), image.dim(3)), cls, names.get(cls));
  }
}
