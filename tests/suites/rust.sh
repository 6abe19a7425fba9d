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
