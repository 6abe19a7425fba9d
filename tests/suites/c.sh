#!/usr/bin/env bash
# C: the C ABI (libphlo) end to end.
#   1. builds libphlo and the simulator (debug);
#   2. regenerates include/phlo.h (`cargo xtask gen --check`: cbindgen, pinned in xtask) and
#      fails on any difference;
#   3. checks the header's version macros against the workspace version in Cargo.toml;
#   4. installs into a temporary prefix and builds a program with `pkg-config --cflags --libs phlo`
#      (shared) and against libphlo.a with `pkg-config --static` (static);
#   5. builds (-Wall -Wextra -Werror) and runs the C and C++ examples against a simulator it starts;
#   6. builds the five programs of tests/c and runs them under valgrind (zero errors, no
#      definite/indirect leaks), then once more built with AddressSanitizer and UBSan; the long
#      native load run (20,000 calls with RSS read; PHLO_C_LONG_LOOP=100000 for a longer one)
#      goes on meanwhile against a second simulator.
# Prints PASSED/FAILED per step and ends with "c: N passed, M failed" (the C tests' checks plus the
# steps); exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

CFLAGS=(-std=c11 -Wall -Wextra -Werror -g)
CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -g)
VALGRIND=(valgrind --quiet --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect)

passed=0
failed=0
step() { # step NAME STATUS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "PASSED: $1"; else failed=$((failed + 1)); echo "FAILED: $1"; fi
}
finish() {
  echo "c: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

work=$(mktemp -d)
sim_pid=
sim2_pid=
bg_pid=
cleanup() {
  if [ -n "$bg_pid" ]; then kill "$bg_pid" 2>/dev/null; wait "$bg_pid" 2>/dev/null; fi
  for pid in $sim_pid $sim2_pid; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# 1. build: the build suite's own command, a no-op after it (a narrower `-p` build would unify
#    fewer features and compile the core again)
if ! cargo build --workspace --all-targets --locked 2>&1 | tail -n 3; then
  step "cargo build --workspace --all-targets" 1; finish
fi
lib="$root/target/debug"
[ -f "$lib/libphlo.so" ] && [ -f "$lib/libphlo.a" ] && [ -x "$lib/phlo-sim" ]
step "libphlo.so, libphlo.a and phlo-sim built" $?
[ "$failed" -eq 0 ] || finish

# 2. header
cargo xtask gen --check
step "include/phlo.h and the other generated files are current (cargo xtask gen --check)" $?

# 3. version macros = workspace version
ws_version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)
h_version=$(sed -n 's/^#define PHLO_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' include/phlo.h | paste -sd.)
echo "workspace version $ws_version, header version $h_version"
[ -n "$ws_version" ] && [ "$ws_version" = "$h_version" ]
step "PHLO_VERSION_MAJOR/MINOR/PATCH equal the workspace version in Cargo.toml" $?

# The simulator, for everything below. Two accounts: the default one, and the canary of
# tests/c/secrets.c (whose token must show up nowhere but in the Authorization header).
CANARY_ID=MACANARY7F3A9B000000 CANARY_TOKEN=TOKEN-c-canary-7f3a9b
start_sim() { # start_sim NAME: starts a simulator; sets sim_url (empty on failure) and sim_started
  "$lib/phlo-sim" --auth-id MAXXXXXXXXXXXXXXXXXX --auth-token token123 \
    --auth-id "$CANARY_ID" --auth-token "$CANARY_TOKEN" > "$work/$1.out" 2> "$work/$1.err" &
  sim_started=$!
  for _ in $(seq 100); do [ -s "$work/$1.out" ] && break; sleep 0.1; done
  sim_url=$(head -n 1 "$work/$1.out")
}
start_sim sim
sim_pid=$sim_started
base_url=$sim_url
case "$base_url" in http://*) step "simulator started at $base_url" 0 ;; *) step "simulator started" 1; cat "$work/sim.err"; finish ;; esac
export PLIVO_PHLO_BASE_URL="$base_url" PLIVO_AUTH_ID=MAXXXXXXXXXXXXXXXXXX PLIVO_AUTH_TOKEN=token123
sim_reset() { curl -fsS -X POST "$base_url/_sim/reset" > /dev/null; }

# Runs an example binary on a fresh simulator and checks it printed the seed's answer.
run_example() { # run_example NAME BINARY [ENV...]
  local name=$1 bin=$2; shift 2
  sim_reset
  env "$@" "$bin" > "$work/out.txt" 2>&1
  local rc=$?
  sed 's/^/    /' "$work/out.txt"
  [ $rc -eq 0 ] && grep -qx 'status: 201' "$work/out.txt" && grep -q '"error":""' "$work/out.txt"
  step "$name" $?
}

# 4. pkg-config: install into a temporary prefix and build with the flags it gives
prefix="$work/prefix"
crates/phlo-ffi/install.sh --profile debug --prefix "$prefix" > /dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion phlo)" = "$ws_version" ]
step "pkg-config --modversion phlo is $ws_version" $?
# shellcheck disable=SC2046
cc "${CFLAGS[@]}" examples/c/cold_transfer.c $(pkg-config --cflags --libs phlo) -o "$work/ct_pkgconfig"
step "cc \$(pkg-config --cflags --libs phlo) builds examples/c/cold_transfer.c" $?
run_example "the pkg-config build runs against the installed libphlo.so, without LD_LIBRARY_PATH (rpath from phlo.pc)" "$work/ct_pkgconfig"
# shellcheck disable=SC2046
cc "${CFLAGS[@]}" examples/c/cold_transfer.c $(pkg-config --cflags phlo) "$prefix/lib/libphlo.a" \
  $(pkg-config --static --libs-only-l phlo | sed 's/-lphlo//') -o "$work/ct_static"
step "the example links statically with libphlo.a and pkg-config --static" $?
run_example "the static build runs (no libphlo.so needed)" "$work/ct_static"

# 5. examples against the build tree
cc "${CFLAGS[@]}" -Iinclude examples/c/cold_transfer.c -L"$lib" -lphlo -o "$work/cold_transfer_c"
step "examples/c/cold_transfer.c builds with -Wall -Wextra -Werror" $?
run_example "examples/c/cold_transfer.c prints status: 201 and the body" "$work/cold_transfer_c" LD_LIBRARY_PATH="$lib"
c++ "${CXXFLAGS[@]}" -Iinclude examples/cpp/cold_transfer.cpp -L"$lib" -lphlo -o "$work/cold_transfer_cpp"
step "examples/cpp/cold_transfer.cpp builds with -Wall -Wextra -Werror" $?
run_example "examples/cpp/cold_transfer.cpp prints status: 201 and the body" "$work/cold_transfer_cpp" LD_LIBRARY_PATH="$lib"
sim_reset
LD_LIBRARY_PATH="$lib" "$work/cold_transfer_c" > /dev/null 2>&1
LD_LIBRARY_PATH="$lib" "$work/cold_transfer_c" > "$work/out.txt" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q '"kind":"bad_request"' "$work/out.txt"
step "examples/c/cold_transfer.c exits non-zero with the last error when the transfer fails" $?

# 6. the C tests, under valgrind, then with sanitizers. Five programs share support.c and json.c:
#    phlo_tests    every operation, every error kind, misuse, eight threads (main.c, test_*.c)
#    fault_matrix  tests/fault_matrix.json, every case through phlo_client_call
#    bad_input     every export with NULL, invalid UTF-8, empty, huge, malformed and mistyped input
#    load          8 threads x 500 calls with faults (nothing lost), a long loop with flat RSS
#    secrets       a canary token in no last error and only in the Authorization header
build=tests/c/build
mkdir -p "$build"
common=(tests/c/support.c tests/c/json.c)
declare -A sources=(
  [phlo_tests]="tests/c/main.c $(echo tests/c/test_*.c)"
  [fault_matrix]=tests/c/fault_matrix.c
  [bad_input]=tests/c/bad_input.c
  [load]=tests/c/load.c
  [secrets]=tests/c/secrets.c
)
programs=(phlo_tests fault_matrix bad_input load secrets)
built=1
for p in "${programs[@]}"; do
  # shellcheck disable=SC2086
  cc "${CFLAGS[@]}" -Iinclude ${sources[$p]} "${common[@]}" -L"$lib" -lphlo -pthread -o "$build/$p" || built=0
done
[ $built -eq 1 ]
step "tests/c builds with -Wall -Wextra -Werror (${programs[*]})" $?
asan=1
for p in "${programs[@]}"; do
  # shellcheck disable=SC2086
  cc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer -Iinclude ${sources[$p]} \
    "${common[@]}" -L"$lib" -lphlo -pthread -o "$build/${p}_asan" 2> "$work/asan.err" || asan=0
done
[ $asan -eq 1 ] || echo "    (no sanitizer runtime: $(head -n 1 "$work/asan.err"); sanitizer runs skipped)"

# Adds a finished run to the tally: prints its output, takes its "N passed, M failed" line.
report() { # report NAME RC OUT ERR SECONDS
  local name=$1 rc=$2 out=$3 err=$4 secs=$5
  cat "$out"
  grep -v '^$' "$err" | sed 's/^/    stderr: /' | tail -n 40
  local summary
  summary=$(tail -n 1 "$out")
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
  else
    echo "    no summary line"; rc=1
  fi
  step "$name (exit status $rc, $secs s)" "$rc"
}
run_tests() { # run_tests NAME COMMAND...: runs it against the suite's simulator (reset first)
  local name=$1; shift
  local t0=$SECONDS
  echo "running $name ..."
  sim_reset
  "$@" > "$work/tests.out" 2> "$work/tests.err"
  local rc=$?
  cat "$work/tests.out" "$work/tests.err" >> "$work/all_output.txt"
  report "$name" $rc "$work/tests.out" "$work/tests.err" $((SECONDS - t0))
}
# Leaks are valgrind's part (the Rust runtime keeps a few reachable blocks LSan dislikes).
ASAN_ENV=(ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1)
run_valgrind() { # run_valgrind PROGRAM [ARGS...]
  local p=$1; shift
  [ -x "$build/$p" ] && run_tests "$p${*:+ $*} under valgrind" env LD_LIBRARY_PATH="$lib" \
    "${VALGRIND[@]}" "$build/$p" "$@"
}
run_asan() { # run_asan PROGRAM [ARGS...]
  local p=$1; shift
  [ $asan -eq 1 ] && [ -x "$build/${p}_asan" ] && run_tests "$p${*:+ $*} with AddressSanitizer and UBSan" \
    env LD_LIBRARY_PATH="$lib" "${ASAN_ENV[@]}" "$build/${p}_asan" "$@"
}

# The long native load run (8 threads x 500 calls twice, then the long loop with RSS read) takes
# the longest and mostly waits on the network: it runs in the background against a simulator of
# its own while the valgrind and sanitizer runs below use the first one.
# PHLO_C_LONG_LOOP sets the loop's length (default 20,000: RSS read after a tenth of it, for the
# warm-up, and at the end).
long_loop=${PHLO_C_LONG_LOOP:-20000}
bg_t0=$SECONDS
if [ -x "$build/load" ]; then
  start_sim sim2
  sim2_pid=$sim_started
  if [[ "$sim_url" == http://* ]]; then
    PLIVO_PHLO_BASE_URL="$sim_url" LD_LIBRARY_PATH="$lib" "$build/load" 8 500 "$long_loop" 1 \
      > "$work/load.out" 2> "$work/load.err" &
    bg_pid=$!
  else
    step "second simulator started (for the load run)" 1
  fi
fi

run_valgrind phlo_tests
run_asan phlo_tests
run_valgrind fault_matrix
run_asan fault_matrix
# 8 MiB strings with ASan; 256 KiB under valgrind (8 MiB there takes minutes).
# (RUST_BACKTRACE=0: a known panic, caught at the boundary, would print a long backtrace)
RUST_BACKTRACE=0 run_valgrind bad_input 262144
RUST_BACKTRACE=0 run_asan bad_input
# Under valgrind: fewer calls, and a 2,000-call loop whose leaks valgrind checks.
run_valgrind load 8 25 2000 0
run_asan load 8 100 0 0
RUST_LOG=trace run_valgrind secrets
RUST_LOG=trace run_asan secrets
canary_b64=$(printf '%s:%s' "$CANARY_ID" "$CANARY_TOKEN" | base64 -w0)
! grep -q -e "$CANARY_TOKEN" -e "$canary_b64" "$work/all_output.txt"
step "the canary token (and its base64 form) appears nowhere in the C tests' output (RUST_LOG=trace)" $?

if [ -n "$bg_pid" ]; then
  wait "$bg_pid"
  rc=$?
  bg_pid=
  report "load 8 500 $long_loop 1 (native, its own simulator, in the background)" $rc \
    "$work/load.out" "$work/load.err" $((SECONDS - bg_t0))
fi

finish
