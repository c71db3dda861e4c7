#!/usr/bin/env bash
# Side-by-side benchmark: deepzero against the peers installed on this machine, on every built-in model (mlp,
# simple-cnn, lenet, deep-cnn) and the default YOLOv1 detector, interleaved in one run (deepzero, pytorch, numpy,
# then again) so machine noise hits all alike; each system's best round is reported, with deepzero/peer ratios.
# deepzero: `./deepzero bench --json` (random inputs, SGD, classifiers at batch 100 and inference at 1000, the
# detector at 32 with its YOLO loss); PyTorch (Debian's python3-torch): bench/peers/torch_cnn.py --data random,
# the same models, protocol, optimizer and batches (the detector with MSE in place of the YOLO loss); numpy: the
# articles' from-scratch CNN on Fashion-MNIST (simple-cnn only).
#
#   bench/compare.sh [--rounds R] [--models LIST] [--warmup W] [--batches N] [--numpy-batches N] [--no-deepzero]
#                    [--torch-threads T] [--vector-bits 256|128] [--plain-malloc] [--install-peers]
#   bench/compare.sh --gemm [--rounds R]
#
# --models LIST      comma-separated, default mlp,simple-cnn,lenet,deep-cnn,yolo-v1
# --warmup W         untimed training steps before timing, deepzero and PyTorch (default 30, as deepzero bench)
# --batches N        timed training steps, deepzero and PyTorch (default 150; the detector takes a fifth)
# --numpy-batches N  numpy's Fashion-MNIST window (default 120, the first 20 untimed; 0 = one epoch)
# --torch-threads T  torch.set_num_threads(T), default 2
# --vector-bits B    cap SIMD at B-bit vectors on both sides: deepzero -XX:MaxVectorSize=B/8, PyTorch/oneDNN/
#                    OpenBLAS to AVX2 (256) or SSE (128); measures the AVX2 path on an AVX-512 machine
# --plain-malloc     run the peers with glibc malloc's defaults (see below)
# --install-peers    apt-get install python3-torch (pulls Debian's numpy) and libopenblas0-pthread when missing
# --gemm             float32 GEMM GFLOP/s instead: bench/peers/numpy_gemm.py against bench/gemm.sh when present
# Environment: TORCH_PYTHON (default /usr/bin/python3), NUMPY_PYTHON (default python3 on PATH),
# DEEPZERO_BENCH_ARGS (extra arguments to `deepzero bench`), DEEPZERO_JAVA (the JVM for the parameter check),
# RUN_TIMEOUT (seconds per run, default 1800), KEEP_RESULTS=1 keeps the folder of raw outputs.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
peers="$repo/bench/peers"
torch_python="${TORCH_PYTHON:-/usr/bin/python3}"
numpy_python="${NUMPY_PYTHON:-python3}"
report_python="$(command -v /usr/bin/python3 || command -v python3)"  # the tables need only the standard library
timeout_s="${RUN_TIMEOUT:-1800}"
rounds=2 warmup=30 batches=150 numpy_batches=120 torch_threads=2 mode=models with_deepzero=1 install=0 plain_malloc=0
models=mlp,simple-cnn,lenet,deep-cnn,yolo-v1 vector_bits=""

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --vector-bits) vector_bits="$2"; shift 2 ;;
    --numpy-batches) numpy_batches="$2"; shift 2 ;;
    --torch-threads) torch_threads="$2"; shift 2 ;;
    --plain-malloc) plain_malloc=1; shift ;;
    --no-deepzero) with_deepzero=0; shift ;;
    --install-peers) install=1; shift ;;
    --gemm) mode=gemm; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option '$1' (valid: --rounds --models --warmup --batches --numpy-batches" \
         "--torch-threads --vector-bits --plain-malloc --no-deepzero --install-peers --gemm --help)" >&2; exit 2 ;;
  esac
done

vector_cap_options "$vector_bits"
classifiers="$(tr ',' '\n' <<<"$models" | grep -v '^yolo-v1$' | paste -sd, -)"
detect=0
grep -qx yolo-v1 < <(tr ',' '\n' <<<"$models") && detect=1

results="$(mktemp -d "${TMPDIR:-/tmp}/deepzero-compare.XXXXXX")"
if [ "${KEEP_RESULTS:-0}" = 1 ]; then echo "raw outputs: $results"; else trap 'rm -rf "$results"' EXIT; fi

has_torch() { "$torch_python" -c 'import torch' >/dev/null 2>&1; }
has_numpy() { command -v "$numpy_python" >/dev/null && "$numpy_python" -c 'import numpy' >/dev/null 2>&1; }

if [ "$install" = 1 ] && { ! has_torch || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; }; then
  echo "installing Debian's python3-torch and OpenBLAS (a few minutes)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch libopenblas0-pthread >&2
fi

# run NAME OUTFILE COMMAND...: one timed run; keeps stdout in OUTFILE, stderr beside it; false when it failed.
run() {
  local name="$1" out="$2"; shift 2
  echo "  $name ..." >&2
  # --foreground keeps the run in this process group, so interrupting compare.sh stops it too.
  if (cd "$repo" && timeout --foreground "$timeout_s" "$@" >"$out" 2>"$out.err"); then return 0; fi
  echo "  $name failed: $(tail -n 1 "$out.err" 2>/dev/null)" >&2
  return 1
}

# The last stdout line of a run when it is a JSON object naming the system, so a build log cannot pass for one.
last_json() { grep '^{' "$1" | tail -n 1 | grep -E "\"(system|peer)\"" || true; }

torch_ok=0 numpy_ok=0
if has_torch; then torch_ok=1; else
  echo "pytorch: not installed ($torch_python cannot import torch; apt-get install -y python3-torch, or --install-peers)"
fi
if has_numpy; then numpy_ok=1; else echo "numpy: not installed ($numpy_python cannot import numpy)"; fi

# glibc serves blocks over 32 MB (a batch-1000 activation is 69 MB) with fresh mmap pages and returns freed heap
# to the kernel, so the peers page-fault on every large tensor; page faults are slow on this kind of VM (~20 us
# each: PyTorch inference at batch 1000 ran 10x slower). Keeping freed memory for reuse is what a JVM heap does
# anyway, so the peers get it too unless --plain-malloc.
peer_malloc=(MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184)
[ "$plain_malloc" = 1 ] && peer_malloc=()
# The numpy peer runs with OpenBLAS's own CPU detection: this machine may pin OPENBLAS_CORETYPE / L2 size for
# safety, which would make numpy run an older kernel than the hardware has.
numpy_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${peer_malloc[@]}")
# PyTorch runs its own thread pool; OpenBLAS's threads on top of it would fight over the same cores.
torch_env=(env OPENBLAS_NUM_THREADS=1 "${peer_malloc[@]}" "${peer_cap_env[@]}")
# With --vector-bits the numpy peer gets the capped OpenBLAS kernel too.
numpy_env+=("${peer_cap_env[@]}")

cpu_facts "${deepzero_cap_opts[@]}"
[ -n "$vector_bits" ] && echo "vector cap: deepzero ${deepzero_cap_opts[*]}; peers ${peer_cap_env[*]}"

if [ "$mode" = gemm ]; then
  gemm_sh="$repo/bench/gemm.sh"
  [ -f "$gemm_sh" ] || echo "deepzero: bench/gemm.sh not present, showing numpy only"
  for r in $(seq 1 "$rounds"); do
    echo "round $r/$rounds" >&2
    if [ -f "$gemm_sh" ] && [ "$with_deepzero" = 1 ]; then
      run deepzero-gemm "$results/deepzero-gemm.$r.out" bash "$gemm_sh" || true
    fi
    if [ "$numpy_ok" = 1 ]; then
      run numpy-gemm "$results/numpy-gemm.$r.json" "${numpy_env[@]}" "$numpy_python" "$peers/numpy_gemm.py" || true
    fi
  done
  if [ -f "$results/deepzero-gemm.$rounds.out" ] && ! grep -q '"gflops"' "$results/deepzero-gemm.$rounds.out"; then
    echo "deepzero bench/gemm.sh output (last round, not JSON lines):"; cat "$results/deepzero-gemm.$rounds.out"
  fi
  "$report_python" "$peers/report.py" gemm "$results"
  exit 0
fi

deepzero_ok="$with_deepzero"
# ./deepzero bench measures the classifiers in --model and, with --detect, the detector after them; with only the
# detector asked for it still runs its default classifier first (not reported).
bench_args=(--json --warmup "$warmup" --batches "$batches")
[ -n "$classifiers" ] && bench_args+=(--model "$classifiers")
[ "$detect" = 1 ] && bench_args+=(--detect)
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds" >&2
  if [ "$deepzero_ok" = 1 ]; then
    # shellcheck disable=SC2086
    if DEEPZERO_JAVA_OPTS="${DEEPZERO_JAVA_OPTS:-} ${deepzero_cap_opts[*]}" run deepzero "$results/deepzero.$r.out" \
        ./deepzero bench "${bench_args[@]}" ${DEEPZERO_BENCH_ARGS:-} \
        && [ -n "$(last_json "$results/deepzero.$r.out")" ]; then
      grep '^{' "$results/deepzero.$r.out" >"$results/deepzero.$r.json"
    else
      deepzero_ok=0  # a missing command or failed build will not get better next round
    fi
  fi
  if [ "$torch_ok" = 1 ] && run pytorch "$results/pytorch.$r.out" "${torch_env[@]}" "$torch_python" \
      "$peers/torch_cnn.py" --data random --model "$models" --warmup "$warmup" --batches "$batches" --lr 0.01 \
      --threads "$torch_threads"; then
    grep '^{' "$results/pytorch.$r.out" >"$results/pytorch.$r.json"
  fi
  if [ "$numpy_ok" = 1 ] && [[ ",$models," == *,simple-cnn,* ]] && run numpy "$results/numpy.$r.out" \
      "${numpy_env[@]}" "$numpy_python" "$peers/numpy_cnn.py" --batches "$numpy_batches"; then
    last_json "$results/numpy.$r.out" >"$results/numpy.$r.json"
  fi
done

# The parameter counts of deepzero's models (bench/ModelBench), to check the peers rebuilt the same networks.
if ensure_bench_jar && "$(bench_java)" --add-modules jdk.incubator.vector -cp "$repo/bench/target/benchmarks.jar" \
    dev.deepzero.bench.ModelBench --parameters >"$results/parameters.json" 2>"$results/parameters.err"; then :; else
  echo "deepzero parameter counts: not available ($(tail -n 1 "$results/parameters.err"))"
fi

[ "$with_deepzero" = 1 ] && ! ls "$results"/deepzero.*.json >/dev/null 2>&1 && echo "deepzero: not available"
echo "best of $rounds interleaved rounds; deepzero and pytorch: random inputs, SGD, $warmup untimed + $batches timed" \
  "training steps (the detector: $((batches / 5 > 3 ? batches / 5 : 3)) timed); numpy: simple-cnn on Fashion-MNIST," \
  "$([ "$numpy_batches" = 0 ] && echo 'full epoch' || echo "$numpy_batches batches"), first 20 untimed"
"$report_python" "$peers/report.py" models "$results"
