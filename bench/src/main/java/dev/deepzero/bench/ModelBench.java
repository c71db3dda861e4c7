package dev.deepzero.bench;

import dev.deepzero.detect.Box;
import dev.deepzero.detect.LabeledBox;
import dev.deepzero.detect.YoloLoss;
import dev.deepzero.detect.YoloTargets;
import dev.deepzero.detect.YoloV1;
import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.loss.Loss;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.optim.Sgd;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.tensor.Workspace;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The cost of deepzero's models against batch size and input size, batch-1 latency and start-up: the deepzero
 * side of {@code bench/scaling.sh}, whose PyTorch side is {@code bench/peers/torch_cnn.py} with the same options.
 * It measures what {@code ./deepzero bench} does (random inputs, one fixed batch, the step {@code Trainer} takes
 * in a workspace scope, SGD, {@code predict} for inference) at sizes that command does not offer.
 *
 * <pre>
 * ModelBench --model NAME[,NAME] --points B@S[,B@S...] [--warmup N] [--warmup-seconds X] [--min-seconds X]
 *     one JSON line per point: train and inference images/s at batch B on S x S inputs, median call ms; each
 *     phase runs untimed calls, at least N and for at least X seconds, then timed calls, at least 3 and for at
 *     least --min-seconds (deep-cnn is not trained at batch 1: its BatchNorm after a Linear layer needs two
 *     values per feature)
 * ModelBench --model NAME --startup train|predict [--batch-size N] [--detect-batch N]
 *     builds the model, takes one training step (or one batch-1 prediction) and prints when it ended
 * ModelBench --parameters
 *     the parameter count of every model at its default size
 * </pre>
 *
 * Models: {@link Models#NAMES} (1 x S x S inputs, 10 classes; default S = 28) and {@code yolo-v1}, the default
 * detector ({@link YoloV1.Config#defaults}, 7 classes, 3 x S x S, default S = 64) with S = 8 cells when S / 8 is
 * a power of 2 and 7 otherwise (224 = 7 x 32, the paper's grid), trained with {@link YoloLoss}. Every line
 * carries the JDK, the kernels, the Vector API's preferred float lanes ({@code -XX:MaxVectorSize=32} caps them
 * at 8) and the thread count.
 */
public final class ModelBench {

  static final String DETECTOR = "yolo-v1";
  private static final int CLASSES = 10;
  private static final int DETECT_CLASSES = 7;
  // ./deepzero bench's learning rates (BenchCommand): they do not change the cost.
  private static final float CLASSIFIER_LR = 0.01f;
  private static final float DETECTOR_LR = 0.001f;

  private final Workspace workspace = new Workspace();

  private ModelBench() {}

  /** Runs the command line described in the class comment. */
  public static void main(String[] args) {
    Map<String, String> options = options(args);
    ModelBench bench = new ModelBench();
    if (options.containsKey("parameters")) {
      List<String> names = new ArrayList<>(Models.NAMES);
      names.add(DETECTOR);
      for (String name : names) {
        Workload w = workload(name, defaultSize(name), 1);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", name);
        r.put("image_size", w.size);
        r.put("parameters", w.model.parameterCount());
        System.out.println(json(r));
      }
      return;
    }
    String startup = options.get("startup");
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "3"));
    double warmupSeconds = Double.parseDouble(options.getOrDefault("warmup-seconds", "2"));
    double minSeconds = Double.parseDouble(options.getOrDefault("min-seconds", "2"));
    for (String name : required(options, "model").split(",")) {
      if (startup != null) {
        bench.startup(name, startup, Integer.parseInt(options.getOrDefault(
            name.equals(DETECTOR) ? "detect-batch" : "batch-size", name.equals(DETECTOR) ? "32" : "100")));
        continue;
      }
      for (String point : required(options, "points").split(",")) {
        String[] parts = point.split("@", 2);
        int batch = Integer.parseInt(parts[0]);
        int size = parts.length == 2 ? Integer.parseInt(parts[1]) : defaultSize(name);
        bench.point(name, size, batch, new Budget(warmup, warmupSeconds, minSeconds));
      }
    }
  }

  /** A model with its loss, optimizer and one fixed batch. */
  private record Workload(String name, int size, Sequential model, Loss loss, Sgd sgd, Tensor x, Tensor y) {}

  static int defaultSize(String name) {
    return name.equals(DETECTOR) ? 64 : 28;
  }

  /** Cells per side for a detector input of side {@code size}: 8 when size / 8 is a power of 2 (at least 2), else 7. */
  static int yoloGrid(int size) {
    for (int grid : new int[] {8, 7}) {
      int ratio = size / grid;
      if (size % grid == 0 && ratio >= 2 && Integer.bitCount(ratio) == 1) {
        return grid;
      }
    }
    throw new IllegalArgumentException("yolo-v1: image size " + size + " is neither 8 nor 7 times a power of 2");
  }

  /** Builds a model as {@code ./deepzero bench} does, at side {@code size}, with a random batch of {@code batch}. */
  static Workload workload(String name, int size, int batch) {
    SplittableRandom rng = new SplittableRandom(1);
    if (name.equals(DETECTOR)) {
      YoloV1.Config config = new YoloV1.Config(3, size, yoloGrid(size), 2, DETECT_CLASSES, 16, true);
      Sequential model = YoloV1.build(config, rng);
      List<List<LabeledBox>> objects = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        objects.add(List.of(new LabeledBox(Box.fromCenter(0.5, 0.5, 0.3, 0.3), i % DETECT_CLASSES)));
      }
      Tensor x = Tensor.uniform(rng, 0f, 1f, batch, 3, size, size);
      return new Workload(name, size, model, new YoloLoss(config.layout()), new Sgd(model.parameters(), DETECTOR_LR),
          x, new YoloTargets(config.layout()).encode(objects).targets());
    }
    Sequential model = Models.byName(name, 1, size, size, CLASSES, rng);
    Tensor y = Tensor.zeros(batch);
    for (int i = 0; i < batch; i++) {
      y.data()[i] = i % CLASSES;
    }
    return new Workload(name, size, model, new SoftmaxCrossEntropy(), new Sgd(model.parameters(), CLASSIFIER_LR),
        Tensor.uniform(rng, 0f, 1f, batch, 1, size, size), y);
  }

  /** One training step as {@code ./deepzero bench} and {@code Trainer} take it: in a workspace scope. */
  private void step(Workload w) {
    try (Workspace.Scope step = workspace.open()) {
      Tensor out = w.model.forward(w.x, Mode.TRAIN);
      w.loss.forward(out, w.y);
      w.sgd.zeroGrad();
      w.model.backward(w.loss.backward());
      w.sgd.step();
    }
  }

  /** False for deep-cnn at batch 1: its BatchNorm after a Linear layer cannot normalise one value per feature. */
  static boolean trainable(String name, int batch) {
    return batch > 1 || !name.equals("deep-cnn");
  }

  /** Timed calls of a phase: their count, total seconds and median seconds per call. */
  private record Timing(int calls, double seconds, double median) {}

  /**
   * How long a phase runs: untimed calls, at least {@code warmup} and for at least {@code warmupSeconds} (time,
   * not a call count, is what the JIT needs: a batch-1 call runs the kernels a few times, a batch-256 call
   * thousands), then timed calls, at least 3 and for at least {@code minSeconds}.
   * {@code bench/peers/torch_cnn.py --points} follows the same rule.
   */
  private record Budget(int warmup, double warmupSeconds, double minSeconds) {}

  private static Timing time(Runnable call, Budget budget) {
    long warmupStart = System.nanoTime();
    for (int i = 0; i < budget.warmup || System.nanoTime() - warmupStart < budget.warmupSeconds * 1e9; i++) {
      call.run();
    }
    List<Long> times = new ArrayList<>();
    long start = System.nanoTime();
    while (times.size() < 3 || System.nanoTime() - start < budget.minSeconds * 1e9) {
      long t = System.nanoTime();
      call.run();
      times.add(System.nanoTime() - t);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
    int n = sorted.length;
    double median = (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0) / 1e9;
    return new Timing(n, seconds, median);
  }

  private void point(String name, int size, int batch, Budget budget) {
    Workload w = workload(name, size, batch);
    Timing train = trainable(name, batch) ? time(() -> step(w), budget) : null;
    Timing infer = time(() -> w.model.predict(w.x), budget);
    Map<String, Object> r = system();
    r.put("model", name);
    r.put("image_size", size);
    r.put("batch_size", batch);
    r.put("parameters", w.model.parameterCount());
    if (train != null) {
      r.put("train_steps", train.calls);
      r.put("train_images_per_sec", round(train.calls * batch / train.seconds, 1));
      r.put("train_step_median_ms", round(train.median * 1e3, 3));
    }
    r.put("infer_calls", infer.calls);
    r.put("infer_images_per_sec", round(infer.calls * batch / infer.seconds, 1));
    r.put("infer_call_median_ms", round(infer.median * 1e3, 3));
    System.out.println(json(r));
  }

  private void startup(String name, String what, int trainBatch) {
    int size = defaultSize(name);
    if (what.equals("train")) {
      step(workload(name, size, trainBatch));
    } else if (what.equals("predict")) {
      workload(name, size, 1).model.predict(Tensor.uniform(new SplittableRandom(2), 0f, 1f, 1,
          name.equals(DETECTOR) ? 3 : 1, size, size));
    } else {
      throw new IllegalArgumentException("--startup must be train or predict, not " + what);
    }
    long done = System.currentTimeMillis();
    Map<String, Object> r = system();
    r.put("model", name);
    r.put("image_size", size);
    r.put("startup", what);
    r.put("done_epoch_ms", done);
    r.put("since_jvm_start_ms", done - ManagementFactory.getRuntimeMXBean().getStartTime());
    System.out.println(json(r));
  }

  /** The fields every line carries: what ran. */
  private static Map<String, Object> system() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("system", "deepzero");
    r.put("jdk", System.getProperty("java.vendor") + " " + Runtime.version());
    r.put("kernels", KernelProvider.get().name());
    r.put("vector_lanes", preferredFloatLanes());
    r.put("threads", Parallel.common().threads());
    r.put("optimizer", "sgd");
    return r;
  }

  /**
   * {@code FloatVector.SPECIES_PREFERRED.length()}, the lanes the panama kernels use, or 0 without the
   * {@code jdk.incubator.vector} module. By reflection: this module is compiled without the incubator module.
   */
  static int preferredFloatLanes() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return 0;
    }
    try {
      Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
      return (Integer) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("length").invoke(species);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read FloatVector.SPECIES_PREFERRED", e);
    }
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  /** A flat JSON object of strings and numbers, in the map's order. */
  static String json(Map<String, ?> fields) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      Object v = e.getValue();
      sb.append('"').append(e.getKey()).append("\": ");
      sb.append(v instanceof Number ? String.format(Locale.ROOT, "%s", v) : "\"" + v + "\"");
    }
    return sb.append('}').toString();
  }

  /** {@code --name value} pairs and bare {@code --flag}s. */
  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("ModelBench: expected an option, got '" + args[i] + "' in "
            + Arrays.toString(args));
      }
      String name = args[i].substring(2);
      boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
      options.put(name, hasValue ? args[++i] : "");
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("ModelBench: --" + name + " is required (see the class comment)");
    }
    return value;
  }
}
