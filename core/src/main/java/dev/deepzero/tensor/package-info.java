/**
 * {@link dev.deepzero.tensor.Tensor}: float32, contiguous, row-major n-dimensional arrays with shape-checked
 * operations, and {@link dev.deepzero.tensor.Initializer}s for seeded weight initialisation.
 *
 * <p>Every public operation validates its arguments and throws {@link java.lang.IllegalArgumentException}
 * naming the operation and both shapes. Bulk arithmetic is delegated to {@link dev.deepzero.kernel.Kernels}.
 *
 * <p>Depends on: {@code dev.deepzero.kernel}.
 */
package dev.deepzero.tensor;
