#!/usr/bin/env bash
# Peak resident memory of `edge-health check` on this host, as GNU time measures it (max of 3 runs).
# Point DOCKER_HOST at the engine to measure against (scripts/engine.sh env gives the private one).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
out="$(mktemp)"
peak=0
for _ in 1 2 3; do
  /usr/bin/time -o "$out" -f '%M' node dist/cli/main.js check --json >/dev/null || true
  kib="$(tail -n 1 "$out")"
  [ "$kib" -gt "$peak" ] && peak="$kib"
done
rm -f "$out"
echo "edge-health check: peak RSS $((peak / 1024)) MiB ($(nproc) cores, node $(node --version), $(date -u +%F))"
