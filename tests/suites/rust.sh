#!/usr/bin/env bash
# Rust: formatting, lints (warnings are errors), the files generated from the core's tables
# (`cargo xtask gen --check` fails when one is stale: run `cargo xtask gen` and commit), and every
# test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo xtask gen --check
# cargo-nextest (part of this machine's Rust toolchain) runs the test binaries side by side, which
# matters here: many tests wait on a simulator's faults and timeouts, not on the CPU. It prints
# one "Summary" line; the doc tests, which it does not run, go through cargo test. Without it,
# cargo test runs everything and prints a "test result:" line per binary.
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast --status-level fail --final-status-level slow
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
