/**
 * The compute seam: flat {@code float[]} kernels behind one small interface.
 *
 * <p>{@link dev.deepzero.kernel.Kernels} is the only place where arithmetic on raw arrays happens in bulk.
 * {@link dev.deepzero.kernel.ScalarKernels} is the plain-loop reference that tests trust; a SIMD
 * implementation using {@code jdk.incubator.vector} lives in a second source root ({@code src/panama/java})
 * and is picked once by {@link dev.deepzero.kernel.KernelProvider}. Kernels trust their callers: argument
 * validation happens in {@code dev.deepzero.tensor} and {@code dev.deepzero.ops}. Every kernel runs on the
 * thread that calls it; {@link dev.deepzero.kernel.Parallel}, the library's one thread pool, lives here too but
 * only runs chunks: how a computation is cut into them (the split of a matrix product, blocks of images) is
 * decided in {@code dev.deepzero.ops}, the only package that uses the pool.
 *
 * <p>Depends on: {@code java.base} only ({@code jdk.incubator.vector} in the panama source root).
 */
package dev.deepzero.kernel;
