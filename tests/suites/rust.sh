#!/usr/bin/env bash
# Rust: formatting, lints (warnings are errors), and every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# cargo prints one "test result:" line per test binary; CI reads them.
cargo test --workspace --locked
