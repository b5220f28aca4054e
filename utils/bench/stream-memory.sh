#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/stream-memory.sh: memory per stream entry, rill-server next to redis-server.
#
# Each server is started fresh on a free loopback port (as compare.sh starts it) and gets
# the same load through `redis-cli --pipe`: --entries x `XADD s * f <16-byte value>` into one
# stream. Before and after the load the script reads `INFO memory` used_memory and the
# process's VmRSS (/proc/<pid>/status), and checks XLEN s == --entries and that no reply
# was an error. It prints bytes per entry by both measures and the ratio rill/redis.
#
# Usage: utils/bench/stream-memory.sh [--server PATH] [--redis PATH] [--entries N]
#          [--keep-logs]
# See utils/bench/README.md. Only 127.0.0.1 is ever contacted; every command has a time
# limit, and every server started here is stopped on exit.
set -euo pipefail

server=./build/rill-server
redis=/usr/bin/redis-server
entries=1000000
keep_logs=0
readonly kVal=0123456789abcdef  # the 16-byte field value of every entry
readonly kLoadTimeoutS=300

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=utils/bench/lib.sh
. "$HERE/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --redis) redis=$2; shift 2 ;;
    --entries) entries=$2; shift 2 ;;
    --keep-logs) keep_logs=1; shift ;;
    -h | --help) usage 0 ;;
    *) echo "stream-memory.sh: unknown option '$1'" >&2; usage ;;
  esac
done

require_positive "$entries"
require_bins "$server" "$redis" redis-cli python3
resp_gen="$HERE/stream-resp.py"
[ -f "$resp_gen" ] || { echo "stream-memory.sh: $resp_gen is missing" >&2; exit 2; }
# A redis-server given as --server (dry run) must not save RDB snapshots mid-run.
server_extra=()
case "$(basename "$server")" in
  redis-server*) server_extra=(--save '' --appendonly no) ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/rill-stream-memory.XXXXXX")
results="$work/results"  # server used_before used_after rss_kb_before rss_kb_after load_s
: >"$results"
running_pid=""

install_cleanup

fail() {
  echo "stream-memory.sh: $*" >&2
  exit 1
}

used_memory() {
  local used
  used=$(timeout 60 redis-cli -h 127.0.0.1 -p "$1" INFO memory | tr -d '\r' |
    sed -n 's/^used_memory:\([0-9]*\)$/\1/p')
  [ -n "$used" ] || fail "no used_memory in INFO memory of the server on port $1"
  echo "$used"
}

measure() {
  local name=$1 port used_before used_after rss_before rss_after out len t0 t1
  port=$(free_port)
  start_server "$name" "$port" "$work/$name"
  sleep 0.5  # let the fresh server settle before the baseline
  used_before=$(used_memory "$port")
  rss_before=$(rss_kb "$running_pid")
  t0=$(date +%s.%N)
  out=$(python3 "$resp_gen" "$kVal" 1 "auto:$entries" |
    timeout "$kLoadTimeoutS" redis-cli -h 127.0.0.1 -p "$port" --pipe 2>&1) || true
  t1=$(date +%s.%N)
  case "$out" in
    *"errors: 0, replies: $entries"*) ;;
    *) fail "loading $name failed; expected $entries replies and no errors;" \
      "redis-cli --pipe said:"$'\n'"$(pipe_summary "$out")" ;;
  esac
  len=$(timeout 60 redis-cli -h 127.0.0.1 -p "$port" XLEN s)
  [ "$len" = "$entries" ] || fail "$name: XLEN s is '$len' after the load, not $entries"
  sleep 1  # the pipe's connection is gone; let buffers be freed
  used_after=$(used_memory "$port")
  rss_after=$(rss_kb "$running_pid")
  echo "$name $used_before $used_after $rss_before $rss_after" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" >>"$results"
  stop_server
}

echo "rill:  $server"
echo "redis: $redis ($("$redis" --version | sed -n 's/.*\(v=[^ ]*\).*/\1/p'))"
echo "entries=$entries of XADD s * f <${#kVal}-byte value> in one stream, cpus=$(nproc)"
for name in rill redis; do
  echo "loading $name" >&2
  measure "$name"
done

echo
echo "Memory per stream entry ($entries entries, one field, ${#kVal}-byte value;" \
  "lower is better)"
awk -v n="$entries" '
  {
    used[$1] = ($3 - $2) / n
    rss[$1] = ($5 - $4) * 1024 / n
    line[$1] = sprintf("%-6s %12d %12d %10.1f %12d %12d %10.1f %7.2f", $1, $2, $3, used[$1],
                       $4, $5, rss[$1], $6)
  }
  END {
    printf "%-6s %12s %12s %10s %12s %12s %10s %7s\n", "server", "used before", "used after",
           "B/entry", "RSS KiB bef", "RSS KiB aft", "B/entry", "load s"
    print line["rill"]
    print line["redis"]
    printf "rill/redis: %.2f by used_memory, %.2f by RSS\n",
           (used["redis"] ? used["rill"] / used["redis"] : 0),
           (rss["redis"] ? rss["rill"] / rss["redis"] : 0)
  }' "$results"
