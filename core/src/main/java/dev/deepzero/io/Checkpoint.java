package dev.deepzero.io;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Parameter;
import dev.deepzero.optim.Optimizer;
import dev.deepzero.optim.Optimizers;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Everything needed to continue training: a {@link ModelFile} (architecture and weights) plus the optimizer's
 * state and the position in the training run, in one safetensors file.
 *
 * <ul>
 *   <li>Tensors: the model's state dict, and the optimizer's {@link Optimizer#stateDict()} under
 *       {@code "optimizer."} ({@code "optimizer.0.exp_avg"}, {@code "optimizer.step"}).
 *   <li>Metadata: the model file's entries, {@code "deepzero.checkpoint.*"} entries for the optimizer's name,
 *       learning rate and weight decay and for the {@link TrainingState}, and the caller's own strings (such as
 *       {@link ModelFile#MODEL_NAME_KEY}, {@link ModelFile#DATA_KEY} and {@link ModelFile#CLASSES_KEY}).
 * </ul>
 *
 * <p>The seed and the completed epoch are the whole random state of the sample order, because the trainer
 * derives each epoch's order from the seed and the epoch number alone, and restarts augmentation and Dropout's
 * masks from them at every epoch ({@code Layer.reseed}). So a run resumed with
 * {@code fit(train, validation, config, state.epoch() + 1)} repeats an uninterrupted run exactly, Dropout
 * included, although the mask generator itself is not saved. The optimizer is rebuilt by
 * {@link Optimizers#byName} with the saved learning rate and weight decay and that method's defaults for the
 * rest (momentum coefficient, Adam's betas and epsilon). Its step count is saved as a float32 tensor, so it is
 * exact up to 2^24 steps.
 *
 * <p>A checkpoint is also a model file: {@link ModelFile#load} reads it and ignores the optimizer state.
 */
public final class Checkpoint {

  private static final String PREFIX = ModelFile.RESERVED_PREFIX + "checkpoint.";
  private static final String OPTIMIZER_KEY = PREFIX + "optimizer";
  private static final String LEARNING_RATE_KEY = PREFIX + "learning_rate";
  private static final String WEIGHT_DECAY_KEY = PREFIX + "weight_decay";
  private static final String EPOCH_KEY = PREFIX + "epoch";
  private static final String SEED_KEY = PREFIX + "seed";
  private static final String BATCH_SIZE_KEY = PREFIX + "batch_size";
  private static final String SHUFFLE_KEY = PREFIX + "shuffle";

  private Checkpoint() {}

  /**
   * Where a training run stands: what, together with the total number of epochs, makes its trainer config.
   *
   * @param epoch the number of epochs completed, non-negative; a resumed run starts at {@code epoch + 1}
   * @param seed the seed of the sample order
   * @param batchSize samples per step, positive
   * @param shuffle whether each epoch visits the samples in a new random order
   */
  public record TrainingState(int epoch, long seed, int batchSize, boolean shuffle) {
    /** Checks the values. */
    public TrainingState {
      if (epoch < 0 || batchSize <= 0) {
        throw new IllegalArgumentException("TrainingState: need epoch >= 0 and batch size > 0, got " + epoch + " and "
            + batchSize);
      }
    }
  }

  /**
   * How to rebuild the optimizer.
   *
   * @param name a name {@link Optimizers#byName} knows, such as {@code "adam"}
   * @param learningRate the learning rate when the checkpoint was taken
   * @param weightDecay the L2 coefficient
   */
  public record OptimizerSpec(String name, float learningRate, float weightDecay) {}

  /**
   * A loaded checkpoint.
   *
   * @param file where it was read from, for messages
   * @param model the rebuilt model holding the saved weights
   * @param optimizer how to rebuild the optimizer
   * @param optimizerState the optimizer's saved state, keys without the {@code "optimizer."} prefix
   * @param state where training stood
   * @param metadata the caller's metadata, without the reserved {@code "deepzero."} keys
   */
  public record Loaded(Path file, Layer model, OptimizerSpec optimizer, Map<String, Tensor> optimizerState,
      TrainingState state, Map<String, String> metadata) {

    /**
     * A new optimizer over {@code model()}'s parameters, built from {@link #optimizer()} and holding the saved
     * state, ready for the next step.
     *
     * @throws ModelFileException naming the file if the saved state does not fit the model's parameters
     */
    public Optimizer restoreOptimizer() {
      Optimizer restored = Optimizers.byName(optimizer.name(), model.parameters(), optimizer.learningRate(),
          optimizer.weightDecay());
      try {
        restored.loadStateDict(optimizerState);
      } catch (IllegalArgumentException e) {
        throw new ModelFileException(file, ModelFileException.NO_OFFSET, null, "the optimizer state does not fit the"
            + " model (" + optimizer.name() + "): " + e.getMessage(), e);
      }
      return restored;
    }
  }

  /**
   * Saves {@code model}, {@code optimizer}'s state and {@code state} with {@code metadata} to {@code file},
   * atomically.
   *
   * @param model Not modified
   * @param optimizer Not modified; must update exactly {@code model}'s parameters, in order
   * @param metadata Not modified; keys must not start with {@code "deepzero."}
   * @throws IllegalArgumentException if the optimizer is not over the model's parameters or has no name
   *     {@link Optimizers#byName} knows, or for a reserved metadata key
   * @throws IOException if writing fails; {@code file} then keeps its old content
   */
  public static void save(Path file, Layer model, Optimizer optimizer, TrainingState state,
      Map<String, String> metadata) throws IOException {
    List<Parameter> modelParameters = model.parameters();
    List<Parameter> optimized = optimizer.parameters();
    boolean same = modelParameters.size() == optimized.size();
    for (int i = 0; same && i < optimized.size(); i++) {
      same = modelParameters.get(i) == optimized.get(i);
    }
    if (!same) {
      throw new IllegalArgumentException("Checkpoint.save: " + optimizer + " updates " + optimized.size()
          + " parameters that are not the model's " + modelParameters.size() + " parameters in order");
    }
    String name = optimizer.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    if (!Optimizers.NAMES.contains(name)) {
      throw new IllegalArgumentException("Checkpoint.save: cannot record " + optimizer + ": Optimizers.byName "
          + "rebuilds only " + String.join(", ", Optimizers.NAMES));
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>(ModelFile.weights(model));
    for (Map.Entry<String, Tensor> e : optimizer.stateDict().entrySet()) {
      tensors.put(ModelFile.OPTIMIZER_PREFIX + e.getKey(), e.getValue());
    }
    Map<String, String> all = ModelFile.metadata(model, metadata);
    all.put(OPTIMIZER_KEY, name);
    all.put(LEARNING_RATE_KEY, Float.toString(optimizer.learningRate()));
    all.put(WEIGHT_DECAY_KEY, Float.toString(optimizer.weightDecay()));
    all.put(EPOCH_KEY, Integer.toString(state.epoch()));
    all.put(SEED_KEY, Long.toString(state.seed()));
    all.put(BATCH_SIZE_KEY, Integer.toString(state.batchSize()));
    all.put(SHUFFLE_KEY, Boolean.toString(state.shuffle()));
    SafeTensors.write(file, tensors, all);
  }

  /** {@link #load(Path, SplittableRandom)} with a fixed seed for the layers that draw random numbers. */
  public static Loaded load(Path file) throws IOException {
    return load(file, new SplittableRandom(0));
  }

  /**
   * Loads a checkpoint saved by {@link #save}.
   *
   * @param rng seeds the generators of layers that draw random numbers while training (Dropout)
   * @throws ModelFileException naming the file: everything {@link ModelFile#load} rejects, a model file
   *     without training state, or a malformed training-state entry
   * @throws IOException if the file cannot be read
   */
  public static Loaded load(Path file, SplittableRandom rng) throws IOException {
    ModelFile.Built built = ModelFile.read(file, rng);
    SafeTensors.Contents contents = built.contents();
    Layer model = built.model();
    Map<String, String> meta = contents.metadata();
    if (!meta.containsKey(EPOCH_KEY)) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, EPOCH_KEY, "is a model file without training state ('" + EPOCH_KEY
          + "' is missing), so training cannot resume from it; load it with ModelFile.load instead");
    }
    OptimizerSpec optimizer = new OptimizerSpec(string(file, meta, OPTIMIZER_KEY),
        parse(file, meta, LEARNING_RATE_KEY, Float::parseFloat),
        parse(file, meta, WEIGHT_DECAY_KEY, Float::parseFloat));
    int epoch = parse(file, meta, EPOCH_KEY, Integer::parseInt);
    long seed = parse(file, meta, SEED_KEY, Long::parseLong);
    int batchSize = parse(file, meta, BATCH_SIZE_KEY, Integer::parseInt);
    boolean shuffle = parse(file, meta, SHUFFLE_KEY, Checkpoint::parseBoolean);
    TrainingState state;
    try {
      state = new TrainingState(epoch, seed, batchSize, shuffle);
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, null, e.getMessage(), e);
    }
    Map<String, Tensor> optimizerState = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : contents.tensors().entrySet()) {
      if (e.getKey().startsWith(ModelFile.OPTIMIZER_PREFIX)) {
        optimizerState.put(e.getKey().substring(ModelFile.OPTIMIZER_PREFIX.length()), e.getValue());
      }
    }
    return new Loaded(file, model, optimizer, optimizerState, state, ModelFile.userMetadata(meta));
  }

  private static String string(Path file, Map<String, String> meta, String key) {
    String value = meta.get(key);
    if (value == null) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, key, "checkpoint entry '" + key
          + "' is missing from __metadata__");
    }
    return value;
  }

  private static <T> T parse(Path file, Map<String, String> meta, String key, Function<String, T> parser) {
    String value = string(file, meta, key);
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(file, ModelFileException.NO_OFFSET, key, "checkpoint entry '" + key
          + "' has the malformed value '" + value + "'", e);
    }
  }

  private static boolean parseBoolean(String s) {
    if (!s.equals("true") && !s.equals("false")) {
      throw new IllegalArgumentException("not true or false: " + s);
    }
    return Boolean.parseBoolean(s);
  }
}
