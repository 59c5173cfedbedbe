#!/usr/bin/env bash
# Until @mcpmeter/* are on the npm registry: builds and packs them from this
# checkout and installs them into your app with npm, as the README's line would.
#
#   bash scripts/install-local.sh /path/to/your-app [more npm install args…]
#
# Installs @mcpmeter/node, @mcpmeter/instrumentation-mcp, @mcpmeter/instrumentation-llm
# (and the @mcpmeter/core and @mcpmeter/prometheus they need) from tarballs, and
# @opentelemetry/api from the registry. The tarballs stay in .tmp/packs so later
# `npm install` runs in the app still find them.
set -euo pipefail
app=${1:?usage: bash scripts/install-local.sh /path/to/your-app [npm install args…]}
shift
app=$(cd "$app" && pwd)
cd "$(dirname "$0")/.."
[ -f "$app/package.json" ] || { echo "install-local: $app has no package.json (run npm init -y there first)" >&2; exit 1; }
if ! node -e "const [a,b]=process.versions.node.split('.').map(Number); process.exit(a>22||(a===22&&b>=15)?0:1)"; then
  echo "install-local: your node is $(node --version); @mcpmeter/node needs Node.js >= 22.15 (npm also picks older OpenTelemetry releases on an older Node). Put Node 22 or 24 first on PATH and run this again." >&2
  exit 1
fi
[ -d node_modules ] || bash scripts/bootstrap.sh
echo "install-local: building and packing @mcpmeter/* from $(pwd)" >&2
out=$(mktemp)
if ! { pnpm -r --filter "./packages/*" build && rm -rf .tmp/packs && pnpm -r --filter "./packages/*" pack --pack-destination .tmp/packs; } >"$out" 2>&1; then
  cat "$out" >&2
  exit 1
fi
rm -f "$out"
packs=$(pwd)/.tmp/packs
echo "install-local: npm install in $app" >&2
cd "$app"
npm install "$@" \
  "$packs"/mcpmeter-core-*.tgz "$packs"/mcpmeter-prometheus-*.tgz \
  "$packs"/mcpmeter-node-*.tgz "$packs"/mcpmeter-instrumentation-mcp-*.tgz \
  "$packs"/mcpmeter-instrumentation-llm-*.tgz @opentelemetry/api
