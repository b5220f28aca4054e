#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/allocs-per-command.sh: allocator calls per command, rill-server next to
# Debian's redis-server.
#
# Both servers link Debian's libjemalloc dynamically, so uprobes on its entry points
# (malloc, calloc, realloc, mallocx, operator new, operator new[]) count every allocation
# either one makes; `perf stat` reads the counts while one redis-benchmark run (-c 50,
# pipelined) sends --requests commands, and the report divides. A count does not depend on
# how busy the machine is: the same binary and load give the same figure. Each server is
# started fresh with the data of lib.sh's prefill_per_command (a stream `g`, a group at its
# start and one at its end) and runs lib.sh's kPerCommandWorkloads. Every counted call is a
# trap into the kernel: Redis's XREADGROUP makes 160 per command, so --requests stays
# small.
#
# Needs root (perf probe adds the uprobes, and removes them on exit) and Debian's
# linux-perf.
#
# Usage: utils/bench/allocs-per-command.sh [--server PATH] [--redis PATH] [--requests N]
#          [--pipeline N]
# Only 127.0.0.1 is ever contacted; every server started here is stopped on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
server="$HERE/../../build/rill-server"
redis=$(command -v redis-server || echo /usr/bin/redis-server)
requests=20000
pipeline=16
start_timeout_s=10
readonly kJemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
readonly kEntryPoints=(malloc calloc realloc mallocx _Znwm _Znam)
# shellcheck source=utils/bench/lib.sh
. "$HERE/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --redis) redis=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --pipeline) pipeline=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "allocs-per-command.sh: unknown option '$1'" >&2; usage ;;
  esac
done
require_positive "$requests" "$pipeline"
require_bins "$server" "$redis" redis-benchmark redis-cli perf nm python3
if [ ! -r "$kJemalloc" ]; then
  echo "allocs-per-command.sh: $kJemalloc not found (apt-get install libjemalloc2)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rill-allocs.XXXXXX")
events=()
remove_probes() {
  perf probe -q -d 'probe_rill_allocs:*' >/dev/null 2>&1 || true
  cleanup
}
trap remove_probes EXIT
trap 'exit 130' INT TERM

# One probe per entry point, placed by address: a probe by name can also land on the
# PLT stub of the same name inside the library, and count a call twice.
for sym in "${kEntryPoints[@]}"; do
  addr=$(nm -D --defined-only "$kJemalloc" | awk -v s="$sym" '$3 == s { print $1 }')
  if [ -z "$addr" ]; then
    echo "allocs-per-command.sh: $kJemalloc does not export $sym" >&2
    exit 2
  fi
  if ! perf probe -q -x "$kJemalloc" --add "probe_rill_allocs:$sym=0x$addr" 2>"$work/probe.err"; then
    echo "allocs-per-command.sh: perf probe failed (it needs root):" >&2
    cat "$work/probe.err" >&2
    exit 2
  fi
  events+=("probe_rill_allocs:$sym")
done
event_list=$(IFS=,; echo "${events[*]}")

# measure <who>: one fresh server, every workload; lines "<who> <workload> <calls>".
measure() {
  local who=$1 port spec name words calls
  port=$(free_port)
  start_server "$who" "$port" "$work/$who"
  prefill_per_command "$port" "$requests"
  for spec in "${kPerCommandWorkloads[@]}"; do
    name=${spec%%|*}
    read -r -a words <<<"${spec#*|}"
    calls=$(perf stat -x, -e "$event_list" -p "$running_pid" -- \
      redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -P "$pipeline" -n "$requests" -q \
      "${words[@]}" 2>&1 >/dev/null | awk -F, '/probe_rill_allocs/ { s += $1 } END { print s + 0 }')
    echo "$who $name $calls" >>"$work/counts"
  done
  stop_server
}

measure rill
measure redis

echo "rill-server: $server (shards 1)"
echo "redis-server: $("$redis" --version | head -1)"
echo "redis-benchmark -c 50 -P $pipeline -n $requests per workload"
python3 - "$work/counts" "$requests" <<'EOF'
import sys
counts = {}
for line in open(sys.argv[1]):
    who, name, calls = line.split()
    counts.setdefault(name, {})[who] = int(calls) / int(sys.argv[2])
print("\nallocator calls per command (lower is better)")
print("%-18s %8s %8s" % ("workload", "rill", "redis"))
for name, c in counts.items():
    print("%-18s %8.2f %8.2f" % (name, c["rill"], c["redis"]))
EOF
