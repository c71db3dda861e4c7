/**
 * The layer contract and its containers: {@link dev.deepzero.nn.Layer} (forward caches, backward returns the
 * input gradient and accumulates parameter gradients), {@link dev.deepzero.nn.Parameter} (a value with its
 * gradient), {@link dev.deepzero.nn.Mode} (explicit train/eval), {@link dev.deepzero.nn.Sequential} and the
 * strict state-dict helpers in {@link dev.deepzero.nn.StateDicts}. The concrete layers are in
 * {@code dev.deepzero.nn.layers}.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}.
 */
package dev.deepzero.nn;
