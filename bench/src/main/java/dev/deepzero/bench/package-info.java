/**
 * Benchmarks of the library: JMH kernels ({@code GemmBenchmark}, run by {@code bench/gemm.sh}), the models' cost
 * against batch and input size, latency and start-up ({@code ModelBench}, run by {@code bench/scaling.sh}), and
 * the PNG of those curves ({@code CurvesPlot}). Built by {@code mvn verify}, run only by hand.
 *
 * <p>Depends on: the core's public API (models, detect, nn, loss, optim, tensor, kernel, plot), and JMH.
 */
package dev.deepzero.bench;
