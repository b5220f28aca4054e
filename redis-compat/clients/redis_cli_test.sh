#!/usr/bin/env bash
# Copyright (c) 2025 The Rill authors. BSD-3-Clause.
#
# redis-compat/clients/redis_cli_test.sh: Rill driven through the real redis-cli (Debian's
# redis-tools, 7.0).
#
# Each check runs redis-cli the way an operator would (arguments, piped input, --pipe, -3,
# -x, --csv, --scan, --bigkeys, --hotkeys, monitor, subscribe) and compares what redis-cli
# prints with what it prints against Redis 7.2. Expectations come from Redis's documented
# replies and redis-cli's documented output format, never from another project's tests.
#
# Environment: RILL_PORT (required), RILL_HOST (default 127.0.0.1), RILL_SERVER (optional:
# the rill-server binary; enables the SHUTDOWN check, which starts a second, private server).
# The server must run with --enable-debug-command yes. This script FLUSHALLs freely and
# restores every config it changes.
#
# Output: one "ok"/"FAIL" line per check, then "redis_cli_test: N passed, M failed".
# Exit status: 0 only when every check passed.
set -euo pipefail

HOST=${RILL_HOST:-127.0.0.1}
PORT=${RILL_PORT:?RILL_PORT must name the port of a running rill-server}
SERVER=${RILL_SERVER:-}
CLI=${REDIS_CLI:-redis-cli}

passed=0
failed=0
WORK=$(mktemp -d)
BACKGROUND=()
cleanup() {
  local pid
  for pid in "${BACKGROUND[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# cli ARGS...: redis-cli against the server under test; stderr folded into stdout, never fails.
cli() {
  timeout 20 "$CLI" -h "$HOST" -p "$PORT" "$@" 2>&1 || true
}

# cli_rc ARGS...: prints only redis-cli's exit status.
cli_rc() {
  local rc=0
  timeout 20 "$CLI" -h "$HOST" -p "$PORT" "$@" >/dev/null 2>&1 || rc=$?
  echo "$rc"
}

# check NAME EXPECTED ACTUAL: exact comparison.
check() {
  if [[ "$2" == "$3" ]]; then
    passed=$((passed + 1))
    echo "ok   $1"
  else
    failed=$((failed + 1))
    echo "FAIL $1"
    echo "     expected: $(printf '%q' "$2")"
    echo "     actual:   $(printf '%q' "$3")"
  fi
}

# check_match NAME EXTENDED_REGEX ACTUAL: ACTUAL (as a whole, multi-line) matches the regex.
check_match() {
  if grep -Eq -- "$2" <<<"$3"; then
    passed=$((passed + 1))
    echo "ok   $1"
  else
    failed=$((failed + 1))
    echo "FAIL $1"
    echo "     expected a line matching: $2"
    echo "     actual: $(printf '%q' "$3")"
  fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- Basic replies and errors -----------------------------------------------------------

check "PING" "PONG" "$(cli ping)"
check "ECHO keeps spaces" "hello world" "$(cli echo 'hello world')"
cli flushall >/dev/null
check "SET replies OK" "OK" "$(cli set 'key with spaces' 'välue ✓')"
check "GET returns the value" "välue ✓" "$(cli get 'key with spaces')"
check "missing key prints (nil)" "(nil)" "$(cli --no-raw get missing)"
check "integer reply formatting" "(integer) 1" "$(cli --no-raw incr counter)"
cli set s text >/dev/null
check "error reply text" "ERR value is not an integer or out of range" "$(cli incr s | head -1)"
check "-e makes an error reply exit 1" "1" "$(cli_rc -e incr s)"
check "success exits 0 with -e" "0" "$(cli_rc -e get s)"
check "arity error text" "ERR wrong number of arguments for 'get' command" "$(cli get | head -1)"
check "unknown command text" "ERR unknown command 'nosuchcmd', with args beginning with: 'x' " \
  "$(cli nosuchcmd x | head -1)"
check "unknown subcommand text" "ERR unknown subcommand 'bogus'. Try CONFIG HELP." \
  "$(cli config bogus | head -1)"
cli set e v ex 100 >/dev/null
check_match "TTL after SET EX" '^\(integer\) (99|100)$' "$(cli --no-raw ttl e)"
check "binary value via -x" "3" "$(printf 'a\0b' | cli -x set bin >/dev/null; cli strlen bin)"
check "inline commands with quotes through piped input" $'OK\nv 1' \
  "$(printf 'SET "quoted key" "v 1"\nGET "quoted key"\n' | cli)"

# --- Mass insertion with --pipe ---------------------------------------------------------

cli flushall >/dev/null
/usr/bin/python3 - "$WORK/mass.resp" <<'EOF'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(10000):
        k, v = b"key:%d" % i, b"value:%d" % i
        f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
EOF
pipe_out=$(timeout 60 "$CLI" -h "$HOST" -p "$PORT" --pipe <"$WORK/mass.resp" 2>&1) && pipe_rc=0 || pipe_rc=$?
check "--pipe of 10000 SETs: summary" "errors: 0, replies: 10000" "$(tail -1 <<<"$pipe_out")"
check "--pipe of 10000 SETs: exit status" "0" "$pipe_rc"
check "DBSIZE after --pipe" "10000" "$(cli dbsize)"
check "last piped key" "value:9999" "$(cli get key:9999)"
check "INFO keyspace after --pipe" "db0:keys=10000,expires=0,avg_ttl=0" \
  "$(cli info keyspace | tr -d '\r' | grep '^db0:')"
check "--scan --pattern" "111" "$(cli --scan --pattern 'key:99*' | sort -u | wc -l | tr -d ' ')"
check "--scan visits every key once" "10000" "$(cli --scan | sort -u | wc -l | tr -d ' ')"
check_match "--bigkeys counts the strings" '^10000 strings with 98890 bytes' "$(cli --bigkeys)"
pipe_err=$(printf 'SET p 1\nINCR p\nSET s text\nINCR s\n' |
  timeout 20 "$CLI" -h "$HOST" -p "$PORT" --pipe 2>&1) && pipe_rc=0 || pipe_rc=$?
check "--pipe counts error replies" "errors: 1, replies: 4" "$(tail -1 <<<"$pipe_err")"
check "--pipe with errors exits non-zero" "1" "$pipe_rc"

# --- RESP3 (-3) output ------------------------------------------------------------------

check "-3 map reply" '1# "maxmemory" => "0"' "$(cli -3 --no-raw config get maxmemory)"
check_match "-3 HELLO reports proto 3" '^3# "proto" => \(integer\) 3$' "$(cli -3 --no-raw hello 3)"
check_match "-3 HELLO reports version 7.2" '^2# "version" => "7\.2\.[0-9]+"$' \
  "$(cli -3 --no-raw hello 3)"
check "-3 null" "(nil)" "$(cli -3 --no-raw get missing)"
check "-3 double" "(double) 3.141" "$(cli -3 --no-raw debug protocol double)"
check "-3 boolean" "(true)" "$(cli -3 --no-raw debug protocol true)"
check "-3 set" $'1~ (integer) 0\n2~ (integer) 1\n3~ (integer) 2' \
  "$(cli -3 --no-raw debug protocol set)"
check "-3 map of booleans" $'1# (integer) 0 => (false)\n2# (integer) 1 => (true)\n3# (integer) 2 => (false)' \
  "$(cli -3 --no-raw debug protocol map)"
check "-3 verbatim string" $'This is a verbatim\nstring' "$(cli -3 --no-raw debug protocol verbatim)"
check "-3 INFO is a verbatim string" "# Server" "$(cli -3 info server | head -1 | tr -d '\r')"

# --- Transactions through piped input ---------------------------------------------------

cli del a >/dev/null
check "MULTI/EXEC piped (raw)" $'OK\nQUEUED\nQUEUED\nOK\n2' \
  "$(printf 'MULTI\nSET a 1\nINCR a\nEXEC\n' | cli)"
check "MULTI/EXEC piped (--no-raw)" $'OK\nQUEUED\nQUEUED\n1) OK\n2) (integer) 3' \
  "$(printf 'MULTI\nSET a 2\nINCR a\nEXEC\n' | cli --no-raw)"
check "queue-time error aborts EXEC" \
  "(error) EXECABORT Transaction discarded because of previous errors." \
  "$(printf 'MULTI\nSET a 1\nGET\nEXEC\n' | cli --no-raw | tail -1)"
check "runtime error inside EXEC" $'1) OK\n2) (error) ERR value is not an integer or out of range' \
  "$(printf 'MULTI\nSET t 1\nINCR s\nEXEC\n' | cli --no-raw | tail -2)"
# WATCH in one redis-cli, a write from another, then EXEC answers a null array.
{ echo "WATCH w2"; sleep 0.6; echo "MULTI"; echo "SET w2 mine"; echo "EXEC"; } |
  cli --no-raw >"$WORK/watch.out" &
BACKGROUND+=($!)
sleep 0.3
cli set w2 theirs >/dev/null
wait
check "WATCHed key written by another client: EXEC is (nil)" "(nil)" "$(tail -1 "$WORK/watch.out")"
check "WATCHed key keeps the other client's value" "theirs" "$(cli get w2)"

# --- INFO -------------------------------------------------------------------------------

info_server=$(cli info server | tr -d '\r')
check_match "INFO server redis_version is 7.2.x" '^redis_version:7\.2\.[0-9]+$' "$info_server"
check "INFO server tcp_port" "tcp_port:$PORT" "$(grep '^tcp_port:' <<<"$info_server")"
check_match "INFO server run_id is 40 hex chars" '^run_id:[0-9a-f]{40}$' "$info_server"
check "INFO default sections" \
  $'# Server\n# Clients\n# Memory\n# Persistence\n# Stats\n# Replication\n# CPU\n# Modules\n# Errorstats\n# Cluster\n# Keyspace' \
  "$(cli info | tr -d '\r' | grep '^#')"
check_match "INFO clients connected_clients" '^connected_clients:[1-9][0-9]*$' \
  "$(cli info clients | tr -d '\r')"
check "INFO replication role" "role:master" "$(cli info replication | tr -d '\r' | grep '^role:')"
check_match "INFO commandstats has cmdstat_set" '^cmdstat_set:calls=[0-9]+,usec=[0-9]+,usec_per_call=[0-9.]+,rejected_calls=[0-9]+,failed_calls=[0-9]+$' \
  "$(cli info commandstats | tr -d '\r')"

# --- Large values, databases, URIs, repeat, CSV ----------------------------------------

head -c 786432 /dev/urandom | base64 -w0 >"$WORK/big.txt"   # 1 MiB of text
cli -x set bigv <"$WORK/big.txt" >/dev/null
check "1 MiB value via -x: STRLEN" "$(stat -c %s "$WORK/big.txt")" "$(cli strlen bigv)"
cli --raw get bigv >"$WORK/big.raw"   # --raw appends a newline
head -c "$(stat -c %s "$WORK/big.txt")" "$WORK/big.raw" >"$WORK/big.back"
check "1 MiB value via -x: content" "same" "$(cmp -s "$WORK/big.txt" "$WORK/big.back" && echo same || echo differs)"
cli -n 3 flushdb >/dev/null
cli -n 3 set in3 x >/dev/null
check "-n selects a database" "1" "$(cli -n 3 dbsize)"
check "databases are isolated" "" "$(cli -n 0 get in3)"
check "-u URI with database" "x" "$(timeout 20 "$CLI" -u "redis://$HOST:$PORT/3" get in3 2>&1)"
cli del cnt >/dev/null
check "-r repeats a command" $'1\n2\n3' "$(cli -r 3 incr cnt)"
cli mset c1 1 c2 'two "quoted"' >/dev/null
check "--csv output" '"1","two \"quoted\"",NULL' "$(cli --csv mget c1 c2 nokey)"

# --- CLIENT, COMMAND --------------------------------------------------------------------

check_match "CLIENT LIST shows the running command" ' cmd=client\|list ' "$(cli client list)"
check_match "CLIENT INFO shows the running command" ' cmd=client\|info ' "$(cli client info)"
check_match "CLIENT INFO has lib-name (7.2 format)" ' lib-name=[^ ]* lib-ver=' "$(cli client info)"
check "COMMAND INFO get arity" "(integer) 2" "$(cli --no-raw command info get | sed -n '2p' | sed 's/^ *2) //')"
check_match "COMMAND COUNT is a number" '^[0-9]+$' "$(cli command count)"

# --- Keyspace tools that read OBJECT FREQ ----------------------------------------------

cli flushall >/dev/null
cli mset a 1 b 2 c 3 >/dev/null
old_policy=$(cli config get maxmemory-policy | tail -1)
cli config set maxmemory-policy allkeys-lfu >/dev/null
for _ in 1 2 3 4 5 6 7 8 9 10; do cli get a >/dev/null; done
hot=$(cli --hotkeys)
cli config set maxmemory-policy "$old_policy" >/dev/null
check_match "--hotkeys finds the hot key" 'hot key found with counter: [0-9]+.*keyname: "a"' "$hot"
check_match "--hotkeys samples every key" '^Sampled 3 keys in the keyspace!$' "$hot"

# --- MONITOR and Pub/Sub ----------------------------------------------------------------

timeout 4 "$CLI" -h "$HOST" -p "$PORT" monitor >"$WORK/monitor.out" 2>&1 &
BACKGROUND+=($!)
timeout 4 "$CLI" -h "$HOST" -p "$PORT" subscribe news >"$WORK/sub.out" 2>&1 &
BACKGROUND+=($!)
timeout 4 "$CLI" -h "$HOST" -p "$PORT" psubscribe 'new*' >"$WORK/psub.out" 2>&1 &
BACKGROUND+=($!)
for _ in $(seq 1 50); do   # wait until all three listeners are registered
  [[ "$(cli pubsub numsub news | tail -1)" == "1" && "$(cli pubsub numpat)" == "1" &&
     "$(cli client list | grep -c ' flags=O ')" == "1" ]] && break
  sleep 0.05
done
cli set monkey 'a b' >/dev/null
check "PUBLISH counts channel and pattern receivers" "2" "$(cli publish news 'hello there')"
wait
check_match "MONITOR prints the command" '^[0-9]+\.[0-9]+ \[0 [0-9.]+:[0-9]+\] "set" "monkey" "a b"$' \
  "$(cat "$WORK/monitor.out")"
check "SUBSCRIBE receives the message" $'subscribe\nnews\n1\nmessage\nnews\nhello there' \
  "$(cat "$WORK/sub.out")"
check "PSUBSCRIBE receives the pmessage" $'psubscribe\nnew*\n1\npmessage\nnew*\nnews\nhello there' \
  "$(cat "$WORK/psub.out")"
check "no subscribers left" "0" "$(cli pubsub numpat)"

# --- AUTH -------------------------------------------------------------------------------

cli config set requirepass 'pa ss' >/dev/null
check "NOAUTH without a password" "NOAUTH Authentication required." "$(cli get a | head -1)"
check "-a authenticates" "PONG" "$(cli -a 'pa ss' --no-auth-warning ping)"
check "--user/--pass authenticate" "PONG" "$(cli --user default --pass 'pa ss' --no-auth-warning ping)"
check "wrong password" "AUTH failed: WRONGPASS invalid username-password pair or user is disabled." \
  "$(cli -a wrong --no-auth-warning ping | head -1)"
cli -a 'pa ss' --no-auth-warning config set requirepass '' >/dev/null
check "requirepass cleared" "PONG" "$(cli ping)"

# --- SHUTDOWN (a private second server) ------------------------------------------------

if [[ -n "$SERVER" ]]; then
  sdir="$WORK/shutdown"
  mkdir -p "$sdir"
  sport=$(free_port)
  "$SERVER" --port "$sport" --bind 127.0.0.1 --dir "$sdir" --logfile "$sdir/rill.log" &
  spid=$!
  BACKGROUND+=("$spid")
  for _ in $(seq 1 100); do
    [[ "$(timeout 2 "$CLI" -p "$sport" ping 2>/dev/null || true)" == "PONG" ]] && break
    sleep 0.05
  done
  check "SHUTDOWN ABORT without a shutdown" "ERR No shutdown in progress." \
    "$(timeout 5 "$CLI" -p "$sport" shutdown abort 2>&1 | head -1)"
  check "SHUTDOWN NOSAVE ABORT is a syntax error" "ERR syntax error" \
    "$(timeout 5 "$CLI" -p "$sport" shutdown nosave abort 2>&1 | head -1)"
  timeout 5 "$CLI" -p "$sport" shutdown nosave >/dev/null 2>&1 || true
  src=0
  timeout 10 tail --pid="$spid" -f /dev/null || src=$?
  wait "$spid" 2>/dev/null || true
  check "SHUTDOWN NOSAVE stops the server" "0" "$src"
  check_match "SHUTDOWN logs the exit" 'ready to exit' "$(cat "$sdir/rill.log")"
fi

echo "redis_cli_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
