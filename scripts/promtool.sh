#!/usr/bin/env bash
# promtool, Prometheus' own checker of the metrics format, for the metrics endpoint's tests.
# Taken from Debian's `prometheus` package when missing (needs root): only the promtool binary is
# unpacked into /usr/local/bin, so no Prometheus server is installed or started.
set -euo pipefail

say() { printf 'promtool: %s\n' "$*" >&2; }

command -v promtool >/dev/null && exit 0
if [ "$(id -u)" != 0 ]; then
  say "missing; as root run: apt-get install prometheus (or scripts/promtool.sh)"
  exit 1
fi
say "unpacking promtool from Debian's prometheus package"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DEBIAN_FRONTEND=noninteractive
cd "$work"
# apt-get download runs as _apt, which must be able to write here.
chmod 777 "$work"
apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus >/dev/null; }
dpkg-deb --fsys-tarfile prometheus_*.deb | tar -x ./usr/bin/promtool
install -m 0755 usr/bin/promtool /usr/local/bin/promtool
say "installed $(promtool --version 2>&1 | head -n 1)"
