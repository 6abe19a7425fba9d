#!/usr/bin/env bash
# Installs libphlo under a prefix: the shared library with its SONAME and symlinks, the static
# library, the C header and the C++ wrapper, a pkg-config file and a CMake package.
#
#   cargo build --release -p phlo-ffi
#   crates/phlo-ffi/install.sh --prefix /usr/local
#   cc app.c $(pkg-config --cflags --libs phlo) -o app      # runs as is: phlo.pc adds an rpath
#
# Options: --prefix DIR (default /usr/local), --profile release|debug (default release: the
# build under target/<profile>), --destdir DIR (staging root for packagers), --strip (strip the
# libraries, keeping their debug information in PREFIX/lib/.debug/, where gdb finds it).
# Installs (ABI is the SONAME's version: the major, or 0.MINOR while the major is 0):
#   PREFIX/lib/libphlo.so.VERSION  libphlo.so.ABI -> it  libphlo.so -> libphlo.so.ABI  libphlo.a
#   PREFIX/include/phlo.h  PREFIX/include/phlo.hpp  PREFIX/lib/pkgconfig/phlo.pc
#   PREFIX/lib/cmake/phlo/phloConfig.cmake  PREFIX/lib/cmake/phlo/phloConfigVersion.cmake
# phlo.pc and the CMake package find the prefix from their own place, so the tree can be moved.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
prefix=/usr/local
profile=release
destdir=
strip=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --destdir) destdir="$2"; shift 2 ;;
    --strip) strip=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$prefix" in /*) ;; *) echo "install.sh: --prefix must be an absolute path" >&2; exit 2 ;; esac
target="${CARGO_TARGET_DIR:-$root/target}/$profile"
for f in libphlo.so libphlo.a; do
  if [ ! -f "$target/$f" ]; then
    flag=""; [ "$profile" = release ] && flag=" --release"
    echo "install.sh: $target/$f is missing; run: cargo build$flag -p phlo-ffi" >&2
    exit 1
  fi
done
version=$(sed -n 's/^#define PHLO_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$root/include/phlo.h" | paste -sd.)
IFS=. read -r major minor _ <<<"$version"
if [ "$major" = 0 ]; then abi="0.$minor"; else abi="$major"; fi
soname=$(objdump -p "$target/libphlo.so" 2>/dev/null | sed -n 's/^ *SONAME *//p')
if [ -n "$soname" ] && [ "$soname" != "libphlo.so.$abi" ]; then
  echo "install.sh: $target/libphlo.so has SONAME $soname, expected libphlo.so.$abi (rebuild it)" >&2
  exit 1
fi

dest="$destdir$prefix"
install -d "$dest/lib/pkgconfig" "$dest/lib/cmake/phlo" "$dest/include"
install -m 0755 "$target/libphlo.so" "$dest/lib/libphlo.so.$version"
ln -sfn "libphlo.so.$version" "$dest/lib/libphlo.so.$abi"
ln -sfn "libphlo.so.$abi" "$dest/lib/libphlo.so"
install -m 0644 "$target/libphlo.a" "$dest/lib/libphlo.a"
if [ "$strip" = 1 ]; then
  # The debug information goes beside, in .debug/, linked by name and CRC (gdb looks there).
  install -d "$dest/lib/.debug"
  objcopy --only-keep-debug "$dest/lib/libphlo.so.$version" "$dest/lib/.debug/libphlo.so.$version.debug"
  chmod 0644 "$dest/lib/.debug/libphlo.so.$version.debug"
  strip --strip-unneeded "$dest/lib/libphlo.so.$version"
  (cd "$dest/lib" && objcopy --add-gnu-debuglink=".debug/libphlo.so.$version.debug" "libphlo.so.$version")
  strip --strip-debug "$dest/lib/libphlo.a"
fi
install -m 0644 "$root/include/phlo.h" "$root/include/phlo.hpp" "$dest/include/"
sed -e "s|@VERSION@|$version|g" "$root/phlo.pc.in" > "$dest/lib/pkgconfig/phlo.pc"
for f in phloConfig phloConfigVersion; do
  sed -e "s|@VERSION@|$version|g" -e "s|@SOVERSION@|$abi|g" \
    "$root/crates/phlo-ffi/cmake/$f.cmake.in" > "$dest/lib/cmake/phlo/$f.cmake"
done
chmod 0644 "$dest/lib/pkgconfig/phlo.pc" "$dest/lib/cmake/phlo/"*.cmake
echo "installed libphlo $version (SONAME libphlo.so.$abi) under $dest"
