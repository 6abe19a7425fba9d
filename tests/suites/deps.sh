#!/usr/bin/env bash
# Installs what the other suites need on a fresh machine of this kind (Debian): system packages
# with apt-get when run as root (otherwise it names them and fails), clippy and rustfmt with
# rustup. Idempotent: each step is skipped when its tool is already there. The build tools
# (maturin) go under target/tools/ when a suite needs them.
set -euo pipefail
cd "$(dirname "$0")/../.."
apt_pkgs=()
command -v valgrind >/dev/null || apt_pkgs+=(valgrind)
command -v pkg-config >/dev/null || apt_pkgs+=(pkg-config)
command -v curl >/dev/null || apt_pkgs+=(curl)
command -v c++ >/dev/null || apt_pkgs+=(g++)
command -v cmake >/dev/null || apt_pkgs+=(cmake)
command -v make >/dev/null || apt_pkgs+=(make)
command -v objcopy >/dev/null || apt_pkgs+=(binutils)
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_pkgs+=(python3-venv)
perl -MFFI::Platypus=2 -e1 2>/dev/null || apt_pkgs+=(libffi-platypus-perl)
perl -MFFI::CheckLib -e1 2>/dev/null || apt_pkgs+=(libffi-checklib-perl)
perl -MJSON::PP -e1 2>/dev/null || apt_pkgs+=(libjson-pp-perl)
perl -MCpanel::JSON::XS -e1 2>/dev/null || apt_pkgs+=(libcpanel-json-xs-perl)
command -v prove >/dev/null || apt_pkgs+=(perl)
if [ ${#apt_pkgs[@]} -gt 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing Debian packages: ${apt_pkgs[*]}"
  echo "deps: run this suite as root, or: sudo apt-get install --no-install-recommends ${apt_pkgs[*]}"
  exit 1
fi
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  echo "installing with apt-get (about a minute): ${apt_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
echo "deps: ok"
