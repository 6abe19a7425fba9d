#!/usr/bin/env bash
# Installs libphlo (shared and static), include/phlo.h and phlo.pc under a prefix.
#
#   cargo build --release -p phlo-ffi
#   crates/phlo-ffi/install.sh --prefix /usr/local            # then: sudo ldconfig
#   cc app.c $(pkg-config --cflags --libs phlo) -o app
#
# Options: --prefix DIR (default /usr/local), --profile release|debug (default release: the
# build under target/<profile>), --destdir DIR (staging root for packagers; phlo.pc still names
# --prefix). Installs:
#   PREFIX/lib/libphlo.so  PREFIX/lib/libphlo.a  PREFIX/include/phlo.h  PREFIX/lib/pkgconfig/phlo.pc
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
prefix=/usr/local
profile=release
destdir=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --destdir) destdir="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
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
dest="$destdir$prefix"
install -d "$dest/lib/pkgconfig" "$dest/include"
install -m 0755 "$target/libphlo.so" "$dest/lib/libphlo.so"
install -m 0644 "$target/libphlo.a" "$dest/lib/libphlo.a"
install -m 0644 "$root/include/phlo.h" "$dest/include/phlo.h"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" "$root/phlo.pc.in" > "$dest/lib/pkgconfig/phlo.pc"
chmod 0644 "$dest/lib/pkgconfig/phlo.pc"
echo "installed libphlo $version under $dest"
