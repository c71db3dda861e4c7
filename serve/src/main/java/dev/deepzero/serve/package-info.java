/**
 * An embeddable HTTP inference server for deepzero model files: {@link dev.deepzero.serve.InferenceServer}
 * serves classifiers and detectors over KServe's V2 "Open Inference Protocol" and the TorchServe/DJL paths,
 * on the JDK's built-in HTTP server ({@code com.sun.net.httpserver}), with dynamic batching, a bounded queue,
 * request limits, Prometheus metrics and a web page. Loading models, preprocessing images and predicting are
 * the core library's; this package only speaks HTTP and schedules.
 *
 * <p>Beyond {@code java.base} it uses the JDK's {@code jdk.httpserver} and {@code java.desktop} (image decoding).
 *
 * <p>Depends on: {@code dev.deepzero.inference}, {@code dev.deepzero.detect}, {@code dev.deepzero.data},
 * {@code dev.deepzero.nn}, {@code dev.deepzero.tensor}, {@code dev.deepzero.io}.
 */
package dev.deepzero.serve;
