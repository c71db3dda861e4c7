#!/usr/bin/env bash
# How deepzero's cost grows with the work, against PyTorch in the same run: every model's training and inference
# images/s at each batch size, deep-cnn and the detector at larger inputs, batch-1 prediction latency, and
# start-up (command start to the end of the first training step and of the first prediction, PyTorch's import
# included). Interleaved per model (deepzero, then PyTorch, then the next model), best of the rounds. Prints the
# tables and writes the curves as a PNG (drawn by deepzero's own LineChart, bench/CurvesPlot).
#
#   bench/scaling.sh [--rounds R] [--models LIST] [--batch-sizes LIST] [--size-batch B] [--warmup N]
#                    [--warmup-seconds X] [--min-seconds X] [--no-startup] [--torch-threads T]
#                    [--vector-bits 256|128] [--out DIR]
#
# --models LIST        default mlp,simple-cnn,lenet,deep-cnn,yolo-v1
# --batch-sizes LIST   default 1,8,32,100,256 (training and inference at the same batch; inputs at the model's
#                      default side: 28, the detector 64)
# --size-batch B       batch for the input-size points, default 32: deep-cnn at 56 (and 28), the detector at
#                      128 and 224 (and 64; S = 8 cells, 7 at 224 = 7 x 32, the paper's grid)
# --warmup N, --warmup-seconds X, --min-seconds X
#                      per point and phase: untimed calls, at least N and for at least X s (default 3, 2 s: the
#                      JIT needs time, not a call count), then timed calls for at least X s (default 2); deep-cnn
#                      is not trained at batch 1 (its BatchNorm after a Linear layer needs two values per feature)
# --no-startup         skip the start-up runs (two fresh processes per model and system)
# --vector-bits B      cap SIMD at B-bit vectors on both sides, as bench/compare.sh does
# --out DIR            where scaling.png, curves.tsv and the raw JSON lines go (default runs/bench-scaling)
# Both sides use random inputs and SGD; the detector trains with the YOLO loss in deepzero and MSE in PyTorch.
# deepzero runs bench/ModelBench (on the JVM and options ./deepzero uses, without its launcher script);
# PyTorch runs bench/peers/torch_cnn.py --points with OPENBLAS_NUM_THREADS=1. Environment: TORCH_PYTHON
# (default /usr/bin/python3), DEEPZERO_JAVA (the JVM), RUN_TIMEOUT (seconds per run, default 1800).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
peers="$repo/bench/peers"
torch_python="${TORCH_PYTHON:-/usr/bin/python3}"
report_python="$(command -v /usr/bin/python3 || command -v python3)"
timeout_s="${RUN_TIMEOUT:-1800}"
rounds=1 models=mlp,simple-cnn,lenet,deep-cnn,yolo-v1 batch_sizes=1,8,32,100,256 size_batch=32 warmup=3
warmup_seconds=2 min_seconds=2 startup=1 torch_threads=2 vector_bits="" out="$repo/runs/bench-scaling"

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --batch-sizes) batch_sizes="$2"; shift 2 ;;
    --size-batch) size_batch="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --warmup-seconds) warmup_seconds="$2"; shift 2 ;;
    --min-seconds) min_seconds="$2"; shift 2 ;;
    --no-startup) startup=0; shift ;;
    --torch-threads) torch_threads="$2"; shift 2 ;;
    --vector-bits) vector_bits="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "scaling.sh: unknown option '$1' (valid: --rounds --models --batch-sizes --size-batch --warmup" \
         "--warmup-seconds --min-seconds --no-startup --torch-threads --vector-bits --out --help)" >&2; exit 2 ;;
  esac
done

vector_cap_options "$vector_bits"
ensure_bench_jar
java_bin="$(bench_java)"
mapfile -t java_opts < <(launcher_jvm_opts)
# DEEPZERO_JAVA_OPTS is appended as the launcher does (the detector at 224 pixels needs more than its -Xmx2g).
# shellcheck disable=SC2206
extra_opts=(${DEEPZERO_JAVA_OPTS:-})
deepzero=("$java_bin" "${java_opts[@]}" "${extra_opts[@]}" "${deepzero_cap_opts[@]}" -cp "$repo/bench/target/benchmarks.jar"
  dev.deepzero.bench.ModelBench)
# The launcher's malloc settings for the peer, as compare.sh explains: freed memory is kept for reuse.
torch=(env OPENBLAS_NUM_THREADS=1 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184 "${peer_cap_env[@]}"
  "$torch_python" "$peers/torch_cnn.py" --data random --threads "$torch_threads" --lr 0.01)
mkdir -p "$out"
raw="$out/raw"
rm -rf "$raw" && mkdir -p "$raw"

cpu_facts "${java_opts[@]}" "${deepzero_cap_opts[@]}"
[ -n "$vector_bits" ] && echo "vector cap: deepzero ${deepzero_cap_opts[*]}; pytorch ${peer_cap_env[*]}"

# points MODEL: the B@S list measured for it.
points() {
  local list b extra=""
  list="$(tr ',' '\n' <<<"$batch_sizes" | sed 's/$/@'"$(default_side "$1")"'/' | paste -sd, -)"
  case "$1" in
    deep-cnn) extra="$size_batch@28,$size_batch@56" ;;
    yolo-v1) extra="$size_batch@64,$size_batch@128,$size_batch@224" ;;
  esac
  for b in ${extra//,/ }; do [[ ",$list," == *",$b,"* ]] || list="$list,$b"; done
  echo "$list"
}
default_side() { [ "$1" = yolo-v1 ] && echo 64 || echo 28; }

# run NAME OUTFILE COMMAND...: one run, stdout's JSON lines into OUTFILE, stderr beside it; false when it failed.
run() {
  local name="$1" out_file="$2"; shift 2
  echo "  $name ..." >&2
  if timeout --foreground "$timeout_s" "$@" >"$out_file.out" 2>"$out_file.err"; then
    grep '^{' "$out_file.out" >"$out_file" || true
    return 0
  fi
  echo "  $name failed: $(tail -n 1 "$out_file.err" 2>/dev/null)" >&2
  return 1
}

# startup SYSTEM MODEL WHAT ROUND COMMAND...: records the wall clock before the command starts, beside its output.
startup_run() {
  local system="$1" model="$2" what="$3" r="$4"; shift 4
  local file="$raw/startup.$system.$model.$what.$r.json"
  date +%s%3N >"$file.start"
  run "$system $model start-up to first $what" "$file" "$@" || true
}

budget=(--warmup "$warmup" --warmup-seconds "$warmup_seconds" --min-seconds "$min_seconds")
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds" >&2
  for m in ${models//,/ }; do
    p="$(points "$m")"
    run "deepzero $m $p" "$raw/points.deepzero.$m.$r.json" "${deepzero[@]}" --model "$m" --points "$p" "${budget[@]}" \
      || true
    run "pytorch $m $p" "$raw/points.pytorch.$m.$r.json" "${torch[@]}" --model "$m" --points "$p" "${budget[@]}" \
      || true
    if [ "$startup" = 1 ]; then
      for what in train predict; do
        startup_run deepzero "$m" "$what" "$r" "${deepzero[@]}" --model "$m" --startup "$what"
        startup_run pytorch "$m" "$what" "$r" "${torch[@]}" --model "$m" --startup "$what"
      done
    fi
  done
done

echo "best of $rounds round(s); random inputs, SGD; per point and phase at least $warmup untimed calls and" \
  "$warmup_seconds s, then at least $min_seconds s timed; deepzero: bench/ModelBench, pytorch: torch_cnn.py --points"
"$report_python" "$peers/report.py" scaling "$raw" "$out/curves.tsv"
"$java_bin" -cp "$repo/bench/target/benchmarks.jar" dev.deepzero.bench.CurvesPlot "$out/curves.tsv" "$out/scaling.png" 4
echo "curves: $out/scaling.png (data: $out/curves.tsv)"
