#!/usr/bin/env python3
"""Prints compare.sh's tables from the JSON lines its runs left in a results folder (stdlib only).

  report.py models DIR files DIR/<system>.<round>.json, a JSON object a line (one per model), and
                       DIR/parameters.json (deepzero's parameter counts)
  report.py scaling DIR CURVES_TSV   bench/scaling.sh's tables; writes the curves for bench/CurvesPlot
  report.py gemm DIR   files DIR/numpy-gemm.<round>.json and DIR/deepzero-gemm.<round>.out, JSON lines
Each system's figure is its best over the rounds (the least disturbed one on a shared machine).
"""
import glob
import json
import math
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


def scaling(folder, curves_path):
    """bench/scaling.sh's tables from DIR/points.<system>.<model>.<round>.json and DIR/startup.<system>.<model>.
    <what>.<round>.json (+ .start, the wall clock in ms when the command started); writes the curves as
    tab-separated points for bench/CurvesPlot (panel, x label, y label, series, x, y)."""
    points = {}  # (model, side, batch, system) -> records over the rounds
    for p in sorted(glob.glob(os.path.join(folder, "points.*.json"))):
        for r in json_lines(p):
            points.setdefault((r["model"], r["image_size"], r["batch_size"], r.get("system") or r.get("peer")),
                              []).append(r)
    best = {k: {"train": max((r.get("train_images_per_sec") for r in rs), key=lambda v: v or 0),
                "infer": max(r["infer_images_per_sec"] for r in rs),
                "infer_ms": min(r["infer_call_median_ms"] for r in rs), "parameters": rs[-1].get("parameters")}
            for k, rs in points.items()}
    keys = sorted({k[:3] for k in best}, key=lambda k: (MODELS.index(k[0]) if k[0] in MODELS else 99, k[1], k[2]))
    rows = []
    for m, side, batch in keys:
        dz, pt = best.get((m, side, batch, "deepzero"), {}), best.get((m, side, batch, "pytorch"), {})
        mismatch = "" if dz.get("parameters") == pt.get("parameters") or not dz or not pt else " PARAMETERS DIFFER"
        rows.append([m, f"{side}x{side}", batch, number(dz.get("train")), number(pt.get("train")),
                     ratio(dz.get("train"), pt.get("train")), number(dz.get("infer")), number(pt.get("infer")),
                     ratio(dz.get("infer"), pt.get("infer")) + mismatch])
    print_table(["model", "input", "batch", "deepzero train img/s", "pytorch", "deepzero/pytorch",
                 "deepzero infer img/s", "pytorch", "deepzero/pytorch"], rows)
    # Curves: per model, images/s against log2(batch) at its smallest (default) side; where it was measured at
    # other sides, images/s against the side at that batch.
    curves = []

    def add_curves(panel, x_label, x_of, model_keys):
        for system in ("deepzero", "pytorch"):
            for phase in ("train", "infer"):
                curves.extend([panel, x_label, "images/s", f"{system} {phase}", x_of(k), best[k + (system,)][phase]]
                              for k in model_keys if best.get(k + (system,), {}).get(phase) is not None)

    for m in [m for m in MODELS if any(k[0] == m for k in keys)]:
        mine = [k for k in keys if k[0] == m]
        side = min(k[1] for k in mine)
        add_curves(f"{m} at {side}x{side}: images/s by batch", "log2(batch size)", lambda k: math.log2(k[2]),
                   [k for k in mine if k[1] == side])
        for batch in sorted({k[2] for k in mine if k[1] != side}):
            add_curves(f"{m}, batch {batch}: images/s by input side", "input side (px)", lambda k: k[1],
                       [k for k in mine if k[2] == batch])
    print()
    latency = [[m, f"{side}x{side}", number(best.get((m, side, 1, "deepzero"), {}).get("infer_ms"), "{:.3f}"),
                number(best.get((m, side, 1, "pytorch"), {}).get("infer_ms"), "{:.3f}"),
                ratio(best.get((m, side, 1, "pytorch"), {}).get("infer_ms"),
                      best.get((m, side, 1, "deepzero"), {}).get("infer_ms"))]
               for m, side, batch in keys if batch == 1]
    if latency:
        print_table(["batch-1 predict", "input", "deepzero median ms", "pytorch median ms", "pytorch/deepzero"],
                    latency)
        print()
    starts = {}  # (model, what, system) -> ms from command start to the end of the first step or prediction
    for p in sorted(glob.glob(os.path.join(folder, "startup.*.json"))):
        _, system, model, what, _, _ = os.path.basename(p).split(".")
        records = json_lines(p)
        if records and os.path.exists(p + ".start"):
            with open(p + ".start") as f:
                elapsed = records[-1]["done_epoch_ms"] - int(f.read().strip())
            key = (model, what, system)
            starts[key] = min(starts.get(key, elapsed), elapsed)
    if starts:
        models_seen = [m for m in MODELS if any(k[0] == m for k in starts)]
        print_table(["start-up, ms from command start", "deepzero to 1st step", "pytorch (import + 1st step)",
                     "deepzero to 1st prediction", "pytorch (import + 1st prediction)"],
                    [[m] + [number(starts.get((m, what, s)), "{:.0f}") for what in ("train", "predict")
                            for s in ("deepzero", "pytorch")] for m in models_seen])
    with open(curves_path, "w") as f:
        for row in curves:
            f.write("\t".join(str(v) for v in row) + "\n")
    jdk = next((rs[-1] for k, rs in points.items() if k[3] == "deepzero"), None)
    torch_run = next((rs[-1] for k, rs in points.items() if k[3] == "pytorch"), None)
    if jdk:
        print(f"  deepzero: {jdk.get('jdk')}, kernels {jdk.get('kernels')}, {jdk.get('vector_lanes')} float lanes, "
              f"{jdk.get('threads')} threads")
    if torch_run:
        blas = torch_run.get("blas") or []
        print(f"  pytorch: {torch_run.get('version')}, ATen CPU capability {torch_run.get('cpu_capability')}, "
              f"{torch_run.get('threads')} threads, BLAS {', '.join(str(b.get('library')) for b in blas) or '-'}")
        if blas and not any(b.get("library") == "openblas" for b in blas):
            print("  WARNING: pytorch runs the reference (netlib) BLAS, so its Linear layers are slow: install "
                  "libopenblas0-pthread before comparing")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "scaling":
        scaling(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] in ("models", "gemm"):
        {"models": models, "gemm": gemm}[sys.argv[1]](sys.argv[2])
    else:
        sys.exit("usage: report.py models|gemm RESULTS_DIR, or report.py scaling RESULTS_DIR CURVES_TSV")
