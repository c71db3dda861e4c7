/**
 * Test-only helpers shared by every test: {@link dev.deepzero.testing.TensorAssert} (shape-checked closeness with
 * the failing multi-index in the message) and {@link dev.deepzero.testing.Tolerances} (the one home for numeric
 * tolerances). May import tensor, nn and loss.
 */
package dev.deepzero.testing;
