#!/usr/bin/env bash
# Every test, the real-engine ones included: start the private engine (installing it when root
# and missing), run vitest against it, stop the engine. Arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/engine.sh start
trap 'bash scripts/engine.sh stop' EXIT
export "$(bash scripts/engine.sh env)"
export EDGE_HEALTH_TEST_ENGINE=1

mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
