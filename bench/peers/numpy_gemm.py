#!/usr/bin/env python3
"""numpy float32 GEMM throughput, as the peer for deepzero's GEMM benchmark: C[M,N] = A[M,K] @ B[K,N] with
contiguous row-major operands and a preallocated C, for square sizes and the products the models' training steps
multiply. Prints one JSON line per shape: GFLOP/s = 2*M*N*K / seconds, best of --repeats timings, each
timing enough calls to last about --min-seconds.
"""
import argparse
import time

import numpy as np

from common import blas_env, blas_info, emit

# (label, M, K, N)
SHAPES = [
    ("square-1024", 1024, 1024, 1024),
    ("square-2048", 2048, 2048, 2048),
    # The products deepzero runs in the models (per image, or per group of small images), as (m, k, n):
    ("simple-cnn conv W[30x25] x col[25x576]", 30, 25, 576),
    ("simple-cnn fc1 x[100x4320] x W^T[4320x100]", 100, 4320, 100),
    ("deep-cnn conv2 W[64x288] x col[288x392]", 64, 288, 392),
    ("deep-cnn conv3 W[128x576] x col[576x392]", 128, 576, 392),
    ("deep-cnn conv2 dW g[64x392] x col^T[392x288]", 64, 392, 288),
    ("deep-cnn conv2 dcol W^T[288x64] x g[64x392]", 288, 64, 392),
    ("deep-cnn fc1 x[100x6272] x W^T[6272x256]", 100, 6272, 256),
    ("detector conv W[32x144] x col[144x1024]", 32, 144, 1024),
    ("detector context conv W[128x576] x col[576x256]", 128, 576, 256),
]


def best_seconds_per_call(a, b, c, repeats, min_seconds):
    np.matmul(a, b, out=c)
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < min_seconds / 4:
        np.matmul(a, b, out=c)
        calls += 1
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls * 4):
            np.matmul(a, b, out=c)
        best = min(best, (time.perf_counter() - start) / (calls * 4))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--min-seconds", type=float, default=0.5)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    blas = blas_info()
    for label, m, k, n in SHAPES:
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        c = np.empty((m, n), dtype=np.float32)
        seconds = best_seconds_per_call(a, b, c, args.repeats, args.min_seconds)
        emit({"peer": "numpy", "op": "sgemm", "label": label, "m": m, "k": k, "n": n,
              "gflops": round(2.0 * m * n * k / seconds / 1e9, 2), "ms_per_call": round(seconds * 1e3, 4),
              "version": np.__version__, "kernel": blas[0]["kernel"] if blas else None,
              "threads": blas[0]["threads"] if blas else None, "blas_env": blas_env()})


if __name__ == "__main__":
    main()
