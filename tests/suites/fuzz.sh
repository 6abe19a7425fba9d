#!/usr/bin/env bash
# Coverage-guided fuzzing of the core (libFuzzer, through the libfuzzer-sys crate), each target for
# a bounded time: the request path every binding takes (operation name + JSON parameters),
# response decoding, the input validators, and the retry policy. See fuzz/ and docs/reliability.md.
#
#   tests/suites/fuzz.sh                      every target, FUZZ_SECONDS (default 10) each
#   FUZZ_SECONDS=600 tests/suites/fuzz.sh     the long run (scripts/test passes FUZZ_SECONDS on)
#   FUZZ_TARGETS="validators" tests/suites/fuzz.sh
#   FUZZ_SANITIZER=address tests/suites/fuzz.sh
#                                             with AddressSanitizer (the default for runs over 60 s)
#   FUZZ_BUILD_ONLY=1 tests/suites/fuzz.sh    build, run nothing (scripts/test does this in the
#                                             background; PHLO_FUZZ_BUILD then names that build's
#                                             log and exit status, and this waits for it)
#
# The targets are built by cargo itself with the instrumentation flags cargo-fuzz would pass
# (SanitizerCoverage for libFuzzer, --cfg fuzzing, debug assertions and overflow checks, so an
# arithmetic overflow is a finding too): no tool to install. The short run of the test command
# builds unoptimised and without a sanitizer: the code the targets reach is safe Rust, where
# AddressSanitizer finds nothing the language's own checks do not, and it costs build time.
# Longer runs build optimised, with AddressSanitizer (RUSTC_BOOTSTRAP=1 lets the one stable
# toolchain take its unstable flag). `cargo fuzz` works on fuzz/ as well (docs/reliability.md).
#
# The committed seeds in fuzz/corpus/<target> are read, never written: new inputs go to a
# temporary corpus. A crash is saved under fuzz/artifacts/<target>/ and its log tail printed.
# Prints executions per target and a final "fuzz: N passed, M failed" line; exits non-zero if any
# target failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TERM_COLOR=never
# The default is a short run, part of every test command: each target replays its seeds and
# mutates for 10 s (the seeds alone cover every operation and error shape).
secs=${FUZZ_SECONDS:-10}
sanitizer=${FUZZ_SANITIZER:-$([ "$secs" -le 60 ] && echo none || echo address)}

# A build started in the background by scripts/test: wait for it (its log says how it went).
if [ -n "${PHLO_FUZZ_BUILD:-}" ] && [ -z "${FUZZ_BUILD_ONLY:-}" ]; then
  echo "waiting for the fuzz build started in the background by scripts/test"
  while [ ! -s "$PHLO_FUZZ_BUILD.rc" ]; do sleep 1; done
  cat "$PHLO_FUZZ_BUILD.log"
fi

# fuzz/Cargo.lock is committed: a build must not rewrite it (the checkout stays clean).
if ! cargo metadata --manifest-path fuzz/Cargo.toml --locked --offline --format-version 1 >/dev/null 2>&1 &&
  ! cargo metadata --manifest-path fuzz/Cargo.toml --locked --format-version 1 >/dev/null 2>&1; then
  echo "fuzz/Cargo.lock is not current: run 'cargo update --manifest-path fuzz/Cargo.toml --workspace' and commit it"
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi

# One target per file of fuzz/fuzz_targets, each a [[bin]] of the same name.
all_targets=$(cd fuzz/fuzz_targets && ls -- *.rs | sed 's/\.rs$//')
targets=${FUZZ_TARGETS:-$all_targets}
n_targets=$(wc -w <<<"$targets")
# The flags cargo-fuzz 0.13 passes (its defaults: coverage level 4, compares traced, branch
# folding off). With --target, RUSTFLAGS reach the targets and the crates they use, not the
# build scripts.
triple=$(rustc -vV | sed -n 's/^host: //p')
rustflags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
rustflags+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
rustflags+=" -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares"
rustflags+=" -Cllvm-args=-sanitizer-coverage-stack-depth -Cllvm-args=-simplifycfg-branch-fold-threshold=0"
rustflags+=" --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
profile=(--profile dev)
profile_dir=debug
if [ "$secs" -gt 60 ]; then profile=(--release); profile_dir=release; fi
if [ "$sanitizer" != none ]; then
  export RUSTC_BOOTSTRAP=1 ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_odr_violation=0
  rustflags+=" -Zsanitizer=$sanitizer"
fi
bin_dir="fuzz/target/$triple/$profile_dir"
echo "building $n_targets fuzz targets ($profile_dir, sanitizer: $sanitizer; instrumented)"
t0=$SECONDS
if ! RUSTFLAGS="$rustflags" cargo build --manifest-path fuzz/Cargo.toml --locked --target "$triple" \
  "${profile[@]}" --bins 2>&1 | tail -3; then
  echo "fuzz: 0 passed, $n_targets failed (build)"
  exit 1
fi
echo "built in $((SECONDS - t0)) s"
[ -z "${FUZZ_BUILD_ONLY:-}" ] || exit 0
echo "running each target for $secs s"
passed=0
failed=0
total_execs=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Two targets at a time, one per core (libFuzzer runs one process per target).
run_target() { # run_target TARGET: fuzzes it; its log is $work/TARGET.log, its exit status $work/TARGET.rc
  local t=$1
  mkdir -p "$work/$t"
  local args=(-max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048)
  [ -f "fuzz/dict/$t.dict" ] && args+=(-dict="fuzz/dict/$t.dict")
  mkdir -p "fuzz/artifacts/$t"
  "$bin_dir/$t" -artifact_prefix="fuzz/artifacts/$t/" "${args[@]}" "$work/$t" "fuzz/corpus/$t" \
    >"$work/$t.log" 2>&1
  echo $? > "$work/$t.rc"
}
report() { # report TARGET: adds a finished target to the tally and prints its line
  local t=$1 log="$work/$1.log" status
  status=$(cat "$work/$t.rc")
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  execs=${execs:-0}
  corpus=$(find "$work/$t" -type f | wc -l)
  seeds=$(find "fuzz/corpus/$t" -type f 2>/dev/null | wc -l)
  total_execs=$((total_execs + execs))
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    printf 'fuzz %-16s ok      %10d executions in %ss (%d seeds, %d new inputs)\n' "$t" "$execs" "$secs" "$seeds" "$corpus"
  else
    failed=$((failed + 1))
    printf 'fuzz %-16s FAILED  %10d executions (exit %d); last lines of its log:\n' "$t" "$execs" "$status"
    tail -40 "$log" | sed 's/^/    /'
    ls fuzz/artifacts/"$t"/ 2>/dev/null | sed "s|^|    artifact: fuzz/artifacts/$t/|"
  fi
}
set -- $targets
while [ $# -gt 0 ]; do
  pair=("$1"); shift
  if [ $# -gt 0 ]; then pair+=("$1"); shift; fi
  for t in "${pair[@]}"; do run_target "$t" & done
  wait
  for t in "${pair[@]}"; do report "$t"; done
done
echo "fuzz executions in all: $total_execs ($secs s per target)"
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
