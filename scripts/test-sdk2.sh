#!/usr/bin/env bash
# CI's second job: the instrumentation and exposition suites on Node 22.15 against a
# user's own OpenTelemetry SDK 2.x and api 1.9 (after bootstrap.sh --for-tests).
set -euo pipefail
cd "$(dirname "$0")/.."
(cd compat/sdk2 && npm ci --no-audit --no-fund >&2)
node22="$PWD/.tools/node22/node_modules/node/bin/node"
"$node22" --version | grep -q '^v22\.15\.' || { echo "Node 22.15 is not in .tools/node22: run bash scripts/bootstrap.sh --for-tests" >&2; exit 1; }
PATH="$(dirname "$node22"):$PATH" "$node22" node_modules/vitest/vitest.mjs run --config compat/sdk2/vitest.config.ts "$@"
