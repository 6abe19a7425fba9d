#!/usr/bin/env bash
# Perl: the Plivo::PHLO module on libphlo, end to end.
#   1. builds libphlo and the simulator (debug);
#   2. runs `prove -l -r t` in perl/ against that build (every test starts its own simulator;
#      a missing simulator is a failure here, not a skip); prove prints its summary; then the
#      tests that look at decoded answers once more with JSON::PP forced (PLIVO_PHLO_JSON);
#   3. checks perl/Makefile.PL configures and builds the distribution;
#   4. runs examples/perl/cold_transfer.pl against a simulator it starts: status 201 and the
#      body on stdout; with a wrong token, exit status 1, the error on stderr, no token in it.
# Prints PASSED/FAILED per step and ends with "perl: N passed, M failed" (prove's tests plus the
# steps); exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

passed=0
failed=0
tests=0
step() { # step NAME STATUS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "PASSED: $1"; else failed=$((failed + 1)); echo "FAILED: $1"; fi
}
finish() {
  echo "perl: $((passed + tests)) passed, $failed failed ($tests prove tests, $passed steps)"
  [ "$failed" -eq 0 ]
  exit $?
}

work=$(mktemp -d)
sim_pid=
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1. build
# The build suite's own command, a no-op after it (a narrower `-p` build would unify fewer
# features and compile the core again).
if ! cargo build --workspace --all-targets --locked 2>&1 | tail -n 3; then
  step "cargo build --workspace --all-targets" 1; finish
fi
export PLIVO_PHLO_LIB="$root/target/debug/libphlo.so"
export PHLO_SIM="$root/target/debug/phlo-sim"
export PHLO_TEST_REQUIRE_SIM=1
[ -f "$PLIVO_PHLO_LIB" ] && [ -x "$PHLO_SIM" ]
step "libphlo.so and phlo-sim built" $?
perl -MFFI::Platypus=2 -mJSON::PP -mCpanel::JSON::XS -e1
step "FFI::Platypus 2, JSON::PP and Cpanel::JSON::XS are installed (tests/suites/deps.sh)" $?
[ "$failed" -eq 0 ] || finish

# 2. the tests
# Three test files at a time: each starts its own simulator, and most of their time is spent
# waiting on it (retry pauses, latency faults), so they overlap well on two cores.
echo "running prove -l -r -j3 t in perl/ (about a minute)"
(cd perl && prove -l -r -j3 t) 2>&1 | tee "$work/prove.log"
prove_status=${PIPESTATUS[0]}
step "prove -l -r -j3 perl/t" "$prove_status"
tests=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$work/prove.log" | tail -n 1)
tests=${tests:-0}
[ "$prove_status" -eq 0 ] || tests=0

# 2b. the module decodes answers with Cpanel::JSON::XS when installed: the tests that look at
# decoded answers again with JSON::PP forced
pp_tests=(t/01-operations.t t/02-objects.t t/03-errors.t t/11-json-backends.t)
(cd perl && PLIVO_PHLO_JSON=JSON::PP prove -l -j3 "${pp_tests[@]}") 2>&1 | tee "$work/prove-pp.log"
pp_status=${PIPESTATUS[0]}
step "prove -l ${pp_tests[*]} with PLIVO_PHLO_JSON=JSON::PP" "$pp_status"

# 3. Makefile.PL (in a copy, so the checkout gets no Makefile or blib)
cp -r perl "$work/dist"
(cd "$work/dist" && perl Makefile.PL > "$work/mpl.log" 2>&1 && make > "$work/make.log" 2>&1 &&
  [ -f blib/lib/Plivo/PHLO.pm ] && [ -f blib/man3/Plivo::PHLO.3pm ])
mpl_status=$?
[ "$mpl_status" -eq 0 ] || cat "$work/mpl.log" "$work/make.log"
step "perl Makefile.PL && make builds the distribution (modules and man pages)" "$mpl_status"

# 4. the example, against a simulator
"$PHLO_SIM" > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/sim.out" ] && break; sleep 0.1; done
base_url=$(head -n 1 "$work/sim.out")
case "$base_url" in http://*) step "simulator started at $base_url" 0 ;; *) step "simulator started" 1; cat "$work/sim.err"; finish ;; esac

PLIVO_AUTH_ID=MAXXXXXXXXXXXXXXXXXX PLIVO_AUTH_TOKEN=token123 PLIVO_PHLO_BASE_URL="$base_url" \
  perl examples/perl/cold_transfer.pl > "$work/ex.out" 2> "$work/ex.err"
ex_status=$?
cat "$work/ex.out"
[ "$ex_status" -eq 0 ] && [ "$(head -n 1 "$work/ex.out")" = "status: 201" ] &&
  sed -n 2p "$work/ex.out" | perl -MJSON::PP -e 'my $b = decode_json(<STDIN>); exit !($b->{api_id} =~ /^[0-9a-f-]{36}$/ && $b->{error} eq "")'
ok=$?
[ "$ok" -eq 0 ] || cat "$work/ex.err"
step "examples/perl/cold_transfer.pl prints status: 201 and the body" "$ok"
state=$(curl -fsS "$base_url/_sim/nodes/b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d")
echo "$state" | perl -MJSON::PP -e 'my $n = decode_json(<STDIN>); exit !($n->{members}{"+14152223333"}{state} eq "left" && $n->{members}{"+14152225555"}{state} eq "connected")'
step "the simulator saw the transfer: initiator left, +14152225555 connected" $?

PLIVO_AUTH_ID=MAXXXXXXXXXXXXXXXXXX PLIVO_AUTH_TOKEN=wrong-Secret-9 PLIVO_PHLO_BASE_URL="$base_url" \
  perl examples/perl/cold_transfer.pl > "$work/bad.out" 2> "$work/bad.err"
bad_status=$?
cat "$work/bad.err"
[ "$bad_status" -eq 1 ] && grep -q '\[authentication\]' "$work/bad.err" && ! grep -q 'wrong-Secret-9' "$work/bad.err" "$work/bad.out"
step "with a wrong token the example exits 1 with the authentication error, token not shown" $?

finish
