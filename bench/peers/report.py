#!/usr/bin/env python3
"""Prints compare.sh's tables from the JSON lines its runs left in a results folder (stdlib only).

  report.py cnn DIR    files DIR/<system>.<round>.json, one JSON object each
  report.py gemm DIR   files DIR/numpy-gemm.<round>.json and DIR/deepzero-gemm.<round>.out, JSON lines
Each system's figure is its best over the rounds (the least disturbed one on a shared machine).
"""
import glob
import json
import os
import sys

SYSTEMS = ["deepzero", "pytorch", "numpy"]


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


def cnn(folder):
    runs = {s: [r for p in sorted(glob.glob(os.path.join(folder, s + ".*.json"))) for r in json_lines(p)[-1:]]
            for s in SYSTEMS}
    best = {s: {k: max((r.get(k) or 0 for r in rs), default=0)
                for k in ("train_images_per_sec", "infer_images_per_sec")} for s, rs in runs.items() if rs}
    dz = best.get("deepzero", {})
    rows = []
    for s in SYSTEMS:
        if s not in best:
            continue
        last = runs[s][-1]
        train, infer = best[s]["train_images_per_sec"], best[s]["infer_images_per_sec"]
        rounds = ", ".join(number(r.get("train_images_per_sec"), "{:.0f}") for r in runs[s])
        rows.append([s, last.get("version") or last.get("jdk") or "-", last.get("threads", "-"), number(train),
                     ratio(dz.get("train_images_per_sec"), train), number(infer),
                     ratio(dz.get("infer_images_per_sec"), infer), number(last.get("test_accuracy"), "{:.4f}"),
                     rounds])
    print_table(["system", "version/jdk", "threads", "train img/s", "deepzero/peer", "infer img/s",
                 "deepzero/peer", "test acc", "train img/s per round"], rows)
    for s in SYSTEMS:
        seen = set()
        for b in (runs[s][-1].get("blas") or []) if runs.get(s) else []:
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
    if len(sys.argv) != 3 or sys.argv[1] not in ("cnn", "gemm"):
        sys.exit("usage: report.py cnn|gemm RESULTS_DIR")
    {"cnn": cnn, "gemm": gemm}[sys.argv[1]](sys.argv[2])
