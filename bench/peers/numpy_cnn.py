#!/usr/bin/env python3
"""numpy peer for deepzero's benchmark: the articles' from-scratch CNN ("Deep Learning from Scratch" style:
im2col convolution, pooling via im2col + argmax, Affine, Relu, SoftmaxWithLoss), written plainly here.

Same model, data, batch size and SGD as torch_cnn.py. Prints one JSON line with steady-state train images/s
(first --warmup batches left out), test accuracy after the trained batches, and inference images/s at
--infer-batch. float32 by default to match the other systems (the book's code runs float64: --dtype float64).
The conv layer's gradient with respect to the input images is skipped unless --input-grad, as PyTorch skips it
(the book's SimpleConvNet computes it and throws it away).
"""
import time

import numpy as np

from common import batch_schedule, bench_arguments, blas_env, blas_info, emit, load_fashion_mnist


def im2col(x, fh, fw, stride):
    """[N,C,H,W] -> [N*OH*OW, C*fh*fw]: one row per output position, holding the window it sees."""
    n, c, h, w = x.shape
    oh, ow = (h - fh) // stride + 1, (w - fw) // stride + 1
    col = np.empty((n, c, fh, fw, oh, ow), dtype=x.dtype)
    for dy in range(fh):
        for dx in range(fw):
            col[:, :, dy, dx, :, :] = x[:, :, dy:dy + stride * oh:stride, dx:dx + stride * ow:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def col2im(col, shape, fh, fw, stride):
    """The adjoint of im2col: adds each row's window back onto the image positions it was read from."""
    n, c, h, w = shape
    oh, ow = (h - fh) // stride + 1, (w - fw) // stride + 1
    col = col.reshape(n, oh, ow, c, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros(shape, dtype=col.dtype)
    for dy in range(fh):
        for dx in range(fw):
            img[:, :, dy:dy + stride * oh:stride, dx:dx + stride * ow:stride] += col[:, :, dy, dx, :, :]
    return img


class Convolution:
    def __init__(self, w, b, need_input_grad):
        self.params, self.grads = [w, b], [np.zeros_like(w), np.zeros_like(b)]
        self.need_input_grad = need_input_grad

    def forward(self, x):
        w, b = self.params
        fn, _, fh, fw = w.shape
        n, _, h, wd = x.shape
        oh, ow = h - fh + 1, wd - fw + 1
        self.x_shape, self.col, self.col_w = x.shape, im2col(x, fh, fw, 1), w.reshape(fn, -1).T
        out = self.col @ self.col_w + b
        return out.reshape(n, oh, ow, fn).transpose(0, 3, 1, 2)

    def backward(self, dout):
        w = self.params[0]
        fn, _, fh, fw = w.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        self.grads[1][...] = dout.sum(axis=0)
        self.grads[0][...] = (self.col.T @ dout).T.reshape(w.shape)
        if not self.need_input_grad:
            return None
        return col2im(dout @ self.col_w.T, self.x_shape, fh, fw, 1)


class Pooling:
    def __init__(self, size, stride):
        self.size, self.stride, self.params, self.grads = size, stride, [], []

    def forward(self, x):
        n, c, h, w = x.shape
        oh, ow = (h - self.size) // self.stride + 1, (w - self.size) // self.stride + 1
        col = im2col(x, self.size, self.size, self.stride).reshape(-1, self.size * self.size)
        self.x_shape, self.arg_max = x.shape, col.argmax(axis=1)
        return col.max(axis=1).reshape(n, oh, ow, c).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.zeros((dout.size, self.size * self.size), dtype=dout.dtype)
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.ravel()
        dcol = dmax.reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        return col2im(dcol, self.x_shape, self.size, self.size, self.stride)


class Relu:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


class Affine:
    """y = x.reshape(N, -1) @ W + b; also does the Flatten (the book's Affine reshapes its input)."""

    def __init__(self, w, b):
        self.params, self.grads = [w, b], [np.zeros_like(w), np.zeros_like(b)]

    def forward(self, x):
        self.x_shape, self.x = x.shape, x.reshape(x.shape[0], -1)
        return self.x @ self.params[0] + self.params[1]

    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return (dout @ self.params[0].T).reshape(self.x_shape)


class SoftmaxWithLoss:
    def forward(self, x, t):
        shifted = x - x.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        self.y, self.t = exp / exp.sum(axis=1, keepdims=True), t
        return -np.mean(np.log(self.y[np.arange(len(t)), t] + 1e-7))

    def backward(self):
        dx = self.y.copy()
        dx[np.arange(len(self.t)), self.t] -= 1
        return dx / len(self.t)


class SimpleCnn:
    def __init__(self, rng, dtype, need_input_grad):
        def he(shape, fan_in):
            return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)

        self.layers = [Convolution(he((30, 1, 5, 5), 25), np.zeros(30, dtype), need_input_grad), Relu(),
                       Pooling(2, 2), Affine(he((4320, 100), 4320), np.zeros(100, dtype)), Relu(),
                       Affine(he((100, 10), 100), np.zeros(10, dtype))]
        self.loss = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def train_step(self, x, t, lr):
        loss = self.loss.forward(self.predict(x), t)
        dout = self.loss.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        for layer in self.layers:
            for p, g in zip(layer.params, layer.grads):
                p -= lr * g
        return loss


def main():
    parser = bench_arguments(__doc__.splitlines()[0])
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--input-grad", action="store_true", help="also compute the conv's input gradient")
    args = parser.parse_args()
    dtype = np.dtype(args.dtype).type
    rng = np.random.default_rng(args.seed)
    x_train, y_train, x_test, y_test = load_fashion_mnist(args.data_dir, dtype)
    batches = batch_schedule(len(x_train), args, rng)
    net = SimpleCnn(rng, dtype, args.input_grad)
    lr = dtype(args.lr)

    timed_start = None
    for i, idx in enumerate(batches):
        if i == args.warmup:
            timed_start = time.perf_counter()
        loss = net.train_step(x_train[idx], y_train[idx], lr)
    train_seconds = time.perf_counter() - timed_start
    timed_images = (len(batches) - args.warmup) * args.batch_size

    start = time.perf_counter()
    predictions = np.concatenate([net.predict(x_test[i:i + args.infer_batch]).argmax(axis=1)
                                  for i in range(0, len(x_test), args.infer_batch)])
    infer_seconds = time.perf_counter() - start

    blas = blas_info()
    emit({"peer": "numpy", "version": np.__version__, "threads": blas[0]["threads"] if blas else None,
          "train_images_per_sec": round(timed_images / train_seconds, 1),
          "infer_images_per_sec": round(len(x_test) / infer_seconds, 1),
          "test_accuracy": round(float((predictions == y_test).mean()), 4), "final_loss": round(float(loss), 4),
          "dtype": args.dtype, "input_grad": args.input_grad, "batch_size": args.batch_size,
          "train_batches": len(batches), "warmup_batches": args.warmup, "infer_batch": args.infer_batch,
          "blas": blas, "blas_env": blas_env()})


if __name__ == "__main__":
    main()
