#!/usr/bin/env bash
# Installs what the other suites need on a fresh machine of this kind (Debian, run as root).
# Idempotent: each step is skipped when its tool is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."
apt_pkgs=()
command -v valgrind >/dev/null || apt_pkgs+=(valgrind)
command -v pkg-config >/dev/null || apt_pkgs+=(pkg-config)
command -v curl >/dev/null || apt_pkgs+=(curl)
command -v c++ >/dev/null || apt_pkgs+=(g++)
perl -MFFI::Platypus=2 -e1 2>/dev/null || apt_pkgs+=(libffi-platypus-perl)
perl -MFFI::CheckLib -e1 2>/dev/null || apt_pkgs+=(libffi-checklib-perl)
perl -MJSON::PP -e1 2>/dev/null || apt_pkgs+=(libjson-pp-perl)
perl -MCpanel::JSON::XS -e1 2>/dev/null || apt_pkgs+=(libcpanel-json-xs-perl)
command -v prove >/dev/null || apt_pkgs+=(perl)
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  echo "installing with apt-get: ${apt_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
echo "deps: ok"
