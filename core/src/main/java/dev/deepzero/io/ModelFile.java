package dev.deepzero.io;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.LayerConfig;
import dev.deepzero.nn.StateDicts;
import dev.deepzero.nn.layers.Layers;
import dev.deepzero.tensor.InsufficientMemoryException;
import dev.deepzero.tensor.Limits;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A model in one file: its architecture and its weights, as a safetensors file (see {@link SafeTensors}) that
 * other tools can read.
 *
 * <ul>
 *   <li>The tensors are the model's {@link Layer#stateDict()} in float32, under the same names
 *       ({@code "0.weight"}, {@code "3.running_mean"}).
 *   <li>{@code __metadata__} holds {@code "deepzero.format": "1"}, {@code "deepzero.architecture"}: the JSON of
 *       {@link Layer#config()} (each layer is {@code {"type": .., "options": {..}}}), and the caller's own
 *       strings. Keys starting with {@code "deepzero."} are reserved.
 *   <li>Tensors whose names start with {@code "optimizer."} are a {@link Checkpoint}'s training state; loading
 *       a model ignores them, so a checkpoint is also a model file.
 * </ul>
 *
 * <p>Saving is atomic: an interrupted save leaves the previous file as it was. Loading rebuilds the layers with
 * {@link Layers#fromConfig} and copies the weights strictly: every problem (a missing, unexpected or mis-shaped
 * tensor, an unknown layer type, a file that holds weights only) is a {@link ModelFileException} whose
 * message starts with the file name and that names the tensor or metadata key concerned.
 */
public final class ModelFile {

  /** The metadata key of the format version. */
  public static final String FORMAT_KEY = "deepzero.format";
  /** The format version this class writes and reads. */
  public static final String FORMAT_VERSION = "1";
  /** The metadata key of the architecture JSON. */
  public static final String ARCHITECTURE_KEY = "deepzero.architecture";
  /** The prefix of the metadata keys deepzero reserves for itself. */
  public static final String RESERVED_PREFIX = "deepzero.";
  /** The conventional metadata key of the model's name, such as {@code "mlp"}. */
  public static final String MODEL_NAME_KEY = "model";
  /** The conventional metadata key of a description of the training data. */
  public static final String DATA_KEY = "data";
  /** The conventional metadata key of the class names, as a JSON array of strings. */
  public static final String CLASSES_KEY = "classes";

  /** The prefix of the tensors that are training state, not weights. */
  static final String OPTIMIZER_PREFIX = "optimizer.";

  /** The seed of layers that draw random numbers while training (Dropout) when the caller gives none. */
  private static final long DEFAULT_SEED = 0;

  private ModelFile() {}

  /**
   * A loaded model and its metadata.
   *
   * @param model the rebuilt model holding the saved weights
   * @param metadata the caller's metadata as saved, without the reserved {@code "deepzero."} keys
   */
  public record LoadedModel(Layer model, Map<String, String> metadata) {}

  /**
   * Saves {@code model}'s architecture and weights with {@code metadata} to {@code file}, atomically.
   *
   * @param model Not modified
   * @param metadata Not modified; keys must not start with {@code "deepzero."}
   * @throws IllegalArgumentException for a reserved metadata key, or an architecture that JSON cannot hold
   * @throws IOException if writing fails; {@code file} then keeps its old content
   */
  public static void save(Path file, Layer model, Map<String, String> metadata) throws IOException {
    SafeTensors.write(file, weights(model), metadata(model, metadata));
  }

  /** {@link #load(Path, SplittableRandom)} with a fixed seed for the layers that draw random numbers. */
  public static LoadedModel load(Path file) throws IOException {
    return load(file, new SplittableRandom(DEFAULT_SEED));
  }

  /**
   * Loads a model saved by {@link #save} (or a {@link Checkpoint}).
   *
   * @param rng seeds the generators of layers that draw random numbers while training, such as Dropout's masks
   *     (the weights it would draw are replaced by the file's)
   * @throws ModelFileException naming the file: not a valid safetensors file, no deepzero architecture
   *     (weights only: use {@link #loadWeights}), another format version, an unknown layer type, or tensors
   *     that do not match the architecture
   * @throws IOException if the file cannot be read
   */
  public static LoadedModel load(Path file, SplittableRandom rng) throws IOException {
    Built built = read(file, rng);
    return new LoadedModel(built.model(), userMetadata(built.contents().metadata()));
  }

  /**
   * {@code model}'s architecture and weights with {@code metadata}, as the bytes of the file {@link #save} writes:
   * for sending a model to another process (a Spark broadcast) without a file.
   *
   * @param model Not modified
   * @param metadata Not modified; keys must not start with {@code "deepzero."}
   */
  public static byte[] toBytes(Layer model, Map<String, String> metadata) {
    return SafeTensors.toBytes(weights(model), metadata(model, metadata));
  }

  /**
   * {@link #load(Path, SplittableRandom)} of a model file held in memory, such as {@link #toBytes} made it.
   *
   * @param name names the bytes in error messages
   * @param bytes Not modified
   */
  public static LoadedModel load(String name, byte[] bytes, SplittableRandom rng) {
    try {
      Built built = read(Path.of(name), check -> SafeTensors.read(name, bytes, check), rng);
      return new LoadedModel(built.model(), userMetadata(built.contents().metadata()));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an array source never throws it
    }
  }

  /**
   * Copies the weights of {@code file} into {@code model}, strictly: for safetensors files written by other tools
   * (such as PyTorch's {@code save_file(model.state_dict())}) whose tensor names follow the same scheme.
   * Tensors named {@code "optimizer.*"} are ignored.
   *
   * @param model Modified: its parameters and buffers
   * @throws ModelFileException naming the file and every missing, unexpected or mis-shaped tensor, or the
   *     problem with the safetensors file; the model is then unchanged
   */
  public static void loadWeights(Path file, Layer model) throws IOException {
    loadWeights(file, SafeTensors.read(file).tensors(), model);
  }

  // ---------------------------------------------------------------- shared with Checkpoint

  /** The model's state dict, checked against the reserved optimizer prefix. */
  static Map<String, Tensor> weights(Layer model) {
    Map<String, Tensor> state = model.stateDict();
    for (String key : state.keySet()) {
      if (key.startsWith(OPTIMIZER_PREFIX)) {
        throw new IllegalArgumentException("cannot save a model whose state-dict key '" + key + "' starts with '"
            + OPTIMIZER_PREFIX + "', which model files reserve for training state");
      }
    }
    return state;
  }

  /** The caller's metadata plus the format and architecture entries. */
  static Map<String, String> metadata(Layer model, Map<String, String> user) {
    for (String key : user.keySet()) {
      if (key.startsWith(RESERVED_PREFIX)) {
        throw new IllegalArgumentException("metadata key '" + key + "' starts with '" + RESERVED_PREFIX
            + "', which deepzero reserves");
      }
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put(FORMAT_KEY, FORMAT_VERSION);
    all.put(ARCHITECTURE_KEY, architectureJson(model.config()));
    all.putAll(user);
    return all;
  }

  /** The metadata without the reserved keys. */
  static Map<String, String> userMetadata(Map<String, String> metadata) {
    Map<String, String> user = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (!e.getKey().startsWith(RESERVED_PREFIX)) {
        user.put(e.getKey(), e.getValue());
      }
    }
    return user;
  }

  /** A model read from a file, and everything the file holds (a checkpoint also needs its training state). */
  record Built(Layer model, SafeTensors.Contents contents) {}

  /**
   * The model described by the file's architecture, holding the file's weights. The architecture is checked
   * against the tensors in the header before anything is allocated: a file cannot make the loader build
   * layers larger than the weights it actually holds.
   */
  static Built read(Path file, SplittableRandom rng) throws IOException {
    return read(file, check -> SafeTensors.read(file, check), rng);
  }

  /** Reads safetensors contents, showing the validated header to {@code check} before any tensor is allocated. */
  private interface ContentsReader {
    SafeTensors.Contents read(Consumer<SafeTensors.Header> check) throws IOException;
  }

  private static Built read(Path file, ContentsReader reader, SplittableRandom rng) throws IOException {
    LayerConfig[] architecture = new LayerConfig[1];
    SafeTensors.Contents contents = reader.read(header -> architecture[0] = architecture(file, header));
    Layer model;
    try {
      Limits.requireHeap(elements(contents.tensors()) * Float.BYTES, "building the model");
      model = Layers.fromConfig(architecture[0], rng);
    } catch (InsufficientMemoryException e) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, null, e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, ARCHITECTURE_KEY, "cannot rebuild the model"
          + " from '" + ARCHITECTURE_KEY + "': " + e.getMessage(), e);
    }
    loadWeights(file, contents.tensors(), model);
    return new Built(model, contents);
  }

  /** The elements of the tensors that are weights, not training state. */
  private static long elements(Map<String, Tensor> tensors) {
    long n = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (!e.getKey().startsWith(OPTIMIZER_PREFIX)) {
        n += e.getValue().size();
      }
    }
    return n;
  }

  /**
   * The architecture of a deepzero model file, checked against the tensors its header declares: every tensor
   * the architecture's layers hold is present with the same shape, and no other (training state aside).
   */
  private static LayerConfig architecture(Path file, SafeTensors.Header header) {
    Map<String, String> metadata = header.metadata();
    String format = metadata.get(FORMAT_KEY);
    String architecture = metadata.get(ARCHITECTURE_KEY);
    if (format == null && architecture == null) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, ARCHITECTURE_KEY, "holds weights only ("
          + header.entries().size() + " tensors) and no deepzero architecture ('" + ARCHITECTURE_KEY + "' in "
          + "__metadata__); it was probably written by another tool such as PyTorch. Build the model in code and "
          + "use ModelFile.loadWeights");
    }
    if (format == null || architecture == null) {
      String missing = format == null ? FORMAT_KEY : ARCHITECTURE_KEY;
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, missing, "'" + missing + "' is missing"
          + " from __metadata__, which a deepzero model file always has");
    }
    if (!FORMAT_VERSION.equals(format)) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, FORMAT_KEY, "deepzero model format '"
          + format + "'; this version reads format " + FORMAT_VERSION);
    }
    LayerConfig config;
    Map<String, int[]> expected;
    try {
      config = parseArchitecture(architecture);
      expected = Layers.stateShapes(config);
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, ARCHITECTURE_KEY, "cannot rebuild the model"
          + " from '" + ARCHITECTURE_KEY + "': " + e.getMessage(), e);
    }
    Map<String, int[]> present = new LinkedHashMap<>();
    for (SafeTensors.Entry e : header.entries()) {
      if (!e.name().startsWith(OPTIMIZER_PREFIX)) {
        present.put(e.name(), e.shape());
      }
    }
    List<String> problems = new ArrayList<>();
    TreeSet<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(present.keySet());
    TreeSet<String> unexpected = new TreeSet<>(present.keySet());
    unexpected.removeAll(expected.keySet());
    if (!missing.isEmpty()) {
      problems.add("missing tensors " + missing);
    }
    if (!unexpected.isEmpty()) {
      problems.add("unexpected tensors " + unexpected);
    }
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      int[] shape = present.get(e.getKey());
      if (shape != null && !Arrays.equals(shape, e.getValue())) {
        problems.add("tensor '" + e.getKey() + "' has shape " + Arrays.toString(shape) + ", the architecture needs "
            + Arrays.toString(e.getValue()));
      }
    }
    if (!problems.isEmpty()) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, ARCHITECTURE_KEY, "the tensors do not fit "
          + "the architecture in '" + ARCHITECTURE_KEY + "' (nothing was allocated): " + String.join("; ", problems));
    }
    return config;
  }

  /**
   * Copies the weights (not the training state) of {@code tensors} into {@code model} after checking that every
   * tensor is finite and that the values fit the layers ({@link Layers#checkState}): a NaN weight or a negative
   * variance would otherwise load silently and make every prediction NaN or wrong.
   */
  private static void loadWeights(Path file, Map<String, Tensor> tensors, Layer model) {
    Map<String, Tensor> weights = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      requireFinite(file, e.getKey(), e.getValue());
      if (!e.getKey().startsWith(OPTIMIZER_PREFIX)) {
        weights.put(e.getKey(), e.getValue());
      }
    }
    try {
      Layers.checkState(model.config(), weights);
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, null, e.getMessage(), e);
    }
    try {
      StateDicts.load(model.stateDict(), weights);
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, null, "the weights do not fit the model: "
          + e.getMessage(), e);
    }
  }

  private static void requireFinite(Path file, String key, Tensor t) {
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        throw new ModelFileException(file, ModelFileException.NO_OFFSET, key, "tensor '" + key + "' holds " + d[i]
            + " at index " + i + " (of " + d.length + "); a model's weights and statistics must be finite");
      }
    }
  }

  // ---------------------------------------------------------------- architecture <-> JSON

  /**
   * The architecture JSON of {@code config}, as a model file holds it under {@link #ARCHITECTURE_KEY}: for
   * tools that rebuild a model from it with {@link #parseArchitecture}.
   */
  public static String architectureJson(LayerConfig config) {
    return Json.write(toJson(config));
  }

  /**
   * A new model built from architecture JSON such as {@link #architectureJson} returns, its weights initialised as
   * its layers' constructors do.
   *
   * @param rng draws the initial weights (and seeds Dropout)
   * @throws IllegalArgumentException for JSON that does not describe deepzero layers
   */
  public static Layer fromArchitecture(String json, SplittableRandom rng) {
    return Layers.fromConfig(parseArchitecture(json), rng);
  }

  /**
   * Parses {@link #architectureJson}'s output ({@code {"type": .., "options": {..}}}, nested for containers).
   *
   * @throws IllegalArgumentException naming the part of the tree that is not a layer config
   */
  public static LayerConfig parseArchitecture(String json) {
    return fromJson(Json.parse(json), "architecture");
  }

  /** A layer config as JSON values: {@code {"type": .., "options": {..}}}. */
  static Map<String, Object> toJson(LayerConfig config) {
    Map<String, Object> options = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : config.options().entrySet()) {
      Object v = e.getValue();
      if (v instanceof List) {
        List<Object> layers = new ArrayList<>();
        for (Object item : (List<?>) v) {
          if (!(item instanceof LayerConfig)) {
            throw new IllegalArgumentException(config.type() + ": option '" + e.getKey()
                + "' is a list of something other than layer configs: " + item);
          }
          layers.add(toJson((LayerConfig) item));
        }
        v = layers;
      } else if (!(v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof int[])) {
        throw new IllegalArgumentException(config.type() + ": option '" + e.getKey() + "' has a value a model file "
            + "cannot hold: " + v);
      }
      options.put(e.getKey(), v);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("type", config.type());
    json.put("options", options);
    return json;
  }

  /**
   * The layer config of parsed JSON; {@code path} locates it in the tree for error messages. Integers that fit
   * become {@link Integer}s, arrays of integers {@code int[]}, arrays of objects lists of configs.
   */
  static LayerConfig fromJson(Object json, String path) {
    if (!(json instanceof Map) || !(((Map<?, ?>) json).get("type") instanceof String)
        || !(((Map<?, ?>) json).get("options") instanceof Map) || ((Map<?, ?>) json).size() != 2) {
      throw new IllegalArgumentException(path + " must be {\"type\": <string>, \"options\": {..}}, got "
          + Json.excerpt(json));
    }
    Map<?, ?> map = (Map<?, ?>) json;
    String type = (String) map.get("type");
    Map<String, Object> options = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) map.get("options")).entrySet()) {
      String name = (String) e.getKey();
      options.put(name, optionFromJson(e.getValue(), path + " (" + type + ") option '" + name + "'"));
    }
    return new LayerConfig(type, options);
  }

  private static Object optionFromJson(Object v, String path) {
    if (v instanceof Long && (Long) v >= Integer.MIN_VALUE && (Long) v <= Integer.MAX_VALUE) {
      return ((Long) v).intValue();
    }
    if (v instanceof Number || v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof List) {
      List<?> list = (List<?>) v;
      if (!list.isEmpty() && list.stream().allMatch(item -> item instanceof Map)) {
        List<LayerConfig> layers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          layers.add(fromJson(list.get(i), path + "[" + i + "]"));
        }
        return layers;
      }
      int[] ints = new int[list.size()];
      for (int i = 0; i < ints.length; i++) {
        Object item = optionFromJson(list.get(i), path + "[" + i + "]");
        if (!(item instanceof Integer)) {
          throw new IllegalArgumentException(path + " must be a list of integers or of layers, got " + Json.excerpt(v));
        }
        ints[i] = (Integer) item;
      }
      return ints;
    }
    throw new IllegalArgumentException(path + " has an unsupported value " + Json.excerpt(v));
  }
}
