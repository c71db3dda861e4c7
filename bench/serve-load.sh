#!/usr/bin/env bash
# Load test of `deepzero serve` with wrk, against 127.0.0.1 only, bounded in time (not a unit test).
#
#   bench/serve-load.sh [--duration S] [--soak S] [--work DIR] [--port P] [--no-build]
#
# For simple-cnn (trained 1 epoch) and the default-size detector (64x64, S=8, trained 1 epoch on a small
# detect-data set: speed does not depend on the weights), it starts the server once per batching mode, warms it
# up, then runs `wrk --latency` with 1, 8 and 64 connections for --duration seconds each (default 10), POSTing a
# PNG to /predictions/NAME. Modes: batch 1 (no batching), batch 8 with no delay (batches form only from requests
# that queue while the worker is busy), batch 8 with a 5 ms delay. The queue (100) is larger than 64
# connections, so every request must succeed: non-2xx answers and socket errors are reported.
# Then the ceiling: the same PNG decoded, preprocessed and predicted in one process (bench PredictCeiling) at
# batch 1 and 8. Last, a soak: simple-cnn, batch 8, 8 connections for --soak seconds (default 300), with the
# server's resident size (VmRSS) before and after.
# Models, images and logs stay in --work (default: a new temporary folder, printed).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=10 soak=300 work="" port=18080 build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --soak) soak="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "needs wrk (Debian: apt-get install wrk)" >&2; exit 1; }
work="${work:-$(mktemp -d /tmp/deepzero-serve-load.XXXXXX)}"
mkdir -p "$work"
echo "work folder: $work" >&2
cd "$repo"
dz=("$repo/deepzero")
[ "$build" = 0 ] || (mvn -q -B -DskipTests package >&2)
java_bin="$(ls /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1 || true)"
java_bin="${java_bin:-java}"

# ---- models and images
if [ ! -f "$work/cnn/model.safetensors" ]; then
  "${dz[@]}" train --epochs 1 --out "$work/cnn" >"$work/train-cnn.log" 2>&1
fi
if [ ! -f "$work/det/model.safetensors" ]; then
  "${dz[@]}" detect-data --out "$work/dd" --train 128 --val 16 --test 8 >"$work/detect-data.log" 2>&1
  "${dz[@]}" detect-train --data "$work/dd" --epochs 1 --out "$work/det" >"$work/train-det.log" 2>&1
fi
det_png="$work/dd/test/images/$(ls "$work/dd/test/images" | head -1)"
cnn_png="$work/item.png"
# A 28 x 28 grey PNG of the first Fashion-MNIST test image (standard library only), else the detector's image.
/usr/bin/python3 - "$cnn_png" <<'PY' || cp "$det_png" "$cnn_png"
import gzip, struct, sys, zlib
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    pixels = f.read(16 + 784)[16:]
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
rows = b"".join(b"\0" + pixels[y * 28:(y + 1) * 28] for y in range(28))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY

server_pid=""
start_server() {  # batch size, delay ms, log name
  "${dz[@]}" serve "cnn=$work/cnn/model.safetensors" "det=$work/det/model.safetensors" --port "$port" \
    --batch-size "$1" --max-batch-delay "$2" --queue 100 2>"$work/server-$3.log" &
  server_pid=$!
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "server died: $(tail -5 "$work/server-$3.log")" >&2; exit 1; }
    sleep 0.2
  done
  echo "server did not become ready" >&2; exit 1
}
stop_server() {
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
}
trap '[ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null; true' EXIT

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }

# wrk run: model, png, connections, seconds -> "req/s p50 p99 non2xx errors"
load() {
  local threads=$(( $3 < 2 ? 1 : 2 ))
  BODY_FILE="$2" BODY_TYPE=image/png wrk -t"$threads" -c"$3" -d"$4"s --timeout 10s --latency -s "$repo/bench/serve-post.lua" \
    "http://127.0.0.1:$port/predictions/$1" >"$work/wrk.out" 2>&1
  awk '
    /Requests\/sec:/ {rps=$2}
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    /Non-2xx or 3xx responses:/ {non2xx=$NF}
    /Socket errors:/ {errors=$0; sub(/.*Socket errors: /, "", errors); gsub(/ /, "", errors)}
    END {printf "%s %s %s %s %s\n", rps, p50, p99, (non2xx == "" ? 0 : non2xx), (errors == "" ? "none" : errors)}
  ' "$work/wrk.out"
}

results="$work/results.txt"
{
  echo "# deepzero serve load test, $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java: $("$java_bin" -version 2>&1 | head -1); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'); ${duration}s per row"
  printf "%-4s %-18s %5s %10s %10s %10s %7s %s\n" model mode conns "req/s" p50 p99 non2xx socket_errors
} | tee "$results"
for mode in "1 0 batch-1" "8 0 batch-8-no-delay" "8 5 batch-8-delay-5ms"; do
  set -- $mode
  start_server "$1" "$2" "$3"
  for model in cnn det; do
    png=$cnn_png; [ "$model" = det ] && png=$det_png
    load "$model" "$png" 8 5 >/dev/null  # warm-up
    for c in 1 8 64; do
      read -r rps p50 p99 non2xx errors < <(load "$model" "$png" "$c" "$duration")
      printf "%-4s %-18s %5s %10s %10s %10s %7s %s\n" "$model" "$3" "$c" "$rps" "$p50" "$p99" "$non2xx" "$errors" \
        | tee -a "$results"
    done
  done
  stop_server
done

echo "# ceiling: same PNG decoded, preprocessed, predicted in one process (images/s)" | tee -a "$results"
for model in cnn det; do
  png=$cnn_png; [ "$model" = det ] && png=$det_png
  "$java_bin" --add-modules jdk.incubator.vector -cp "$repo/bench/target/benchmarks.jar" \
    dev.deepzero.bench.PredictCeiling "$work/$model/model.safetensors" "$png" "$duration" 1 8 2>/dev/null \
    | sed "s/^/$model /" | tee -a "$results"
done

if [ "$soak" -gt 0 ]; then
  # Growth is judged on the live heap, not only on the resident size: the JVM grows its heap (up to the
  # launcher's -Xmx2g) while the load settles and rarely gives it back, so VmRSS rises once and then plateaus,
  # whereas a leak shows as live heap (used after a full GC) that keeps rising from one sample to the next.
  jcmd_bin="$(dirname "$java_bin")/jcmd"
  live_mb() { "$jcmd_bin" "$server_pid" GC.run >/dev/null 2>&1 || true
    "$jcmd_bin" "$server_pid" GC.heap_info 2>/dev/null | awk '/total/ && /used/ {  # the young and old generations
      for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); kb += v } }
      END { printf "%.1f", kb / 1024 }'; }
  start_server 8 0 soak
  load cnn "$cnn_png" 8 10 >/dev/null
  before=$(rss_kb) live_before=$(live_mb)
  echo "# soak samples (s, VmRSS MB, live heap after full GC MB): 0 $((before / 1024)) $live_before" | tee -a "$results"
  load cnn "$cnn_png" 8 "$soak" >"$work/soak.txt" &
  load_pid=$!
  step=$(( soak / 5 > 0 ? soak / 5 : 1 ))
  for t in $(seq "$step" "$step" $(( soak - 1 ))); do
    sleep "$step"
    echo "#   $t $(( $(rss_kb) / 1024 )) $(live_mb)" | tee -a "$results"
  done
  wait "$load_pid"
  read -r rps p50 p99 non2xx errors <"$work/soak.txt"
  after=$(rss_kb) live_after=$(live_mb)
  echo "#   $soak $((after / 1024)) $live_after" | tee -a "$results"
  stop_server
  echo "# soak: cnn, batch 8, 8 connections, ${soak}s: $rps req/s, p50 $p50, p99 $p99, non-2xx $non2xx," \
    "socket errors $errors; VmRSS $((before / 1024)) MB before, $((after / 1024)) MB after; live heap" \
    "$live_before MB before, $live_after MB after" | tee -a "$results"
fi
