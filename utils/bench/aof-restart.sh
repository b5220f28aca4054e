#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/aof-restart.sh: how long rill-server and Debian's redis-server take to load
# the same dataset from their append-only files at start.
#
# For each server, in turn: start it fresh with `appendonly yes` (everysec) in a private
# dir, load --entries entries (XADD s * f <16-byte value>, through `redis-cli --pipe`, in
# a few streams so that no single key dominates), check the count, stop it gracefully
# (SHUTDOWN, which flushes the journal), then start it again on the same dir and measure
# the time from exec until it answers PING with the whole dataset (XLEN checked). Also
# reported: the journal's size on disk and the server's own "loaded" log line. Rounds
# alternate which server goes first.
#
# Automatic rewrites are off in both. With --rewrite yes (the default) both get BGREWRITEAOF
# after the load and restart from their compact base (Redis: an RDB preamble; Rill: its own
# snapshot format); with --rewrite no both replay the whole journal of XADDs.
#
# Usage: utils/bench/aof-restart.sh [--server PATH] [--redis PATH] [--entries N]
#          [--streams N] [--rounds N] [--rewrite yes|no]
# Only 127.0.0.1 is ever contacted; every server started here is stopped on exit.
set -euo pipefail

server=./build/rill-server
redis=/usr/bin/redis-server
entries=10000000
streams=10
rounds=1
rewrite=yes
readonly kVal=0123456789abcdef
readonly kTimeoutS=1800

start_timeout_s=$kTimeoutS  # read by lib.sh's start_server: loading takes a while
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=utils/bench/lib.sh
. "$HERE/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --redis) redis=$2; shift 2 ;;
    --entries) entries=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --rewrite) rewrite=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "aof-restart.sh: unknown option '$1'" >&2; usage ;;
  esac
done
require_positive "$entries" "$streams" "$rounds"
require_bins "$server" "$redis" redis-cli python3

work=$(mktemp -d "${TMPDIR:-/tmp}/rill-aof-restart.XXXXXX")
running_pid=""
install_cleanup

# The prefill, generated once: entries spread round-robin over `streams` keys.
prefill="$work/prefill.resp"
write_prefill "$prefill" "$entries" "$streams" "$kVal"

server_extra=(--appendonly yes --appendfsync everysec --auto-aof-rewrite-percentage 0)
redis_extra=(--appendonly yes --appendfsync everysec --auto-aof-rewrite-percentage 0)
case "$rewrite" in
  yes | no) ;;
  *) echo "aof-restart.sh: --rewrite takes yes or no" >&2; exit 2 ;;
esac

total_len() {  # sum of XLEN over the streams
  local port=$1 sum=0 i
  for i in $(seq 0 $((streams - 1))); do
    sum=$((sum + $(redis-cli -h 127.0.0.1 -p "$port" xlen "s$i")))
  done
  echo "$sum"
}

measure() {  # measure <rill|redis>: prints "name load_s journal_bytes loaded_line"
  local name=$1 dir="$work/$1" port
  rm -rf "$dir"
  port=$(free_port)
  start_server "$name" "$port" "$dir"
  timeout "$kTimeoutS" redis-cli -h 127.0.0.1 -p "$port" --pipe <"$prefill" >/dev/null
  [ "$(total_len "$port")" = "$entries" ] || { echo "aof-restart.sh: $name prefill incomplete" >&2; exit 1; }
  if [ "$rewrite" = yes ]; then
    redis-cli -h 127.0.0.1 -p "$port" bgrewriteaof >/dev/null
    sleep 0.2
    until redis-cli -h 127.0.0.1 -p "$port" info persistence |
        grep -q '^aof_rewrite_in_progress:0'; do
      sleep 0.2
    done
  fi
  redis-cli -h 127.0.0.1 -p "$port" shutdown >/dev/null 2>&1 || true
  wait "$running_pid" 2>/dev/null || true
  running_pid=""
  local bytes
  bytes=$(du -sb "$dir/appendonlydir" | cut -f1)
  local t0 t1
  t0=$(date +%s.%N)
  start_server "$name" "$port" "$dir"  # returns once PING answers PONG
  until [ "$(total_len "$port" 2>/dev/null)" = "$entries" ]; do sleep 0.05; done
  t1=$(date +%s.%N)
  local line
  line=$(grep -h -m1 "loaded from append only file" "$dir/server.log" || true)
  stop_server
  printf '%s %.2f %s %s\n' "$name" "$(echo "$t1 - $t0" | bc -l)" "$bytes" "${line##*:[0-9][0-9].[0-9][0-9][0-9] }"
}

echo "rill:  $server"
echo "redis: $redis ($("$redis" --version | sed -n 's/.*\(v=[^ ]*\).*/\1/p'))"
echo "entries=$entries streams=$streams rounds=$rounds rewrite=$rewrite cpus=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order="rill redis"; else order="redis rill"; fi
  for name in $order; do
    echo "round $round: $(measure "$name")"
  done
done
echo "columns: server, seconds from exec to the whole dataset readable, journal bytes on disk, the server's log line"
