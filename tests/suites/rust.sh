#!/usr/bin/env bash
# Rust: formatting, lints (warnings are errors), the files generated from the core's tables
# (`cargo xtask gen --check` fails when one is stale: run `cargo xtask gen` and commit), and every
# test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo xtask gen --check
# cargo prints one "test result:" line per test binary; CI reads them.
cargo test --workspace --locked
# The Rust examples, against their embedded simulator (the environment's runner is not used).
for ex in cold_transfer async_transfer; do
  echo "--- examples/rust/$ex.rs"
  out=$(env -u PLIVO_PHLO_BASE_URL cargo run -q --locked -p phlo-examples --bin "$ex")
  echo "$out"
  grep -Eq '^transferred: api_id [0-9a-f-]{36} error ""$' <<<"$out"
done
