/**
 * Data sets and mini-batches: {@link dev.deepzero.data.Dataset}, {@link dev.deepzero.data.TensorDataset} (in
 * memory), {@link dev.deepzero.data.Batch} and {@link dev.deepzero.data.Batches}, which walks a data set in
 * shuffled epochs (each a permutation: every sample once, none drawn with replacement).
 *
 * <p>Depends on: {@code dev.deepzero.tensor}.
 */
package dev.deepzero.data;
