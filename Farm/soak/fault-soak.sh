#!/bin/bash
# Fault soak (`make soak`; not part of `make test`): a coordinator and three nodes on loopback
# render rounds of two shots (400 frames a round) while nodes are stopped and resumed
# (SIGSTOP/SIGCONT), killed (kill -9) and restarted, and the coordinator is killed and restarted.
# It passes when every job publishes, every published frame has the same pixels as
# `scenefarm render` of the same shot (pixel SHA-1s from OpenImageIO's iinfo, an independent
# reader), every published version holds exactly the files a local render's version holds, all
# read-only, nothing in it changes after the stopped nodes are resumed, and no staging is left.
#
#   Farm/soak/fault-soak.sh [SECONDS]      # SECONDS bounds the fault phase (default 240); the
#                                          # round under way then finishes and is checked
#
# Environment: SCENEFARM (the binary; default .build/debug/scenefarm), SOAK_KEEP=1 keeps the
# work folder, SOAK_SEED fixes the random faults.
set -uo pipefail

LIMIT=${1:-240}
SCENEFARM=${SCENEFARM:-.build/debug/scenefarm}
[ -x "$SCENEFARM" ] || { echo "soak: $SCENEFARM not built (make build)" >&2; exit 2; }
command -v iinfo >/dev/null || { echo "soak: iinfo (OpenImageIO tools) is needed to compare pixels" >&2; exit 2; }
command -v python3 >/dev/null || { echo "soak: python3 is needed to read status JSON" >&2; exit 2; }
RANDOM=${SOAK_SEED:-$$}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/scenefarm-soak.XXXXXX")
STORAGE=$WORK/storage
LOGS=$WORK/logs
mkdir -p "$STORAGE" "$LOGS"
NODE_PORT=$((20000 + RANDOM % 30000))
CLIENT_PORT=$((NODE_PORT + 1))
NODE_EP=tcp://127.0.0.1:$NODE_PORT
CLIENT_EP=tcp://127.0.0.1:$CLIENT_PORT
declare -A PID=()
STARTS=0

say() { printf '%s soak: %s\n' "$(date +%T)" "$*"; }

start_coordinator() {
    STARTS=$((STARTS + 1))
    "$SCENEFARM" coordinator --state "$WORK/state" --storage "$STORAGE" --bind "$NODE_EP" --client-bind "$CLIENT_EP" \
        --lease-base 60 --lease-per-megapixel-frame 2 --max-attempts 8 >>"$LOGS/coordinator.log" 2>&1 &
    PID[coordinator]=$!
    for _ in $(seq 100); do
        grep -q "coordinator listening" "$LOGS/coordinator.log" 2>/dev/null && [ "$(grep -c 'coordinator listening' "$LOGS/coordinator.log")" -ge "$STARTS" ] && return 0
        sleep 0.1
    done
    say "coordinator did not start"; tail -5 "$LOGS/coordinator.log"; return 1
}

start_node() {
    "$SCENEFARM" node --name "$1" --storage "$STORAGE" --coordinator "$NODE_EP" >>"$LOGS/$1.log" 2>&1 &
    PID[$1]=$!
}

cleanup() {
    for name in "${!PID[@]}"; do kill -CONT "${PID[$name]}" 2>/dev/null; kill -9 "${PID[$name]}" 2>/dev/null; done
    wait 2>/dev/null
    if [ "${SOAK_KEEP:-0}" = 1 ]; then
        say "kept $WORK"
    else
        chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"
    fi
}
trap cleanup EXIT

client() { "$SCENEFARM" "$@" --coordinator "$CLIENT_EP" --timeout 3; }

# 4 fps at 320x180: chunks of 42 frames taking about a second each, so faults land mid-task.
shot() {
    cat >"$WORK/$1.yaml" <<EOF
spec_version: 1
show: soak
shot: $1
fps: 4
frames: {first: 1001, count: $2}
resolution: [320, 180]
generator: {name: testpattern}
output: {plate: main, version: next, proxies: {format: jpeg, every: 50}}
EOF
    echo "$WORK/$1.yaml"
}

SHOTS=("$(shot soak_010 240)" "$(shot soak_020 160)")
start_coordinator || exit 1
NODES=(n1 n2 n3)
for name in "${NODES[@]}"; do start_node "$name"; done

states() {
    client status --json 2>/dev/null | python3 -c '
import json, sys
try:
    print(" ".join(j["state"] for j in json.load(sys.stdin)))
except Exception:
    print("unknown")'
}
all_final() { local s; s=$(states); [ "$s" != unknown ] && [ -n "$s" ] && ! grep -qE "queued|running" <<<"$s"; }

fault() {
    local victim=${NODES[$((RANDOM % ${#NODES[@]}))]}
    case $((RANDOM % 5)) in
        0|1)  # stopped mid-frame; sometimes past the 3 s liveness window, sometimes not
            kill -STOP "${PID[$victim]}" 2>/dev/null && FAULTS[stop]=$((FAULTS[stop] + 1))
            sleep "$((1 + RANDOM % 5)).$((RANDOM % 10))"
            kill -CONT "${PID[$victim]}" 2>/dev/null ;;
        2|3)
            kill -9 "${PID[$victim]}" 2>/dev/null && FAULTS[kill]=$((FAULTS[kill] + 1))
            wait "${PID[$victim]}" 2>/dev/null
            sleep "0.$((RANDOM % 10))"
            start_node "$victim" ;;
        4)
            kill -9 "${PID[coordinator]}" 2>/dev/null && FAULTS[coordinator]=$((FAULTS[coordinator] + 1))
            wait "${PID[coordinator]}" 2>/dev/null
            sleep "$((RANDOM % 3)).$((RANDOM % 10))"
            start_coordinator || exit 1 ;;
    esac
}

declare -A FAULTS=([stop]=0 [kill]=0 [coordinator]=0)
JOBS=()
declare -A SHOT_OF=()
END=$((SECONDS + LIMIT))
round=0
while [ $SECONDS -lt $END ]; do
    round=$((round + 1))
    for i in "${!SHOTS[@]}"; do
        job=""
        for _ in 1 2 3 4 5; do job=$(client submit "${SHOTS[$i]}" --plate-version next) && break; sleep 1; done
        [ -n "$job" ] || { say "submit failed"; exit 1; }
        JOBS+=("$job"); SHOT_OF[$job]=$i
    done
    say "round $round: ${JOBS[*]: -2}"
    while ! all_final; do
        sleep "$((1 + RANDOM % 3)).$((RANDOM % 10))"
        all_final && break
        fault
    done
done
for name in "${NODES[@]}"; do kill -CONT "${PID[$name]}" 2>/dev/null; done
for _ in $(seq 600); do all_final && break; sleep 0.5; done
say "$round round(s), ${#JOBS[@]} jobs; faults: ${FAULTS[stop]} node stops, ${FAULTS[kill]} node kills, ${FAULTS[coordinator]} coordinator restarts in ${SECONDS}s"

FAIL=0
declare -A VERSION=()
for job in "${JOBS[@]}"; do
    line=$(client status "$job" --json | python3 -c '
import json, sys
j = json.load(sys.stdin)[0]
print(j["state"], j.get("published", "-"), (j.get("error") or "").replace("\n", " "))')
    read -r state published error <<<"$line"
    if [ "$state" != done ]; then say "job $job is $state: $error"; FAIL=1; continue; fi
    VERSION[$job]=$STORAGE/$published
done
[ $FAIL = 0 ] || exit 1

snapshot() { (cd "$1" && find . -print0 | sort -z | xargs -0 stat -c '%n %a %s' && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
declare -A BEFORE=()
for job in "${JOBS[@]}"; do BEFORE[$job]=$(snapshot "${VERSION[$job]}"); done
# Give resumed and restarted nodes time to finish whatever stale work they still had.
sleep 8

# Pixel SHA-1 of every frame by frame number, as OpenImageIO reads it.
hashes() { iinfo --hash "$1"/*.exr | awk '/ : /{split($1, p, "."); frame=p[length(p)-1]} /SHA-1/{print frame, $2}'; }
# File names with the version label made neutral, so v003 compares with a local v001.
listing() { (cd "$1" && find . -type f | sed -E 's/_v[0-9]{3}([._])/_vNNN\1/' | sort); }
declare -A LOCAL=() LOCAL_FILES=()
for i in "${!SHOTS[@]}"; do
    local_version=$("$SCENEFARM" render "${SHOTS[$i]}" --out "$WORK/local" 2>>"$LOGS/render.log") || { say "local render failed"; exit 1; }
    LOCAL[$i]=$(hashes "$local_version")
    LOCAL_FILES[$i]=$(listing "$local_version")
done
frames=0
for job in "${JOBS[@]}"; do
    farm=${VERSION[$job]}; i=${SHOT_OF[$job]}
    if [ "$(listing "$farm")" != "${LOCAL_FILES[$i]}" ]; then
        say "$job: published files differ from a local render's:"; diff <(echo "${LOCAL_FILES[$i]}") <(listing "$farm") | head; FAIL=1
    fi
    if [ -n "$(find "$farm" -perm /222)" ]; then say "$job: writable entries in the published version"; FAIL=1; fi
    if [ "$(snapshot "$farm")" != "${BEFORE[$job]}" ]; then say "$job: the published version changed after nodes resumed"; FAIL=1; fi
    differing=$(diff <(echo "${LOCAL[$i]}") <(hashes "$farm") | grep -c '^>' || true)
    count=$(echo "${LOCAL[$i]}" | grep -c .)
    frames=$((frames + count))
    [ "$differing" = 0 ] || { say "$job: $differing of $count frames differ in pixels from the local render"; FAIL=1; }
done
say "${#JOBS[@]} published versions, $frames frames: pixel hashes compared with a local render"
work_left=$(find "$STORAGE" -name .work | wc -l)
[ "$work_left" = 0 ] || { say "staging folders left: $(find "$STORAGE" -name .work)"; FAIL=1; }
rejected=$(grep -c "result rejected" "$LOGS/coordinator.log")
timed_out=$(grep -c "timed out: lease" "$LOGS/coordinator.log")
say "coordinator log: $rejected rejected result(s), $timed_out expired lease(s)"
if [ $FAIL = 0 ]; then say "PASS"; else say "FAIL (logs in $LOGS; SOAK_KEEP=1 keeps them)"; fi
exit $FAIL
