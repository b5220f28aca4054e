#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/cpu-per-request.sh: CPU time each server spends per request, side by side.
#
# On a small machine redis-benchmark shares the cores with the server, so requests/s
# partly measures the client and swings several percent between runs. The CPU time the
# server process itself used (utime+stime from /proc/<pid>/stat) for the same load is the
# steadier measure of server efficiency. Each round starts a fresh rill-server and a fresh
# Debian redis-server, alternates which goes first, and runs each test at each depth;
# the summary is the median ns of server CPU per request and redis/rill (>1: rill cheaper).
# rill runs at shards 1 (Redis runs its commands on one thread) with no snapshots, as in
# the other scripts here; --server-args adds words to its command line (later wins).
#
#   utils/bench/cpu-per-request.sh [--server ./build/rill-server] [--rounds 3]
#     [--server-args "--busy-poll-us 0"]
set -euo pipefail
SERVER=./build/rill-server
ROUNDS=3
SERVER_ARGS=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --server) SERVER=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --server-args) SERVER_ARGS=$2; shift 2 ;;
    *) echo "usage: $0 [--server PATH] [--rounds N] [--server-args \"ARGS\"]" >&2; exit 2 ;;
  esac
done
# shellcheck source=utils/bench/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
HZ=$(getconf CLK_TCK)
OUT=$(mktemp)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -f "$OUT"; }
trap cleanup EXIT

measure() {  # name port pid test depth requests
  local before after
  before=$(cpu_ticks "$3")
  redis-benchmark -h 127.0.0.1 -p "$2" -t "$4" -P "$5" -n "$6" -c 50 -q >/dev/null 2>&1
  after=$(cpu_ticks "$3")
  echo "$1 $4 $5 $(( (after - before) * 1000000000 / HZ / $6 ))" >> "$OUT"
}

for ((round = 1; round <= ROUNDS; round++)); do
  rp=$(free_port); dp=$(free_port)
  dir=$(mktemp -d)
  # shellcheck disable=SC2086 # SERVER_ARGS is words for the command line
  "$SERVER" --port "$rp" --bind 127.0.0.1 --dir "$dir" --shards 1 --save "" $SERVER_ARGS \
    >/dev/null 2>&1 & rpid=$!
  redis-server --port "$dp" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 & dpid=$!
  PIDS+=("$rpid" "$dpid")
  until redis-cli -p "$rp" ping >/dev/null 2>&1 && redis-cli -p "$dp" ping >/dev/null 2>&1; do
    sleep 0.05
  done
  for t in ping_mbulk set get; do
    for depth in 1 16; do
      n=$([[ $depth == 1 ]] && echo 200000 || echo 2000000)
      if (( round % 2 )); then
        measure rill "$rp" "$rpid" "$t" "$depth" "$n"; measure redis "$dp" "$dpid" "$t" "$depth" "$n"
      else
        measure redis "$dp" "$dpid" "$t" "$depth" "$n"; measure rill "$rp" "$rpid" "$t" "$depth" "$n"
      fi
    done
  done
  kill "$rpid" "$dpid"; wait "$rpid" "$dpid" 2>/dev/null || true
  rm -rf "$dir"
done

python3 - "$OUT" <<'PY'
import collections, statistics, sys
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, test, depth, ns = line.split()
    d[(test, int(depth), name)].append(int(ns))
print("Server CPU per request, median ns (lower is better)")
print(f"{'test':12s} {'P':>3s} {'rill':>8s} {'redis':>8s}  redis/rill")
for test, depth in sorted({(k[0], k[1]) for k in d}):
    r = statistics.median(d[(test, depth, "rill")])
    s = statistics.median(d[(test, depth, "redis")])
    print(f"{test:12s} {depth:3d} {r:8.0f} {s:8.0f}  {s / r:10.2f}")
PY
