package dev.deepzero.spark;

import dev.deepzero.nn.Layer;
import dev.deepzero.nn.Mode;
import dev.deepzero.nn.layers.Softmax;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.train.Metrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Classifies the rows of one partition in batches: runs inside {@code mapPartitions} on an executor, with a
 * replica of the broadcast model borrowed from {@link Replicas} (built once per executor JVM), and appends a
 * prediction (the class index as a double, Spark ML's convention) and a probability vector to each row. Rows are
 * read lazily, one batch at a time, so a partition never has to fit in memory at once.
 */
final class BatchInference implements Iterator<Row> {

  /** Rows per forward pass: large enough to amortise each layer's call, small enough for deep models' activations. */
  static final int BATCH = 200;

  private final Iterator<Row> rows;
  private final Replicas.Spec spec;
  private final int inputIndex;
  private final ImageInputs inputs;
  private final List<Row> ready = new ArrayList<>();
  private int next;

  BatchInference(Iterator<Row> rows, Replicas.Spec spec, int inputIndex, ImageInputs inputs) {
    this.rows = rows;
    this.spec = spec;
    this.inputIndex = inputIndex;
    this.inputs = inputs;
  }

  @Override
  public boolean hasNext() {
    if (next == ready.size()) {
      fill();
    }
    return next < ready.size();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.get(next++);
  }

  private void fill() {
    ready.clear();
    next = 0;
    List<Row> batch = new ArrayList<>(BATCH);
    while (batch.size() < BATCH && rows.hasNext()) {
      batch.add(rows.next());
    }
    if (batch.isEmpty()) {
      return;
    }
    int size = inputs.size();
    float[] x = new float[batch.size() * size];
    for (int i = 0; i < batch.size(); i++) {
      System.arraycopy(inputs.decode(batch.get(i).get(inputIndex), "row " + i + " of a batch"), 0, x, i * size,
          size);
    }
    int[] shape = inputs.shape();
    Tensor input = Tensor.wrap(x, batch.size(), shape[0], shape[1], shape[2]);
    float[] probabilities = Replicas.with(spec, replica -> {
      Layer model = replica.model();
      return new Softmax().forward(model.predict(input), Mode.EVAL).data();
    });
    int classes = probabilities.length / batch.size();
    for (int i = 0; i < batch.size(); i++) {
      Row row = batch.get(i);
      Object[] values = new Object[row.length() + 2];
      for (int c = 0; c < row.length(); c++) {
        values[c] = row.get(c);
      }
      double[] p = new double[classes];
      for (int k = 0; k < classes; k++) {
        p[k] = probabilities[i * classes + k];
      }
      values[row.length()] = (double) Metrics.argmax(probabilities, i * classes, classes);
      values[row.length() + 1] = Vectors.dense(p);
      ready.add(RowFactory.create(values));
    }
  }
}
