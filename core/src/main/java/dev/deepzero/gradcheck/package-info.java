/**
 * Numerical gradient checking: {@link dev.deepzero.gradcheck.GradCheck} compares each layer's and loss's
 * analytic backward with central differences, and {@link dev.deepzero.gradcheck.StandardChecks} lists one
 * check for every layer and loss of the library (used by the tests and by {@code deepzero gradcheck}).
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn}, {@code dev.deepzero.nn.layers},
 * {@code dev.deepzero.loss}.
 */
package dev.deepzero.gradcheck;
