/**
 * The Spark jobs behind {@code deepzero spark-train} and {@code deepzero spark-predict}: one main class,
 * {@link dev.deepzero.spark.job.SparkJob}, that runs unchanged from the launcher (embedded {@code local[*]} or any
 * {@code --master}) and under {@code spark-submit --class dev.deepzero.spark.job.SparkJob deepzero-spark.jar}.
 *
 * <p>Depends on: dev.deepzero.spark, the core's data and io packages, picocli, Spark SQL (provided).
 */
package dev.deepzero.spark.job;
