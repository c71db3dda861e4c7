/**
 * {@link dev.deepzero.tensor.Tensor}: float32, contiguous, row-major n-dimensional arrays with shape-checked
 * operations, {@link dev.deepzero.tensor.Initializer}s for seeded weight initialisation,
 * {@link dev.deepzero.tensor.Workspace}, the memory that training steps and prediction slices reuse, and
 * {@link dev.deepzero.tensor.Limits}, the ceilings every reader of input files applies before allocating.
 *
 * <p>Every public operation validates its arguments and throws {@link java.lang.IllegalArgumentException}
 * naming the operation and both shapes. Bulk arithmetic is delegated to {@link dev.deepzero.kernel.Kernels}.
 *
 * <p>Depends on: {@code dev.deepzero.kernel}.
 */
package dev.deepzero.tensor;
