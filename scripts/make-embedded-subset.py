#!/usr/bin/env python3
"""Makes the stratified Fashion-MNIST subset that deepzero ships in its jar.

Reads the four official Fashion-MNIST IDX files (gzip-compressed, as distributed upstream and by Debian's
dataset-fashion-mnist package), picks a fixed number of images per class from each split with a seeded random
generator, and writes them as gzip-compressed IDX files plus LICENSE and README into the resource folder.

Usage: scripts/make-embedded-subset.py [SOURCE_DIR] [OUTPUT_DIR]
  SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist)
  OUTPUT_DIR defaults to core/src/main/resources/dev/deepzero/data/fashion-mnist-subset

Standard library only; the output is byte-for-byte reproducible (fixed seed, gzip mtime 0).
"""
import gzip
import os
import random
import struct
import sys

SEED = 20240601
TRAIN_PER_CLASS = 500
TEST_PER_CLASS = 100
CLASSES = 10
LICENSE = """The MIT License (MIT) Copyright © 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated \
documentation files (the “Software”), to deal in the Software without restriction, including without limitation \
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to \
permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of \
the Software.

THE SOFTWARE IS PROVIDED “AS IS”, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO \
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE \
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, \
TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE \
SOFTWARE.
"""


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    payload = data[4 + 4 * ndim:]
    item = 1
    for d in dims[1:]:
        item *= d
    if len(payload) != dims[0] * item:
        sys.exit(f"{path}: payload has {len(payload)} bytes, expected {dims[0] * item}")
    return dims, [payload[i * item:(i + 1) * item] for i in range(dims[0])]


def write_idx(path, dims, items):
    header = struct.pack(">HBB", 0, 0x08, len(dims)) + struct.pack(">" + "I" * len(dims), *dims)
    # mtime=0 and no file name in the gzip header keep the output reproducible.
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
        f.write(header + b"".join(items))


def subset(source, out, prefix, per_class, rng):
    image_dims, images = read_idx(os.path.join(source, f"{prefix}-images-idx3-ubyte.gz"))
    _, labels = read_idx(os.path.join(source, f"{prefix}-labels-idx1-ubyte.gz"))
    by_class = [[] for _ in range(CLASSES)]
    for index, label in enumerate(labels):
        by_class[label[0]].append(index)
    chosen = []
    for indices in by_class:
        chosen.extend(rng.sample(indices, per_class))
    # Shuffled so that the file is not sorted by class; the order is part of the fixed output.
    rng.shuffle(chosen)
    write_idx(os.path.join(out, f"{prefix}-images-idx3-ubyte.gz"), (len(chosen),) + image_dims[1:],
              [images[i] for i in chosen])
    write_idx(os.path.join(out, f"{prefix}-labels-idx1-ubyte.gz"), (len(chosen),), [labels[i] for i in chosen])
    return len(chosen)


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    out = sys.argv[2] if len(sys.argv) > 2 else "core/src/main/resources/dev/deepzero/data/fashion-mnist-subset"
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)
    train = subset(source, out, "train", TRAIN_PER_CLASS, rng)
    test = subset(source, out, "t10k", TEST_PER_CLASS, rng)
    with open(os.path.join(out, "LICENSE"), "w", encoding="utf-8") as f:
        f.write(LICENSE)
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(f"""# Embedded Fashion-MNIST subset

A stratified subset of Fashion-MNIST (Zalando SE, https://github.com/zalandoresearch/fashion-mnist, MIT license:
see LICENSE) that deepzero ships in its jar so that `deepzero train` works on a machine with no data installed.

- train: {train} images, {TRAIN_PER_CLASS} per class, drawn from the 60,000 official training images
- test: {test} images, {TEST_PER_CLASS} per class, drawn from the 10,000 official test images

Made by `scripts/make-embedded-subset.py` (Python standard library only, seed {SEED}) from the official
gzip-compressed IDX files, here those of Debian's `dataset-fashion-mnist` package. Within each split the samples
are in a seeded random order. The files keep the official IDX format, so the same reader loads both.

For the full data set install `dataset-fashion-mnist`, run `deepzero download`, or pass `--data DIR`.
""")
    print(f"wrote {train} train and {test} test images to {out}")


if __name__ == "__main__":
    main()
