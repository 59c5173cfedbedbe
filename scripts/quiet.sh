#!/usr/bin/env bash
# Runs a command and shows its output only when it fails: the demo and the test
# run print their own story, not the build's.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if "$@" >"$out" 2>&1; then
  exit 0
else
  code=$?
  cat "$out" >&2
  echo "failed ($code): $*" >&2
  exit "$code"
fi
