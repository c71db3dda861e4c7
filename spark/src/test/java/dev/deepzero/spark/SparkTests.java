package dev.deepzero.spark;

import dev.deepzero.data.Batches;
import dev.deepzero.data.ClassificationData;
import dev.deepzero.data.DataSources;
import dev.deepzero.data.Dataset;
import dev.deepzero.nn.Layer;
import dev.deepzero.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** What the Spark tests share: one embedded session for the whole test JVM, and the embedded data. */
final class SparkTests {

  private static SparkSession session;
  private static ClassificationData data;

  private SparkTests() {}

  /**
   * The shared session: two worker threads, each task tried up to 4 times (plain {@code local[2]} tries once,
   * and the retry test needs a second attempt). Started once per test JVM: a start costs seconds.
   */
  static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder().master("local[2,4]").appName("deepzero-spark-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .getOrCreate();
      session.sparkContext().setLogLevel("ERROR");
    }
    return session;
  }

  /** Stops the shared session (a JVM holds one SparkContext at a time); the next {@link #session()} starts one. */
  static synchronized void stop() {
    if (session != null) {
      session.stop();
      session = null;
    }
  }

  /** The Fashion-MNIST subset in the core jar: 5,000 training and 1,000 test images. */
  static synchronized ClassificationData data() {
    if (data == null) {
      try {
        data = DataSources.embedded();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return data;
  }

  /** Every sample of {@code dataset} as (flattened input, label), in order. */
  static List<DistributedTrainer.Sample> samples(Dataset dataset) {
    List<DistributedTrainer.Sample> samples = new ArrayList<>();
    for (int[] indices : Batches.sequential(dataset.size(), 500)) {
      var batch = dataset.batch(indices);
      float[] x = batch.inputs().data();
      int size = x.length / indices.length;
      for (int i = 0; i < indices.length; i++) {
        samples.add(new DistributedTrainer.Sample(Arrays.copyOfRange(x, i * size, (i + 1) * size),
            (int) batch.targets().data()[i]));
      }
    }
    return samples;
  }

  /** ||a - b|| / ||b|| over all tensors of two state dicts with the same keys, as one vector. */
  static double relativeNormDifference(Layer a, Layer b) {
    double diff = 0;
    double norm = 0;
    for (Map.Entry<String, Tensor> e : b.stateDict().entrySet()) {
      float[] x = a.stateDict().get(e.getKey()).data();
      float[] y = e.getValue().data();
      for (int i = 0; i < y.length; i++) {
        diff += ((double) x[i] - y[i]) * ((double) x[i] - y[i]);
        norm += (double) y[i] * y[i];
      }
    }
    return Math.sqrt(diff / norm);
  }

  /** The largest |a - b| / max|b| over the tensors of two state dicts with the same keys. */
  static double maxRelativeDifference(Layer a, Layer b) {
    double worst = 0;
    for (Map.Entry<String, Tensor> e : b.stateDict().entrySet()) {
      float[] x = a.stateDict().get(e.getKey()).data();
      float[] y = e.getValue().data();
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < y.length; i++) {
        scale = Math.max(scale, Math.abs(y[i]));
        diff = Math.max(diff, Math.abs(x[i] - y[i]));
      }
      worst = Math.max(worst, scale == 0 ? diff : diff / scale);
    }
    return worst;
  }
}
