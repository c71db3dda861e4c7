package dev.deepzero.interop;

import dev.deepzero.data.DataSources;
import dev.deepzero.detect.ShapeSprites;
import dev.deepzero.detect.SyntheticDetectionData;
import dev.deepzero.detect.YoloV1;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Normalize;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Every built-in model as the CLI builds it, with statistics that are not the identity (BatchNorm's running
 * mean and variance, its scale and shift, and a classifier's Normalize), so that an exporter that dropped or
 * misplaced one of them would show; and images to run them on.
 */
public final class TestModels {

  /** A model, the shape of one input without the batch axis, and test images for it. */
  public record Case(String name, Layer model, int[] inputShape, Tensor images) {}

  /** The default detector's class count (the synthetic detection set has 7 classes). */
  public static final int DETECTOR_CLASSES = 7;

  private TestModels() {}

  /** mlp, simple-cnn, lenet, deep-cnn (each after a Normalize, as {@code train} saves them) and the detector. */
  public static List<Case> all() throws IOException {
    Tensor fashion = DataSources.embedded().test().batch(IntStream.range(0, 16).toArray()).inputs();
    List<Case> cases = new ArrayList<>();
    long seed = 1;
    for (String name : Models.NAMES) {
      SplittableRandom rng = new SplittableRandom(seed++);
      Sequential model = new Sequential(new Normalize(new float[] {0.286f}, new float[] {0.353f}),
          Models.byName(name, 1, 28, 28, 10, rng));
      randomizeStatistics(model, rng);
      cases.add(new Case(name, model, new int[] {1, 28, 28}, fashion));
    }
    cases.add(detector(YoloV1.Config.defaults(DETECTOR_CLASSES), 8, seed));
    return cases;
  }

  /** A detector built by {@link YoloV1#build} with random statistics, and {@code images} synthetic images. */
  public static Case detector(YoloV1.Config config, int images, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Sequential model = YoloV1.build(config, rng);
    randomizeStatistics(model, rng);
    SyntheticDetectionData data = new SyntheticDetectionData(new ShapeSprites(),
        new SyntheticDetectionData.Config(config.imageSize(), config.imageSize(), config.channels(), 1, 3,
            Math.max(4, config.imageSize() / 4), config.imageSize() / 2, 0.1, 0.05, 0));
    List<Tensor> batch = new ArrayList<>();
    for (SyntheticDetectionData.Sample s : data.generate(images, rng)) {
      batch.add(s.image());
    }
    return new Case("detector", model, new int[] {config.channels(), config.imageSize(), config.imageSize()},
        stack(batch));
  }

  /** Stacks {@code [C, H, W]} (or {@code [1, C, H, W]}) images into {@code [N, C, H, W]}. */
  public static Tensor stack(List<Tensor> images) {
    int per = images.get(0).size();
    float[] all = new float[per * images.size()];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i).data(), 0, all, i * per, per);
    }
    int[] one = images.get(0).shape();
    int[] shape = one.length == 4 ? one.clone() : new int[] {0, one[0], one[1], one[2]};
    shape[0] = images.size();
    return Tensor.of(all, shape);
  }

  /** Gives every BatchNorm non-trivial running statistics, scale and shift, through the state dict. */
  public static void randomizeStatistics(Layer model, SplittableRandom rng) {
    Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
    for (Map.Entry<String, Tensor> e : state.entrySet()) {
      String key = e.getKey();
      boolean batchNorm = state.containsKey(prefix(key) + "running_var");
      if (!batchNorm) {
        continue;
      }
      float[] d = e.getValue().data();
      for (int i = 0; i < d.length; i++) {
        if (key.endsWith("running_var")) {
          d[i] = (float) rng.nextDouble(0.2, 2.0);
        } else if (key.endsWith("running_mean") || key.endsWith("bias")) {
          d[i] = (float) rng.nextDouble(-0.5, 0.5);
        } else if (key.endsWith("weight")) {
          d[i] = (float) rng.nextDouble(0.5, 1.5);
        }
      }
    }
  }

  private static String prefix(String key) {
    return key.substring(0, key.lastIndexOf('.') + 1);
  }

  /** The largest |a - b| over two tensors of the same size. */
  public static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("sizes differ: " + a.length + " and " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }
}
