#!/usr/bin/env bash
# One debug build of everything the other suites run: every crate of the workspace with its tests
# (rust), libphlo and phlo-sim (c, perl), in one cargo invocation so that they share one set of
# compiled dependencies. Each suite still builds what it needs when run on its own; after this
# their builds are no-ops. (The release build is scripts/dist's, shared by dist, python and bench.)
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "build: cargo build --workspace --all-targets --locked (debug; a few minutes from scratch)"
t0=$SECONDS
if cargo build --workspace --all-targets --locked 2>&1 | grep -E '^(error|warning)' -A5; then
  echo "build: 0 passed, 1 failed"
  exit 1
fi
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "build: 0 passed, 1 failed"; exit 1; }
echo "build: done in $((SECONDS - t0)) s"
echo "build: 1 passed, 0 failed"
