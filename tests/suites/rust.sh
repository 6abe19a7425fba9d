#!/usr/bin/env bash
# Rust: formatting, lints (warnings are errors), the files generated from the core's tables
# (`cargo xtask gen --check` fails when one is stale: run `cargo xtask gen` and commit), and every
# test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
# cargo-nextest (part of this machine's Rust toolchain) runs the test binaries side by side, which
# matters here: many tests wait on a simulator's faults and timeouts, not on the CPU. So it runs
# while clippy checks: it starts first, and clippy waits until nextest's build step (the build
# suite made the binaries) has let go of cargo's lock; its output follows clippy's. It prints one
# "Summary" line; the doc tests, which it does not run, go through cargo test afterwards. Without
# it, cargo test runs everything after the lints and prints a "test result:" line per binary.
nt_pid=
if cargo nextest --version >/dev/null 2>&1; then
  nt_log=$(mktemp)
  trap '[ -n "$nt_pid" ] && kill "$nt_pid" 2>/dev/null; rm -f "$nt_log"' EXIT
  cargo nextest run --workspace --locked --no-fail-fast --status-level fail --final-status-level slow \
    > "$nt_log" 2>&1 &
  nt_pid=$!
  echo "(cargo nextest runs in the background while clippy checks)"
  until grep -q -e '^ *Starting ' -e '^error' "$nt_log" || ! kill -0 "$nt_pid" 2>/dev/null; do sleep 0.2; done
fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo xtask gen --check
if [ -n "$nt_pid" ]; then
  nt_rc=0
  wait "$nt_pid" || nt_rc=$?
  nt_pid=
  cat "$nt_log"
  [ "$nt_rc" -eq 0 ]
  cargo test --workspace --locked --doc
else
  cargo test --workspace --locked
fi
# The Rust examples, against their embedded simulator (the environment's runner is not used).
for ex in cold_transfer async_transfer; do
  echo "--- examples/rust/$ex.rs"
  out=$(env -u PLIVO_PHLO_BASE_URL cargo run -q --locked -p phlo-examples --bin "$ex")
  echo "$out"
  grep -Eq '^transferred: api_id [0-9a-f-]{36} error ""$' <<<"$out"
done
