#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/shards-compare.sh: rill-server at shards 1 and at shards 2, and Debian's
# redis-server, side by side in one run.
#
# Two workloads, each one redis-benchmark custom command with 50 clients at pipeline depth
# 16: XADD over 1000 streams (-r 1000, so about half the requests of a connection go to
# the other shard at shards 2) and XADD to one stream (every client ends up on the stream's
# shard). Every round starts each of the three servers fresh, in an order that rotates
# from round to round, runs the workload once and stops it. The report gives the median
# rps of each and the ratios shards2/redis, shards1/redis and shards2/shards1, then every
# raw number. No persistence on any side.
#
# Usage: utils/bench/shards-compare.sh [--server PATH] [--redis PATH] [--rounds N]
#          [--requests N]
# Only 127.0.0.1 is ever contacted; every server started here is stopped on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
server="$HERE/../../build/rill-server"
redis=$(command -v redis-server || echo /usr/bin/redis-server)
rounds=3
requests=2000000
start_timeout_s=10
readonly kBenchTimeoutS=300
# shellcheck source=utils/bench/lib.sh
. "$HERE/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --redis) redis=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "shards-compare.sh: unknown option '$1'" >&2; usage ;;
  esac
done
require_positive "$rounds" "$requests"
require_bins "$server" "$redis" redis-benchmark redis-cli

work=$(mktemp -d "${TMPDIR:-/tmp}/rill-shards-compare.XXXXXX")
keep_logs=0
install_cleanup
results="$work/results"  # contender workload round rps
: >"$results"

# run_one <contender> <workload> <round>
run_one() {
  local who=$1 workload=$2 round=$3 port dir args rps
  port=$(free_port)
  dir="$work/$who-$workload-$round"
  case "$who" in
    shards1) server_extra=(--shards 1); start_server rill "$port" "$dir" ;;
    shards2) server_extra=(--shards 2); start_server rill "$port" "$dir" ;;
    redis) start_server redis "$port" "$dir" ;;
  esac
  case "$workload" in
    xadd_keys) args=(-r 1000 xadd 's:__rand_int__' '*' f v) ;;
    xadd_one) args=(xadd s '*' f v) ;;
  esac
  rps=$(timeout "$kBenchTimeoutS" redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -P 16 \
    -n "$requests" --csv "${args[@]}" | awk -F'"' 'NR == 2 { print $4 }')
  stop_server
  echo "$who $workload $round $rps" >>"$results"
}

contenders=(shards1 shards2 redis)
for round in $(seq 1 "$rounds"); do
  for workload in xadd_keys xadd_one; do
    for i in 0 1 2; do
      run_one "${contenders[$(((i + round) % 3))]}" "$workload" "$round"
    done
  done
done

echo "rill-server: $server"
echo "redis-server: $("$redis" --version | head -1)"
echo "redis-benchmark -c 50 -P 16 -n $requests; $rounds rounds, order rotating"
awk '
function median(list,   a, n, i, j, t) {
  n = split(list, a, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ v[$1, $2] = v[$1, $2] " " $4; raw[$2] = raw[$2] " " $1 "=" $4 }
END {
  printf "%-10s %12s %12s %12s %14s %14s %16s\n", "workload", "shards1", "shards2", "redis",
    "shards2/redis", "shards1/redis", "shards2/shards1"
  split("xadd_keys xadd_one", ws, " ")
  for (k = 1; k <= 2; k++) {
    w = ws[k]; s1 = median(v["shards1", w]); s2 = median(v["shards2", w]); r = median(v["redis", w])
    printf "%-10s %12.0f %12.0f %12.0f %13.2fx %13.2fx %15.2fx\n", w, s1, s2, r, s2 / r, s1 / r, s2 / s1
  }
  for (k = 1; k <= 2; k++) print "raw " ws[k] ":" raw[ws[k]]
}' "$results"
