/**
 * Using a trained model, the same way from every front end (the command line, a server, a Spark job, a user's
 * program): {@link dev.deepzero.inference.Classifier} and {@link dev.deepzero.inference.Detector} load a model
 * file together with its metadata, read by one typed reader ({@link dev.deepzero.inference.ModelMetadata}) that
 * checks it against the model; {@link dev.deepzero.inference.Preprocessing} turns an image into the model's
 * input; both then predict batches (top classes with probabilities, or detections after decoding and NMS). All
 * of it is safe to call from several threads at once.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn}, {@code dev.deepzero.nn.layers},
 * {@code dev.deepzero.data}, {@code dev.deepzero.io}, {@code dev.deepzero.detect}.
 */
package dev.deepzero.inference;
