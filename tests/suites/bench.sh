#!/usr/bin/env bash
# Benchmark smoke run: every path of ours and every peer sends the seed cold transfer (checked on
# the simulator) and a few hundred calls against a local nginx. Fails when a path cannot run or
# gets an error; never on speed (see docs/benchmarks.md). The full run is `bench/run`.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Installs and builds started in the background by scripts/test (`bench/run --prepare`;
# PHLO_BENCH_PREPARE.log and .rc): wait for them and show their log. bench/run below then finds
# everything in place, and does the rest itself if they failed.
if [ -n "${PHLO_BENCH_PREPARE:-}" ]; then
  echo "bench: waiting for bench/run --prepare, started in the background by scripts/test"
  while [ ! -s "$PHLO_BENCH_PREPARE.rc" ]; do sleep 1; done
  cat "$PHLO_BENCH_PREPARE.log"
fi
bench/run --quick 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
# bench/run ends with "bench: N passed, M failed" (paths that ran); print one if it never got there.
if ! grep -Eq '^bench: [0-9]+ passed, [0-9]+ failed$' "$out"; then
  echo "bench: 0 passed, 1 failed"
  [ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
