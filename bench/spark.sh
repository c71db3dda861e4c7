#!/usr/bin/env bash
# Spark against one process, side by side in one run: for each model, `deepzero train` (1 epoch, no validation
# split), then `deepzero spark-train --master local[2]` in synchronous mode and in parameter-averaging mode (K=5),
# on the same data, then bench/spark_projection.py prints the measured table and a projection to 2, 8 and 32
# machines from those measured costs.
#
#   bench/spark.sh [--data DIR] [--models "simple-cnn deep-cnn"] [--period K]
#
# --data DIR   (Fashion-)MNIST IDX folder; default Debian's /usr/share/datasets/fashion-mnist. The embedded subset's
#              folder core/src/main/resources/dev/deepzero/data/fashion-mnist-subset makes a quick run.
# Environment: KEEP_RESULTS=1 keeps the folder of raw JSON outputs.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data=/usr/share/datasets/fashion-mnist models="simple-cnn deep-cnn" period=5
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --period) period="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
results="$(mktemp -d)"
[ "${KEEP_RESULTS:-0}" = 1 ] || trap 'rm -rf "$results"' EXIT
for model in $models; do
  # deep-cnn is meant for Adam (see Models); simple-cnn trains with plain SGD.
  if [ "$model" = deep-cnn ]; then opt=(--optimizer adam --lr 0.001); else opt=(--optimizer sgd --lr 0.1); fi
  echo "== $model: deepzero train" >&2
  "$repo/deepzero" train --model "$model" --data "$data" --epochs 1 --validation 0 "${opt[@]}" \
    --out "$results/$model-train" --json > "$results/$model-train.json"
  for mode in sync average; do
    echo "== $model: deepzero spark-train --master local[2] --sync $mode" >&2
    "$repo/deepzero" spark-train --master 'local[2]' --model "$model" --data "$data" --epochs 1 "${opt[@]}" \
      --sync "$mode" --averaging-period "$period" --out "$results/$model-$mode" --json > "$results/$model-$mode.json"
  done
done
python3 "$repo/bench/spark_projection.py" --period "$period" "$results"
[ "${KEEP_RESULTS:-0}" = 1 ] && echo "raw results in $results" >&2
exit 0
