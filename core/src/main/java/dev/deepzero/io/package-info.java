/**
 * Model files: {@link dev.deepzero.io.SafeTensors} (the safetensors format, readable by PyTorch and numpy),
 * {@link dev.deepzero.io.Json} (the small JSON reader and writer its header needs),
 * {@link dev.deepzero.io.ModelFile} (architecture and weights in one file), {@link dev.deepzero.io.Checkpoint}
 * (a model file plus optimizer state and the position in training, to resume) and
 * {@link dev.deepzero.io.AtomicFiles} (temporary file, force, rename: an interrupted save keeps the old file).
 *
 * <p>Errors: every problem with the content of a model file is a {@link dev.deepzero.io.ModelFileException}
 * naming the file and, where known, the byte offset and the tensor or metadata key; {@link dev.deepzero.io.Json}
 * reports syntax errors as {@link dev.deepzero.io.Json.ParseException} with the character offset. A file that
 * cannot be read at all is an ordinary {@link java.io.IOException}.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn}, {@code dev.deepzero.nn.layers},
 * {@code dev.deepzero.optim}.
 */
package dev.deepzero.io;
