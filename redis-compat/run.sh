#!/usr/bin/env bash
# Copyright (c) 2025 The Rill authors. BSD-3-Clause.
#
# redis-compat/run.sh: proves that real, unmodified Redis clients work against Rill.
#
#   redis-compat/run.sh path/to/rill-server
#
# Starts a fresh rill-server on a free loopback port in a private temp dir, runs every client
# program in redis-compat/clients/ against it (*.sh with bash, *.py with Debian's python3, which
# has python3-redis, *.js with node, which finds the npm clients pinned in package.json in
# redis-compat/node_modules; deps/install-deps.sh runs `npm ci` for that), stops the server
# with SIGTERM and prints, as its last line,
#
#   N passed, M failed
#
# Exit status is non-zero when anything failed. ctest (label `compat`) and `make test` run it.
#
# Counting: a shell or Node client ends with "<name>: N passed, M failed"; a Python client is a
# unittest program and its "Ran N tests" / "FAILED (failures=F, errors=E)" summary is read.
# A client that prints no summary, times out or exits non-zero without reporting a failure
# counts as one failure. The harness adds its own checks: the server starts, announces the
# port the script picked, survives the clients and exits 0 on SIGTERM.
#
# Budget: each client gets CLIENT_TIMEOUT_S (default 60 s); the whole run takes ~15 s.
# Environment: RILL_COMPAT_PYTHON (default /usr/bin/python3), RILL_COMPAT_NODE (default node),
# CLIENT_TIMEOUT_S.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=${RILL_COMPAT_PYTHON:-/usr/bin/python3}
NODE=${RILL_COMPAT_NODE:-node}
CLIENT_TIMEOUT_S=${CLIENT_TIMEOUT_S:-60}

if [[ $# -ne 1 ]]; then
  echo "usage: $0 path/to/rill-server" >&2
  exit 2
fi
SERVER=$(realpath -- "$1" 2>/dev/null || echo "$1")

passed=0
failed=0
SERVER_PID=""
ANNOUNCED_PORT=""
STOP_STATUS=""
WORK=$(mktemp -d -t rill-compat.XXXXXX)

finish() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

harness_check() {  # NAME OK(0|1) [DETAIL]
  if [[ "$2" == 0 ]]; then
    passed=$((passed + 1))
    echo "ok   harness: $1"
  else
    failed=$((failed + 1))
    echo "FAIL harness: $1${3:+ ($3)}"
  fi
}

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

show_log() {
  echo "---- last lines of the server log ----"
  tail -n 20 "$WORK"/rill*.log 2>/dev/null || true
  echo "--------------------------------------"
}

# start_server PORT LOGFILE: starts rill-server. Sets SERVER_PID, and ANNOUNCED_PORT to the
# port its log announces ("" when it never became ready within 10 s).
start_server() {
  "$SERVER" --port "$1" --bind 127.0.0.1 --dir "$WORK" --logfile "$2" \
    --enable-debug-command yes </dev/null >>"$WORK/server.stdout" 2>&1 &
  SERVER_PID=$!
  local line=""
  for _ in $(seq 1 100); do
    line=$(grep -o 'Ready to accept connections tcp port=[0-9]*' "$2" 2>/dev/null | tail -n 1 || true)
    [[ -n "$line" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  ANNOUNCED_PORT=${line##*=}
}

stop_server() {  # sets STOP_STATUS to the server's exit status, or "timeout"
  local rc=0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    STOP_STATUS=timeout
  else
    wait "$SERVER_PID" 2>/dev/null || rc=$?
    STOP_STATUS=$rc
  fi
  SERVER_PID=""
}

# --- Start the server -------------------------------------------------------------------

if [[ ! -x "$SERVER" ]]; then
  harness_check "rill-server exists and is executable: $SERVER" 1
  echo "$passed passed, $failed failed"
  exit 1
fi

# `port 0` means "no TCP listener" (as in Redis), so the script picks a free port itself.
PORT=$(free_port)
start_server "$PORT" "$WORK/rill.log"
if [[ "$ANNOUNCED_PORT" != "$PORT" ]]; then
  harness_check "server starts and logs 'Ready to accept connections' on $PORT" 1 \
    "log announced '${ANNOUNCED_PORT}'"
  show_log
  echo "$passed passed, $failed failed"
  exit 1
fi
harness_check "server starts and logs 'Ready to accept connections'" 0
echo "rill-server pid $SERVER_PID listening on 127.0.0.1:$PORT"

# --- Run every client -------------------------------------------------------------------

export RILL_HOST=127.0.0.1 RILL_PORT="$PORT" RILL_SERVER="$SERVER"
export RILL_COMMANDS_JSON="$HERE/commands.json"

# count_unittest FILE: prints "P F" from a unittest summary, or nothing.
count_unittest() {
  local ran status f e s x u
  ran=$(grep -Eo '^Ran [0-9]+ tests?' "$1" | tail -n 1 | grep -Eo '[0-9]+' || true)
  [[ -n "$ran" ]] || return 0
  status=$(grep -E '^(OK|FAILED)( \(.*\))?$' "$1" | tail -n 1 || true)
  [[ -n "$status" ]] || return 0
  f=$(grep -Eo 'failures=[0-9]+' <<<"$status" | grep -Eo '[0-9]+' || echo 0)
  e=$(grep -Eo 'errors=[0-9]+' <<<"$status" | grep -Eo '[0-9]+' || echo 0)
  s=$(grep -Eo 'skipped=[0-9]+' <<<"$status" | grep -Eo '[0-9]+' || echo 0)
  u=$(grep -Eo 'unexpected successes=[0-9]+' <<<"$status" | grep -Eo '[0-9]+' || echo 0)
  x=$((f + e + u))
  echo "$((ran - x - s)) $x"
}

# count_plain FILE: prints "P F" from the last "N passed, M failed" line, or nothing.
count_plain() {
  local line
  line=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 || true)
  [[ -n "$line" ]] || return 0
  echo "${line%% passed*} $(sed -E 's/.*, ([0-9]+) failed/\1/' <<<"$line")"
}

shopt -s nullglob
for client in "$HERE"/clients/*; do
  name=$(basename "$client")
  case "$name" in
    *.sh) cmd=(bash "$client") ;;
    *.py) cmd=("$PYTHON" "$client") ;;
    *.js) cmd=("$NODE" "$client") ;;
    *) continue ;;
  esac
  out="$WORK/$name.out"
  echo
  echo "==== $name"
  rc=0
  (cd "$HERE/clients" && timeout "$CLIENT_TIMEOUT_S" "${cmd[@]}") </dev/null >"$out" 2>&1 || rc=$?
  cat "$out"
  counts=$(count_unittest "$out")
  [[ -n "$counts" ]] || counts=$(count_plain "$out")
  if [[ -z "$counts" ]]; then
    counts="0 1"
    echo "FAIL $name printed no test summary (exit status $rc)"
  fi
  read -r p f <<<"$counts"
  if [[ $rc -ne 0 && $f -eq 0 ]]; then
    f=1
    if [[ $rc -eq 124 ]]; then
      echo "FAIL $name timed out after ${CLIENT_TIMEOUT_S}s"
    else
      echo "FAIL $name exited with status $rc without reporting a failure"
    fi
  fi
  echo "==== $name: $p ok, $f not ok"
  passed=$((passed + p))
  failed=$((failed + f))
done
echo

# --- Stop the server --------------------------------------------------------------------

if kill -0 "$SERVER_PID" 2>/dev/null; then
  harness_check "server is still running after the clients" 0
  stop_server
  harness_check "server exits with status 0 on SIGTERM" "$([[ $STOP_STATUS == 0 ]] && echo 0 || echo 1)" \
    "status $STOP_STATUS"
else
  harness_check "server is still running after the clients" 1 "it died"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
fi
if [[ $failed -ne 0 ]]; then
  show_log
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
