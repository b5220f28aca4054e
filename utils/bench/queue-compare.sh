#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/queue-compare.sh: rill-server and Debian's redis-server as queues, end to end,
# with rill-bench (utils/rill-bench), side by side in one run.
#
# The workload: --producers producers XADD (pipelined --pipeline deep), --consumers
# consumers in --groups groups XREADGROUP COUNT 100 BLOCK 100 and XACK, payload one 16-byte
# field. Two phases, each in rounds that start both servers fresh and alternate which goes
# first:
#   1. closed loop for --duration seconds: the maximum each server sustains (entries
#      produced per second; every group reads every entry);
#   2. open loop at each of --loads (fractions of Redis's median maximum from phase 1):
#      end-to-end latency p50/p99/p99.9 per server; a lower figure is better.
# The report gives medians over the rounds and the ratios rill/redis. rill runs at
# --shards (1 by default, as Redis has one thread); no persistence on either side.
# With --plots DIR a third phase runs closed loop at each producer count of --sweep (with
# twice as many consumers), and utils/bench/queue-plot.py draws DIR/queue-throughput.png
# (entries/s against clients) and DIR/queue-latency-cdf.png (phase 2's distributions); it
# needs gnuplot (Debian's gnuplot-nox).
#
# Usage: utils/bench/queue-compare.sh [--server PATH] [--redis PATH] [--bench PATH]
#          [--rounds N] [--duration S] [--producers N] [--consumers N] [--groups N]
#          [--pipeline N] [--loads LIST] [--shards N] [--plots DIR] [--sweep LIST]
#          [--keep-logs]
# Only 127.0.0.1 is ever contacted; every server started here is stopped on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
server="$HERE/../../build/rill-server"
bench="$HERE/../../build/rill-bench"
redis=$(command -v redis-server || echo /usr/bin/redis-server)
rounds=3
duration=5
producers=4
consumers=8
groups=2
pipeline=16
loads=0.5,0.9
shards=1
plots=
sweep=1,2,4,8
keep_logs=0
# shellcheck source=utils/bench/lib.sh
. "$HERE/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --redis) redis=$2; shift 2 ;;
    --bench) bench=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --producers) producers=$2; shift 2 ;;
    --consumers) consumers=$2; shift 2 ;;
    --groups) groups=$2; shift 2 ;;
    --pipeline) pipeline=$2; shift 2 ;;
    --loads) loads=$2; shift 2 ;;
    --shards) shards=$2; shift 2 ;;
    --plots) plots=$2; shift 2 ;;
    --sweep) sweep=$2; shift 2 ;;
    --keep-logs) keep_logs=1; shift ;;
    -h | --help) usage 0 ;;
    *) echo "queue-compare.sh: unknown option '$1'" >&2; usage ;;
  esac
done
require_positive "$rounds" "$duration" "$producers" "$consumers" "$groups" "$pipeline" "$shards"
require_bins "$server" "$redis" "$bench" redis-cli python3
if [ -n "$plots" ]; then
  require_bins gnuplot
fi
server_extra=(--shards "$shards")

work=$(mktemp -d "${TMPDIR:-/tmp}/rill-queue-compare.XXXXXX")
install_cleanup

# run_one <rill|redis> <phase> <round> [rill-bench flags...]: one fresh server, one run;
# the JSON lands in $work/<phase>-<who>-<round>.json.
run_one() {
  local who=$1 phase=$2 round=$3 port
  shift 3
  port=$(free_port)
  start_server "$who" "$port" "$work/$who-$phase-$round"
  "$bench" -q -p "$port" --producers "$producers" --consumers "$consumers" \
    --groups "$groups" --duration "$duration" --json "$work/$phase-$who-$round.json" "$@" \
    >"$work/$phase-$who-$round.txt"
  stop_server
}

# both <phase> [flags...]: every round, both servers, the first alternating.
both() {
  local phase=$1 round
  shift
  for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) = 1 ]; then
      run_one rill "$phase" "$round" "$@"
      run_one redis "$phase" "$round" "$@"
    else
      run_one redis "$phase" "$round" "$@"
      run_one rill "$phase" "$round" "$@"
    fi
  done
}

# median_of <phase> <who> <python expression over the JSON j>
median_of() {
  python3 - "$work" "$1" "$2" "$3" <<'EOF'
import glob, json, statistics, sys
work, phase, who, expr = sys.argv[1:]
vals = [eval(expr, {}, {"j": json.load(open(p))})
        for p in glob.glob(f"{work}/{phase}-{who}-*.json")]
print(statistics.median(vals))
EOF
}

both max --pipeline "$pipeline"
rate_expr='j["produced"] * 1000 / j["produce_ms"]'
rill_max=$(median_of max rill "$rate_expr")
redis_max=$(median_of max redis "$rate_expr")

echo "rill-server: $server (shards $shards)"
echo "redis-server: $("$redis" --version | head -1)"
echo "rill-bench: $producers producers (pipeline $pipeline), $consumers consumers in $groups" \
  "groups, ${duration}s per run, $rounds rounds, alternating"
printf '\nclosed loop, entries produced/s (each group reads all of them)\n'
printf '%12s %12s %12s\n' rill redis rill/redis
python3 -c "print('%12.0f %12.0f %11.2fx' % ($rill_max, $redis_max, $rill_max / $redis_max))"

printf '\nopen loop, end-to-end latency in us (medians over rounds); lower is better\n'
printf '%-6s %10s %9s %9s %9s %9s %9s %9s %10s\n' load rate rill_p50 redis_p50 rill_p99 \
  redis_p99 rill_p999 redis_p999 p99_ratio
for load in ${loads//,/ }; do
  rate=$(python3 -c "print(int($redis_max * $load))")
  both "open$load" --rate "$rate"
  for q in p50 p99 p999; do
    eval "rill_$q=\$(median_of open$load rill 'j[\"e2e_ns\"][\"$q\"] / 1000')"
    eval "redis_$q=\$(median_of open$load redis 'j[\"e2e_ns\"][\"$q\"] / 1000')"
  done
  # shellcheck disable=SC2154 # set by the eval above
  python3 -c "print('%-6s %10d %9.0f %9.0f %9.0f %9.0f %9.0f %9.0f %9.2fx' % ('$load', $rate,
    $rill_p50, $redis_p50, $rill_p99, $redis_p99, $rill_p999, $redis_p999,
    $rill_p99 / $redis_p99))"
done
printf '\nraw closed-loop rates:'
for f in "$work"/max-*.json; do
  printf ' %s=%s' "$(basename "$f" .json)" "$(python3 -c "import json; j = json.load(open('$f'))
print(int($rate_expr))")"
done
echo
if [ -n "$plots" ]; then
  for n in ${sweep//,/ }; do
    both "sweep$n" --pipeline "$pipeline" --producers "$n" --consumers $((2 * n))
  done
  python3 "$HERE/queue-plot.py" "$work" "$plots" "$loads"
fi
