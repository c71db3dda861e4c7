package dev.deepzero.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.deepzero.models.Models;
import dev.deepzero.nn.Sequential;
import dev.deepzero.optim.Optimizers;
import dev.deepzero.tensor.Tensor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Training with executors in their own JVMs ({@code local-cluster} mode: a standalone master and two workers in
 * this JVM, each launching an executor process), so that the model, the weights, the data blocks and the sums
 * really cross process boundaries through Spark's serialisation. The result must equal, bit for bit, the same
 * training with in-process executors.
 *
 * <p>The workers start executors with Spark's launcher, which needs a Spark home: Surefire sets
 * {@code SPARK_HOME} to {@code target/spark-home} and {@code SPARK_SCALA_VERSION}, and this test fills that folder
 * with a {@code RELEASE} marker and a {@code jars} folder of links to the test classpath's jars, as a Spark
 * distribution lays them out. deepzero's own classes (folders on the classpath) reach the executors through
 * {@code spark.executor.extraClassPath}.
 */
class SeparateExecutorJvmsTest {

  private static final int[] SHAPE = {1, 28, 28};
  private static final long SEED = 5;

  private static Map<String, Tensor> train(SparkSession session) throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
    List<DistributedTrainer.Sample> samples = SparkTests.samples(dev.deepzero.data.Datasets.subset(
        SparkTests.data().train(), java.util.stream.IntStream.range(0, 300).toArray()));
    JavaRDD<Block> blocks = DistributedTrainer.blocks(sc.parallelize(samples, 2), SHAPE);
    Sequential model = Models.byName("simple-cnn", 1, 28, 28, 10, new SplittableRandom(SEED));
    for (DistributedTrainer.SyncMode mode : DistributedTrainer.SyncMode.values()) {
      new DistributedTrainer(sc, new DistributedTrainer.Config(1, 100, SEED, mode, 2)).fit(blocks, model,
          Optimizers.byName("momentum", model.parameters(), 0.05f, 0), (rate, epoch, epochs) -> rate, 1, r -> {});
    }
    blocks.unpersist();
    return model.stateDict();
  }

  @Test
  void executorsInSeparateJvmsTrainTheSameWeightsAsInProcessExecutors() throws IOException {
    Map<String, Tensor> inProcess = train(SparkTests.session());
    SparkTests.stop();

    Path home = Path.of(System.getenv("SPARK_HOME"));
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "Spark 4.2.0 jars linked from the Maven test classpath\n");
    List<String> classFolders = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (Files.isDirectory(p)) {
        classFolders.add(p.toAbsolutePath().toString());
      } else if (entry.endsWith(".jar") && !Files.exists(jars.resolve(p.getFileName()))) {
        Files.createSymbolicLink(jars.resolve(p.getFileName()), p.toAbsolutePath());
      }
    }
    boolean vectorApi = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    SparkSession cluster = SparkSession.builder().master("local-cluster[2,1,1024]").appName("deepzero-jvms")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.memory", "512m")
        .config("spark.executor.extraClassPath", String.join(File.pathSeparator, classFolders))
        // The executors use the same kernels as this JVM, so that the sums round the same way.
        .config("spark.executor.extraJavaOptions", vectorApi ? "--add-modules jdk.incubator.vector" : "")
        .getOrCreate();
    try {
      cluster.sparkContext().setLogLevel("ERROR");
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(cluster.sparkContext());
      // Two executors, each its own process.
      List<String> pids = sc.parallelize(List.of(0, 1), 2)
          .map(i -> ProcessHandle.current().pid() + "").collect();
      assertNotEquals(ProcessHandle.current().pid() + "", pids.get(0));
      Map<String, Tensor> separate = train(cluster);
      assertEquals(inProcess.keySet(), separate.keySet());
      for (String key : inProcess.keySet()) {
        assertArrayEquals(inProcess.get(key).data(), separate.get(key).data(), key);
      }
    } finally {
      cluster.stop();
    }
  }
}
