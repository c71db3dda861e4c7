#!/usr/bin/env bash
# Runs GemmBenchmark and prints GFLOP/s per shape (2*m*n*k / time).
# Usage: bench/gemm.sh [JAVA_HOME] [extra JMH args, e.g. -p shape=NN-1024x1024x1024 -f 1 -wi 3 -i 3]
# Default JDK: Temurin 25. Build first: mvn -B -q -DskipTests package
set -euo pipefail
cd "$(dirname "$0")"
jdk="${1:-/usr/lib/jvm/temurin-25-jdk-amd64}"
shift || true
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# The flag is needed by the JMH parent JVM too, so KernelProvider's choice can be logged in both.
"$jdk/bin/java" --add-modules jdk.incubator.vector -jar target/benchmarks.jar GemmBenchmark \
  -rf csv -rff "$out" "$@" >&2
echo "jdk: $("$jdk/bin/java" -version 2>&1 | head -1)"
printf '%-20s %12s %10s\n' shape 'time (us)' 'GFLOP/s'
# CSV columns: Benchmark, Mode, Threads, Samples, Score, Score Error, Unit, Param: shape
tail -n +2 "$out" | tr -d '"\r' | awk -F, '{
  split($8, p, "-"); split(p[2], d, "x");
  printf "%-20s %12.1f %10.1f\n", $8, $5, 2 * d[1] * d[2] * d[3] / ($5 * 1e3)
}'
# The same figures as JSON lines (shape OP-MxNxK), which bench/compare.sh --gemm pairs with numpy's by m, k, n.
tail -n +2 "$out" | tr -d '"\r' | awk -F, '{
  split($8, p, "-"); split(p[2], d, "x");
  printf "{\"system\": \"deepzero\", \"op\": \"sgemm\", \"label\": \"%s\", \"m\": %d, \"k\": %d, \"n\": %d, \"gflops\": %.2f}\n", $8, d[1], d[3], d[2], 2 * d[1] * d[2] * d[3] / ($5 * 1e3)
}'
