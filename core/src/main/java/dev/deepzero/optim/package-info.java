/**
 * Optimizers that update {@link dev.deepzero.nn.Parameter}s from their accumulated gradients:
 * {@link dev.deepzero.optim.Sgd}, {@link dev.deepzero.optim.Momentum}, {@link dev.deepzero.optim.Nesterov},
 * {@link dev.deepzero.optim.AdaGrad}, {@link dev.deepzero.optim.RmsProp}, {@link dev.deepzero.optim.Adam}, all
 * with optional L2 weight decay, and {@link dev.deepzero.optim.Optimizers} to build one by name. Per-parameter
 * state is allocated once, in the constructor.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn} ({@code Parameter}).
 */
package dev.deepzero.optim;
