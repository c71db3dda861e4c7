package dev.deepzero.train;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.tensor.Limits;
import dev.deepzero.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * Whether a training batch fits in the heap, checked before training so that an impossible batch size is a
 * message ("would need N GB, the heap has M") rather than an OutOfMemoryError after the data has loaded.
 *
 * <p>The estimate: a training step keeps every layer's output for the backward pass, one gradient of the same
 * size, and scratch of about that size again (a convolution's unfolded columns), so it needs about
 * {@code 3 · 4 bytes · Σ_layers outputElements(one sample) · batch}; the per-sample sizes come from one forward
 * pass of a zero sample in eval mode. It leaves out the weights and the optimizer state, which do not grow with
 * the batch. (deep-cnn at batch 5000 was estimated at 6.2 GB with two copies and ran out of a 6.3 GB heap.)
 */
public final class TrainingMemory {

  private static final long BYTES_PER_ELEMENT_AND_GRADIENT = 3L * Float.BYTES;

  private TrainingMemory() {}

  /**
   * The bytes of activations and gradients one training sample of {@code sampleShape} needs.
   *
   * @param model Not modified (a forward pass in eval mode)
   */
  public static long bytesPerSample(Layer model, int... sampleShape) {
    int[] batched = new int[sampleShape.length + 1];
    batched[0] = 1;
    System.arraycopy(sampleShape, 0, batched, 1, sampleShape.length);
    Tensor x = Tensor.zeros(batched);
    long elements = x.size();
    List<Layer> layers = model instanceof Sequential s ? s.layers() : List.of(model);
    for (Layer layer : layers) {
      x = layer.forward(x, Mode.EVAL);
      elements += x.size();
    }
    return elements * BYTES_PER_ELEMENT_AND_GRADIENT;
  }

  /**
   * Checks that a training step on {@code batchSize} samples fits in the heap ({@link Limits#requireHeap}).
   *
   * @throws dev.deepzero.tensor.InsufficientMemoryException saying how much it would need, how much the heap
   *     has, and the largest batch that fits now
   */
  public static void check(Layer model, int[] sampleShape, int batchSize) {
    long perSample = bytesPerSample(model, sampleShape);
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    Limits.requireHeap(perSample * batchSize, String.format(Locale.ROOT, "a training batch of %d samples (%s each"
        + " for activations and gradients; a batch size up to about %d fits)", batchSize,
        Limits.formatBytes(perSample), Math.max(1, free / perSample)));
  }
}
