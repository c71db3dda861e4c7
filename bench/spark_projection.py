#!/usr/bin/env python3
"""Prints what bench/spark.sh measured, and projects Spark's speed-up on M machines from those costs.

Measured, per model: images/s of one process (`deepzero train`), and of spark-train on local[2] in both modes
with the time split into compute (mean task compute per job), Spark (job wall time minus compute: scheduling,
task launch, broadcast fetch, result serialisation, treeAggregate) and driver (encoding the weights, applying
the update).

Projection (weak scaling: each machine is this one, 2 cores, and contributes 100 images per step, so the global
batch is 100*M): one step on M machines takes
    compute(100 images at the single-process rate) + spark_overhead + driver + network(M)
with network(M) = W/bw * log2(M+1)  (torrent broadcast of the W weight bytes)
               + 2 * sqrt(M) * W/bw   (treeAggregate, depth 2: sqrt(M) partial sums reach each level)
and in averaging mode one such job per K local steps, carrying the weights and the optimizer's state. The
measured overhead is that of local mode (no network); bw is an assumption (10 Gbit/s). Speed-up is against one
process on one machine. Standard library only.
"""
import argparse
import json
import math
import os

MACHINES = (2, 8, 32)


def load(path):
    with open(path) as f:
        return json.loads(f.read().strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", help="folder written by bench/spark.sh")
    ap.add_argument("--period", type=int, default=5, help="averaging period K of the runs")
    ap.add_argument("--bandwidth", type=float, default=1.25e9, help="network bytes/s (default 10 Gbit/s)")
    ap.add_argument("--assume", action="append", default=[], metavar="MODEL:IPS:BYTES:SPARK_MS:DRIVER_MS",
                    help="also project a model from given costs (single-process images/s, weight bytes, Spark and"
                         " driver ms per job), e.g. figures measured on a quiet machine; repeatable")
    args = ap.parse_args()
    models = sorted({f.split("-train.json")[0] for f in os.listdir(args.results) if f.endswith("-train.json")})
    print("measured (JDK %s), one epoch each" % load(os.path.join(args.results, models[0] + "-sync.json"))["jdk"])
    print("%-10s %-22s %9s %9s %9s | per job (ms): %8s %8s %8s %8s" % (
        "model", "run", "img/s", "epoch s", "test acc", "jobs", "compute", "spark", "driver"))
    projections = []
    for model in models:
        train = load(os.path.join(args.results, model + "-train.json"))
        single_seconds = train["seconds"]
        single_ips = train.get("images_per_sec") or 60000 / single_seconds
        with open(os.path.join(args.results, model + "-train", "metrics.csv")) as f:
            row = f.read().strip().splitlines()[-1].split(",")
            single_ips = float(row[-1])
            single_epoch = float(row[-2])
        print("%-10s %-22s %9.0f %9.1f %9.4f |" % (model, "deepzero train", single_ips, single_epoch,
                                                   train["test_accuracy"]))
        weight_bytes = os.path.getsize(os.path.join(args.results, model + "-train", "model.safetensors"))
        for mode in ("sync", "average"):
            run = load(os.path.join(args.results, "%s-%s.json" % (model, mode)))
            e = run["per_epoch"][-1]
            jobs = e["jobs"]
            compute = e["compute_seconds"] / jobs
            spark = (e["job_seconds"] - e["compute_seconds"]) / jobs
            driver = e["driver_seconds"] / jobs
            print("%-10s %-22s %9.0f %9.1f %9.4f | %22d %8.1f %8.1f %8.1f" % (
                model, "spark-train local[2] " + mode[:4], e["images_per_sec"], e["seconds"], run["test_accuracy"],
                jobs, compute * 1e3, spark * 1e3, driver * 1e3))
            projections.append((model, mode, single_ips, spark, driver, weight_bytes))
    for spec in args.assume:
        model, ips, size, spark_ms, driver_ms = spec.split(":")
        for mode in ("sync", "average"):
            projections.append((model + "*", mode, float(ips), float(spark_ms) / 1e3, float(driver_ms) / 1e3,
                                int(size)))
    print()
    print("projected speed-up against one process (weak scaling, 100 images per machine per step, %.0f Gbit/s)"
          % (args.bandwidth * 8 / 1e9))
    print("%-10s %-8s %12s " % ("model", "mode", "step compute") + " ".join("%14s" % ("M=%d" % m) for m in MACHINES))
    for model, mode, single_ips, spark, driver, weight_bytes in projections:
        step_compute = 100 / single_ips
        steps_per_job = args.period if mode == "average" else 1
        # Averaging ships the optimizer state too (up to two slots per weight for Adam).
        payload = weight_bytes * (3 if mode == "average" else 1)
        cells = []
        for m in MACHINES:
            network = payload / args.bandwidth * (math.log2(m + 1) + 2 * math.sqrt(m))
            job = steps_per_job * step_compute + spark + driver + network
            speedup = m * 100 * steps_per_job / job / single_ips
            cells.append("%6.1fx (%3.0f%%)" % (speedup, 100 * speedup / m))
        print("%-10s %-8s %9.1f ms " % (model, mode, step_compute * 1e3) + " ".join("%14s" % c for c in cells))
    print("(%% = parallel efficiency; sync keeps single-process semantics, averaging with K=%d does not;"
          " * = from --assume costs)" % args.period)


if __name__ == "__main__":
    main()
