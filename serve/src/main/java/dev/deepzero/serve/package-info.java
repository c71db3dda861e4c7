/**
 * An embeddable HTTP inference server for deepzero model files: {@link dev.deepzero.serve.InferenceServer}
 * serves classifiers and detectors over KServe's V2 "Open Inference Protocol" and the TorchServe/DJL paths,
 * on the JDK's built-in HTTP server ({@code com.sun.net.httpserver}), with dynamic batching, a bounded queue,
 * request limits, Prometheus metrics and a web page. Loading models, preprocessing images and predicting are
 * the core library's; this package only speaks HTTP and schedules.
 *
 * <p>Depends on: the JDK ({@code java.base}, {@code java.desktop} for image decoding, {@code jdk.httpserver}),
 * {@code dev.deepzero.inference}, {@code dev.deepzero.detect}, {@code dev.deepzero.tensor},
 * {@code dev.deepzero.io} (JSON).
 */
package dev.deepzero.serve;
