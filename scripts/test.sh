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
cleanup() {
  bash scripts/engine.sh stop
  if [ -n "${own_engine_dir:-}" ]; then rm -rf "$EDGE_HEALTH_ENGINE_DIR"; fi
}
trap cleanup EXIT
bash scripts/engine.sh start
bash scripts/promtool.sh || true  # the metrics tests say why they cannot run without it (and fail under CI)
export "$(bash scripts/engine.sh env)"
export EDGE_HEALTH_TEST_ENGINE=1

mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
