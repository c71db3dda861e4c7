package dev.deepzero.cli;

import dev.deepzero.kernel.KernelProvider;
import dev.deepzero.kernel.Parallel;
import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.Sequential;
import dev.deepzero.optim.Sgd;
import dev.deepzero.tensor.Tensor;
import java.lang.management.ManagementFactory;
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

  @Override
  public Integer call() {
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
      Tensor x = Tensor.uniform(rng, 0f, 1f, batchSize, 1, 28, 28);
      Tensor y = Tensor.zeros(batchSize);
      for (int i = 0; i < batchSize; i++) {
        y.data()[i] = i % 10;
      }
      step(model, loss, sgd, x, y);
      long firstStepMs = System.currentTimeMillis() - jvmStart;
      for (int i = 1; i < warmup; i++) {
        step(model, loss, sgd, x, y);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        step(model, loss, sgd, x, y);
      }
      double train = (double) batches * batchSize / ((System.nanoTime() - t0) / 1e9);

      Tensor xi = Tensor.uniform(rng, 0f, 1f, inferBatchSize, 1, 28, 28);
      for (int i = 0; i < 3; i++) {
        model.forward(xi, Mode.EVAL);
      }
      int rounds = Math.max(3, 20_000 / inferBatchSize);
      long t1 = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        model.forward(xi, Mode.EVAL);
      }
      double infer = (double) rounds * inferBatchSize / ((System.nanoTime() - t1) / 1e9);
      if (json) {
        System.out.printf(Locale.ROOT, "{\"system\":\"deepzero\",\"jdk\":\"%s\",\"kernels\":\"%s\",\"threads\":%d,"
            + "\"model\":\"%s\",\"batch_size\":%d,\"train_images_per_sec\":%.1f,\"infer_batch_size\":%d,"
            + "\"infer_images_per_sec\":%.1f,\"first_step_ms\":%s}%n", jdk, KernelProvider.get().name(),
            Parallel.common().threads(), name, batchSize, train, inferBatchSize, infer, first ? firstStepMs : "null");
      } else {
        System.out.printf("%-12s %,14.0f %,14.0f %12s%n", name, train, infer, first ? firstStepMs : "-");
      }
      first = false;
    }
    return 0;
  }

  private static void step(Sequential model, SoftmaxCrossEntropy loss, Sgd sgd, Tensor x, Tensor y) {
    Tensor out = model.forward(x, Mode.TRAIN);
    loss.forward(out, y);
    sgd.zeroGrad();
    model.backward(loss.backward());
    sgd.step();
  }

  /** The model names, for picocli's help. */
  static final class ModelNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Models.NAMES.iterator();
    }
  }
}
