#!/usr/bin/env bash
# A coordinator and N nodes on this machine, sharing one storage folder.
#
#   Farm/local-farm.sh [N=2] [STORAGE=./farm-storage]
#
# Uses .build/release/scenefarm if present, else .build/debug/scenefarm (override with
# $SCENEFARM). Ports: $SCENEFARM_NODE_PORT (5555) and $SCENEFARM_CLIENT_PORT (5556), on
# 127.0.0.1 only. The job store is STORAGE/.state, logs are in STORAGE/.logs/.
# Ctrl-C (or SIGTERM) stops every process this script started.
set -euo pipefail

count=${1:-2}
storage=${2:-farm-storage}
node_port=${SCENEFARM_NODE_PORT:-5555}
client_port=${SCENEFARM_CLIENT_PORT:-5556}

case $count in
    ''|*[!0-9]*|0) echo "usage: $0 [N>=1] [STORAGE]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z ${SCENEFARM:-} ]]; then
    for candidate in "$root/.build/release/scenefarm" "$root/.build/debug/scenefarm"; do
        if [[ -x $candidate ]]; then SCENEFARM=$candidate; break; fi
    done
fi
if [[ -z ${SCENEFARM:-} || ! -x $SCENEFARM ]]; then
    echo "error: no scenefarm binary; build it first: swift build -c release --product scenefarm" >&2
    exit 2
fi

mkdir -p "$storage/.state" "$storage/.logs"
storage=$(cd "$storage" && pwd)
logs=$storage/.logs
pids=()

stop() {
    trap - INT TERM EXIT
    echo
    echo "stopping ${#pids[@]} process(es)…"
    # Nodes first (SIGTERM drains them), then the coordinator.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$SCENEFARM" coordinator --state "$storage/.state" --storage "$storage" \
    --bind "tcp://127.0.0.1:$node_port" --client-bind "tcp://127.0.0.1:$client_port" \
    >"$logs/coordinator.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    grep -q "coordinator listening" "$logs/coordinator.log" 2>/dev/null && break
    if ! kill -0 "${pids[0]}" 2>/dev/null; then
        echo "error: the coordinator did not start:" >&2
        cat "$logs/coordinator.log" >&2
        exit 1
    fi
    sleep 0.1
done

for i in $(seq "$count"); do
    "$SCENEFARM" node --name "local-$i" --storage "$storage" --coordinator "tcp://127.0.0.1:$node_port" \
        >"$logs/node-$i.log" 2>&1 &
    pids+=($!)
done

cat <<INFO
SceneFarm: coordinator and $count node(s) running ($SCENEFARM)
  storage: $storage
  logs:    $logs
Submit from another terminal:
  export SCENEFARM_COORDINATOR=tcp://127.0.0.1:$client_port
  $SCENEFARM submit $root/Farm/shots/testpattern.yaml --wait
  $SCENEFARM status
  $SCENEFARM nodes
Ctrl-C stops everything.
INFO

# Exit (and stop the rest) if the coordinator dies.
wait "${pids[0]}"
