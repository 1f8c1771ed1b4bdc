#!/bin/sh
# Runs a command, and every process it starts, on a fraction of this machine's CPU time: a
# stand-in for a slower machine of the same kind, for the benchmarks' margin (Docs/performance.md,
# "On half the machine").
#
#   Farm/bench/cpu_limit.sh CPUS COMMAND [ARGUMENT...]
#   Farm/bench/cpu_limit.sh 1 .build/release/scenefarm bench farm --stores --slots 32
#
# CPUS is how many cores' worth of time the command may use in all, shared by all of its
# processes and threads (the PostgreSQL server a bench starts included): on this 2-core machine
# 1 is half of it, 0.5 a quarter. The kernel's CFS bandwidth control enforces it through a
# cgroup (v2 `cpu.max`, or v1 `cpu.cfs_quota_us` where the cpu controller is on v1), with a
# period of 10 ms: over each 10 ms the command gets CPUS × 10 ms of CPU time, then waits for the
# next period. A longer period (the kernel's default is 100 ms) lets a burst run on every core
# and then stalls everything for tens of milliseconds, which is not what a slower machine does.
#
# Needs root (it creates a cgroup). The command's exit status is this script's.
set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 CPUS COMMAND [ARGUMENT...]   (CPUS: cores' worth of CPU time, e.g. 1 or 0.5)" >&2
    exit 64
fi
cpus=$1
shift
period=10000
quota=$(awk -v c="$cpus" 'BEGIN { if (c !~ /^[0-9]*\.?[0-9]+$/ || c <= 0) exit 1; q = int(c * 10000 + 0.5); if (q < 1000) q = 1000; print q }') || {
    echo "$0: CPUS must be a positive number of cores, like 1 or 0.5 (got '$cpus')" >&2
    exit 64
}
if [ "$(id -u)" != 0 ]; then
    echo "$0: must run as root to create a cgroup" >&2
    exit 77
fi

name="scenefarm-cpu-limit-$$"
group=""
# The group goes when this script ends, however it ends (it must be empty by then: a command
# still running in it, say one that ignored the interrupt, keeps it and is named below).
cleanup() {
    [ -n "$group" ] && [ -d "$group" ] || return 0
    rmdir "$group" 2>/dev/null || echo "$0: $group still holds processes ($(tr '\n' ' ' < "$group/cgroup.procs")); remove it once they end" >&2
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
    # cgroup v2 mounted at the usual place, with the cpu controller.
    grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu > /sys/fs/cgroup/cgroup.subtree_control
    group="/sys/fs/cgroup/$name"
    mkdir "$group"
    echo "$quota $period" > "$group/cpu.max"
else
    # cgroup v1: the hierarchy whose mount options name the cpu controller.
    mount=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpu(,|$)/ { print $2; exit }' /proc/mounts)
    if [ -z "$mount" ]; then
        echo "$0: no cgroup hierarchy with the cpu controller is mounted (looked for cgroup v2 at /sys/fs/cgroup and a v1 cpu mount)" >&2
        exit 69
    fi
    group="$mount/$name"
    mkdir "$group"
    echo "$period" > "$group/cpu.cfs_period_us"
    echo "$quota" > "$group/cpu.cfs_quota_us"
fi

status=0
sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$group" "$@" || status=$?
# How often the limit held the command back while it ran.
if [ -f "$group/cpu.stat" ]; then
    awk '{ printf "%s%s %s", (NR > 1 ? ", " : "cpu_limit: " cpus " core(s): "), $1, $2 } END { print "" }' cpus="$cpus" "$group/cpu.stat" >&2
fi
exit $status
