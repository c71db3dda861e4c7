#!/usr/bin/python3
"""PyTorch peer for deepzero's benchmark: the articles' simple CNN on Fashion-MNIST.

Model: Conv2d(1->30, 5x5) -> ReLU -> MaxPool(2x2, stride 2) -> Flatten(4320) -> Linear(4320->100) -> ReLU
-> Linear(100->10), softmax cross-entropy, SGD lr 0.1, batch 100, shuffled, He-normal weights, zero biases.

Prints one JSON line: steady-state train images/s (the first --warmup batches left out), test accuracy after
training, and inference images/s at --infer-batch over the test set (eval mode, no_grad; one untimed pass
first). Run with Debian's /usr/bin/python3 (python3-torch); compare.sh sets OPENBLAS_NUM_THREADS=1 so
OpenBLAS's threads do not fight torch's own.
"""
import time

import numpy as np
import torch
from torch import nn

from common import batch_schedule, bench_arguments, blas_env, blas_info, emit, load_fashion_mnist


def simple_cnn():
    model = nn.Sequential(
        nn.Conv2d(1, 30, kernel_size=5, stride=1, padding=0), nn.ReLU(), nn.MaxPool2d(2, stride=2),
        nn.Flatten(), nn.Linear(30 * 12 * 12, 100), nn.ReLU(), nn.Linear(100, 10))
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            # He-normal: std = sqrt(2 / fan_in), fan_in = in_channels * kh * kw (25 for the conv).
            nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model


def main():
    parser = bench_arguments(__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, y_train, x_test, y_test = (torch.from_numpy(a) for a in load_fashion_mnist(args.data_dir))
    batches = [torch.from_numpy(b) for b in batch_schedule(len(x_train), args, np.random.default_rng(args.seed))]

    model = simple_cnn()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    model.train()
    timed_start = None
    for i, idx in enumerate(batches):
        if i == args.warmup:
            timed_start = time.perf_counter()
        x, t = x_train[idx], y_train[idx]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
    train_seconds = time.perf_counter() - timed_start
    timed_images = (len(batches) - args.warmup) * args.batch_size

    model.eval()
    with torch.no_grad():
        def predict_all():
            return torch.cat([model(x_test[i:i + args.infer_batch]).argmax(dim=1)
                              for i in range(0, len(x_test), args.infer_batch)])
        predictions = predict_all()
        start = time.perf_counter()
        predict_all()
        infer_seconds = time.perf_counter() - start

    emit({"peer": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
          "train_images_per_sec": round(timed_images / train_seconds, 1),
          "infer_images_per_sec": round(len(x_test) / infer_seconds, 1),
          "test_accuracy": round(float((predictions == y_test).float().mean()), 4),
          "final_loss": round(float(loss), 4), "batch_size": args.batch_size, "train_batches": len(batches),
          "warmup_batches": args.warmup, "infer_batch": args.infer_batch, "blas": blas_info(),
          "blas_env": blas_env(), "mkldnn": torch.backends.mkldnn.is_available()})


if __name__ == "__main__":
    main()
