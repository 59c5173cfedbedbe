#!/usr/bin/env bash
# The whole suite N times in a row (default 10) under a parallel CPU load: one nice'd
# busy loop per core on top of whatever else the machine runs. Stops at the first failure.
# Run it in a clone of its own (it builds once, then runs `vitest run`), e.g.
#   git clone . /tmp/loop && cd /tmp/loop && bash scripts/bootstrap.sh --for-tests && bash scripts/stability-loop.sh
# One line per run goes to stdout; each run's output to $LOG_DIR/run-<i>.log (default /tmp/mcpmeter-loop).
set -u
cd "$(dirname "$0")/.." || exit 1
runs=${1:-10}
log_dir=${LOG_DIR:-/tmp/mcpmeter-loop}
mkdir -p "$log_dir"
export CI=true PATH="$PWD/node_modules/.bin:$PATH"
bash scripts/quiet.sh pnpm build || exit 1
burners=()
for _ in $(seq 1 "$(nproc)"); do
  nice -n 10 node -e 'for (;;) {}' &
  burners+=($!)
done
trap 'kill "${burners[@]}" 2>/dev/null' EXIT
for i in $(seq 1 "$runs"); do
  start=$SECONDS
  if vitest run > "$log_dir/run-$i.log" 2>&1; then result=pass; else result=FAIL; fi
  tests=$(grep -E 'Tests ' "$log_dir/run-$i.log" | tail -1 | sed 's/\x1b\[[0-9;]*m//g' | tr -s ' ')
  echo "run $i: $result in $((SECONDS - start)) s, load $(cut -d' ' -f1-3 /proc/loadavg),$tests"
  [ "$result" = pass ] || exit 1
done
