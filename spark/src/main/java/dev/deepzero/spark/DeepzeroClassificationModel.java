package dev.deepzero.spark;

import dev.deepzero.io.Json;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.ModelFile;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A trained deepzero image classifier as a Spark ML {@link Model}: {@link #transform} adds a {@code prediction}
 * column (the class index, a double) and a {@code probability} column (a vector of class probabilities) to a
 * DataFrame, in batches within each partition, with the model broadcast once and built once per executor JVM.
 *
 * <p>{@link #write()} saves it as a deepzero model file, the file {@code deepzero evaluate} and {@code predict}
 * open (and {@code ModelFile.load} in plain Java): the path is the file itself, on any file system Hadoop reaches
 * (local, HDFS, S3). The column parameters travel in its metadata under {@value #PARAMS_KEY}; {@link #read()}
 * and {@link #load(String)} open it again, and open files written by {@code deepzero train} too.
 */
public final class DeepzeroClassificationModel extends Model<DeepzeroClassificationModel> implements MLWritable {

  private static final long serialVersionUID = 1L;

  /** The model-file metadata key of the Spark parameters, a JSON object of name to JSON-encoded value. */
  public static final String PARAMS_KEY = "spark_params";

  private final String uid;
  private final byte[] modelFile;
  private final int[] inputShape;
  private final List<String> classNames;
  // Names this model's replicas in the executors' pools; a loaded or copied model gets its own.
  private final String replicaKey = UUID.randomUUID().toString();
  private final Param<String> inputCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;

  /**
   * A model from the bytes of a deepzero model file.
   *
   * @param modelFile a model file's bytes, with a classifier's {@link ModelMetadata}; not copied
   */
  public DeepzeroClassificationModel(String uid, byte[] modelFile) {
    this.uid = uid;
    this.modelFile = modelFile;
    ModelMetadata metadata = ModelMetadata.read(java.nio.file.Path.of("model"), ModelFile.load("model", modelFile,
        new SplittableRandom(0)).metadata());
    this.inputShape = metadata.inputShape();
    this.classNames = metadata.classNames();
    this.inputCol = new Param<>(this, "inputCol", "input column: image struct, image bytes, or array of floats");
    this.predictionCol = new Param<>(this, "predictionCol", "output column of the predicted class index");
    this.probabilityCol = new Param<>(this, "probabilityCol", "output column of the class probabilities");
    setDefault(inputCol, "image");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The input column (default {@code "image"}). */
  public Param<String> inputCol() {
    return inputCol;
  }

  /** The prediction column (default {@code "prediction"}). */
  public Param<String> predictionCol() {
    return predictionCol;
  }

  /** The probability column (default {@code "probability"}). */
  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  /** Sets the input column. Returns this model. */
  public DeepzeroClassificationModel setInputCol(String value) {
    return (DeepzeroClassificationModel) set(inputCol, value);
  }

  /** Sets the prediction column. Returns this model. */
  public DeepzeroClassificationModel setPredictionCol(String value) {
    return (DeepzeroClassificationModel) set(predictionCol, value);
  }

  /** Sets the probability column. Returns this model. */
  public DeepzeroClassificationModel setProbabilityCol(String value) {
    return (DeepzeroClassificationModel) set(probabilityCol, value);
  }

  /** The bytes of the deepzero model file (not copied: do not modify). */
  public byte[] modelFile() {
    return modelFile;
  }

  /** The input shape {@code [C, H, W]}. */
  public int[] inputShape() {
    return inputShape.clone();
  }

  /** The class names, in class-index order. */
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String input = getOrDefault(inputCol);
    if (!Arrays.asList(schema.fieldNames()).contains(input)) {
      throw new IllegalArgumentException("input column '" + input + "' is not among " + Arrays.toString(
          schema.fieldNames()));
    }
    new ImageInputs(schema.apply(input).dataType(), inputShape); // checks the type
    for (String out : List.of(getOrDefault(predictionCol), getOrDefault(probabilityCol))) {
      if (Arrays.asList(schema.fieldNames()).contains(out)) {
        throw new IllegalArgumentException("output column '" + out + "' already exists");
      }
    }
    return schema.add(new StructField(getOrDefault(predictionCol), DataTypes.DoubleType, false,
        org.apache.spark.sql.types.Metadata.empty()))
        .add(new StructField(getOrDefault(probabilityCol), SQLDataTypes.VectorType(), false,
            org.apache.spark.sql.types.Metadata.empty()));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    Dataset<Row> df = dataset.toDF();
    StructType out = transformSchema(df.schema());
    String input = getOrDefault(inputCol);
    int index = df.schema().fieldIndex(input);
    ImageInputs inputs = new ImageInputs(df.schema().apply(input).dataType(), inputShape);
    SparkSession session = df.sparkSession();
    Broadcast<Replicas.Spec> spec = session.sparkContext().broadcast(
        new Replicas.Spec(replicaKey, modelFile, null, 0, 0), scala.reflect.ClassTag$.MODULE$.apply(
            Replicas.Spec.class));
    return df.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new BatchInference(rows, spec.value(), index,
        inputs), Encoders.row(out));
  }

  @Override
  public DeepzeroClassificationModel copy(ParamMap extra) {
    return copyValues(new DeepzeroClassificationModel(uid, modelFile), extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        Map<String, String> metadata = new LinkedHashMap<>(ModelFile.load("model", modelFile,
            new SplittableRandom(0)).metadata());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("uid", uid);
        for (Param<String> p : List.of(inputCol, predictionCol, probabilityCol)) {
          params.put(p.name(), getOrDefault(p));
        }
        metadata.put(PARAMS_KEY, Json.write(params));
        byte[] bytes = ModelFile.toBytes(ModelFile.load("model", modelFile, new SplittableRandom(0)).model(),
            metadata);
        HadoopFiles.write(path, bytes, sparkSession().sparkContext().hadoopConfiguration());
      }
    };
  }

  /** A reader of saved models. */
  public static MLReader<DeepzeroClassificationModel> read() {
    return new MLReader<>() {
      @Override
      public DeepzeroClassificationModel load(String path) {
        byte[] bytes = HadoopFiles.read(path, sparkSession().sparkContext().hadoopConfiguration());
        Map<String, String> metadata = ModelFile.load(path, bytes, new SplittableRandom(0)).metadata();
        Object saved = metadata.containsKey(PARAMS_KEY) ? Json.parse(metadata.get(PARAMS_KEY)) : Map.of();
        Map<?, ?> params = (Map<?, ?>) saved;
        Object uid = params.get("uid");
        DeepzeroClassificationModel model = new DeepzeroClassificationModel(
            uid instanceof String s ? s : Identifiable.randomUID("deepzeroClassificationModel"), bytes);
        for (Param<String> p : List.of(model.inputCol, model.predictionCol, model.probabilityCol)) {
          if (params.get(p.name()) instanceof String value) {
            model.set(p, value);
          }
        }
        return model;
      }
    };
  }

  /** Opens a saved model (or a model file written by {@code deepzero train}). */
  public static DeepzeroClassificationModel load(String path) {
    return read().load(path);
  }
}
