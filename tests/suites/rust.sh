#!/usr/bin/env bash
# Rust: formatting, lints (warnings are errors), and every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked 2>&1 | tee target/rust-tests.log | grep -E '^(test result|running|error|failures|---- )|FAILED|panicked' || true
# The tee hides cargo's exit status; read it from the log instead.
! grep -qE '^test result: FAILED|^error(\[|:)' target/rust-tests.log
total=$(grep -E '^test result:' target/rust-tests.log | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/' | awk '{p+=$1; f+=$2} END {print p+0, f+0}')
echo "rust: ${total% *} passed, ${total#* } failed"
