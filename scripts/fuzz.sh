#!/usr/bin/env bash
# Fuzzes deepzero's parsers with Jazzer (coverage-guided), one target at a time, for a time or execution budget.
#
#   scripts/fuzz.sh [--minutes M] [--runs N] [--java PATH] [TARGET...]
#
# TARGETs are the @FuzzTest methods of core's ParserFuzzTest (the IDX, safetensors, checkpoint, image and label
# parsers) and of interop's DarknetFuzzTest (the darknet cfg and weights readers), all of them by default; name
# one as METHOD or, where two classes share a name, as CLASS#METHOD. Each runs in its own JVM (JDK 25 when
# installed, the Vector API module on, a 512 MB heap so that an input which makes a parser allocate without bound
# is an OutOfMemoryError, hence a finding; the targets also fail any call that allocates over 64 MB) until M
# minutes (default 10) or N executions (default 1,000,000) have passed, whichever comes first, or until a finding.
#
# Output, under core/target/fuzz/: TARGET.log (Jazzer's progress lines "#N ... cov: E ft: F ...") and
# summary.tsv (target, executions, edges, features, seconds, exit status, findings).
# The inputs that grow coverage go to the module's .cifuzz-corpus/ (not committed). A finding (an undocumented
# exception, an OutOfMemoryError, a timeout) is written by Jazzer straight into the regression corpus,
# MODULE/src/test/resources/dev/deepzero/fuzz/CLASSInputs/TARGET/crash-<sha1>: a plain `mvn verify` then
# replays it and fails until the parser is fixed (reproduce it alone with
# `mvn -pl core,interop test -Dtest='CLASS#TARGET' -Dsurefire.failIfNoSpecifiedTests=false`); rename it to say
# what it holds and commit it with the fix. Jazzer stops a target at its first finding: fix it and run the target
# again for its full budget.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes=10
runs=1000000
java_bin=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --java) java_bin="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ -z "$java_bin" ]; then
  java_bin=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  [ -x "$java_bin" ] || java_bin="$(command -v java)"
fi
# Every fuzz target as MODULE:CLASS#METHOD.
all_targets=()
for module_class in core:ParserFuzzTest interop:DarknetFuzzTest; do
  module="${module_class%%:*}"
  class="${module_class#*:}"
  while read -r method; do
    all_targets+=("$module:$class#$method")
  done < <(grep -A1 '@FuzzTest' "$here/$module/src/test/java/dev/deepzero/fuzz/$class.java" \
    | sed -n 's/^ *void \([a-zA-Z0-9]*\)(.*/\1/p')
done
chosen=()
if [ ${#targets[@]} -eq 0 ]; then
  chosen=("${all_targets[@]}")
fi
for name in "${targets[@]}"; do
  matches=()
  for t in "${all_targets[@]}"; do
    case "$t" in *"#$name" | *":$name") matches+=("$t") ;; esac
  done
  if [ ${#matches[@]} -ne 1 ]; then
    echo "fuzz.sh: '$name' names ${#matches[@]} targets; the targets are: ${all_targets[*]#*:}" >&2
    exit 2
  fi
  chosen+=("${matches[0]}")
done
out="$here/core/target/fuzz"
mkdir -p "$out"
[ -f "$out/summary.tsv" ] || printf 'target\texecutions\tedges\tfeatures\tseconds\texit\tfindings\n' > "$out/summary.tsv"
# The targets hand most inputs to the parsers as files: in memory (/dev/shm) they run 3-4 times faster than on
# the disk of a busy machine.
tmpdir=""
[ -d /dev/shm ] && [ -w /dev/shm ] && tmpdir="-Djava.io.tmpdir=/dev/shm"

# interop's targets use core's test classes (its Documented contract) through core's test jar, so both modules
# build in one reactor.
cd "$here" && mvn -B -q -pl core,interop test-compile || exit 1
for chosen_target in "${chosen[@]}"; do
  module="${chosen_target%%:*}"
  class="${chosen_target#*:}"
  class="${class%%#*}"
  target="${chosen_target##*#}"
  inputs="$here/$module/src/test/resources/dev/deepzero/fuzz/${class}Inputs"
  log="$out/$target.log"
  before=$(find "$inputs/$target" -name 'crash-*' -o -name 'timeout-*' 2>/dev/null | sort)
  echo "fuzzing $target for up to $minutes min or $runs executions on $java_bin (log: $log)"
  start=$(date +%s)
  # jazzer.internal.arg.0 is libFuzzer's argv[0]; the later flags override the annotation's defaults.
  JAZZER_FUZZ=1 nice mvn -B -pl core,interop test -Dtest="$class#$target" \
    -Dsurefire.failIfNoSpecifiedTests=false -Djvm="$java_bin" \
    "-Dtest.argLine=--add-modules jdk.incubator.vector -Xss4m -Xmx512m $tmpdir" \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1="-max_total_time=$((minutes * 60))" \
    -Djazzer.internal.arg.2="-runs=$runs" -Djazzer.internal.arg.3=-timeout=30 \
    -Djazzer.internal.arg.4=-print_final_stats=1 > "$log" 2>&1
  status=$?
  seconds=$(( $(date +%s) - start ))
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$executions" ] || executions=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
  edges=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  features=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  after=$(find "$inputs/$target" -name 'crash-*' -o -name 'timeout-*' 2>/dev/null | sort)
  findings=$(comm -13 <(echo "$before") <(echo "$after") | xargs -r -n1 basename | tr '\n' ' ')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "${executions:-?}" "${edges:-?}" "${features:-?}" "$seconds" \
    "$status" "${findings:-none}" | tee -a "$out/summary.tsv"
done
