#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/rewrite-pause.sh: how long a client waits while the server rewrites its AOF
# (BGREWRITEAOF) on a large dataset, Rill (no fork: the loop writes the snapshot in slices)
# next to Debian's redis-server (fork, then a child writes it).
#
# For each server, in turn: start it with `appendonly yes` in a private dir, load --entries
# entries into --streams streams (one stream by default: the hardest case, a single huge
# queue), then run a probe that sends PING and XADD to the biggest stream one at a time and
# times each reply, first for --idle seconds with nothing else going on, then during a
# BGREWRITEAOF until INFO says it finished. Reported per phase and per command: requests,
# p50, p99, p99.9 and max latency in ms, and how long the phase took. PING is answered by
# the event loop alone, so its max is the longest the loop stalled ("no loop paused for
# more than 10 ms"); an XADD's reply also waits until the journal has it (written, or
# fsynced under always), so its max adds the journal's stalls.
#
# With --pending N, a consumer group on the biggest stream first reads N entries without
# acknowledging them: a queue with a backlog of N unacknowledged deliveries (its PEL).
#
# Usage: utils/bench/rewrite-pause.sh [--server PATH] [--redis PATH] [--entries N]
#          [--streams N] [--idle SECONDS] [--rounds N] [--appendfsync always|everysec|no]
#          [--pending N]
# Only 127.0.0.1 is ever contacted; every server started here is stopped on exit.
set -euo pipefail

server=./build/rill-server
redis=/usr/bin/redis-server
entries=10000000
streams=1
idle=3
rounds=1
appendfsync=everysec
pending=0
readonly kVal=0123456789abcdef
readonly kTimeoutS=1800

start_timeout_s=$kTimeoutS  # read by lib.sh's start_server
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=utils/bench/lib.sh
. "$HERE/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --redis) redis=$2; shift 2 ;;
    --entries) entries=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --appendfsync) appendfsync=$2; shift 2 ;;
    --pending) pending=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "rewrite-pause.sh: unknown option '$1'" >&2; usage ;;
  esac
done
require_positive "$entries" "$streams" "$idle" "$rounds"
if ! [[ "$pending" =~ ^[0-9]+$ ]]; then
  echo "rewrite-pause.sh: --pending takes a number" >&2
  exit 2
fi
require_bins "$server" "$redis" redis-cli python3

work=$(mktemp -d "${TMPDIR:-/tmp}/rill-rewrite-pause.XXXXXX")
running_pid=""
install_cleanup

# Both servers journal with the same policy and rewrite only when told to.
case "$appendfsync" in
  always | everysec | no) ;;
  *) echo "rewrite-pause.sh: --appendfsync takes always, everysec or no" >&2; exit 2 ;;
esac
server_extra=(--appendonly yes --appendfsync "$appendfsync" --auto-aof-rewrite-percentage 0)
redis_extra=(--appendonly yes --appendfsync "$appendfsync" --auto-aof-rewrite-percentage 0)

prefill="$work/prefill.resp"
write_prefill "$prefill" "$entries" "$streams" "$kVal"

# The probe: PING and XADD s0, one at a time, for a fixed time or until the rewrite is over.
probe() {  # probe <port> <idle|rewrite>
  python3 - "$1" "$2" "$idle" <<'EOF'
import socket, sys, time
port, phase, idle_s = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
buf = b""
def call(cmd):
    global buf
    parts = [b"*%d\r\n" % len(cmd)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in cmd]
    s.sendall(b"".join(parts))
    while b"\r\n" not in buf:
        buf += s.recv(65536)
    line, buf = buf.split(b"\r\n", 1)
    if line[:1] == b"$":
        n = int(line[1:])
        while len(buf) < n + 2:
            buf += s.recv(65536)
        line, buf = buf[:n], buf[n + 2:]
    return line
def info_field(name):
    for l in call([b"INFO", b"persistence"]).split(b"\r\n"):
        if l.startswith(name + b":"):
            return l.split(b":", 1)[1]
    return b""
lat = {b"PING": [], b"XADD": []}
start = time.perf_counter()
if phase == "rewrite":
    before = info_field(b"aof_rewrites")
    reply = call([b"BGREWRITEAOF"])
    if reply.startswith(b"-"):
        sys.exit("BGREWRITEAOF: " + reply.decode())
i = 0
while True:
    cmd = [b"PING"] if i % 2 == 0 else [b"XADD", b"s0", b"*", b"f", b"probe"]
    t0 = time.perf_counter()
    call(cmd)
    lat[cmd[0]].append((time.perf_counter() - t0) * 1000)
    i += 1
    if phase == "idle" and time.perf_counter() - start >= idle_s:
        break
    if phase == "rewrite" and i % 200 == 0:
        # Rill counts aof_rewrites; Redis 7.0 has no such field: use the in-progress flags.
        if (info_field(b"aof_rewrite_in_progress") == b"0"
                and info_field(b"aof_rewrite_scheduled") == b"0"):
            break
took = time.perf_counter() - start
line = "%s seconds=%.2f" % (phase, took)
for name, xs in lat.items():
    xs.sort()
    q = lambda p: xs[min(len(xs) - 1, int(p * len(xs)))]
    line += "  %s: n=%d p50=%.3f p99=%.3f p99.9=%.3f max=%.2f" % (
        name.decode(), len(xs), q(0.5), q(0.99), q(0.999), xs[-1])
print(line)
EOF
}

measure() {  # measure <rill|redis>
  local name=$1 dir="$work/$1" port
  rm -rf "$dir"
  port=$(free_port)
  start_server "$name" "$port" "$dir"
  timeout "$kTimeoutS" redis-cli -h 127.0.0.1 -p "$port" --pipe <"$prefill" >/dev/null
  if [ "$pending" -gt 0 ]; then
    redis-cli -h 127.0.0.1 -p "$port" XGROUP CREATE s0 g 0 >/dev/null
    local left=$pending n
    while [ "$left" -gt 0 ]; do
      n=$((left < 100000 ? left : 100000))
      redis-cli -h 127.0.0.1 -p "$port" XREADGROUP GROUP g c COUNT "$n" STREAMS s0 '>' >/dev/null
      left=$((left - n))
    done
    echo "$name: $(redis-cli -h 127.0.0.1 -p "$port" XPENDING s0 g | head -1) entries pending"
  fi
  local rss
  rss=$(rss_kb "$running_pid")
  echo "$name: loaded $entries entries, rss ${rss} kB"
  echo "$name: $(probe "$port" idle)"
  echo "$name: $(probe "$port" rewrite)"
  stop_server
}

echo "rill:  $server"
echo "redis: $redis ($("$redis" --version | sed -n 's/.*\(v=[^ ]*\).*/\1/p'))"
echo "entries=$entries streams=$streams pending=$pending rounds=$rounds appendfsync=$appendfsync cpus=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order="rill redis"; else order="redis rill"; fi
  for name in $order; do
    measure "$name"
  done
done
echo "latencies in ms, per request, measured by one client sending PING and XADD alternately"
