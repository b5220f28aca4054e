#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/instructions-per-command.sh: user-space instructions each server executes per
# command, rill-server next to Debian's redis-server.
#
# Each server runs under valgrind's callgrind, which counts every instruction the process
# executes in user space (its own code, libc, the allocator; not the kernel's work in
# system calls). For each workload the counters are zeroed, one redis-benchmark run (-c 50,
# pipelined) sends --requests commands, and the counts are dumped and divided. Like
# allocs-per-command.sh and unlike requests/s, the figure does not move with the machine's
# load: the same binaries and load give the same count to within a few percent (timers,
# and how redis-benchmark's requests fall into reads, vary a little). It is the measure of
# CPU work per command to quote when the machine is too noisy for throughput ratios; the
# kernel's share (reads, writes, wake-ups) is not in it, and is about the same for both
# servers, one read and one write per pipeline.
#
# The workloads and the data they read are allocs-per-command.sh's (lib.sh). rill runs at
# --shards (1 by default) with --busy-poll-us 0: spinning while idle is not work a command
# does, and under callgrind it would be counted as such. At --shards 2 the count includes
# forwarding (xadd_keys sends about half its requests to the other shard); callgrind runs
# one thread at a time, so batches are larger than they are on a real run. Both servers' timers (serverCron, rill's
# ticks) run while the counters run and are counted: at -n 10000 they add a few
# instructions per command to each.
#
# Needs valgrind (apt-get install valgrind). callgrind runs a server about 50 times
# slower; a run with the defaults takes about a minute.
#
# Usage: utils/bench/instructions-per-command.sh [--server PATH] [--redis PATH]
#          [--requests N] [--pipeline N] [--shards N]
# Only 127.0.0.1 is ever contacted; every server started here is stopped on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
server="$HERE/../../build/rill-server"
redis=$(command -v redis-server || echo /usr/bin/redis-server)
requests=10000
pipeline=16
shards=1
start_timeout_s=60
readonly kBenchTimeoutS=600
# shellcheck source=utils/bench/lib.sh
. "$HERE/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --redis) redis=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --pipeline) pipeline=$2; shift 2 ;;
    --shards) shards=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "instructions-per-command.sh: unknown option '$1'" >&2; usage ;;
  esac
done
require_positive "$requests" "$pipeline" "$shards"
require_bins "$server" "$redis" redis-benchmark redis-cli valgrind callgrind_control python3

work=$(mktemp -d "${TMPDIR:-/tmp}/rill-instructions.XXXXXX")
install_cleanup

# dump_total <file>: the instructions a callgrind dump counted, once it is written.
dump_total() {
  local deadline=$((SECONDS + 30))
  until grep -q '^totals:' "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 0
    sleep 0.2
  done
  awk '/^summary:/ { print $2; exit }' "$1"
}

# measure <who>: one fresh server under callgrind, every workload; lines "<who> <name> <ir>".
measure() {
  local who=$1 port spec name words out ir dumps=0
  port=$(free_port)
  out="$work/$who.callgrind"
  server_wrapper=(valgrind --tool=callgrind --callgrind-out-file="$out" --dump-line=no)
  server_extra=(--shards "$shards" --busy-poll-us 0)
  case "$(basename "$server")" in redis-server*) server_extra=() ;; esac  # a dry run
  start_server "$who" "$port" "$work/$who"
  prefill_per_command "$port" "$requests"
  for spec in "${kPerCommandWorkloads[@]}"; do
    name=${spec%%|*}
    read -r -a words <<<"${spec#*|}"
    callgrind_control -z "$running_pid" >/dev/null 2>&1
    if ! timeout "$kBenchTimeoutS" redis-benchmark -h 127.0.0.1 -p "$port" -c 50 \
      -P "$pipeline" -n "$requests" -q "${words[@]}" >/dev/null; then
      echo "instructions-per-command.sh: redis-benchmark against $who failed or timed out" \
        "($name)" >&2
      exit 1
    fi
    callgrind_control -d "$running_pid" >/dev/null 2>&1
    dumps=$((dumps + 1))
    ir=$(dump_total "$out.$dumps")
    [ -n "$ir" ] || { echo "instructions-per-command.sh: no callgrind dump for $name" >&2; exit 1; }
    echo "$who $name $ir" >>"$work/counts"
  done
  stop_server
}

measure rill
measure redis

echo "rill-server: $server (shards $shards, --busy-poll-us 0)"
echo "redis-server: $("$redis" --version | head -1)"
echo "redis-benchmark -c 50 -P $pipeline -n $requests per workload, under callgrind"
python3 - "$work/counts" "$requests" <<'EOF'
import sys
counts = {}
for line in open(sys.argv[1]):
    who, name, ir = line.split()
    counts.setdefault(name, {})[who] = int(ir) / int(sys.argv[2])
print("\nuser-space instructions per command (lower is better)")
print("%-18s %9s %9s %11s" % ("workload", "rill", "redis", "redis/rill"))
for name, c in counts.items():
    print("%-18s %9.0f %9.0f %10.2fx" % (name, c["rill"], c["redis"], c["redis"] / c["rill"]))
EOF
