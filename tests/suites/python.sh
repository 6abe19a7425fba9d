#!/usr/bin/env bash
# Python: the plivo-phlo package end to end, as a user installs it.
#   1. creates a fresh virtual environment (target/py-venv);
#   2. installs the package: the wheel of scripts/dist when PHLO_WHEEL names it (scripts/test sets
#      it after the dist suite built and checked it), else `pip install ./python` (maturin builds
#      the phlo-py extension in the workspace's target dir, release profile); plus pytest,
#      pytest-xdist (the test files run side by side), mypy, anyio (its pytest plugin runs the
#      async tests), uvloop (the async tests run on asyncio's loop and on uvloop) and the
#      official SDK (plivo==4.63.0, for the differential tests only);
#   3. runs python/tests with pytest against the installed package (not the source tree): every
#      operation against the in-process simulator, every exception class, the drop-in RestClient's
#      requests and, side by side with the official SDK, its results (test_differential.py),
#      threads and the GIL, logging and secrets, and the stubs (mypy.stubtest); and
#      the reliability tests: the shared fault matrix (tests/fault_matrix.json), bad input
#      and misuse, 8 threads x 500 calls with faults, a 100,000-call loop with RSS flat, the
#      token canary (about a minute in all);
#   4. runs examples/python/cold_transfer.py (in-process simulator).
# Prints pytest's summary line, the reliability figures, and ends with "python: N passed,
# M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
venv="$root/target/py-venv"
log="$root/target/py-install.log"
PYTHON=${PYTHON:-python3}

fail() { echo "python: $*" >&2; echo "python: 0 passed, 1 failed"; exit 1; }

mkdir -p "$root/target"
echo "creating target/py-venv (a fresh virtual environment) and upgrading its pip"
"$PYTHON" -m venv --clear "$venv" || fail "cannot create a virtual environment with $PYTHON"
py="$venv/bin/python"
"$py" -m pip install -q --upgrade pip >"$log" 2>&1 || { cat "$log"; fail "cannot upgrade pip"; }
if [ -n "${PHLO_WHEEL:-}" ]; then
  package=$PHLO_WHEEL
  echo "installing $(basename "$package") (the release wheel) with the test dependencies"
else
  package=./python
  echo "installing ./python (builds the extension, a minute or more; log in target/py-install.log)"
fi
# plivo==4.63.0 is the official SDK, a test-only dependency: python/tests/test_differential.py
# drives it and the drop-in side by side against the simulator.
if ! "$py" -m pip install "$package" pytest pytest-xdist mypy anyio uvloop plivo==4.63.0 >>"$log" 2>&1; then
  tail -n 60 "$log"
  fail "pip install $package failed"
fi
installed=$("$py" -c 'import plivo_phlo; print(plivo_phlo.__file__)') || fail "cannot import plivo_phlo"
case "$installed" in
  "$venv"/*) echo "testing $installed" ;;
  *) fail "plivo_phlo imported from $installed, not from the virtual environment" ;;
esac

# Run from outside the source tree so that `import plivo_phlo` can only find the installed copy.
# The developer's own credentials and base URL never reach the tests or the example.
cd "$root/target"
unset PLIVO_AUTH_ID PLIVO_AUTH_TOKEN PLIVO_PHLO_BASE_URL
status=0
echo "running python/tests with pytest, a file per worker, 4 workers (pytest-xdist: most tests wait on a simulator, and a file's figures stay whole; about 30 s)"
"$venv/bin/pytest" -p no:cacheprovider -q -n 4 --dist loadfile "$root/python/tests" 2>&1 | tee "$root/target/py-tests.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
summary=$(grep -E '^[0-9]+ (passed|failed)|^=+ .*(passed|failed)' "$root/target/py-tests.log" | tail -n 1)
count() { echo "$summary" | grep -oE "[0-9]+ ($1)" | awk '{n += $1} END {print n + 0}'; }
passed=$(count passed)
failed=$(count 'failed|errors?')
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1

echo "--- reliability figures"
grep -E '^(fault matrix|bad inputs|threads|100k loop|secrets|async [a-z0-9 ]+): ' "$root/target/py-tests.log" || true

for example in cold_transfer async_transfer; do
  echo "--- examples/python/$example.py"
  if "$py" "$root/examples/python/$example.py" --simulator; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); status=1
  fi
done
echo "python: $passed passed, $failed failed"
exit $status
