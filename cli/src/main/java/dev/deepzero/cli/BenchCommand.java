package dev.deepzero.cli;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.detect.Box;
import dev.deepzero.detect.LabeledBox;
import dev.deepzero.detect.YoloLoss;
import dev.deepzero.detect.YoloTargets;
import dev.deepzero.detect.YoloV1;
import dev.deepzero.loss.Loss;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.optim.Sgd;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.tensor.Workspace;
import dev.deepzero.train.Trainer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deepzero bench}: end-to-end training and inference throughput per model. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure steady-state training and inference throughput (images/s) of a model on"
        + " Fashion-MNIST-shaped data (1x28x28, 10 classes; random pixels: the cost does not depend on them).")
final class BenchCommand implements Callable<Integer> {

  private final Workspace workspace = new Workspace();

  @Option(names = "--model", defaultValue = "simple-cnn", split = ",",
      description = "Model(s), comma-separated: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      completionCandidates = ModelNames.class)
  List<String> models;

  @Option(names = "--batch-size", defaultValue = "100", description = "Training batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--infer-batch-size", defaultValue = "1000", description = "Inference batch size (default: ${DEFAULT-VALUE}).")
  int inferBatchSize;

  @Option(names = "--warmup", defaultValue = "30", description = "Training batches before timing (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--batches", defaultValue = "150", description = "Timed training batches (default: ${DEFAULT-VALUE}).")
  int batches;

  @Option(names = "--json", description = "Print one JSON line per model instead of a table.")
  boolean json;

  @Option(names = "--profile", description = "Also print where a training step's time goes: forward and backward"
      + " milliseconds per layer, loss and optimizer, averaged over --batches steps (with --detect, for the"
      + " detector too).")
  boolean profile;

  @Option(names = "--detect", description = "Also measure the default YOLOv1 detector (detect-train's defaults:"
      + " 3x64x64, S=8, B=2, width 16), trained with the YOLO loss on batches of --detect-batch-size.")
  boolean detect;

  @Option(names = "--detect-batch-size", defaultValue = "32",
      description = "Detector batch size for training and inference (default: ${DEFAULT-VALUE}).")
  int detectBatchSize;

  /** The classes of the default synthetic detection set (Fashion-MNIST, tops merged). */
  private static final int DETECT_CLASSES = 7;

  @Override
  public Integer call() {
    Options.atLeast("--batch-size", batchSize, 1);
    Options.atLeast("--infer-batch-size", inferBatchSize, 1);
    Options.atLeast("--warmup", warmup, 0);
    Options.atLeast("--batches", batches, 1);
    Options.atLeast("--detect-batch-size", detectBatchSize, 1);
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    String jdk = System.getProperty("java.vendor") + " " + Runtime.version();
    if (!json) {
      System.out.printf("JDK %s, kernels %s, %d threads%n", jdk, KernelProvider.get().name(), Parallel.common().threads());
      System.out.printf("%-12s %14s %14s %12s%n", "model", "train img/s", "infer img/s", "1st step ms");
    }
    boolean first = true;
    for (String name : models) {
      SplittableRandom rng = new SplittableRandom(1);
      Sequential model = Models.byName(name, 1, 28, 28, 10, rng);
      SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
      Sgd sgd = new Sgd(model.parameters(), 0.01f);
      Trainer trainer = new Trainer(model, loss, sgd);
      Tensor x = Tensor.uniform(rng, 0f, 1f, batchSize, 1, 28, 28);
      Tensor y = Tensor.zeros(batchSize);
      for (int i = 0; i < batchSize; i++) {
        y.data()[i] = i % 10;
      }
      trainer.step(x, y);
      long firstStepMs = System.currentTimeMillis() - jvmStart;
      for (int i = 1; i < warmup; i++) {
        trainer.step(x, y);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        trainer.step(x, y);
      }
      double train = (double) batches * batchSize / ((System.nanoTime() - t0) / 1e9);

      Tensor xi = Tensor.uniform(rng, 0f, 1f, inferBatchSize, 1, 28, 28);
      for (int i = 0; i < 3; i++) {
        model.predict(xi);
      }
      int rounds = Math.max(3, 20_000 / inferBatchSize);
      long t1 = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        model.predict(xi);
      }
      double infer = (double) rounds * inferBatchSize / ((System.nanoTime() - t1) / 1e9);
      report(jdk, name, batchSize, train, inferBatchSize, infer, first ? Long.toString(firstStepMs) : null);
      if (profile) {
        profile(model, loss, sgd, x, y);
      }
      first = false;
    }
    if (detect) {
      benchDetector(jdk);
    }
    return 0;
  }

  private void report(String jdk, String name, int trainBatch, double train, int inferBatch, double infer,
      String firstStepMs) {
    if (json) {
      System.out.printf(Locale.ROOT, "{\"system\":\"deepzero\",\"jdk\":\"%s\",\"kernels\":\"%s\",\"threads\":%d,"
          + "\"model\":\"%s\",\"batch_size\":%d,\"train_images_per_sec\":%.1f,\"infer_batch_size\":%d,"
          + "\"infer_images_per_sec\":%.1f,\"first_step_ms\":%s}%n", jdk, KernelProvider.get().name(),
          Parallel.common().threads(), name, trainBatch, train, inferBatch, infer,
          firstStepMs == null ? "null" : firstStepMs);
    } else {
      System.out.printf("%-12s %,14.0f %,14.0f %12s%n", name, train, infer, firstStepMs == null ? "-" : firstStepMs);
    }
  }

  /**
   * Training and inference images/s of {@code detect-train}'s default network. The targets hold one object per
   * image (the loss's cost barely depends on them). Warm-up is --warmup batches, as for the classifiers: the
   * Vector API kernels are slow until the JIT has compiled them; the timed batches are a fifth of --batches.
   */
  private void benchDetector(String jdk) {
    SplittableRandom rng = new SplittableRandom(1);
    YoloV1.Config config = YoloV1.Config.defaults(DETECT_CLASSES);
    Sequential model = YoloV1.build(config, rng);
    YoloLoss loss = new YoloLoss(config.layout());
    Trainer trainer = new Trainer(model, loss, new Sgd(model.parameters(), 0.001f));
    int size = config.imageSize();
    Tensor x = Tensor.uniform(rng, 0f, 1f, detectBatchSize, config.channels(), size, size);
    List<List<LabeledBox>> objects = new ArrayList<>();
    for (int i = 0; i < detectBatchSize; i++) {
      objects.add(List.of(new LabeledBox(Box.fromCenter(0.5, 0.5, 0.3, 0.3), i % DETECT_CLASSES)));
    }
    Tensor y = new YoloTargets(config.layout()).encode(objects).targets();
    int timed = Math.max(3, batches / 5);
    for (int i = 0; i < Math.max(2, warmup); i++) {
      trainer.step(x, y);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < timed; i++) {
      trainer.step(x, y);
    }
    double train = (double) timed * detectBatchSize / ((System.nanoTime() - t0) / 1e9);
    for (int i = 0; i < Math.max(2, warmup); i++) {
      model.predict(x);
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < timed; i++) {
      model.predict(x);
    }
    double infer = (double) timed * detectBatchSize / ((System.nanoTime() - t1) / 1e9);
    report(jdk, "yolo-v1@" + size, detectBatchSize, train, detectBatchSize, infer, null);
    if (profile) {
      profile(model, loss, new Sgd(model.parameters(), 0.001f), x, y);
    }
  }

  /**
   * Times each layer's forward and backward pass, the loss and the optimizer over --batches training steps and
   * prints milliseconds per step. The sum is a little above the step time measured without the timers.
   */
  private void profile(Sequential model, Loss loss, Sgd sgd, Tensor x, Tensor y) {
    List<Layer> layers = model.layers();
    int count = layers.size();
    long[] forwardNs = new long[count];
    long[] backwardNs = new long[count];
    long lossNs = 0;
    long optimizerNs = 0;
    long allocatedBefore = allocatedBytes();
    for (int s = 0; s < batches; s++) {
      try (Workspace.Scope step = workspace.open()) {
        Tensor out = x;
        for (int i = 0; i < count; i++) {
          long t = System.nanoTime();
          out = layers.get(i).forward(out, Mode.TRAIN);
          forwardNs[i] += System.nanoTime() - t;
        }
        long t = System.nanoTime();
        loss.forward(out, y);
        sgd.zeroGrad();
        Tensor g = loss.backward();
        lossNs += System.nanoTime() - t;
        for (int i = count - 1; i >= 0; i--) {
          t = System.nanoTime();
          g = layers.get(i).backward(g, i > 0);
          backwardNs[i] += System.nanoTime() - t;
        }
        t = System.nanoTime();
        sgd.step();
        optimizerNs += System.nanoTime() - t;
      }
    }
    double perStep = 1e6 * batches;
    System.out.printf("%-4s %-44s %12s %12s%n", "#", "layer (ms per step)", "forward", "backward");
    double total = (lossNs + optimizerNs) / perStep;
    for (int i = 0; i < count; i++) {
      System.out.printf(Locale.ROOT, "%-4d %-44s %12.3f %12.3f%n", i, layers.get(i), forwardNs[i] / perStep,
          backwardNs[i] / perStep);
      total += (forwardNs[i] + backwardNs[i]) / perStep;
    }
    System.out.printf(Locale.ROOT, "%-4s %-44s %12.3f%n", "", "loss (forward + backward)", lossNs / perStep);
    System.out.printf(Locale.ROOT, "%-4s %-44s %12.3f%n", "", "optimizer step", optimizerNs / perStep);
    System.out.printf(Locale.ROOT, "%-4s %-44s %12.3f%n", "", "total", total);
    long allocated = allocatedBytes() - allocatedBefore;
    if (allocatedBefore >= 0 && allocated >= 0) {
      System.out.printf(Locale.ROOT, "heap allocated per step: %.1f MB (all threads)%n", allocated / 1e6 / batches);
    }
  }

  /** Bytes allocated on the heap so far by all live threads, or -1 where the JVM cannot tell. */
  private static long allocatedBytes() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (!(bean instanceof com.sun.management.ThreadMXBean)) {
      return -1;
    }
    long[] perThread = ((com.sun.management.ThreadMXBean) bean).getThreadAllocatedBytes(bean.getAllThreadIds());
    long sum = 0;
    for (long bytes : perThread) {
      sum += Math.max(0, bytes);
    }
    return sum;
  }
}
