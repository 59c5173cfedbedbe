#!/usr/bin/env bash
# Installs everything mcpmeter's demo and tests need on a fresh machine that has
# some Node.js and npm (Node 20 will do: a newer one comes from the npm registry).
# Idempotent; prints one line per step on stderr, and a tool's own output only
# when it fails.
#
#   bash scripts/bootstrap.sh              pnpm, Node >= 22.15 (Node 24 from npm if
#                                          the system's is older), the dependencies
#   MCPMETER_NODE24=1 bash scripts/bootstrap.sh   also fetch Node 24 when the system
#                                          Node is 22 (CI's main job runs on 24)
#   bash scripts/bootstrap.sh --for-tests  the same, plus what the tests start:
#                                          prometheus, promtool, amtool, chromium
#                                          (Debian packages; the ui test drives
#                                          Debian's chromium through playwright-core,
#                                          no browser download), and the Node
#                                          versions the compatibility tests run
#                                          (20, 22.15)
#
# Node versions fetched from the npm registry live in .tools/ (ignored by git). When
# the system Node is too old, node_modules/.bin/node points at Node 24, so every
# `pnpm <script>` (demo, test, build) runs on it without touching PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
for_tests=false
for arg in "$@"; do
  case "$arg" in
    --for-tests | --with-prometheus) for_tests=true ;;
    *) echo "bootstrap: unknown option '$arg' (use --for-tests)" >&2; exit 2 ;;
  esac
done

log() { echo "bootstrap: $*" >&2; }
# Runs a command quietly; on failure shows what it printed, then fails.
quiet() {
  local out
  out=$(mktemp)
  if ! "$@" >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    log "failed: $*"
    exit 1
  fi
  rm -f "$out"
}

# A Node.js version from the npm registry's `node` package, into .tools/<dir>.
# Prints the path of its binary.
node_from_npm() {
  local spec=$1 dir=$root/.tools/$2
  local bin=$dir/node_modules/node/bin/node
  if [ ! -x "$bin" ] || ! "$bin" -e "process.exit(require('$dir/package.json').dependencies.node === '$spec' ? 0 : 1)" 2>/dev/null; then
    log "installing Node.js $spec from the npm registry into .tools/$2"
    rm -rf "$dir"
    mkdir -p "$dir"
    printf '{ "private": true, "dependencies": { "node": "%s" } }\n' "$spec" >"$dir/package.json"
    quiet npm install --prefix "$dir" --no-audit --no-fund --no-package-lock
  fi
  echo "$bin"
}

version_at_least() { # version_at_least <node binary> <major> <minor>
  "$1" -e "const [a,b]=process.versions.node.split('.').map(Number); process.exit(a>$2||(a===$2&&b>=$3)?0:1)"
}

# 1. Node.js >= 22.15 for everything that runs after this script.
# CI sets MCPMETER_NODE24=1: its main job runs on Node 24 whatever the system has.
node24=""
if ! version_at_least node 22 15; then
  log "the system Node.js is $(node --version); mcpmeter needs >= 22.15"
  node24=$(node_from_npm 24.21.0 node24)
elif [ "${MCPMETER_NODE24:-}" = "1" ] && ! version_at_least node 24 0; then
  node24=$(node_from_npm 24.21.0 node24)
fi

# 2. pnpm, the version package.json pins.
want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want_pnpm" ]; then
  log "installing pnpm@$want_pnpm with npm"
  quiet npm install --global --no-audit --no-fund "pnpm@$want_pnpm"
fi

# 3. The workspace dependencies.
log "installing workspace dependencies"
if [ "${CI:-}" = "true" ]; then
  quiet pnpm install --frozen-lockfile
else
  quiet pnpm install
fi
if [ -n "$node24" ]; then
  # pnpm puts node_modules/.bin first on PATH for every script, and its bin shims
  # prefer a `node` found there: so `pnpm demo` / `pnpm test` run on Node 24.
  ln -sf "$node24" node_modules/.bin/node
  log "pnpm scripts run on Node.js $(node_modules/.bin/node --version) (node_modules/.bin/node)"
fi

if ! $for_tests; then
  exit 0
fi

# 4. What the tests start. Each tool is checked on its own: a machine may have
#    prometheus without prometheus-alertmanager.
declare -A debian_package=([prometheus]=prometheus [promtool]=prometheus [amtool]=prometheus-alertmanager [chromium]=chromium)
missing=()
for tool in prometheus promtool amtool chromium; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${debian_package[$tool]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian packages: $packages"
    export DEBIAN_FRONTEND=noninteractive
    quiet apt-get update -qq
    # shellcheck disable=SC2086
    quiet apt-get install -y -qq --no-install-recommends $packages
    # Where systemd runs, the packages just installed start services on :9090/:9093;
    # the tests start their own instances. Stop only the units this step installed.
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      for pkg in $packages; do systemctl stop "$pkg" >/dev/null 2>&1 || true; done
    fi
  else
    log "the tests need prometheus, promtool, amtool and chromium: install the Debian packages $packages (apt-get install $packages) or put them on PATH"
    exit 1
  fi
fi

# The Node versions the compatibility tests run: the oldest supported (22.15), one
# that is too old (20), to see register() stay inert there, and 24.
node_from_npm 22.15.0 node22 >/dev/null
node_from_npm 20.19.5 node20 >/dev/null
[ -n "$node24" ] || node_from_npm 24.21.0 node24 >/dev/null
# npm 10 and 11, for the test that installs the packed packages as the README says.
for v in 10 11; do
  if [ ! -f ".tools/npm$v/node_modules/npm/bin/npm-cli.js" ]; then
    log "installing npm $v into .tools/npm$v"
    mkdir -p ".tools/npm$v"
    quiet npm install --prefix ".tools/npm$v" --no-audit --no-fund --no-package-lock "npm@$v"
  fi
done
log "ready for the tests"
