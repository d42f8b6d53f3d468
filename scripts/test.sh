#!/usr/bin/env bash
# Every test, the real-engine ones included: start a private engine of this run's own (installing
# it when root and missing), run vitest against it, stop the engine. Arguments go to vitest.
# EDGE_HEALTH_ENGINE_DIR names the engine's folder; by default each run makes a new one, so two
# runs on one machine never share, or stop, each other's engine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${EDGE_HEALTH_ENGINE_DIR:-}" ]; then
  EDGE_HEALTH_ENGINE_DIR="$(mktemp -d /tmp/edge-health-engine.XXXXXX)"
  own_engine_dir=1
fi
export EDGE_HEALTH_ENGINE_DIR
base_jobs=()
cleanup() {
  for job in ${base_jobs[@]+"${base_jobs[@]}"}; do kill -- "-$job" 2>/dev/null || true; done
  bash scripts/engine.sh stop
  if [ -n "${own_engine_dir:-}" ]; then rm -rf "$EDGE_HEALTH_ENGINE_DIR"; fi
}
trap cleanup EXIT
bash scripts/engine.sh start
bash scripts/promtool.sh || true  # the metrics tests say why they cannot run without it (and fail under CI)
export "$(bash scripts/engine.sh env)"
export EDGE_HEALTH_TEST_ENGINE=1
# The tests reach nothing beyond this machine: the default SNTP servers are public, so every agent a
# test starts asks a loopback port where nothing answers (time.offset: skipped); the tests that judge
# time.offset pass their own loopback server.
export EDGE_HEALTH_TIME_SERVERS="${EDGE_HEALTH_TIME_SERVERS:-127.0.0.1:9}"

mkdir -p test-results
# The whole suite: the ARM Node bases (emulated, minutes) are made in the background while the other
# files run, and test/container waits for them. Given files, a test that needs one makes it itself.
if [ $# -eq 0 ]; then
  for platform in arm32v7 arm64v8; do
    setsid nice -n 10 bash scripts/node-base-image.sh "$platform" >"test-results/node-base-$platform.log" 2>&1 &
    base_jobs+=("$!")
  done
fi
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
