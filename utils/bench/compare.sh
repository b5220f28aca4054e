#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/compare.sh: rill-server and Debian's redis-server side by side, same load.
#
# For each round, in alternating order (odd rounds rill first, even rounds redis first, so
# neither server always gets the cooler machine), each server is started fresh on a free
# loopback port and measured:
#   1. idle RSS right after start (VmRSS from /proc/<pid>/status);
#   2. RSS per idle connection: open --idle-conns connections, PING once on each so the
#      server has accepted and served it, read VmRSS again, divide the growth;
#   3. requests/s from `redis-benchmark --csv` for every test at every pipeline depth;
# then it is stopped. The report gives, per test and depth, the median rps of each server
# and the ratio rill/redis, then the memory medians, then every raw per-round number.
#
# Usage: utils/bench/compare.sh [--server PATH] [--redis PATH] [--rounds N] [--requests N]
#          [--clients N] [--tests LIST] [--pipelines LIST] [--idle-conns N] [--keep-logs]
# See utils/bench/README.md for how to read the output. Only 127.0.0.1 is ever contacted;
# every command has a time limit, and every server started here is stopped on exit.
set -euo pipefail

server=./build/rill-server
redis=/usr/bin/redis-server
rounds=5
requests=""  # empty: 100000 per pipeline depth (-P 16: 1,600,000), about 1.5 s a run
clients=50
tests=ping_mbulk,set,get
pipelines=1,16
idle_conns=1000
keep_logs=0
readonly kBenchTimeoutS=300  # one redis-benchmark run; a hung server fails the run

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=utils/bench/lib.sh
. "$HERE/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --redis) redis=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --tests) tests=$2; shift 2 ;;
    --pipelines) pipelines=$2; shift 2 ;;
    --idle-conns) idle_conns=$2; shift 2 ;;
    --keep-logs) keep_logs=1; shift ;;
    -h | --help) usage 0 ;;
    *) echo "compare.sh: unknown option '$1'" >&2; usage ;;
  esac
done

for n in "$rounds" "$clients" "$idle_conns" ${requests:+"$requests"}; do
  case "$n" in
    '' | *[!0-9]*) echo "compare.sh: '$n' is not a whole number" >&2; exit 2 ;;
  esac
done
require_bins "$server" "$redis" redis-benchmark redis-cli python3

work=$(mktemp -d "${TMPDIR:-/tmp}/rill-compare.XXXXXX")
results="$work/results"  # server test pipeline round rps
memory="$work/memory"    # server round idle_kb conns_before_kb conns_after_kb conns
: >"$results"
: >"$memory"
running_pid=""

install_cleanup

# 1000 idle connections need 1000 descriptors in this shell's children and the servers.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((idle_conns + 256)) ]; then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi

# idle_conn_rss <port> <pid> <n>: prints "<rss before kb> <rss after kb>" around opening n
# connections that each sent one PING and then sit idle; closes them afterwards.
idle_conn_rss() {
  timeout 120 python3 - "$1" "$2" "$3" <<'PY'
import resource, socket, sys, time

port, pid, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft != resource.RLIM_INFINITY and soft < n + 64:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(n + 64, hard), hard))

def rss_kb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit("no VmRSS for pid " + pid)

before = rss_kb()
conns = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    conns.append(s)
    s.sendall(b"*1\r\n$4\r\nPING\r\n")
for s in conns:  # every reply read: the server has accepted and served each connection
    reply = b""
    while not reply.endswith(b"\r\n"):
        chunk = s.recv(64)
        if not chunk:
            raise SystemExit("server closed an idle connection")
        reply += chunk
time.sleep(0.5)  # let the server settle (lazy frees, cron) before reading
after = rss_kb()
print(before, after)
for s in conns:
    s.close()
PY
}

# bench <name> <port> <round>: one redis-benchmark run per pipeline depth; appends results.
bench() {
  local name=$1 port=$2 round=$3 depth n out
  for depth in ${pipelines//,/ }; do
    if [ -n "$requests" ]; then
      n=$requests
    else
      n=$((100000 * depth))
    fi
    out="$work/$name-r$round-P$depth.csv"
    if ! timeout "$kBenchTimeoutS" redis-benchmark -h 127.0.0.1 -p "$port" -c "$clients" \
      -n "$n" -P "$depth" -t "$tests" --csv >"$out" 2>"$out.err"; then
      echo "compare.sh: redis-benchmark against $name failed or timed out (P$depth):" >&2
      tail -n 5 "$out.err" "$out" >&2
      exit 1
    fi
    # Rows look like "SET","123456.79","0.391",...; the header row has "test" first.
    awk -F'"' -v s="$name" -v p="$depth" -v r="$round" \
      '$2 != "" && $2 != "test" {print s, $2, p, r, $4}' "$out" >>"$results"
  done
}

measure() {
  local name=$1 round=$2 port before_after idle
  port=$(free_port)
  start_server "$name" "$port" "$work/$name-r$round"
  idle=$(rss_kb "$running_pid")
  before_after=$(idle_conn_rss "$port" "$running_pid" "$idle_conns")
  echo "$name $round $idle $before_after $idle_conns" >>"$memory"
  bench "$name" "$port" "$round"
  stop_server
}

echo "rill:  $server"
echo "redis: $redis ($("$redis" --version | sed -n 's/.*\(v=[^ ]*\).*/\1/p'))"
echo "rounds=$rounds clients=$clients tests=$tests pipelines=$pipelines" \
  "requests=${requests:-100000 per pipeline depth} idle-conns=$idle_conns" \
  "cpus=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
start_time=$SECONDS
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="rill redis"; else order="redis rill"; fi
  echo "round $round/$rounds: $order" >&2
  for name in $order; do
    measure "$name" "$round"
  done
done

# --- Report ---
# median(" v1 v2 ..."): the median of a space-separated list of numbers.
readonly kAwkMedian='
function median(list,   a, n, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) {
    t = a[i] + 0
    for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) {
      a[j + 1] = a[j]
    }
    a[j + 1] = t
  }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}'

echo
echo "Median requests/s over $rounds round(s) (redis-benchmark -c $clients; higher is better)"
awk "$kAwkMedian"'
  {
    key = $2 SUBSEP $3
    v[$1, key] = v[$1, key] " " $5
    if (!(key in seen)) {
      seen[key] = 1
      order[++k] = key
    }
  }
  END {
    printf "%-12s %4s %14s %14s %11s\n", "test", "P", "rill rps", "redis rps", "rill/redis"
    for (i = 1; i <= k; i++) {
      split(order[i], tp, SUBSEP)
      r = median(v["rill", order[i]])
      d = median(v["redis", order[i]])
      printf "%-12s %4s %14.0f %14.0f %11.2f\n", tp[1], tp[2], r, d, (d > 0 ? r / d : 0)
    }
  }' "$results"

echo
echo "Memory, median over $rounds round(s) (lower is better)"
awk -v conns="$idle_conns" "$kAwkMedian"'
  {
    idle[$1] = idle[$1] " " $3
    per[$1] = per[$1] " " ($5 - $4) * 1024 / $6
  }
  END {
    printf "%-6s %14s %26s\n", "server", "idle RSS KiB", "RSS bytes/idle conn (" conns ")"
    printf "%-6s %14.0f %26.0f\n", "rill", median(idle["rill"]), median(per["rill"])
    printf "%-6s %14.0f %26.0f\n", "redis", median(idle["redis"]), median(per["redis"])
  }' "$memory"

echo
echo "Raw requests/s per round"
printf "%-5s %-12s %4s %14s %14s\n" round test P rill redis
awk '
  {
    row = $4 SUBSEP $2 SUBSEP $3
    v[row, $1] = $5
    if (!(row in seen)) {
      seen[row] = 1
      order[++k] = row
    }
  }
  END {
    for (i = 1; i <= k; i++) {
      split(order[i], f, SUBSEP)
      printf "%-5s %-12s %4s %14s %14s\n", f[1], f[2], f[3], v[order[i], "rill"],
             v[order[i], "redis"]
    }
  }' "$results"
echo
echo "Raw memory per round (KiB): idle, before and after $idle_conns idle connections"
printf "%-5s %-6s %10s %10s %10s\n" round server idle before after
awk '{ printf "%-5s %-6s %10s %10s %10s\n", $2, $1, $3, $4, $5 }' "$memory"
echo
echo "done in $((SECONDS - start_time))s"
