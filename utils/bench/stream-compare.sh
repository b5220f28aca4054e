#!/usr/bin/env bash
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/stream-compare.sh: stream commands on rill-server and Debian's redis-server,
# side by side, same load, same prefill.
#
# Every workload is one redis-benchmark custom command (-c 50) at one pipeline depth. For
# each round and workload, in alternating order (odd rounds rill first, even rounds redis
# first), each server is started fresh on a free loopback port, gets the workload's prefill
# through `redis-cli --pipe` (checked: no error replies, expected XLEN and pending count),
# runs `redis-benchmark --csv` once, gets a short consistency check (did XREADGROUP run
# dry? how many XACKs hit a pending entry?) and is stopped, so no state leaks between
# workloads. The report gives per workload the median rps of each server and the ratio
# rill/redis, the median server CPU per request (utime+stime of the server process during
# the run, as cpu-per-request.sh), the exact redis-benchmark command lines, then every raw
# per-round number.
#
# Usage: utils/bench/stream-compare.sh [--server PATH] [--redis PATH] [--rounds N]
#          [--requests N] [--clients N] [--workloads LIST] [--xack-pending N] [--keep-logs]
#          [--server-args "ARGS"] [--appendfsync always|everysec|no]
# See utils/bench/README.md for the workloads and how to read the output. Only 127.0.0.1 is
# ever contacted; every command has a time limit, and every server started here is stopped
# on exit. `--server /usr/bin/redis-server` dry-runs the script with Redis on both sides.
set -euo pipefail

server=./build/rill-server
redis=/usr/bin/redis-server
rounds=5
requests=""  # empty: per workload, see default_requests
clients=50
workloads=xadd_keys:1,xadd_keys:16,xadd_one:1,xadd_one:16,xadd_maxlen:16,xrange:1,xrange:16
workloads+=,xreadgroup_noack:16,xreadgroup:16,xack:16
xack_pending=""  # empty: 5 x requests
keep_logs=0
server_args=""  # extra words for --server's command line, e.g. "--busy-poll-us 0"
appendfsync=""  # empty: no persistence on either side
readonly kVal=0123456789abcdef  # the 16-byte field value of every entry
readonly kXrangePrefill=10000
readonly kReadBatch=1000        # COUNT of the XREADGROUPs that fill the XACK pending list
readonly kBenchTimeoutS=300     # one redis-benchmark run; a hung server fails the run
readonly kPrefillTimeoutS=300

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
    --workloads) workloads=$2; shift 2 ;;
    --xack-pending) xack_pending=$2; shift 2 ;;
    --keep-logs) keep_logs=1; shift ;;
    --server-args) server_args=$2; shift 2 ;;
    --appendfsync) appendfsync=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "stream-compare.sh: unknown option '$1'" >&2; usage ;;
  esac
done

require_positive "$rounds" "$clients" ${requests:+"$requests"} ${xack_pending:+"$xack_pending"}
for w in ${workloads//,/ }; do
  case "$w" in
    xadd_keys:[1-9]* | xadd_one:[1-9]* | xadd_maxlen:[1-9]* | xrange:[1-9]* | \
      xreadgroup_noack:[1-9]* | xreadgroup:[1-9]* | xack:[1-9]*)
      case "${w#*:}" in *[!0-9]*) echo "stream-compare.sh: bad depth in '$w'" >&2; exit 2 ;;
      esac ;;
    *) echo "stream-compare.sh: unknown workload '$w' (see README.md)" >&2; exit 2 ;;
  esac
done
require_bins "$server" "$redis" redis-benchmark redis-cli python3
# A redis-server given as --server (dry run) must not save RDB snapshots mid-run.
server_extra=()
case "$(basename "$server")" in
  redis-server*) server_extra=(--save '' --appendonly no) ;;
esac
read -r -a extra_words <<<"$server_args"
server_extra+=(${extra_words[@]+"${extra_words[@]}"})
redis_extra=()
case "$appendfsync" in
  '') ;;
  always | everysec | no)
    # Both servers journal every write to their own dir, with the same fsync policy.
    server_extra+=(--appendonly yes --appendfsync "$appendfsync")
    redis_extra=(--appendonly yes --appendfsync "$appendfsync") ;;
  *) echo "stream-compare.sh: --appendfsync takes always, everysec or no" >&2; exit 2 ;;
esac

resp_gen="$HERE/stream-resp.py"  # the prefill commands as RESP
[ -f "$resp_gen" ] || { echo "stream-compare.sh: $resp_gen is missing" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/rill-stream-compare.XXXXXX")
results="$work/results"  # server workload depth round rps server_cpu_ns_per_request
notes="$work/notes"      # server workload depth round note...
commands="$work/commands"
: >"$results"
: >"$notes"
: >"$commands"
running_pid=""

install_cleanup

kHz=$(getconf CLK_TCK)
readonly kHz

cli() {  # cli <port> ARGS...: one command, raw reply lines on stdout
  local port=$1
  shift
  timeout 60 redis-cli -h 127.0.0.1 -p "$port" "$@"
}

fail() {
  echo "stream-compare.sh: $*" >&2
  exit 1
}

# prefill <name> <port> <replies> OP...: pipes stream-resp.py's commands (OPs: see there)
# into the server; every reply must be a non-error one, and there must be <replies> of them.
prefill() {
  local name=$1 port=$2 replies=$3 out
  shift 3
  out=$(python3 "$resp_gen" "$kVal" "$kReadBatch" "$@" |
    timeout "$kPrefillTimeoutS" redis-cli -h 127.0.0.1 -p "$port" --pipe 2>&1) || true
  case "$out" in
    *"errors: 0, replies: $replies"*) ;;
    *) fail "prefill ($*) of $name failed; expected $replies replies and no errors;" \
      "redis-cli --pipe said:"$'\n'"$(pipe_summary "$out")" ;;
  esac
}

# XPENDING s g summary: the first line is the number of pending entries.
pending_count() {
  local count
  count=$(cli "$1" XPENDING s g | head -n 1)
  case "$count" in '' | *[!0-9]*) echo "?" ;; *) echo "$count" ;; esac
}

# default_requests <workload> <depth>
default_requests() {
  case "$1" in
    xreadgroup*) [ "$2" = 1 ] && echo 50000 || echo 100000 ;;
    # XADD runs near a million requests/s at -P 16: 200000 would be over in 0.2 s.
    xadd*) echo $((100000 * $2)) ;;
    *) [ "$2" = 1 ] && echo 100000 || echo 200000 ;;
  esac
}

# spec <workload> <depth> <requests>: sets cmd (redis-benchmark command), rand (-r value or
# empty), prefill_ops, prefill_replies and expect_len (XLEN after prefill, empty: none).
spec() {
  local w=$1 depth=$2 n=$3 entries
  rand=""
  prefill_ops=()
  prefill_replies=0
  expect_len=""
  expect_pending=""
  case "$w" in
    xadd_keys) cmd=(XADD 's:__rand_int__' '*' f "$kVal"); rand=1000 ;;
    xadd_one) cmd=(XADD s '*' f "$kVal") ;;
    xadd_maxlen) cmd=(XADD s MAXLEN '~' 1000 '*' f "$kVal") ;;
    xrange)
      cmd=(XRANGE s - + COUNT 10)
      prefill_ops=("auto:$kXrangePrefill")
      prefill_replies=$kXrangePrefill
      expect_len=$kXrangePrefill ;;
    xreadgroup | xreadgroup_noack)
      if [ "$w" = xreadgroup ]; then
        cmd=(XREADGROUP GROUP g c COUNT 10 STREAMS s '>')
      else
        cmd=(XREADGROUP GROUP g c COUNT 10 NOACK STREAMS s '>')
      fi
      # redis-benchmark sends whole pipelines: up to depth-1 requests more than -n.
      entries=$(((n + depth) * 10 + 1000))
      prefill_ops=("auto:$entries" group)
      prefill_replies=$((entries + 1))
      expect_len=$entries ;;
    xack)
      entries=${xack_pending:-$((n * 5))}
      cmd=(XACK s g '0-__rand_int__')  # __rand_int__ is 0..entries-1, 12 digits, 0-padded
      rand=$entries
      prefill_ops=("explicit:$entries" group "read:$entries")
      prefill_replies=$((entries + 1 + (entries + kReadBatch - 1) / kReadBatch))
      expect_len=$entries
      expect_pending=$entries ;;
  esac
}

# shell_words ARG...: the arguments as a command line to paste into a shell.
shell_words() {
  local a line=""
  for a in "$@"; do
    case "$a" in
      *[!A-Za-z0-9_.:/+=-]*) a="'$a'" ;;
    esac
    line+="${line:+ }$a"
  done
  echo "$line"
}

# run_workload <name> <workload> <depth> <round>
run_workload() {
  local name=$1 w=$2 depth=$3 round=$4 port n out bench_cmd note len pend probe t0 t1 ns
  n=${requests:-$(default_requests "$w" "$depth")}
  spec "$w" "$depth" "$n"
  port=$(free_port)
  start_server "$name" "$port" "$work/$name-r$round-$w-P$depth"
  if [ ${#prefill_ops[@]} -gt 0 ]; then
    prefill "$name" "$port" "$prefill_replies" "${prefill_ops[@]}"
  fi
  if [ -n "$expect_len" ]; then
    len=$(cli "$port" XLEN s)
    [ "$len" = "$expect_len" ] || fail "$name: XLEN s is '$len' after prefill, not $expect_len"
  fi
  if [ -n "$expect_pending" ]; then
    pend=$(pending_count "$port")
    [ "$pend" = "$expect_pending" ] ||
      fail "$name: XPENDING s g counts '$pend' after prefill, not $expect_pending"
  fi
  bench_cmd=(redis-benchmark -h 127.0.0.1 -p "$port" -c "$clients" -n "$n" -P "$depth")
  [ -n "$rand" ] && bench_cmd+=(-r "$rand")
  bench_cmd+=(--csv "${cmd[@]}")
  out="$work/$name-r$round-$w-P$depth.csv"
  t0=$(cpu_ticks "$running_pid")
  if ! timeout "$kBenchTimeoutS" "${bench_cmd[@]}" >"$out" 2>"$out.err"; then
    echo "stream-compare.sh: redis-benchmark against $name failed or timed out ($w P$depth):" >&2
    tail -n 5 "$out.err" "$out" >&2
    exit 1
  fi
  t1=$(cpu_ticks "$running_pid")
  if [ "$round" = 1 ] && ! grep -q "^$w $depth " "$commands"; then
    echo "$w $depth $(shell_words "${bench_cmd[@]}" | sed 's/ -p [0-9]* / -p PORT /')" \
      >>"$commands"
  fi
  # The one data row: "XADD s * f ...","123456.79",...; the header row has "test" first.
  awk -F'"' -v s="$name" -v w="$w" -v p="$depth" -v r="$round" \
    '$2 != "" && $2 != "test" {printf "%s %s %s %s %s ", s, w, p, r, $4}' "$out" >>"$results"
  # Server CPU per request; redis-benchmark sends whole pipelines: ceil(n / P) x P requests.
  ns=$(( (t1 - t0) * 1000000000 / kHz / ((n + depth - 1) / depth * depth) ))
  echo "$ns" >>"$results"
  grep -q "^$name $w $depth $round " "$results" || fail "no rps in $out"

  # What the run did to the data, so a workload that silently did nothing shows up.
  case "$w" in
    xadd_keys) note="keys=$(cli "$port" DBSIZE)" ;;
    xadd_one | xadd_maxlen) note="xlen=$(cli "$port" XLEN s)" ;;
    xrange) note="xlen=$(cli "$port" XLEN s)" ;;
    xreadgroup*)
      note=""
      [ "$w" = xreadgroup ] && note="pending=$(pending_count "$port") "
      probe=$(cli "$port" XREADGROUP GROUP g probe COUNT 1 NOACK STREAMS s '>')
      if [ -n "$(echo "$probe" | tr -d '[:space:]')" ]; then
        note+="not-dry"
      else
        note+="RAN-DRY"
        echo "stream-compare.sh: warning: $name ran out of entries in $w P$depth;" \
          "its rps counts empty replies" >&2
      fi ;;
    xack)
      pend=$(pending_count "$port")
      [ "$pend" = "?" ] && note="acked=?/$n" || note="acked=$((expect_pending - pend))/$n" ;;
  esac
  echo "$name $w $depth $round $note" >>"$notes"
  stop_server
}

echo "rill:  $server"
echo "redis: $redis ($("$redis" --version | sed -n 's/.*\(v=[^ ]*\).*/\1/p'))"
echo "rounds=$rounds clients=$clients requests=${requests:-per workload}" \
  "xack-pending=${xack_pending:-5 x requests} cpus=$(nproc)" \
  "load=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "workloads=$workloads appendfsync=${appendfsync:-off}"
start_time=$SECONDS
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="rill redis"; else order="redis rill"; fi
  for w in ${workloads//,/ }; do
    echo "round $round/$rounds: ${w%%:*} P${w#*:}: $order" >&2
    for name in $order; do
      run_workload "$name" "${w%%:*}" "${w#*:}" "$round"
    done
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
echo "Median over $rounds round(s) (redis-benchmark -c $clients): requests/s (higher is" \
  "better) and server CPU ns per request (lower is better)"
awk "$kAwkMedian"'
  {
    key = $2 SUBSEP $3
    v[$1, key] = v[$1, key] " " $5
    c[$1, key] = c[$1, key] " " $6
    if (!(key in seen)) {
      seen[key] = 1
      order[++k] = key
    }
  }
  END {
    printf "%-17s %3s %10s %10s %10s %11s %12s %10s\n", "workload", "P", "rill rps", "redis rps",
           "rill/redis", "rill ns/req", "redis ns/req", "redis/rill"
    for (i = 1; i <= k; i++) {
      split(order[i], wp, SUBSEP)
      r = median(v["rill", order[i]])
      d = median(v["redis", order[i]])
      rc = median(c["rill", order[i]])
      dc = median(c["redis", order[i]])
      printf "%-17s %3s %10.0f %10.0f %10.2f %11.0f %12.0f %10.2f\n", wp[1], wp[2], r, d,
             (d > 0 ? r / d : 0), rc, dc, (rc > 0 ? dc / rc : 0)
    }
  }' "$results"

echo
echo "Commands (PORT: a fresh server per run; prefill: see README.md)"
awk '{ w = $1 " P" $2; $1 = ""; $2 = ""; sub(/^  /, ""); printf "%-20s %s\n", w, $0 }' \
  "$commands"

echo
echo "Raw per round: requests/s, server CPU ns per request, state after the run"
printf "%-5s %-17s %3s %10s %10s %8s %8s  %-24s %s\n" round workload P "rill rps" \
  "redis rps" "rill ns" "redis ns" "rill after" "redis after"
awk '
  FNR == NR { note[$4 SUBSEP $2 SUBSEP $3, $1] = $5 " " $6; next }
  {
    row = $4 SUBSEP $2 SUBSEP $3
    v[row, $1] = $5
    c[row, $1] = $6
    if (!(row in seen)) {
      seen[row] = 1
      order[++k] = row
    }
  }
  END {
    for (i = 1; i <= k; i++) {
      split(order[i], f, SUBSEP)
      printf "%-5s %-17s %3s %10.0f %10.0f %8s %8s  %-24s %s\n", f[1], f[2], f[3],
             v[order[i], "rill"], v[order[i], "redis"], c[order[i], "rill"],
             c[order[i], "redis"], note[order[i], "rill"], note[order[i], "redis"]
    }
  }' "$notes" "$results"
echo
echo "done in $((SECONDS - start_time))s"
