package dev.deepzero.spark.job;

import dev.deepzero.io.Json;
import dev.deepzero.spark.DeepzeroClassificationModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spark-predict}: classifies a folder of images (or an IDX test set) on Spark into a Parquet file. */
@Command(name = "spark-predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Classify images on Apache Spark, batched within each partition, and write one row per image"
        + " (path or index, prediction, class, probability, and the label when known) to a Parquet file."})
final class SparkPredictCommand implements Callable<Integer> {

  @Mixin
  SparkJob.SparkOptions spark;

  @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (deepzero train, spark-train).")
  String model;

  @Option(names = "--images", required = true, paramLabel = "DIR",
      description = "A folder of PNG/JPEG images (searched recursively, read with Spark's binaryFile source, any"
          + " Hadoop file system), or a folder with the (Fashion-)MNIST IDX files: their 10,000 test images.")
  String images;

  @Option(names = "--digits", description = "An IDX folder holds MNIST digits rather than Fashion-MNIST.")
  boolean digits;

  @Option(names = "--out", required = true, paramLabel = "PARQUET", description = "Where to write the results.")
  String out;

  @Override
  public Integer call() throws Exception {
    SparkSession session = spark.session("deepzero spark-predict");
    DeepzeroClassificationModel classifier = DeepzeroClassificationModel.load(model);
    Path local = Path.of(images);
    boolean idx = Files.isDirectory(local) && Files.exists(local.resolve("t10k-labels-idx1-ubyte.gz"))
        || Files.exists(local.resolve("t10k-labels-idx1-ubyte"));
    Dataset<Row> input;
    if (idx) {
      input = SparkJob.frame(session, SparkJob.idx(local, digits).test(), spark.partitions(session));
      classifier.setInputCol(SparkJob.INPUT);
    } else {
      input = session.read().format("binaryFile").option("recursiveFileLookup", "true")
          .option("pathGlobFilter", "*.{png,PNG,jpg,JPG,jpeg,JPEG}").load(images).select("path", "content");
      if (spark.partitions > 0) {
        input = input.repartition(spark.partitions);
      }
      classifier.setInputCol("content");
    }
    long start = System.nanoTime();
    Dataset<Row> predicted = classifier.transform(input).drop(idx ? SparkJob.INPUT : "content");
    List<String> names = classifier.classNames();
    predicted = predicted.withColumn("class", functions.element_at(functions.array(names.stream()
        .map(functions::lit).toArray(org.apache.spark.sql.Column[]::new)),
        predicted.col("prediction").cast("int").plus(1)));
    predicted.write().mode("overwrite").parquet(out);
    double seconds = (System.nanoTime() - start) / 1e9;
    Dataset<Row> written = session.read().parquet(out);
    long count = written.count();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("model", model);
    summary.put("images", count);
    summary.put("out", out);
    summary.put("seconds", seconds);
    summary.put("images_per_sec", count / seconds);
    if (idx) {
      long right = written.filter("cast(prediction as int) = label").count();
      summary.put("accuracy", (double) right / count);
      List<Object> matrix = new ArrayList<>();
      for (int t = 0; t < names.size(); t++) {
        List<Long> row = new ArrayList<>();
        for (int p = 0; p < names.size(); p++) {
          row.add(0L);
        }
        matrix.add(row);
      }
      for (Row r : written.groupBy("label", "prediction").count().collectAsList()) {
        @SuppressWarnings("unchecked")
        List<Long> row = (List<Long>) matrix.get(r.getInt(0));
        row.set((int) r.getDouble(1), r.getLong(2));
      }
      summary.put("confusion_matrix", matrix);
    }
    System.out.println(Json.write(summary));
    System.err.printf(Locale.ROOT, "wrote %d predictions to %s in %.1f s%n", count, out, seconds);
    session.stop();
    return 0;
  }
}
