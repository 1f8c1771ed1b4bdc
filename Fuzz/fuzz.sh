#!/usr/bin/env bash
# Builds and runs the libFuzzer targets; Docs/security.md ("Fuzzing") explains each one.
#
#   Fuzz/fuzz.sh build                   build every target into .build-fuzz (ASan + libFuzzer)
#   Fuzz/fuzz.sh run SECONDS [TARGET…]   fuzz each target for SECONDS, growing .build-fuzz/corpus
#   Fuzz/fuzz.sh ci [SECONDS]            each target for SECONDS (default 20) with a fixed seed,
#                                        from the committed seeds only; `make test` runs this
#   Fuzz/fuzz.sh seeds [TARGET…]         rewrite the committed seeds in Fuzz/corpus/TARGET
#   Fuzz/fuzz.sh repro TARGET FILE…      run the given inputs once each
#
# A crash, hang (-timeout) or memory blow-up (-rss_limit_mb) stops the run with a non-zero
# status and leaves the input in .build-fuzz/artifacts/TARGET/. FUZZ_FLAGS adds libFuzzer flags,
# e.g. FUZZ_FLAGS="-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1" to keep going
# past each finding and collect them all.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=.build-fuzz
TARGETS=(FuzzSpec FuzzEXR FuzzWire FuzzPlugin FuzzPNG)
BIN="$SCRATCH/debug"

# Largest input per target: room for a deeply nested spec, a few EXR chunks, a message, frames,
# a PNG of a few hundred pixels (whose IDAT may still inflate to 16 MiB: deflate's 1032:1).
max_len() {
    case "$1" in
        FuzzSpec) echo 32768 ;;
        FuzzEXR) echo 16384 ;;
        FuzzWire) echo 16384 ;;
        FuzzPlugin) echo 8192 ;;
        FuzzPNG) echo 16384 ;;
    esac
}

corpus_name() { echo "$1" | sed 's/^Fuzz//' | tr '[:upper:]' '[:lower:]'; }

# The Swift runtime's crash backtracer would wait on the terminal; libFuzzer prints its own trace.
export SWIFT_BACKTRACE=enable=no
export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(dirname "$(command -v swift)")/llvm-symbolizer}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:handle_abort=1:allocator_may_return_null=0}"
# Inputs the EXR target writes to disk stay inside the scratch folder (set for the fuzzers only).
FUZZ_TMPDIR="$PWD/$SCRATCH/tmp"

build() {
    mkdir -p "$SCRATCH"
    for target in "${TARGETS[@]}"; do
        swift build --scratch-path "$SCRATCH" -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld \
            --product "$target" 2>&1 | grep -v "Cannot export local symbol" || return 1
    done
}

run_one() {
    local target=$1 seconds=$2; shift 2
    local name; name=$(corpus_name "$target")
    mkdir -p "$SCRATCH/artifacts/$target/" "$FUZZ_TMPDIR"
    echo "== $target: ${seconds}s"
    TMPDIR="$FUZZ_TMPDIR" "$BIN/$target" -max_total_time="$seconds" -max_len="$(max_len "$target")" -rss_limit_mb=2048 -timeout=10 \
        -dict="Fuzz/dict/$name.dict" -artifact_prefix="$SCRATCH/artifacts/$target/" -print_final_stats=1 ${FUZZ_FLAGS:-} "$@" \
        2> >(tee "$SCRATCH/artifacts/$target/last-run.log" | grep -Ev "^#[0-9]+ +(NEW|REDUCE|pulse)" >&2)
}

command=${1:-}
case "$command" in
    build)
        build
        ;;
    run)
        seconds=${2:?seconds}; shift 2
        targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
        for target in "${targets[@]}"; do
            name=$(corpus_name "$target")
            mkdir -p "$SCRATCH/corpus/$name"
            run_one "$target" "$seconds" "$SCRATCH/corpus/$name" "Fuzz/corpus/$name"
        done
        ;;
    ci)
        seconds=${2:-20}
        # libFuzzer reads -max_total_time=0 as "no limit"; 0 here means skip the runs.
        [ "$seconds" -gt 0 ] || { echo "fuzz ci: skipped (0 seconds)"; exit 0; }
        for target in "${TARGETS[@]}"; do
            name=$(corpus_name "$target")
            # A fresh working corpus each time, so every CI run starts from the same seeds.
            rm -rf "$SCRATCH/ci-corpus/$name"; mkdir -p "$SCRATCH/ci-corpus/$name"
            run_one "$target" "$seconds" -seed=1 "$SCRATCH/ci-corpus/$name" "Fuzz/corpus/$name"
        done
        ;;
    seeds)
        shift
        targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
        for target in "${targets[@]}"; do
            name=$(corpus_name "$target")
            rm -rf "Fuzz/corpus/$name"
            "$BIN/$target" --write-seeds "Fuzz/corpus/$name"
        done
        ;;
    repro)
        target=${2:?target}; shift 2
        mkdir -p "$FUZZ_TMPDIR"
        TMPDIR="$FUZZ_TMPDIR" "$BIN/$target" -rss_limit_mb=2048 -timeout=10 "$@"
        ;;
    *)
        sed -n '2,14p' "$0" >&2
        exit 64
        ;;
esac
