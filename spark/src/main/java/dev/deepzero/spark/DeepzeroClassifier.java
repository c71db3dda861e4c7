package dev.deepzero.spark;

import dev.deepzero.data.Normalization;
import dev.deepzero.io.Checkpoint;
import dev.deepzero.inference.ModelMetadata;
import dev.deepzero.io.ModelFile;
import dev.deepzero.models.Models;
import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Sequential;
import dev.deepzero.nn.layers.Normalize;
import dev.deepzero.optim.Optimizer;
import dev.deepzero.optim.Optimizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A deepzero image classifier as a Spark ML {@link Estimator}: {@link #fit} trains it on a DataFrame with
 * {@link DistributedTrainer} and returns a {@link DeepzeroClassificationModel}.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("image").load("hdfs:///photos/train");   // or binaryFile, or arrays
 * DeepzeroClassificationModel model = new DeepzeroClassifier()
 *     .setModelName("simple-cnn").setInputShape(new int[] {1, 28, 28}).setLabelCol("label")
 *     .setEpochs(5).setBatchSize(100).setOptimizer("adam").setLearningRate(1e-3)
 *     .setSyncMode("sync").fit(images);
 * model.transform(test).select("prediction", "probability").show();
 * model.write().save("hdfs:///models/fashion.safetensors");   // a deepzero model file
 * }</pre>
 *
 * The model is {@code modelName} from {@link Models} (or the layers of {@code architecture}, model-file
 * architecture JSON), preceded, when {@code standardize} is on (the default, as in {@code deepzero train}), by a
 * {@link Normalize} layer holding the training data's per-channel mean and standard deviation. Labels are class
 * indices {@code 0 .. K-1}; {@code K} is {@code numClasses}, else the number of {@code classNames}, else the largest
 * label plus one. With {@code checkpointFile} set the driver writes a checkpoint in {@code deepzero train}'s format
 * after every epoch, and {@code resumeFrom} continues from one (written by either).
 */
public final class DeepzeroClassifier extends Estimator<DeepzeroClassificationModel> {

  private static final long serialVersionUID = 1L;

  /** The metadata keys {@code deepzero train --resume} reads for its learning-rate schedule. */
  static final String SCHEDULE_KEY = "lr_schedule";
  static final String BASE_RATE_KEY = "base_learning_rate";

  private final String uid;
  private final Param<String> modelName;
  private final Param<String> architecture;
  private final IntArrayParam inputShape;
  private final IntParam numClasses;
  private final StringArrayParam classNames;
  private final BooleanParam standardize;
  private final IntParam epochs;
  private final IntParam batchSize;
  private final Param<String> optimizer;
  private final DoubleParam learningRate;
  private final Param<String> schedule;
  private final DoubleParam weightDecay;
  private final LongParam seed;
  private final Param<String> syncMode;
  private final IntParam averagingPeriod;
  private final Param<String> checkpointFile;
  private final Param<String> resumeFrom;
  private final Param<String> inputCol;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private transient Consumer<DistributedTrainer.EpochResult> progress = r -> {};

  /** A classifier with a random uid. */
  public DeepzeroClassifier() {
    this(Identifiable.randomUID("deepzeroClassifier"));
  }

  /** A classifier with the given uid (Spark ML copies estimators through this constructor). */
  public DeepzeroClassifier(String uid) {
    this.uid = uid;
    modelName = new Param<>(this, "modelName", "model from the zoo: " + String.join(", ", Models.NAMES));
    architecture = new Param<>(this, "architecture", "model-file architecture JSON; replaces modelName when set");
    inputShape = new IntArrayParam(this, "inputShape", "input shape [C, H, W]; images are converted and resized to it");
    numClasses = new IntParam(this, "numClasses", "number of classes; 0: from classNames or the labels");
    classNames = new StringArrayParam(this, "classNames", "class names in label order; empty: the label numbers");
    standardize = new BooleanParam(this, "standardize", "start the model with the data's per-channel standardisation");
    epochs = new IntParam(this, "epochs", "passes over the data");
    batchSize = new IntParam(this, "batchSize", "global batch: samples per step over all partitions");
    optimizer = new Param<>(this, "optimizer", "one of " + String.join(", ", Optimizers.NAMES));
    learningRate = new DoubleParam(this, "learningRate", "base learning rate");
    schedule = new Param<>(this, "schedule", "learning-rate schedule: constant, or cosine (to 0 over the epochs)");
    weightDecay = new DoubleParam(this, "weightDecay", "L2 weight decay");
    seed = new LongParam(this, "seed", "seed of the initial weights and the sample order");
    syncMode = new Param<>(this, "syncMode", "sync: gradients summed every step; average: weights averaged every"
        + " averagingPeriod local steps");
    averagingPeriod = new IntParam(this, "averagingPeriod", "local steps between averages (syncMode average)");
    checkpointFile = new Param<>(this, "checkpointFile", "driver-local file for a checkpoint after every epoch");
    resumeFrom = new Param<>(this, "resumeFrom", "driver-local checkpoint to continue from");
    inputCol = new Param<>(this, "inputCol", "input column: image struct, image bytes, array of floats or vector");
    labelCol = new Param<>(this, "labelCol", "label column: class indices");
    predictionCol = new Param<>(this, "predictionCol", "the model's prediction column");
    probabilityCol = new Param<>(this, "probabilityCol", "the model's probability column");
    setDefault(modelName, "simple-cnn");
    setDefault(architecture, "");
    setDefault(numClasses, 0);
    setDefault(classNames, new String[0]);
    setDefault(standardize, true);
    setDefault(epochs, 1);
    setDefault(batchSize, 100);
    setDefault(optimizer, "sgd");
    setDefault(learningRate, 0.1);
    setDefault(schedule, "constant");
    setDefault(weightDecay, 0.0);
    setDefault(seed, 42L);
    setDefault(syncMode, "sync");
    setDefault(averagingPeriod, 5);
    setDefault(checkpointFile, "");
    setDefault(resumeFrom, "");
    setDefault(inputCol, "image");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---------------------------------------------------------------- params (Spark finds them by reflection)

  public Param<String> modelName() { return modelName; }
  public Param<String> architecture() { return architecture; }
  public IntArrayParam inputShape() { return inputShape; }
  public IntParam numClasses() { return numClasses; }
  public StringArrayParam classNames() { return classNames; }
  public BooleanParam standardize() { return standardize; }
  public IntParam epochs() { return epochs; }
  public IntParam batchSize() { return batchSize; }
  public Param<String> optimizer() { return optimizer; }
  public DoubleParam learningRate() { return learningRate; }
  public Param<String> schedule() { return schedule; }
  public DoubleParam weightDecay() { return weightDecay; }
  public LongParam seed() { return seed; }
  public Param<String> syncMode() { return syncMode; }
  public IntParam averagingPeriod() { return averagingPeriod; }
  public Param<String> checkpointFile() { return checkpointFile; }
  public Param<String> resumeFrom() { return resumeFrom; }
  public Param<String> inputCol() { return inputCol; }
  public Param<String> labelCol() { return labelCol; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> probabilityCol() { return probabilityCol; }

  public DeepzeroClassifier setModelName(String v) { return put(modelName, v); }
  public DeepzeroClassifier setArchitecture(String v) { return put(architecture, v); }
  public DeepzeroClassifier setInputShape(int[] v) { return put(inputShape, v); }
  public DeepzeroClassifier setNumClasses(int v) { return put(numClasses, v); }
  public DeepzeroClassifier setClassNames(String[] v) { return put(classNames, v); }
  public DeepzeroClassifier setStandardize(boolean v) { return put(standardize, v); }
  public DeepzeroClassifier setEpochs(int v) { return put(epochs, v); }
  public DeepzeroClassifier setBatchSize(int v) { return put(batchSize, v); }
  public DeepzeroClassifier setOptimizer(String v) { return put(optimizer, v); }
  public DeepzeroClassifier setLearningRate(double v) { return put(learningRate, v); }
  public DeepzeroClassifier setSchedule(String v) { return put(schedule, v); }
  public DeepzeroClassifier setWeightDecay(double v) { return put(weightDecay, v); }
  public DeepzeroClassifier setSeed(long v) { return put(seed, v); }
  public DeepzeroClassifier setSyncMode(String v) { return put(syncMode, v); }
  public DeepzeroClassifier setAveragingPeriod(int v) { return put(averagingPeriod, v); }
  public DeepzeroClassifier setCheckpointFile(String v) { return put(checkpointFile, v); }
  public DeepzeroClassifier setResumeFrom(String v) { return put(resumeFrom, v); }
  public DeepzeroClassifier setInputCol(String v) { return put(inputCol, v); }
  public DeepzeroClassifier setLabelCol(String v) { return put(labelCol, v); }
  public DeepzeroClassifier setPredictionCol(String v) { return put(predictionCol, v); }
  public DeepzeroClassifier setProbabilityCol(String v) { return put(probabilityCol, v); }

  /** Called on the driver after every epoch (for progress output); not a Spark parameter. Returns this. */
  public DeepzeroClassifier onEpochEnd(Consumer<DistributedTrainer.EpochResult> listener) {
    this.progress = listener;
    return this;
  }

  // IntParam and its kin are Param<Object> seen from Java.
  private int intOf(IntParam p) {
    return (Integer) getOrDefault(p);
  }

  private long longOf(LongParam p) {
    return (Long) getOrDefault(p);
  }

  private double doubleOf(DoubleParam p) {
    return (Double) getOrDefault(p);
  }

  private boolean boolOf(BooleanParam p) {
    return (Boolean) getOrDefault(p);
  }

  private <T> DeepzeroClassifier put(Param<T> param, T value) {
    set(param, value);
    return this;
  }

  // ---------------------------------------------------------------- Estimator

  @Override
  public StructType transformSchema(StructType schema) {
    for (String column : List.of(getOrDefault(inputCol), getOrDefault(labelCol))) {
      if (!Arrays.asList(schema.fieldNames()).contains(column)) {
        throw new IllegalArgumentException("column '" + column + "' is not among " + Arrays.toString(
            schema.fieldNames()));
      }
    }
    new ImageInputs(schema.apply(getOrDefault(inputCol)).dataType(), shape());
    return schema;
  }

  @Override
  public DeepzeroClassificationModel fit(Dataset<?> dataset) {
    Dataset<Row> df = dataset.toDF();
    transformSchema(df.schema());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
    ImageInputs inputs = new ImageInputs(df.schema().apply(getOrDefault(inputCol)).dataType(), shape());
    JavaRDD<DistributedTrainer.Sample> samples = df.select(getOrDefault(inputCol), getOrDefault(labelCol))
        .javaRDD().map(row -> new DistributedTrainer.Sample(inputs.decode(row.get(0), "row"),
            ((Number) row.get(1)).intValue()));
    JavaRDD<Block> blocks = DistributedTrainer.blocks(samples, shape());
    try {
      List<String> names = names(blocks);
      Layer model;
      Optimizer opt;
      int firstEpoch = 1;
      float baseRate = (float) doubleOf(learningRate);
      String scheduleName = getOrDefault(schedule).toLowerCase(Locale.ROOT);
      if (!getOrDefault(resumeFrom).isEmpty()) {
        Checkpoint.Loaded checkpoint = Checkpoint.load(java.nio.file.Path.of(getOrDefault(resumeFrom)));
        model = checkpoint.model();
        opt = checkpoint.restoreOptimizer();
        firstEpoch = checkpoint.state().epoch() + 1;
        baseRate = Float.parseFloat(checkpoint.metadata().getOrDefault(BASE_RATE_KEY, Float.toString(baseRate)));
        scheduleName = checkpoint.metadata().getOrDefault(SCHEDULE_KEY, scheduleName).toLowerCase(Locale.ROOT);
        opt.setLearningRate(baseRate);
      } else {
        model = newModel(blocks, names.size());
        opt = Optimizers.byName(getOrDefault(optimizer), model.parameters(), baseRate,
            (float) doubleOf(weightDecay));
      }
      Map<String, String> metadata = metadata(names, scheduleName, baseRate);
      DistributedTrainer.Config config = new DistributedTrainer.Config(intOf(epochs), intOf(batchSize),
          longOf(seed), DistributedTrainer.SyncMode.valueOf(getOrDefault(syncMode).toUpperCase(Locale.ROOT)),
          intOf(averagingPeriod));
      Layer trained = model;
      Optimizer trainedBy = opt;
      new DistributedTrainer(sc, config).fit(blocks, model, opt, Schedules.byName(scheduleName), firstEpoch, r -> {
        if (!getOrDefault(checkpointFile).isEmpty()) {
          java.nio.file.Path file = java.nio.file.Path.of(getOrDefault(checkpointFile));
          if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
          }
          Checkpoint.save(file, trained, trainedBy, new Checkpoint.TrainingState(r.epoch(), config.seed(),
              config.batchSize(), true), metadata);
        }
        progress.accept(r);
      });
      DeepzeroClassificationModel result = new DeepzeroClassificationModel(
          Identifiable.randomUID("deepzeroClassificationModel"), ModelFile.toBytes(model, metadata));
      result.setInputCol(getOrDefault(inputCol)).setPredictionCol(getOrDefault(predictionCol))
          .setProbabilityCol(getOrDefault(probabilityCol));
      return (DeepzeroClassificationModel) result.setParent(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      blocks.unpersist(false);
    }
  }

  @Override
  public DeepzeroClassifier copy(ParamMap extra) {
    DeepzeroClassifier copy = (DeepzeroClassifier) defaultCopy(extra);
    copy.progress = progress;
    return copy;
  }

  private int[] shape() {
    if (!isDefined(inputShape)) {
      throw new IllegalArgumentException("set inputShape, the model's input [C, H, W] such as [1, 28, 28]");
    }
    int[] shape = getOrDefault(inputShape);
    if (shape.length != 3) {
      throw new IllegalArgumentException("inputShape must be [C, H, W], got " + Arrays.toString(shape));
    }
    return shape;
  }

  /** The class names: the parameter's, or the numbers {@code 0 .. K-1}. */
  private List<String> names(JavaRDD<Block> blocks) {
    String[] given = getOrDefault(classNames);
    int k = intOf(numClasses);
    if (k == 0) {
      k = given.length > 0 ? given.length : 1 + (int) blocks.map(b -> {
        float max = -1;
        for (float t : b.targets()) {
          max = Math.max(max, t);
        }
        return max;
      }).reduce(Math::max).floatValue();
    }
    if (given.length > 0 && given.length != k) {
      throw new IllegalArgumentException(given.length + " class names for " + k + " classes");
    }
    List<String> names = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      names.add(given.length > 0 ? given[c] : Integer.toString(c));
    }
    return names;
  }

  private Layer newModel(JavaRDD<Block> blocks, int classes) {
    int[] shape = shape();
    SplittableRandom rng = new SplittableRandom(longOf(seed));
    Layer body = getOrDefault(architecture).isEmpty()
        ? Models.byName(getOrDefault(modelName), shape[0], shape[1], shape[2], classes, rng)
        : ModelFile.fromArchitecture(getOrDefault(architecture), rng);
    if (!boolOf(standardize)) {
      return body;
    }
    List<Layer> layers = new ArrayList<>();
    layers.add(standardization(blocks, shape[0]));
    if (body instanceof Sequential s) {
      layers.addAll(s.layers());
    } else {
      layers.add(body);
    }
    return new Sequential(layers);
  }

  /** A {@link Normalize} layer of the data's per-channel statistics, summed per partition, in partition order. */
  private static Normalize standardization(JavaRDD<Block> blocks, int channels) {
    List<double[]> partial = blocks.map(b -> {
      double[] sums = new double[2 * channels + 1];
      int plane = b.count() == 0 ? 0 : b.inputs().length / (b.count() * channels);
      for (int i = 0; i < b.inputs().length; i++) {
        int c = (i / plane) % channels;
        sums[c] += b.inputs()[i];
        sums[channels + c] += (double) b.inputs()[i] * b.inputs()[i];
      }
      sums[2 * channels] = (double) b.count() * plane;
      return sums;
    }).collect();
    double[] sum = new double[channels];
    double[] squares = new double[channels];
    long count = 0;
    for (double[] p : partial) {
      for (int c = 0; c < channels; c++) {
        sum[c] += p[c];
        squares[c] += p[channels + c];
      }
      count += (long) p[2 * channels];
    }
    Normalization stats = Normalization.fromMoments(sum, squares, count);
    return new Normalize(stats.mean(), stats.std());
  }

  private Map<String, String> metadata(List<String> names, String scheduleName, float baseRate) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(ModelFile.MODEL_NAME_KEY, getOrDefault(architecture).isEmpty() ? getOrDefault(modelName) : "custom");
    metadata.putAll(ModelMetadata.classifier(names, shape()).entries());
    metadata.put(SCHEDULE_KEY, scheduleName.toUpperCase(Locale.ROOT));
    metadata.put(BASE_RATE_KEY, Float.toString(baseRate));
    return metadata;
  }
}
