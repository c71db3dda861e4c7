/**
 * PyTorch state dicts in: {@link dev.deepzero.interop.pytorch.PyTorchImport} loads a {@code state_dict} saved as
 * safetensors into a deepzero network of the same architecture.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn}, {@code dev.deepzero.io}.
 */
package dev.deepzero.interop.pytorch;
