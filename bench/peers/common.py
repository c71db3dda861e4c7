"""Helpers shared by the peer benchmarks: Fashion-MNIST IDX reading, the train/infer timing loop's
arguments, and which BLAS kernel the process actually runs.

Works with any Python 3 that has numpy (the pyenv python and Debian's /usr/bin/python3 alike): stdlib + numpy only.
"""
import argparse
import ctypes
import gzip
import json
import os
import sys

import numpy as np

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
IDX_UNSIGNED_BYTE = 0x08


def read_idx(path):
    """Reads a gzip-compressed IDX file of unsigned bytes into a uint8 array of the shape its header gives."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError(f"{path}: truncated IDX header at byte offset 0")
    zero, dtype, ndim = int.from_bytes(data[0:2], "big"), data[2], data[3]
    if zero != 0 or dtype != IDX_UNSIGNED_BYTE:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {data[0:4].hex()} at byte offset 0)")
    header = 4 + 4 * ndim
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    body = np.frombuffer(data, dtype=np.uint8, offset=header)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: header at byte offset 4 says {dims} ({int(np.prod(dims))} bytes) "
                         f"but {body.size} bytes follow offset {header}")
    return body.reshape(dims)


def load_fashion_mnist(data_dir, dtype=np.float32):
    """Returns (x_train, y_train, x_test, y_test): images [N,1,28,28] scaled to [0,1], labels int64."""
    def images(name):
        raw = read_idx(os.path.join(data_dir, name))
        return raw.reshape(raw.shape[0], 1, raw.shape[1], raw.shape[2]).astype(dtype) / dtype(255)

    def labels(name):
        return read_idx(os.path.join(data_dir, name)).astype(np.int64)

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


def bench_arguments(description):
    """The command-line options every CNN peer shares, so compare.sh can drive them all the same way."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data-dir", default=os.environ.get("FASHION_MNIST_DIR", DEFAULT_DATA_DIR))
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--batches", type=int, default=0,
                        help="train this many batches only (a steady-state window); 0 = one full epoch")
    parser.add_argument("--warmup", type=int, default=20, help="first batches left out of the train images/s")
    parser.add_argument("--infer-batch", type=int, default=1000)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    return parser


def batch_schedule(n_train, args, rng):
    """The shuffled index batches of one epoch, cut to --batches when given; the timing window needs more
    batches than the warm-up."""
    order = rng.permutation(n_train)
    batches = [order[i:i + args.batch_size] for i in range(0, n_train - args.batch_size + 1, args.batch_size)]
    if args.batches > 0:
        batches = batches[:args.batches]
    if len(batches) <= args.warmup:
        sys.exit(f"need more batches ({len(batches)}) than --warmup ({args.warmup}) to time a steady state")
    return batches


def _loaded_blas_paths():
    paths = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            name = os.path.basename(fields[-1]) if len(fields) >= 6 else ""
            if "blas" in name.lower() and fields[-1] not in paths:
                paths.append(fields[-1])
    return paths


def _openblas_call(lib, names, restype):
    for name in names:
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.restype = restype
            return fn()
    return None


def blas_info():
    """Which BLAS libraries this process loaded and, for OpenBLAS, the kernel it picked at run time (the
    build-time config numpy.show_config() prints is not what runs: DYNAMIC_ARCH builds choose at load).
    Uses threadpoolctl when installed, else asks each loaded OpenBLAS itself through ctypes."""
    try:
        import threadpoolctl
        return [{"library": i.get("internal_api"), "version": i.get("version"), "kernel": i.get("architecture"),
                 "threads": i.get("num_threads"), "path": i.get("filepath")}
                for i in threadpoolctl.threadpool_info()]
    except ImportError:
        pass
    infos = []
    for path in _loaded_blas_paths():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        prefixes = ("openblas_", "scipy_openblas_")
        suffixes = ("", "64_", "_64_")
        corename = _openblas_call(lib, [p + "get_corename" + s for p in prefixes for s in suffixes], ctypes.c_char_p)
        config = _openblas_call(lib, [p + "get_config" + s for p in prefixes for s in suffixes], ctypes.c_char_p)
        threads = _openblas_call(lib, [p + "get_num_threads" + s for p in prefixes for s in suffixes], ctypes.c_int)
        infos.append({"library": "openblas" if corename else "blas", "kernel": corename and corename.decode(),
                      "config": config and config.decode().strip(), "threads": threads, "path": path})
    return infos


def blas_env():
    """The OpenBLAS overrides in force for this process (compare.sh unsets them for the numpy peer only)."""
    return {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")
            if k in os.environ}


def emit(record):
    """Prints the one JSON result line compare.sh reads (the last line of stdout)."""
    print(json.dumps(record), flush=True)
