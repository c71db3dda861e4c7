package dev.deepzero.interop.pytorch;

import dev.deepzero.io.SafeTensors;
import dev.deepzero.nn.Layer;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a PyTorch {@code state_dict} saved as safetensors into a deepzero network of the same architecture.
 *
 * <p>deepzero's state-dict keys already follow PyTorch's scheme ({@code torch.nn.Sequential} numbering:
 * {@code 0.weight}, {@code 1.running_mean}, ...), weights have PyTorch's layouts (Linear {@code [out, in]},
 * Conv2d {@code [out, in, k, k]}) and BatchNorm keeps the same unbiased running variance, so a Sequential built
 * layer for layer like deepzero's loads as it is. What differs:
 *
 * <ul>
 *   <li>{@code num_batches_tracked} (an I64 scalar per BatchNorm) has no deepzero counterpart: it is checked
 *       to be a scalar and dropped;
 *   <li>integer and half-precision tensors (I64, I32, F16, BF16) are converted to float32 by the reader;
 *   <li>where the names differ (a Sequential held as an attribute, a deepzero Normalize in front that the
 *       PyTorch model has not), a name map renames key prefixes, the longest matching prefix first:
 *       {@code {"features.": "1."}} turns {@code features.0.weight} into {@code 1.0.weight} for a deepzero
 *       {@code Sequential(Normalize, Sequential(...))}.
 * </ul>
 *
 * <p>Loading is strict: a missing, extra or mis-shaped tensor is an error naming every offending key, and the
 * network is then unchanged.
 */
public final class PyTorchImport {

  /** The suffix of BatchNorm's step counter in PyTorch state dicts. */
  public static final String NUM_BATCHES_TRACKED = "num_batches_tracked";

  private PyTorchImport() {}

  /**
   * The tensors of {@code file} renamed to deepzero's keys.
   *
   * @param renames key prefix to its replacement (not modified); the longest matching prefix applies
   * @throws IllegalArgumentException naming the file, for a malformed file or a {@code num_batches_tracked}
   *     that is not a scalar
   * @throws IOException if the file cannot be read
   */
  public static Map<String, Tensor> stateDict(Path file, Map<String, String> renames) throws IOException {
    List<Map.Entry<String, String>> byLength = new ArrayList<>(renames.entrySet());
    byLength.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : SafeTensors.read(file).tensors().entrySet()) {
      String key = e.getKey();
      if (key.equals(NUM_BATCHES_TRACKED) || key.endsWith("." + NUM_BATCHES_TRACKED)) {
        if (e.getValue().size() != 1) {
          throw new IllegalArgumentException(file + ": '" + key + "' should be a scalar step counter, got shape "
              + e.getValue().shapeString());
        }
        continue;
      }
      for (Map.Entry<String, String> r : byLength) {
        if (key.startsWith(r.getKey())) {
          key = r.getValue() + key.substring(r.getKey().length());
          break;
        }
      }
      if (out.put(key, e.getValue()) != null) {
        throw new IllegalArgumentException(file + ": two tensors are renamed to '" + key + "'");
      }
    }
    return out;
  }

  /**
   * Copies the state dict in {@code file} (renamed by {@code renames}) into {@code model}.
   *
   * @param model Modified: its parameters and buffers
   * @throws IllegalArgumentException naming the file and every missing, unexpected or mis-shaped key
   * @throws IOException if the file cannot be read
   */
  public static void load(Path file, Map<String, String> renames, Layer model) throws IOException {
    Map<String, Tensor> state = stateDict(file, renames);
    try {
      model.loadStateDict(state);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the PyTorch state dict does not fit the deepzero model: "
          + e.getMessage(), e);
    }
  }
}
