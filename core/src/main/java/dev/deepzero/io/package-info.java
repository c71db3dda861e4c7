/**
 * Model files: {@link dev.deepzero.io.SafeTensors} (the safetensors format, readable by PyTorch and numpy),
 * {@link dev.deepzero.io.Json} (the small JSON reader and writer its header needs),
 * {@link dev.deepzero.io.ModelFile} (architecture and weights in one file), {@link dev.deepzero.io.Checkpoint}
 * (a model file plus optimizer state and the position in training, to resume) and
 * {@link dev.deepzero.io.AtomicFiles} (temporary file, force, rename: an interrupted save keeps the old file).
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn}, {@code dev.deepzero.nn.layers},
 * {@code dev.deepzero.optim}.
 */
package dev.deepzero.io;
