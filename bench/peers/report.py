#!/usr/bin/env python3
"""Prints compare.sh's tables from the JSON lines its runs left in a results folder (stdlib only).

  report.py models DIR files DIR/<system>.<round>.json, a JSON object a line (one per model), and
                       DIR/parameters.json (deepzero's parameter counts)
  report.py gemm DIR   files DIR/numpy-gemm.<round>.json and DIR/deepzero-gemm.<round>.out, JSON lines
Each system's figure is its best over the rounds (the least disturbed one on a shared machine).
"""
import glob
import json
import os
import sys

SYSTEMS = ["deepzero", "pytorch", "numpy"]
MODELS = ["mlp", "simple-cnn", "lenet", "deep-cnn", "yolo-v1"]


def json_lines(path):
    records = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return records


def ratio(ours, theirs):
    return f"{ours / theirs:.2f}" if ours and theirs else "-"


def number(value, fmt="{:.1f}"):
    return fmt.format(value) if isinstance(value, (int, float)) else "-"


def print_table(header, rows):
    if not rows:
        print("(no system produced a result)")
        return
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths]] + rows:
        print(" | ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths))))


def model_name(record):
    """deepzero bench names the detector yolo-v1@64 (its input side); the peers say yolo-v1 with image_size."""
    return (record.get("model") or "simple-cnn").split("@")[0]


def models(folder):
    """One row per model and system: best train and inference images/s over the rounds, deepzero/system ratios,
    then each model's parameter counts (deepzero's from ModelBench --parameters against PyTorch's)."""
    runs = {}  # (model, system) -> that system's records for the model, one per round
    for s in SYSTEMS:
        for p in sorted(glob.glob(os.path.join(folder, s + ".*.json"))):
            for r in json_lines(p):
                runs.setdefault((model_name(r), s), []).append(r)
    names = [m for m in MODELS if any((m, s) in runs for s in SYSTEMS)]
    best = {key: {k: max((r.get(k) or 0 for r in rs), default=0)
                  for k in ("train_images_per_sec", "infer_images_per_sec")} for key, rs in runs.items()}
    rows = []
    for m in names:
        dz = best.get((m, "deepzero"), {})
        for s in SYSTEMS:
            if (m, s) not in runs:
                continue
            last = runs[(m, s)][-1]
            train, infer = best[(m, s)]["train_images_per_sec"], best[(m, s)]["infer_images_per_sec"]
            rounds = ", ".join(number(r.get("train_images_per_sec"), "{:.0f}") for r in runs[(m, s)])
            rows.append([m, s, last.get("version") or last.get("jdk") or "-", last.get("threads", "-"),
                         last.get("batch_size", "-"), number(train), ratio(dz.get("train_images_per_sec"), train),
                         last.get("infer_batch_size") or last.get("infer_batch") or "-", number(infer),
                         ratio(dz.get("infer_images_per_sec"), infer), number(last.get("test_accuracy"), "{:.4f}"),
                         rounds])
    print_table(["model", "system", "version/jdk", "threads", "batch", "train img/s", "deepzero/peer", "infer batch",
                 "infer img/s", "deepzero/peer", "test acc", "train img/s per round"], rows)
    counts = {r["model"]: r["parameters"] for p in glob.glob(os.path.join(folder, "parameters.json"))
              for r in json_lines(p)}
    for m in names:
        peer = runs.get((m, "pytorch"), [{}])[-1].get("parameters")
        if peer is not None or m in counts:
            verdict = "same" if peer == counts.get(m) else "DIFFERENT"
            print(f"  {m} parameters: deepzero {counts.get(m, '-')}, pytorch {peer if peer is not None else '-'}: "
                  f"{verdict}")
    for s in SYSTEMS:
        last = [rs[-1] for (m, sys_), rs in runs.items() if sys_ == s]
        if last and last[0].get("cpu_capability"):
            print(f"  {s}: ATen CPU capability {last[0]['cpu_capability']}, mkldnn {last[0].get('mkldnn')}")
        blas = (last[0].get("blas") or []) if last else []
        if s == "pytorch" and blas and not any(b.get("library") == "openblas" for b in blas):
            print("  WARNING: pytorch runs the reference (netlib) BLAS, so its Linear layers are slow: install "
                  "libopenblas0-pthread (compare.sh --install-peers) before comparing")
        seen = set()
        for b in blas:
            key = (b.get("library"), b.get("kernel"), b.get("threads"))
            if key not in seen:  # a libblas.so.3 shim and the OpenBLAS it loads report the same thing
                seen.add(key)
                print(f"  {s} BLAS: {b.get('library')} kernel={b.get('kernel')} threads={b.get('threads')} "
                      f"{b.get('path')}")


def gemm(folder):
    def best_by_shape(pattern):
        best = {}
        for p in sorted(glob.glob(os.path.join(folder, pattern))):
            for r in json_lines(p):
                if all(k in r for k in ("m", "k", "n", "gflops")):
                    key = (r["m"], r["k"], r["n"])
                    if r["gflops"] > best.get(key, {}).get("gflops", -1):
                        best[key] = r
        return best

    peer, ours = best_by_shape("numpy-gemm.*.json"), best_by_shape("deepzero-gemm.*.out")
    rows = [[r.get("label", ""), f"{m}x{k} * {k}x{n}", number(r["gflops"], "{:.2f}"),
             number(ours.get((m, k, n), {}).get("gflops"), "{:.2f}"),
             ratio(ours.get((m, k, n), {}).get("gflops"), r["gflops"])] for (m, k, n), r in peer.items()]
    rows += [[r.get("label", r.get("name", "")), f"{m}x{k} * {k}x{n}", "-", number(r["gflops"], "{:.2f}"), "-"]
             for (m, k, n), r in ours.items() if (m, k, n) not in peer]
    print_table(["shape", "M x K * K x N", "numpy GFLOP/s", "deepzero GFLOP/s", "deepzero/numpy"], rows)
    if peer:
        any_row = next(iter(peer.values()))
        print(f"  numpy {any_row.get('version')} OpenBLAS kernel={any_row.get('kernel')} "
              f"threads={any_row.get('threads')}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("models", "gemm"):
        sys.exit("usage: report.py models|gemm RESULTS_DIR")
    {"models": models, "gemm": gemm}[sys.argv[1]](sys.argv[2])
