/**
 * darknet (pjreddie/darknet) networks: {@link dev.deepzero.interop.darknet.Darknet} reads a YOLOv1-style
 * {@code .cfg} with its {@code .weights} into a deepzero network and writes deepzero networks back out;
 * {@code DarknetCfg} is the cfg format itself.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn}, {@code dev.deepzero.nn.layers},
 * {@code dev.deepzero.io}, {@code dev.deepzero.detect}.
 */
package dev.deepzero.interop.darknet;
