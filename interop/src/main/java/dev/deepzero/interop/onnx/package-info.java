/**
 * ONNX export: {@link dev.deepzero.interop.onnx.OnnxExport} writes a network as an ONNX model (opset 13, IR 7)
 * through a small protobuf wire-format writer, {@code Protobuf}.
 *
 * <p>Depends on: {@code dev.deepzero.tensor}, {@code dev.deepzero.nn}, {@code dev.deepzero.io}.
 */
package dev.deepzero.interop.onnx;
