package dev.deepzero.spark.job;

import dev.deepzero.data.Batches;
import dev.deepzero.data.ClassificationData;
import dev.deepzero.data.DataSources;
import dev.deepzero.data.Dataset;
import dev.deepzero.data.Mnist;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The entry point of the Spark jobs: {@code spark-train} and {@code spark-predict}. */
@Command(name = "deepzero", mixinStandardHelpOptions = true, subcommands = {SparkTrainCommand.class,
    SparkPredictCommand.class}, description = "deepzero on Apache Spark.")
public final class SparkJob implements Runnable {

  /** The input column of data sets read from IDX files. */
  static final String INPUT = "image";
  static final String LABEL = "label";
  static final String INDEX = "index";

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new SparkJob()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The options every job shares. */
  static final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master: local[N], spark://host:7077, yarn, k8s://... Default: the one spark-submit gives,"
            + " else local[*].")
    String master;

    @Option(names = "--partitions", defaultValue = "0",
        description = "Partitions of the data (default: Spark's default parallelism, one per core).")
    int partitions;

    /** A session on the chosen master. An embedded local session binds to 127.0.0.1 and starts no web UI. */
    SparkSession session(String appName) {
      SparkConf conf = new SparkConf().setAppName(appName);
      if (master != null) {
        conf.setMaster(master);
      }
      conf.setIfMissing("spark.master", "local[*]");
      if (conf.get("spark.master").startsWith("local")) {
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.driver.host", "127.0.0.1");
        conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      }
      SparkSession session = SparkSession.builder().config(conf).getOrCreate();
      session.sparkContext().setLogLevel("WARN");
      return session;
    }

    int partitions(SparkSession session) {
      return partitions > 0 ? partitions : session.sparkContext().defaultParallelism();
    }
  }

  /**
   * Fashion-MNIST or MNIST in {@code dir} (the four IDX files), read on the driver: the Debian package's layout,
   * or what {@code deepzero download} writes.
   */
  static ClassificationData idx(Path dir, boolean digits) throws IOException {
    return DataSources.standard().load(dir, digits ? Mnist.Variant.DIGITS : Mnist.Variant.FASHION);
  }

  /** The rows (index, image as an array of floats, label) of {@code data}, in {@code partitions} partitions. */
  static org.apache.spark.sql.Dataset<Row> frame(SparkSession session, Dataset data, int partitions) {
    List<Row> rows = new ArrayList<>(data.size());
    for (int[] indices : Batches.sequential(data.size(), 1000)) {
      var batch = data.batch(indices);
      float[] x = batch.inputs().data();
      int size = x.length / indices.length;
      for (int i = 0; i < indices.length; i++) {
        rows.add(RowFactory.create(indices[i], Arrays.copyOfRange(x, i * size, (i + 1) * size),
            (int) batch.targets().data()[i]));
      }
    }
    StructType schema = new StructType().add(INDEX, DataTypes.IntegerType, false)
        .add(INPUT, DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add(LABEL, DataTypes.IntegerType, false);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
    return session.createDataFrame(sc.parallelize(rows, partitions), schema);
  }
}
