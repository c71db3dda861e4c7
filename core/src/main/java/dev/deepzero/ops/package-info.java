/**
 * The operations under the layers, in the manner of PyTorch's {@code torch.nn.functional} under
 * {@code torch.nn}: matrix products ({@link dev.deepzero.ops.Gemm}), im2col ({@link dev.deepzero.ops.Im2Col}),
 * convolution ({@link dev.deepzero.ops.Convolution}, and {@link dev.deepzero.ops.Winograd} for 3x3 stride-1
 * layers), pooling ({@link dev.deepzero.ops.Pooling}), per-channel
 * normalisation ({@link dev.deepzero.ops.ChannelNorm}) and elementwise work ({@link dev.deepzero.ops.Pointwise}).
 *
 * <p>A layer in {@code dev.deepzero.nn.layers} holds the formulas, the cache and the parameters; the operation
 * it calls holds the machinery: how the work is cut into blocks and spread over {@link
 * dev.deepzero.kernel.Parallel}'s threads so that results do not depend on the thread count, which {@link
 * dev.deepzero.kernel.Kernels} call does each block, which memory is reused and zeroed. This package is the only
 * one above {@code tensor} that reaches the kernels, the thread pool or scratch memory.
 *
 * <p>Memory: every output and scratch array comes from {@link dev.deepzero.tensor.Tensor#empty} on the calling
 * thread (a chunk run on a worker uses the piece its caller took for it), so inside a training step or
 * prediction slice it is the last one's memory again; an operation that adds into memory zeroes it first,
 * in the chunk that writes it.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.kernel}.
 */
package dev.deepzero.ops;
