#!/usr/bin/env bash
# npm run bench [-- --sizes 50,200,500 --rounds 5 --memory-seconds 300 --growth-cycles 1000 --growth-seconds 900 --growth-at 200 --extra-volumes 5000 --skip-image]
#
# The footprint benchmark (bench/footprint.ts), from a fresh clone: installs what it needs when
# missing (the private engine's docker.io and busybox-static via scripts/engine.sh, Debian's
# prometheus-node-exporter as the reference peer; root for both), starts a private engine in a
# new /tmp folder, builds the agent's bundle and the bench's, runs it and stops the engine.
# Prints a markdown table; writes it and the JSON to bench/results/. Not a test: nothing here
# passes or fails on a number. 15 to 30 minutes with the defaults; --sizes 50 --memory-seconds 60
# --skip-image for a quick look.
set -euo pipefail
cd "$(dirname "$0")/.."

exporter="$(command -v prometheus-node-exporter || true)"
if [ -z "$exporter" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "bench: prometheus-node-exporter is missing; install it as root (apt-get install prometheus-node-exporter)" >&2; exit 1; }
  echo "bench: installing prometheus-node-exporter" >&2
  apt-get update -qq >&2
  # Not started as a service: the bench runs its own copy on a loopback port.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-node-exporter >&2
  exporter="$(command -v prometheus-node-exporter)"
fi

work="$(mktemp -d /tmp/edge-health-bench.XXXXXX)"
export EDGE_HEALTH_ENGINE_DIR="$work/engine"
mkdir -p "$EDGE_HEALTH_ENGINE_DIR"
cleanup() {
  bash scripts/engine.sh stop || true
  rm -rf "$work"
}
trap cleanup EXIT
bash scripts/engine.sh start >&2
export "$(bash scripts/engine.sh env)"

npm run build --silent >&2
# The agent reads its version from ../package.json beside its bundle: so does the bench's.
cp package.json "$work/"
# What the bundles leave out (the optional azure-iothub the test hub uses) loads from here.
ln -s "$PWD/node_modules" "$work/node_modules"
node scripts/bundle.mjs --entry bench/footprint.ts --outfile "$work/bench/footprint.js"
node scripts/bundle.mjs --entry bench/floor-process.ts --outfile "$work/bench/floor-process.js"
node scripts/bundle.mjs --entry bench/growth-probe.ts --outfile "$work/bench/growth-probe.js"
BENCH_AGENT="$PWD/dist/edge-health.js" BENCH_FLOOR="$work/bench/floor-process.js" BENCH_PROBE="$PWD/bench/usage-probe.mjs" \
  BENCH_GROWTH="$work/bench/growth-probe.js" \
  BENCH_NODE_EXPORTER="$exporter" node "$work/bench/footprint.js" "$@"
