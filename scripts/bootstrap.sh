#!/usr/bin/env bash
# Installs everything mcpmeter needs on a fresh machine with Node >= 20.6 and npm:
# pnpm (pinned in package.json), the workspace dependencies, and — for the test
# suite — the Debian `prometheus` package (prometheus + promtool). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want_pnpm" ]; then
  echo "bootstrap: installing pnpm@$want_pnpm with npm" >&2
  npm install --global --no-audit --no-fund "pnpm@$want_pnpm" >&2
fi

echo "bootstrap: installing workspace dependencies" >&2
if [ "${CI:-}" = "true" ]; then
  pnpm install --frozen-lockfile >&2
else
  pnpm install >&2
fi

if [ "${1:-}" = "--with-prometheus" ] && ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing the Debian prometheus package (prometheus, promtool, amtool)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >&2
    # The package starts a system service on :9090; tests start their own instances.
    (systemctl stop prometheus prometheus-alertmanager 2>/dev/null || service prometheus stop 2>/dev/null || pkill -x prometheus || true) >/dev/null 2>&1
  else
    echo "bootstrap: the tests need prometheus and promtool; install the Debian package 'prometheus' (apt-get install prometheus) or put them on PATH" >&2
    exit 1
  fi
fi
