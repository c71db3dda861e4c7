# Shell functions shared by bench/compare.sh and bench/scaling.sh (sourced, not run). Expects $repo set to the
# repository root.

# The JVM that runs deepzero's side: DEEPZERO_JAVA as for ./deepzero, else Temurin 25 (the launcher's pick
# here), else java on PATH.
bench_java() {
  local temurin=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  if [ -n "${DEEPZERO_JAVA:-}" ]; then echo "$DEEPZERO_JAVA"
  elif [ -x "$temurin" ]; then echo "$temurin"
  else command -v java; fi
}

# The launcher's JVM options (its jvm_opts=(...) array), one per line, so bench mains run as ./deepzero does.
launcher_jvm_opts() {
  local text
  text="$(sed -n '/^jvm_opts=(/,/)$/p' "$repo/deepzero")"
  if [ -z "$text" ]; then echo "bench: no jvm_opts=(...) found in $repo/deepzero" >&2; return 1; fi
  eval "$text"
  printf '%s\n' "${jvm_opts[@]}"
}

# vector_cap_options BITS: sets deepzero_cap_opts (JVM options) and peer_cap_env (environment for the peers)
# that keep both sides' SIMD at BITS-bit vectors (256: the AVX2 path on an AVX-512 machine; 128: SSE width), or
# at the machine's own width when BITS is empty. deepzero: -XX:MaxVectorSize=BITS/8 caps the Vector API's
# FloatVector.SPECIES_PREFERRED (JDK 17 and 25: 32 -> 8 float lanes, 16 -> 4); for 256, -XX:UseAVX=2 also
# keeps C2 to AVX2's instructions and its 16 vector registers (with AVX-512 but 256-bit vectors C2 could still
# use 32 registers, and a register tile that spills on a real AVX2 machine would not). PyTorch: ATen's dispatch
# level, oneDNN's instruction set; OpenBLAS: its kernel.
vector_cap_options() {
  deepzero_cap_opts=() peer_cap_env=()
  case "${1:-}" in
    "") ;;
    256) deepzero_cap_opts=(-XX:UseAVX=2 -XX:MaxVectorSize=32)
         peer_cap_env=(ATEN_CPU_CAPABILITY=avx2 DNNL_MAX_CPU_ISA=AVX2 ONEDNN_MAX_CPU_ISA=AVX2
           OPENBLAS_CORETYPE=Haswell) ;;
    128) deepzero_cap_opts=(-XX:MaxVectorSize=16)
         peer_cap_env=(ATEN_CPU_CAPABILITY=default DNNL_MAX_CPU_ISA=SSE41 ONEDNN_MAX_CPU_ISA=SSE41
           OPENBLAS_CORETYPE=Nehalem) ;;
    *) echo "bench: --vector-bits must be 128 or 256, not '$1'" >&2; return 2 ;;
  esac
}

# Prints the processor, its vector flags, the JDK and the float lanes its C2 vectorises with (MaxVectorSize / 4,
# which FloatVector.SPECIES_PREFERRED follows) under the given extra JVM options.
cpu_facts() {
  local java_bin flags f have=() lacks=() max_vector
  java_bin="$(bench_java)"
  flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  for f in avx2 fma avx512f; do
    if [[ "$flags" == *" $f "* ]]; then have+=("$f"); else lacks+=("$f"); fi
  done
  max_vector="$("$java_bin" "$@" -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxVectorSize" {print $4}')"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1)" \
    "(family $(awk -F': ' '/^cpu family/ {print $2; exit}' /proc/cpuinfo)" \
    "model $(awk -F': ' '/^model\t/ {print $2; exit}' /proc/cpuinfo)), $(nproc) cores; vector flags: ${have[*]:-none}" \
    "${lacks:+(no ${lacks[*]})}"
  echo "jdk: $("$java_bin" -version 2>&1 | head -1) ($java_bin)${*:+ with $*}; MaxVectorSize ${max_vector:-?}" \
    "bytes = $((${max_vector:-0} / 4)) float lanes"
}

# Builds bench/target/benchmarks.jar (core + the bench mains) when it is missing or older than the sources.
ensure_bench_jar() {
  local jar="$repo/bench/target/benchmarks.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$repo/pom.xml" "$repo/core/pom.xml" "$repo/bench/pom.xml" "$repo/core/src/main" \
      "$repo/core/src/panama" "$repo/bench/src" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "bench: building bench/target/benchmarks.jar (mvn package -pl bench -am)..." >&2
    (cd "$repo" && mvn -q -B -DskipTests package -pl bench -am >&2)
  fi
}
