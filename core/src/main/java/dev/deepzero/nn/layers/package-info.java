/**
 * The layers: {@link dev.deepzero.nn.layers.Linear} (the articles' Affine), activations
 * ({@link dev.deepzero.nn.layers.Relu}, {@link dev.deepzero.nn.layers.LeakyRelu},
 * {@link dev.deepzero.nn.layers.Sigmoid}, {@link dev.deepzero.nn.layers.Tanh},
 * {@link dev.deepzero.nn.layers.Softmax}, {@link dev.deepzero.nn.layers.Identity}), convolution and pooling
 * ({@link dev.deepzero.nn.layers.Conv2d}, {@link dev.deepzero.nn.layers.MaxPool2d},
 * {@link dev.deepzero.nn.layers.AvgPool2d}, {@link dev.deepzero.nn.layers.GlobalAvgPool2d}), shape and regularisation
 * layers ({@link dev.deepzero.nn.layers.Flatten}, {@link dev.deepzero.nn.layers.Dropout},
 * {@link dev.deepzero.nn.layers.BatchNorm}), and {@link dev.deepzero.nn.layers.Activations}, which builds an
 * activation from its name as the articles' {@code get_act} does.
 *
 * <p>Every layer's Javadoc gives its formula and a Shape block; every layer is gradient-checked in the tests. A
 * layer holds its formula, parameters, cache, forward and backward; the loops that need threads, the vector
 * kernels or scratch memory are operations in {@code dev.deepzero.ops}, which is the only way the layers reach
 * them. Every layer takes its output and input gradient from {@link dev.deepzero.tensor.Tensor#empty} (directly
 * or through an operation), so a training step reuses the last step's memory.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn}, {@code dev.deepzero.ops}.
 */
package dev.deepzero.nn.layers;
