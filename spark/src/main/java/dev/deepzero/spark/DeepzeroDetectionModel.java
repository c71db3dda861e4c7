package dev.deepzero.spark;

import dev.deepzero.detect.Detection;
import dev.deepzero.inference.Detector;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.ModelFile;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Batch object detection with a deepzero YOLOv1 detector (a model file from {@code deepzero detect-train}) as a
 * Spark ML {@link Transformer}: adds a column of the detections of each image, an array of
 * {@code struct<class: string, score: double, box: array<double>>} with the box as {@code [xmin, ymin, xmax, ymax]}
 * in the image's pixels, after per-class non-maximum suppression. The input column holds image bytes (Spark's
 * {@code binaryFile} source) or image structs (its {@code image} source). Images are detected in batches within
 * each partition, by a model built once per executor JVM from the broadcast file.
 */
public final class DeepzeroDetectionModel extends Transformer {

  private static final long serialVersionUID = 1L;

  /** The type of the boxes column. */
  public static final StructType BOX = new StructType().add("class", DataTypes.StringType, false)
      .add("score", DataTypes.DoubleType, false)
      .add("box", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  private static final int BATCH = 32;

  private final String uid;
  private final byte[] modelFile;
  private final ModelMetadata metadata;
  private final String replicaKey = UUID.randomUUID().toString();
  private final Param<String> inputCol;
  private final Param<String> boxesCol;
  private final DoubleParam threshold;
  private final DoubleParam nms;

  /** A detector from the bytes of its model file (not copied). */
  public DeepzeroDetectionModel(String uid, byte[] modelFile) {
    this.uid = uid;
    this.modelFile = modelFile;
    this.metadata = ModelMetadata.read(java.nio.file.Path.of("detector"), ModelFile.load("detector", modelFile,
        new SplittableRandom(0)).metadata());
    if (metadata.detector() == null) {
      throw new IllegalArgumentException("not a detector: the model file has no '" + ModelMetadata.DETECTOR_KEY
          + "' metadata (use DeepzeroClassificationModel for classifiers)");
    }
    inputCol = new Param<>(this, "inputCol", "input column: image bytes (binaryFile) or image struct (image)");
    boxesCol = new Param<>(this, "boxesCol", "output column of the detections");
    threshold = new DoubleParam(this, "threshold", "keep class scores above this");
    nms = new DoubleParam(this, "nms", "suppress same-class boxes overlapping a better one by more than this IoU");
    setDefault(inputCol, "content");
    setDefault(boxesCol, "boxes");
    setDefault(threshold, Detector.DEFAULT_THRESHOLD);
    setDefault(nms, Detector.DEFAULT_NMS);
  }

  /** Opens a detector's model file on any file system Hadoop reaches. */
  public static DeepzeroDetectionModel load(String path) {
    return new DeepzeroDetectionModel(Identifiable.randomUID("deepzeroDetectionModel"), HadoopFiles.read(path,
        SparkSession.active().sparkContext().hadoopConfiguration()));
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() { return inputCol; }
  public Param<String> boxesCol() { return boxesCol; }
  public DoubleParam threshold() { return threshold; }
  public DoubleParam nms() { return nms; }

  public DeepzeroDetectionModel setInputCol(String v) { return (DeepzeroDetectionModel) set(inputCol, v); }
  public DeepzeroDetectionModel setBoxesCol(String v) { return (DeepzeroDetectionModel) set(boxesCol, v); }
  public DeepzeroDetectionModel setThreshold(double v) { return (DeepzeroDetectionModel) set(threshold, v); }
  public DeepzeroDetectionModel setNms(double v) { return (DeepzeroDetectionModel) set(nms, v); }

  @Override
  public StructType transformSchema(StructType schema) {
    String input = getOrDefault(inputCol);
    if (!Arrays.asList(schema.fieldNames()).contains(input)) {
      throw new IllegalArgumentException("input column '" + input + "' is not among " + Arrays.toString(
          schema.fieldNames()));
    }
    new ImageInputs(schema.apply(input).dataType(), metadata.inputShape());
    return schema.add(getOrDefault(boxesCol), DataTypes.createArrayType(BOX, false), false);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    Dataset<Row> df = dataset.toDF();
    StructType out = transformSchema(df.schema());
    int index = df.schema().fieldIndex(getOrDefault(inputCol));
    ImageInputs images = new ImageInputs(df.schema().apply(getOrDefault(inputCol)).dataType(),
        metadata.inputShape());
    Broadcast<Replicas.Spec> spec = df.sparkSession().sparkContext().broadcast(
        new Replicas.Spec(replicaKey, modelFile, null, 0, 0), scala.reflect.ClassTag$.MODULE$.apply(
            Replicas.Spec.class));
    // ModelMetadata is not serializable; its entries are, and rebuild it on the executor.
    Map<String, String> entries = new LinkedHashMap<>(metadata.entries());
    double scoreThreshold = (Double) getOrDefault(threshold);
    double nmsThreshold = (Double) getOrDefault(nms);
    return df.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> detect(rows, spec.value(),
        ModelMetadata.read(java.nio.file.Path.of("detector"), entries), index, images,
        scoreThreshold, nmsThreshold), Encoders.row(out));
  }

  /** The rows of one partition with their detections appended, a batch of images at a time. */
  private static Iterator<Row> detect(Iterator<Row> rows, Replicas.Spec spec, ModelMetadata meta, int index,
      ImageInputs images, double threshold, double nms) {
    List<Row> result = new ArrayList<>();
    List<Row> batch = new ArrayList<>(BATCH);
    while (rows.hasNext()) {
      batch.add(rows.next());
      if (batch.size() == BATCH || !rows.hasNext()) {
        List<BufferedImage> pictures = new ArrayList<>(batch.size());
        for (Row row : batch) {
          pictures.add(images.image(row.get(index), "row of a detection batch"));
        }
        List<List<Detection>> found = Replicas.with(spec, replica -> Detector.of(replica.model(),
            meta.detector(), meta.classNames()).detect(pictures, threshold, nms));
        for (int i = 0; i < batch.size(); i++) {
          List<Row> boxes = new ArrayList<>();
          for (Detection d : found.get(i)) {
            boxes.add(RowFactory.create(meta.classNames().get(d.classId()), d.score(),
                new double[] {d.box().xmin(), d.box().ymin(), d.box().xmax(), d.box().ymax()}));
          }
          Row row = batch.get(i);
          Object[] values = new Object[row.length() + 1];
          for (int c = 0; c < row.length(); c++) {
            values[c] = row.get(c);
          }
          values[row.length()] = boxes.toArray(new Row[0]); // the row encoder takes arrays, not Java lists
          result.add(RowFactory.create(values));
        }
        batch.clear();
      }
    }
    return result.iterator();
  }

  @Override
  public DeepzeroDetectionModel copy(ParamMap extra) {
    return copyValues(new DeepzeroDetectionModel(uid, modelFile), extra);
  }
}
