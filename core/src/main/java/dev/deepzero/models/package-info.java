/**
 * Ready-made architectures by name, for the command line and for quick starts: {@code mlp},
 * {@code simple-cnn} (the articles' CNN), {@code lenet} and {@code deep-cnn}.
 *
 * <p>Depends on: {@code dev.deepzero.nn}, {@code dev.deepzero.nn.layers}, {@code dev.deepzero.tensor}.
 */
package dev.deepzero.models;
