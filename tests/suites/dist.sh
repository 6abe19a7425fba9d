#!/usr/bin/env bash
# The release artifacts, installed as users install them:
#   1. scripts/dist builds them into target/dist/ (one release build; see its header);
#   2. each is installed by the README's own lines (the fenced blocks marked "dist.sh runs: NAME",
#      run as written) into a fresh prefix, virtual environment or Perl install base under a
#      scratch HOME, from a directory outside the checkout, with no cargo on PATH where the
#      artifact is binary;
#   3. each language's README quick start runs against a phlo-sim from the CLI tarball: the cold
#      transfer answers 201 (the simulator is reset between them);
#   4. `#include <phlo.h>` as the first and only line compiles as C99 -pedantic, C11, C++11 and
#      C++17; programs built with pkg-config and with CMake run without LD_LIBRARY_PATH; the
#      libraries and binaries are stripped, with SONAME and debug files where they belong;
#   5. the source builds where they are the point: the Perl distribution's `make` builds libphlo
#      with cargo (and, with the C tarball installed, uses it instead, with no cargo), the sdist
#      builds and installs with pip, and the README's Rust quick start builds on the packaged
#      crate. They share target/ with the other builds (CARGO_TARGET_DIR), so mostly the
#      project's own crates are compiled again, and run in the background, one after the other,
#      while the binary artifacts are checked.
# Prints PASSED/FAILED per step with its time, and ends with "dist: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export CARGO_TERM_COLOR=never

passed=0
failed=0
t_step=$SECONDS
step() { # step NAME STATUS
  local took=$((SECONDS - t_step))
  t_step=$SECONDS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "PASSED: $1 (${took} s)"; else failed=$((failed + 1)); echo "FAILED: $1 (${took} s)"; fi
}
finish() {
  echo "dist: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}
say() { echo "dist: $* ..."; t_step=$SECONDS; }

work=$(mktemp -d /tmp/phlo-dist.XXXXXX)
sim_pid=
bg_pid=
cleanup() {
  if [ -n "$bg_pid" ]; then kill "$bg_pid" 2>/dev/null; wait "$bg_pid" 2>/dev/null; fi
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The artifacts.
# Wait for a background run started by scripts/test (PHLO_DIST_BUILD: its log and exit status
# are PHLO_DIST_BUILD.log and .rc), else run it here.
wait_for() { # wait_for PREFIX: waits for PREFIX.rc, prints PREFIX.log, returns the status
  while [ ! -s "$1.rc" ]; do sleep 1; done
  cat "$1.log"
  return "$(cat "$1.rc")"
}
if [ -n "${PHLO_DIST_BUILD:-}" ]; then
  say "waiting for scripts/dist, started in the background by scripts/test"
  wait_for "$PHLO_DIST_BUILD"
else
  say "building the release artifacts (scripts/dist; the release build takes a few minutes)"
  scripts/dist
fi
step "scripts/dist built the artifacts" $?
dist="$root/target/dist"
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)
t=x86_64-linux-gnu
wheel=$(ls "$dist"/plivo_phlo-"$version"-cp310-abi3-manylinux_*_x86_64.whl 2>/dev/null | head -n 1)
for f in "plivo_phlo-$version.tar.gz" "Plivo-PHLO-$version.tar.gz" "libphlo-$version-$t.tar.gz" \
  "libphlo-$version-$t-debug.tar.gz" "phlo-$version-$t.tar.gz" "phlo-$version-$t-debug.tar.gz" \
  "plivo-phlo-$version.crate"; do
  [ -f "$dist/$f" ] || { echo "    missing: $f"; false; } || break
done
ok=$?
[ $ok -eq 0 ] && [ -n "$wheel" ] && (cd "$dist" && sha256sum --quiet -c SHA256SUMS)
step "target/dist holds the wheel, the sdist, the Perl distribution, libphlo and phlo tarballs (with debug files), the crate, SHA256SUMS" $?
[ "$failed" -eq 0 ] || finish

# A README block, by its marker.
snippet() { # snippet NAME: the fenced block after "<!-- dist.sh runs: NAME -->"
  awk -v m="<!-- dist.sh runs: $1 -->" '
    $0 == m { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$root/README.md"
}
for s in cli-install rust-dependency c-install python-install perl-install \
  rust-quickstart cli-quickstart c-quickstart python-quickstart perl-quickstart; do
  [ -n "$(snippet "$s")" ] || { echo "    README.md has no block marked 'dist.sh runs: $s'"; false; } || break
done
step "README.md has every install line and quick start this suite runs" $?

# Everything below runs in $work, as a user with a fresh HOME, the artifacts copied beside them.
# The binary artifacts get a PATH without cargo (nor ~/.cargo/bin, nor the checkout's tools).
home="$work/home"
mkdir -p "$home" "$work/dl"
cp "$dist"/* "$work/dl/"
nocargo_path=$(tr ':' '\n' <<<"$PATH" | grep -v -e '/\.cargo/' -e "^$root" | paste -sd:)
run_as_user() { # run_as_user DIR PATH-KIND SCRIPT: bash in DIR, HOME=$home, cargo on PATH or not
  # With cargo, its own homes stay the real ones (the registry cache, the toolchain).
  local dir=$1 kind=$2 script=$3 p=$PATH
  local homes=(CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}")
  [ "$kind" = nocargo ] && p=$nocargo_path && homes=()
  (cd "$dir" && env -u PLIVO_PHLO_LIB -u CARGO_TARGET_DIR -u LD_LIBRARY_PATH -u PKG_CONFIG_PATH \
    -u PERL5LIB -u VIRTUAL_ENV "${homes[@]}" HOME="$home" PATH="$p" bash -euo pipefail -c "$script")
}
env PATH="$nocargo_path" bash -c '! command -v cargo' > /dev/null
step "the binary artifacts' PATH has no cargo" $?

# The builds from source run in the background, one after the other (they share target/ and so
# cargo's lock on it), while the binary artifacts are checked: the Perl distribution by the
# README's lines (make builds libphlo with cargo), the sdist by pip, the README's Rust quick start
# on the packaged crate (crates.io patched to the unpacked .crate, as it is not published from
# here; the workspace's lock file as a start, so the same dependency versions are reused).
mkdir -p "$work/rustapp/src"
tar -xzf "$work/dl/plivo-phlo-$version.crate" -C "$work"
{
  printf '[package]\nname = "rustapp"\nversion = "0.0.0"\nedition = "2021"\n\n'
  snippet rust-dependency
  printf '\n[patch.crates-io]\nplivo-phlo = { path = "%s" }\n' "$work/plivo-phlo-$version"
  # Built in release with the project's release profile, after the Perl distribution: its build of
  # libphlo has the same dependencies with the same features, so only the crate and the app compile.
  printf '\n[profile.release]\ndebug = 1\n'
} > "$work/rustapp/Cargo.toml"
snippet rust-quickstart > "$work/rustapp/src/main.rs"
cp Cargo.lock "$work/rustapp/Cargo.lock"
source_builds() {
  run_as_user "$work/dl" cargo "export CARGO_TARGET_DIR=$root/target
$(snippet perl-install)
cd / && perl -MPlivo::PHLO -e 'print Plivo::PHLO->library_path, qq{\n}'" > "$work/perl.log" 2>&1
  echo $? > "$work/perl.rc"
  python3 -m venv "$work/sdist-venv" &&
    (cd "$work" && CARGO_TARGET_DIR="$root/target" "$work/sdist-venv/bin/pip" install -q \
      "$work/dl/plivo_phlo-$version.tar.gz") > "$work/sdist.log" 2>&1
  echo $? > "$work/sdist.rc"
  (cd "$work/rustapp" && { CARGO_TARGET_DIR="$root/target" cargo build -q --release --offline 2> "$work/rustapp.build" ||
    CARGO_TARGET_DIR="$root/target" cargo build -q --release 2> "$work/rustapp.build"; })
  echo $? > "$work/rustapp.rc"
}
echo "dist: building from source in the background: the Perl distribution, the sdist, the Rust quick start"
t_bg=$SECONDS
source_builds &
bg_pid=$!

# 2a. The CLI tarball: phlo and phlo-sim, then the simulator every quick start talks to.
say "installing the phlo tarball"
run_as_user "$work/dl" nocargo "$(snippet cli-install)
command -v phlo && command -v phlo-sim && phlo --version && phlo-sim --version" > "$work/cli.log" 2>&1
ok=$?
sed 's/^/    /' "$work/cli.log"
[ $ok -eq 0 ] && grep -qx "$home/.local/bin/phlo" "$work/cli.log" && grep -qx "phlo $version" "$work/cli.log"
step "the README's install lines put phlo $version and phlo-sim on PATH (~/.local/bin)" $?
cli="$home/.local"
share="$cli/share"
[ -s "$share/bash-completion/completions/phlo" ] && [ -s "$share/zsh/site-functions/_phlo" ] &&
  [ -s "$share/fish/vendor_completions.d/phlo.fish" ] &&
  bash -c "source '$share/bash-completion/completions/phlo' && complete -p phlo" > /dev/null &&
  zcat "$share/man/man1/phlo.1.gz" | grep -q '^\.TH phlo 1' &&
  zcat "$share/man/man1/phlo-mpc-cold-transfer.1.gz" | grep -q 'trigger' &&
  [ -s "$share/doc/phlo/LICENSE-MIT" ] && [ -s "$share/doc/phlo/LICENSE-APACHE" ] && [ ! -e "$cli/README" ]
step "completions (bash loads its own), man pages and licences (share/doc/phlo) are installed" $?
debug_ok() { # debug_ok FILE DEBUGFILE: FILE is stripped and links DEBUGFILE, which has the DWARF
  ! readelf -S "$1" | grep -q '\.debug_info' && readelf -S "$2" | grep -q '\.debug_info' &&
    [ "$(readelf --string-dump=.gnu_debuglink "$1" | sed -n 's/^ *\[ *0\] *//p')" = "$(basename "$2")" ]
}
tar -xzf "$work/dl/phlo-$version-$t-debug.tar.gz" -C "$work" &&
  debug_ok "$cli/bin/phlo" "$work/phlo-$version-$t-debug/bin/.debug/phlo.debug" &&
  debug_ok "$cli/bin/phlo-sim" "$work/phlo-$version-$t-debug/bin/.debug/phlo-sim.debug"
step "phlo and phlo-sim are stripped; their debug files are in the -debug tarball, linked by name" $?

"$cli/bin/phlo-sim" > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do grep -q -- '--reset' "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
base_url=$(head -n 1 "$work/sim.out")
sed 's/^/    /' "$work/sim.out"
exports=$(grep '^export PLIVO_PHLO_BASE_URL=' "$work/sim.out")
[[ "$base_url" == http://* ]] && [ -n "$exports" ] && grep -q "$base_url" <<<"$exports"
step "phlo-sim prints its URL, then the export line with the credentials and the demo ids" $?
[ "$failed" -eq 0 ] || finish
sim_reset() { "$cli/bin/phlo-sim" --reset "$base_url" > /dev/null; }
# The quick starts run with the environment the simulator printed.
quick() { # quick NAME DIR PATH-KIND COMMAND: runs COMMAND after the export line, on a reset simulator
  sim_reset
  run_as_user "$2" "$3" "$exports
$4" > "$work/$1.out" 2> "$work/$1.err"
  local rc=$?
  sed 's/^/    /' "$work/$1.out" "$work/$1.err" | head -n 20
  return $rc
}
transferred() { # the simulator saw the cold transfer: the initiator left, the new agent is there
  curl -fsS "$base_url/_sim/nodes/b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d" | python3 -c '
import json, sys
m = json.load(sys.stdin)["members"]
sys.exit(not (m["+14152223333"]["state"] == "left" and m["+14152225555"]["state"] == "connected"))'
}

# A new shell of that user: ~/.local/bin on PATH, as the install lines set it.
onpath='export PATH="$HOME/.local/bin:$PATH"'
quick cli "$work" nocargo "$onpath
$(snippet cli-quickstart)" && grep -qx 'status: 201' "$work/cli.err" &&
  grep -q '"error":""' "$work/cli.out" && transferred
step "the README's phlo quick start: status 201, the body on stdout, the transfer done" $?
run_as_user "$work" nocargo "$exports
$onpath
$(snippet cli-quickstart)" > "$work/again.out" 2> "$work/again.err"
[ $? -eq 5 ] && grep -q 'already left' "$work/again.err" && grep -q -- '--reset' "$work/again.err"
step "the same transfer again: exit 5 (bad request), the message says the member left and how to reset" $?

# 2b. libphlo: the README's lines build the C quick start with pkg-config and run it.
say "installing the libphlo tarball; the C quick start"
capp="$work/dl"    # where the tarball is, as the install lines expect
snippet c-quickstart > "$capp/app.c"
quick c "$capp" nocargo "$(snippet c-install)" && grep -q '"error":""' "$work/c.out" && transferred
step "the README's C install lines: pkg-config build of the quick start runs (no LD_LIBRARY_PATH), 201" $?
prefix="$home/.local"
IFS=. read -r major minor _ <<<"$version"
if [ "$major" = 0 ]; then abi="0.$minor"; else abi=$major; fi
soname=$(readelf -d "$prefix/lib/libphlo.so.$version" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libphlo.so.$abi" ] && [ "$(readlink "$prefix/lib/$soname")" = "libphlo.so.$version" ] &&
  [ "$(readlink "$prefix/lib/libphlo.so")" = "$soname" ] &&
  readelf -d "$capp/app" | grep -q "Shared library: \[$soname\]" &&
  readelf -d "$capp/app" | grep -Eq "R(UN)?PATH"
step "libphlo.so.$version has SONAME libphlo.so.$abi with its symlinks; the program needs it, with an rpath" $?
tar -xzf "$work/dl/libphlo-$version-$t-debug.tar.gz" -C "$work" &&
  debug_ok "$prefix/lib/libphlo.so.$version" "$work/libphlo-$version-$t-debug/lib/.debug/libphlo.so.$version.debug" &&
  ! readelf -S "$prefix/lib/libphlo.a" 2>/dev/null | grep -q '\.debug_info'
step "libphlo.so and libphlo.a are stripped; the shared library's debug file is in the -debug tarball" $?
[ -s "$prefix/share/doc/libphlo/LICENSE-MIT" ] && [ -s "$prefix/share/doc/libphlo/LICENSE-APACHE" ]
step "libphlo's licences are installed (share/doc/libphlo)" $?

# The header alone, in every language standard promised.
printf '#include <phlo.h>\nint main(void) { return phlo_version() == 0; }\n' > "$work/h.c"
hdr=0
for std in "c -std=c99 -pedantic" "c -std=c11" "c++ -std=c++11" "c++ -std=c++17"; do
  read -r lang flag pedantic <<<"$std"
  gcc -x "$lang" $flag $pedantic -Wall -Wextra -Werror -I"$prefix/include" -c "$work/h.c" -o "$work/h.o" ||
    { echo "    $std: failed"; hdr=1; }
done
printf '#include <phlo.hpp>\nint main() { phlo::Client c; return 0; }\n' > "$work/hpp.cpp"
g++ -std=c++17 -Wall -Wextra -Werror -I"$prefix/include" -c "$work/hpp.cpp" -o "$work/hpp.o" || hdr=1
step "#include <phlo.h> first and alone: C99 -pedantic, C11, C++11, C++17; <phlo.hpp> alone: C++17" $hdr

# CMake: find_package(phlo) from the prefix, the shared and the static library.
mkdir -p "$work/cmake"
cp "$capp/app.c" "$work/cmake/app.c"
cat > "$work/cmake/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(app C)
find_package(phlo 0.1 REQUIRED)
add_executable(app app.c)
target_link_libraries(app PRIVATE phlo::phlo)
add_executable(app_static app.c)
target_link_libraries(app_static PRIVATE phlo::phlo_static)
EOF
(cd "$work/cmake" && env PATH="$nocargo_path" cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" > cmake.log 2>&1 &&
  cmake --build build > build.log 2>&1) || sed 's/^/    /' "$work/cmake/"*.log | tail -n 20
quick cmake "$work/cmake" nocargo "./build/app" && grep -q '"error":""' "$work/cmake.out" &&
  quick cmake_static "$work/cmake" nocargo "./build/app_static" && grep -q '"error":""' "$work/cmake_static.out" &&
  ! readelf -d "$work/cmake/build/app_static" | grep -q libphlo
step "CMake find_package(phlo): phlo::phlo runs without LD_LIBRARY_PATH, phlo::phlo_static needs no libphlo.so" $?

mkdir -p "$work/cpp"
cp "$root/examples/cpp/cold_transfer.cpp" "$work/cpp/"
quick cpp "$work/cpp" nocargo "export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
c++ -std=c++17 -Wall -Wextra -Werror cold_transfer.cpp \$(pkg-config --cflags --libs phlo) -o cold_transfer && ./cold_transfer" &&
  grep -qx 'status: 201' "$work/cpp.out"
step "the C++ example builds against the installed phlo.hpp with pkg-config and runs" $?

# 2c. The wheel, into a fresh virtual environment, then the Python quick start.
say "installing the wheel into a fresh venv"
snippet python-quickstart > "$work/quickstart.py"
quick python "$work/dl" nocargo "$(snippet python-install)
cd .. && python quickstart.py && python -c 'import plivo_phlo, sys; sys.exit(not plivo_phlo.__file__.startswith(\"$work/dl/.venv/\"))'" &&
  grep -q "^201 {'api_id': '" "$work/python.out" && transferred
step "the README's Python install lines (venv, the wheel, no cargo) and quick start: 201" $?
wheel_file() { # wheel_file PATTERN: the first member of the wheel whose name matches, to stdout
  python3 -c 'import fnmatch, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
n = [m for m in z.namelist() if fnmatch.fnmatch(m, sys.argv[2])]
sys.exit(1) if not n else sys.stdout.buffer.write(z.read(n[0]))' "$wheel" "$1"
}
wheel_file '*.dist-info/licenses/LICENSE-MIT' | grep -q 'MIT License' &&
  wheel_file '*.dist-info/licenses/LICENSE-APACHE' | grep -q 'Apache License' &&
  wheel_file 'plivo_phlo/_native.abi3.so' > "$work/native.so" && ! readelf -S "$work/native.so" | grep -q '\.debug_info'
step "the wheel carries both licences and a stripped extension" $?
desc=$(wheel_file '*.dist-info/METADATA')
grep -q '^License-Expression: MIT OR Apache-2.0\|^License: MIT OR Apache-2.0' <<<"$desc" &&
  grep -q 'pip install plivo-phlo' <<<"$desc" && ! grep -q '](docs/\|](\.\./' <<<"$desc"
step "the wheel's long description is self-contained (no link into the repository's tree)" $?

# 2d. The source builds started above.
say "waiting for the source builds (started $((SECONDS - t_bg)) s ago)"
wait "$bg_pid"
bg_pid=
echo "    (the three took $((SECONDS - t_bg)) s in all)"
for f in README.md LICENSE-MIT LICENSE-APACHE Cargo.toml src/lib.rs; do
  [ -f "$work/plivo-phlo-$version/$f" ] || { echo "    the crate has no $f"; false; } || break
done
crate_ok=$?
build_ok=$(cat "$work/rustapp.rc")
[ "$build_ok" -eq 0 ] || tail -n 20 "$work/rustapp.build"
app="$root/target/release/rustapp"
[ $crate_ok -eq 0 ] && [ "$build_ok" -eq 0 ] && quick rust "$work" nocargo "$app" &&
  grep -Eq '^api_id [0-9a-f-]{36}$' "$work/rust.out" && transferred
step "the crate has its README and licences; the README's Rust quick start, built on it, transfers" $?
run_as_user "$work" nocargo "$exports
PLIVO_AUTH_TOKEN=wrong-Secret-9 $app" > "$work/rustbad.out" 2> "$work/rustbad.err"
[ $? -ne 0 ] && grep -q '^Error: authentication: ' "$work/rustbad.err" && ! grep -q 'Inner\|wrong-Secret-9' "$work/rustbad.err"
step "a Rust main returning plivo_phlo::Error prints 'Error: authentication: ...' (no token, no struct dump)" $?

# 2e. The Perl distribution, built by the README's lines (make builds libphlo with cargo, the point
#     of this step); then the quick start from another directory.
snippet perl-quickstart > "$work/quickstart.pl"
ok=$(cat "$work/perl.rc")
tail -n 4 "$work/perl.log" | sed 's/^/    /'
[ "$ok" -eq 0 ] && grep -q 'Result: PASS' "$work/perl.log" &&
  tail -n 1 "$work/perl.log" | grep -q "^$home/perl5/lib/perl5/.*auto/Plivo/PHLO/libphlo.so$"
step "the README's Perl install lines: make builds libphlo, make test passes, the module loads its own copy from /" $?
quick perl "$work" nocargo "export PERL5LIB=$home/perl5/lib/perl5
perl quickstart.pl" && grep -qx 'status: 201' "$work/perl.out" && transferred
step "the README's Perl quick start prints status: 201 and the body" $?

# The same distribution against the installed libphlo (the C tarball above): no cargo needed.
mkdir -p "$work/perl-sys"
tar -xzf "$work/dl/Plivo-PHLO-$version.tar.gz" -C "$work/perl-sys"
run_as_user "$work/perl-sys/Plivo-PHLO-$version" nocargo "export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
perl Makefile.PL INSTALL_BASE=$work/perl-sys/base && make && make install
cd / && perl -Mlib=$work/perl-sys/base/lib/perl5 -MPlivo::PHLO -e 'print Plivo::PHLO->library_path, qq{\n}'" \
  > "$work/perl-sys.log" 2>&1
ok=$?
[ $ok -eq 0 ] || tail -n 20 "$work/perl-sys.log"
[ $ok -eq 0 ] && grep -q 'Using the installed libphlo' "$work/perl-sys.log" &&
  [ "$(tail -n 1 "$work/perl-sys.log")" = "$prefix/lib/libphlo.so.$abi" ]
step "with libphlo installed (pkg-config), the Perl distribution uses it and needs no cargo" $?

# 2f. The sdist, built by pip with cargo (the point of this step) in the background above.
ok=$(cat "$work/sdist.rc")
[ "$ok" -eq 0 ] || tail -n 30 "$work/sdist.log"
[ "$ok" -eq 0 ] && quick sdist "$work" nocargo "$work/sdist-venv/bin/python quickstart.py" &&
  grep -q "^201 " "$work/sdist.out"
step "pip install of the sdist builds with cargo; the quick start runs on it" $?

finish
