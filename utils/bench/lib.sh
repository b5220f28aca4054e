# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/lib.sh: what the side-by-side benchmark scripts share. Sourced, not run.
#
# The caller sets $server (rill-server) and $redis (redis-server), and may set the array
# server_extra (arguments added to $server's command line), redis_extra (added to
# $redis's, after the defaults, which they override) and server_wrapper (a command run in
# front of either, such as valgrind). start_server sets running_pid;
# install_cleanup's trap also reads work (the run's temp dir) and keep_logs.
# Messages name the calling script.

# require_bins <bin>...: exits with a clear message when one is missing.
require_bins() {
  local bin
  for bin in "$@"; do
    if ! command -v "$bin" >/dev/null 2>&1; then
      echo "${0##*/}: '$bin' not found (build rill-server; apt-get install redis-server" \
        "redis-tools python3)" >&2
      exit 2
    fi
  done
}

# install_cleanup: on exit, stops the server still running (running_pid) and removes the
# caller's $work dir, unless keep_logs=1; INT and TERM exit through it too.
install_cleanup() {
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

cleanup() {
  if [ -n "${running_pid:-}" ] && kill -0 "$running_pid" 2>/dev/null; then
    kill "$running_pid" 2>/dev/null || true
    wait "$running_pid" 2>/dev/null || true
  fi
  if [ "${keep_logs:-0}" = 1 ]; then
    echo "logs kept in $work"
  else
    rm -rf "$work"
  fi
}

# A server that does not answer PING by then fails the run; callers that load big
# datasets at start set start_timeout_s first.
start_timeout_s=${start_timeout_s:-10}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

rss_kb() {
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

cpu_ticks() {  # utime + stime of a process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# pipe_summary <redis-cli --pipe output>: its first 3 lines (error replies) and its last.
pipe_summary() {
  printf '%s\n' "$1" | head -n 3
  [ "$(printf '%s\n' "$1" | wc -l)" -le 3 ] ||
    printf '...\n%s\n' "$(printf '%s\n' "$1" | tail -n 1)"
}

# usage [status]: prints the calling script's "# Usage:" comment block (up to its "# See"
# or "# Only" line) and exits with status (2 by default).
usage() {
  sed -n '/^# Usage:/,/^# \(See\|Only\)/p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}

# require_positive VALUE...: exits with status 2 unless every VALUE is a positive whole number.
require_positive() {
  local n
  for n in "$@"; do
    case "$n" in
      '' | *[!0-9]* | 0) echo "${0##*/}: '$n' is not a positive whole number" >&2; exit 2 ;;
    esac
  done
}

# write_prefill <file> <entries> <streams> <value>: RESP for `redis-cli --pipe`, one
# XADD s<i> * f <value> per entry, spread round-robin over s0..s<streams-1>.
write_prefill() {
  python3 - "$2" "$3" "$4" >"$1" <<'EOF'
import sys
n, k, val = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode()
out = sys.stdout.buffer
cmds = [b"*5\r\n$4\r\nXADD\r\n$%d\r\n%s\r\n$1\r\n*\r\n$1\r\nf\r\n$%d\r\n%s\r\n"
        % (len(b"s%d" % i), b"s%d" % i, len(val), val) for i in range(k)]
for i in range(n):
    out.write(cmds[i % k])
EOF
}

# start_server <rill|redis> <port> <dir>: starts it in the background on 127.0.0.1 with a
# private dir (neither with a snapshot schedule; Redis without AOF unless redis_extra says so),
# sets running_pid, waits until it answers PING. server_wrapper, when set, is run in front
# of either server (valgrind, for instructions-per-command.sh).
start_server() {
  local name=$1 port=$2 dir=$3
  mkdir -p "$dir"
  if [ "$name" = rill ]; then
    # One shard, as Redis has one thread, unless server_extra says otherwise (later wins);
    # not for a redis-server standing in as --server (dry runs).
    local one_shard=(--shards 1)
    case "$(basename "$server")" in redis-server*) one_shard=() ;; esac
    ${server_wrapper[@]+"${server_wrapper[@]}"} \
      "$server" --port "$port" --bind 127.0.0.1 --save "" --dir "$dir" \
      ${one_shard[@]+"${one_shard[@]}"} ${server_extra[@]+"${server_extra[@]}"} \
      >"$dir/server.log" 2>&1 &
  else
    ${server_wrapper[@]+"${server_wrapper[@]}"} \
      "$redis" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
      --daemonize no --logfile "$dir/server.log" ${redis_extra[@]+"${redis_extra[@]}"} \
      >/dev/null 2>&1 &
  fi
  running_pid=$!
  local deadline=$((SECONDS + start_timeout_s))
  until [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; do
    if ! kill -0 "$running_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "${0##*/}: $name did not start on port $port; its log:" >&2
      tail -n 20 "$dir/server.log" >&2 || true
      exit 1
    fi
    sleep 0.05
  done
}

# The workloads of allocs-per-command.sh and instructions-per-command.sh, one
# redis-benchmark command each ("name|arguments"), over what prefill_per_command sets up.
readonly kPerCommandValue=0123456789abcdef
readonly kPerCommandWorkloads=(
  "ping|-t ping_mbulk"
  "set|-t set"
  "get|-t get"
  "xadd_one|XADD s * f $kPerCommandValue"
  "xadd_keys|-r 1000 XADD s:__rand_int__ * f $kPerCommandValue"
  "xreadgroup|XREADGROUP GROUP grp c COUNT 10 STREAMS g >"
  "xreadgroup_noack|XREADGROUP GROUP grp c COUNT 10 NOACK STREAMS g >"
  "xreadgroup_empty|XREADGROUP GROUP tail c COUNT 10 STREAMS g >"
  "xrange|XRANGE g - + COUNT 10"
)

# prefill_per_command <port> <requests>: a stream `g` of 20 x <requests> entries (+1000),
# so the two COUNT 10 XREADGROUP workloads never run dry, with a group `grp` at its start
# and a group `tail` at its end (xreadgroup_empty: a consumer polling, a nil reply).
prefill_per_command() {
  redis-benchmark -h 127.0.0.1 -p "$1" -c 50 -P 64 -n $((20 * $2 + 1000)) -q \
    XADD g '*' f "$kPerCommandValue" >/dev/null
  redis-cli -h 127.0.0.1 -p "$1" XGROUP CREATE g grp 0 >/dev/null
  redis-cli -h 127.0.0.1 -p "$1" XGROUP CREATE g tail '$' >/dev/null
}

stop_server() {
  kill "$running_pid" 2>/dev/null || true
  wait "$running_pid" 2>/dev/null || true
  running_pid=""
}
