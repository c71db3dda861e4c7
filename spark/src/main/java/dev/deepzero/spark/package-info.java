/**
 * deepzero on Apache Spark: data-parallel training ({@link dev.deepzero.spark.DistributedTrainer}, synchronous
 * SGD or parameter averaging over an RDD's partitions), the Spark ML {@code Estimator}
 * {@link dev.deepzero.spark.DeepzeroClassifier} and its model, batch inference over DataFrames, and the helpers
 * they share (the fixed-order {@link dev.deepzero.spark.TreeSum}, per-executor {@link dev.deepzero.spark.Replicas}).
 *
 * <p>Depends on: the deepzero core (io, nn, optim, data, train, models), Spark SQL and MLlib (provided).
 */
package dev.deepzero.spark;
