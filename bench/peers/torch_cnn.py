#!/usr/bin/python3
"""PyTorch peer for deepzero's benchmarks: deepzero's built-in models (torch_models.py) trained and run in PyTorch.

Three ways to run, each printing JSON lines (one per model or point), the last field set naming the system:
- --data fashion-mnist (the default): a classifier (--model, default the articles' simple-cnn) trained on
  Fashion-MNIST, shuffled, one epoch or --batches N batches of --batch-size, the first --warmup untimed; test
  accuracy after training; inference images/s at --infer-batch over the test set (one untimed pass first).
- --data random: `./deepzero bench`'s protocol (cli/.../BenchCommand.java) on random inputs, one fixed batch
  reused, for any model including the yolo-v1 detector (trained with MSE in place of deepzero's YOLO loss):
  --warmup untimed steps, then --batches timed steps (the detector: max(3, batches / 5), at --detect-batch);
  inference with predict's equivalent (eval mode, no_grad) on --infer-batch inputs, 3 untimed then
  max(3, 20000 / infer-batch) timed calls (the detector: --warmup untimed, max(3, batches / 5) timed at
  --detect-batch). --points B@S,... instead measures each (batch B, image side S): per phase untimed calls, at
  least --warmup and for at least --warmup-seconds, then timed calls for at least --min-seconds, and the median
  call time (what bench/scaling.sh asks of bench/ModelBench.java too); deep-cnn is not trained at batch 1.
- --startup train|predict: builds the model and prints the wall-clock time (ms since the epoch) at the end of
  its first training step (batch --batch-size, the detector --detect-batch) or first batch-1 prediction; the
  caller subtracts its own start time (bench/scaling.sh).
All with --lr SGD (`./deepzero bench` trains every model with SGD). Run with Debian's /usr/bin/python3
(python3-torch); the bench scripts set OPENBLAS_NUM_THREADS=1 so OpenBLAS's threads do not fight torch's own.
"""
import re
import statistics
import time

import numpy as np
import torch
from torch import nn

import torch_models
from common import batch_schedule, bench_arguments, blas_env, blas_info, emit, load_fashion_mnist


def batch_for(name, size, batch):
    """Random inputs in [0, 1) and targets: class indices for a classifier, a [N, S, S, 5B + C] tensor for the
    detector (MSE's target; its values do not change the cost)."""
    x = torch.rand(batch, torch_models.input_channels(name), size, size)
    if name == torch_models.DETECTOR:
        grid = torch_models.yolo_grid(size)
        return x, torch.rand(batch, grid, grid, 5 * torch_models.BOXES_PER_CELL + torch_models.DETECT_CLASSES)
    return x, torch.arange(batch) % torch_models.CLASSES


def trainer(name, model, lr):
    """One training step as deepzero's Trainer takes it: forward, loss, zero the gradients, backward, SGD step."""
    loss_fn = nn.MSELoss() if name == torch_models.DETECTOR else nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def step(x, t):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
        return loss
    return step


def timed_calls(fn, warmup, calls, min_seconds=0.0, warmup_seconds=0.0):
    """Runs fn untimed at least `warmup` times and for at least warmup_seconds, then timed at least `calls` times
    and for at least min_seconds; returns the number of timed calls, their total seconds and the median seconds
    of one call. bench/ModelBench.java follows the same rule."""
    warmup_start, done = time.perf_counter(), 0
    while done < warmup or time.perf_counter() - warmup_start < warmup_seconds:
        fn()
        done += 1
    times, start = [], time.perf_counter()
    while len(times) < calls or time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return len(times), time.perf_counter() - start, statistics.median(times)


def cpu_capability():
    """The SIMD level ATen dispatches to (ATEN_CPU_CAPABILITY caps it), from torch's build/run-time config."""
    found = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
    return found.group(1) if found else None


def system_fields(args):
    return {"peer": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
            "cpu_capability": cpu_capability(), "mkldnn": torch.backends.mkldnn.is_available(), "lr": args.lr,
            "optimizer": "sgd", "blas": blas_info(), "blas_env": blas_env()}


def bench_random(name, args):
    """One model under `./deepzero bench`'s protocol (see the module's docstring)."""
    detector = name == torch_models.DETECTOR
    size = args.image_size or torch_models.default_image_size(name)
    train_batch = args.detect_batch if detector else args.batch_size
    infer_batch = args.detect_batch if detector else args.infer_batch
    model = torch_models.build(name, size)
    step = trainer(name, model, args.lr)
    x, t = batch_for(name, size, train_batch)
    model.train()
    timed = max(3, args.batches // 5) if detector else args.batches
    steps, seconds, _ = timed_calls(lambda: step(x, t), max(2, args.warmup) if detector else args.warmup, timed)
    train = steps * train_batch / seconds
    xi = x if detector else torch.rand(infer_batch, torch_models.input_channels(name), size, size)
    model.eval()
    with torch.no_grad():
        if detector:
            calls, seconds, _ = timed_calls(lambda: model(xi), max(2, args.warmup), timed)
        else:
            calls, seconds, _ = timed_calls(lambda: model(xi), 3, max(3, 20000 // infer_batch))
    emit({**system_fields(args), "model": name, "image_size": size, "parameters": torch_models.parameter_count(model),
          "batch_size": train_batch, "train_images_per_sec": round(train, 1), "infer_batch_size": infer_batch,
          "infer_images_per_sec": round(calls * infer_batch / seconds, 1)})


def parse_points(text, name):
    """'B@S,...' -> [(batch, side)]; a bare 'B' means the model's default side."""
    points = []
    for item in text.split(","):
        batch, _, side = item.partition("@")
        points.append((int(batch), int(side) if side else torch_models.default_image_size(name)))
    return points


def bench_points(name, args):
    """Training and inference cost of one model at each (batch, side) of --points, --min-seconds per phase."""
    for batch, size in parse_points(args.points, name):
        model = torch_models.build(name, size)
        step = trainer(name, model, args.lr)
        x, t = batch_for(name, size, batch)
        model.train()
        budget = (args.warmup, 3, args.min_seconds, args.warmup_seconds)
        train = {}
        if torch_models.trainable(name, batch):
            steps, train_s, train_median = timed_calls(lambda: step(x, t), *budget)
            train = {"train_steps": steps, "train_images_per_sec": round(steps * batch / train_s, 1),
                     "train_step_median_ms": round(train_median * 1e3, 3)}
        model.eval()
        with torch.no_grad():
            calls, infer_s, infer_median = timed_calls(lambda: model(x), *budget)
        emit({**system_fields(args), "model": name, "image_size": size, "batch_size": batch,
              "parameters": torch_models.parameter_count(model), **train, "infer_calls": calls,
              "infer_images_per_sec": round(calls * batch / infer_s, 1),
              "infer_call_median_ms": round(infer_median * 1e3, 3)})


def startup(name, args):
    """Builds the model, takes one training step or one batch-1 prediction, and prints when that ended."""
    size = args.image_size or torch_models.default_image_size(name)
    model = torch_models.build(name, size)
    if args.startup == "train":
        batch = args.detect_batch if name == torch_models.DETECTOR else args.batch_size
        x, t = batch_for(name, size, batch)
        trainer(name, model, args.lr)(x, t)
    else:
        model.eval()
        with torch.no_grad():
            model(torch.rand(1, torch_models.input_channels(name), size, size)).argmax()
    done_ms = time.time() * 1e3
    emit({**system_fields(args), "model": name, "image_size": size, "startup": args.startup,
          "done_epoch_ms": round(done_ms, 1)})


def bench_fashion_mnist(name, args):
    """A classifier trained on Fashion-MNIST: train and inference images/s, test accuracy."""
    x_train, y_train, x_test, y_test = (torch.from_numpy(a) for a in load_fashion_mnist(args.data_dir))
    batches = [torch.from_numpy(b) for b in batch_schedule(len(x_train), args, np.random.default_rng(args.seed))]
    model = torch_models.build(name, 28)
    step = trainer(name, model, args.lr)
    model.train()
    timed_start = None
    for i, idx in enumerate(batches):
        if i == args.warmup:
            timed_start = time.perf_counter()
        loss = step(x_train[idx], y_train[idx])
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

    emit({**system_fields(args), "model": name, "parameters": torch_models.parameter_count(model),
          "train_images_per_sec": round(timed_images / train_seconds, 1),
          "infer_images_per_sec": round(len(x_test) / infer_seconds, 1),
          "test_accuracy": round(float((predictions == y_test).float().mean()), 4),
          "final_loss": round(float(loss), 4), "batch_size": args.batch_size, "train_batches": len(batches),
          "warmup_batches": args.warmup, "infer_batch": args.infer_batch})


def main():
    parser = bench_arguments(__doc__.splitlines()[0])
    parser.add_argument("--model", default="simple-cnn",
                        help=f"comma-separated: {', '.join(torch_models.MODELS)} (yolo-v1 with --data random only)")
    parser.add_argument("--data", choices=["fashion-mnist", "random"], default="fashion-mnist")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--image-size", type=int, default=0, help="input side; 0 = the model's default (28, 64)")
    parser.add_argument("--detect-batch", type=int, default=32, help="the detector's train and inference batch")
    parser.add_argument("--points", help="B@S,...: (batch, side) pairs to measure, --data random only")
    parser.add_argument("--min-seconds", type=float, default=2.0, help="timed seconds per phase with --points")
    parser.add_argument("--warmup-seconds", type=float, default=2.0,
                        help="with --points: untimed calls for at least this long (and at least --warmup)")
    parser.add_argument("--startup", choices=["train", "predict"])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    names = args.model.split(",")
    for name in names:
        if name not in torch_models.MODELS:
            parser.error(f"unknown model '{name}'; valid names: {', '.join(torch_models.MODELS)}")
    for name in names:
        if args.startup:
            startup(name, args)
        elif args.data == "fashion-mnist":
            if name == torch_models.DETECTOR:
                parser.error("yolo-v1 needs --data random (Fashion-MNIST has no boxes)")
            bench_fashion_mnist(name, args)
        elif args.points:
            bench_points(name, args)
        else:
            bench_random(name, args)


if __name__ == "__main__":
    main()
