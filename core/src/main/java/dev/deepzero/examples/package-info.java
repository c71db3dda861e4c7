/**
 * The articles' networks as ready-to-run examples: {@link dev.deepzero.examples.Xor}, the full-scratch
 * article's XOR network. The CLI runs them; the tests check that they learn.
 *
 * <p>Depends on: every library package except {@code dev.deepzero.cli}.
 */
package dev.deepzero.examples;
