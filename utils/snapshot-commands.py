#!/usr/bin/python3
# Copyright (c) 2025 The Rill authors. BSD-3-Clause.
#
# utils/snapshot-commands.py: regenerates redis-compat/commands.json, our snapshot of the
# documented Redis command surface for the commands Rill claims.
#
# It starts Debian's redis-server (/usr/bin/redis-server) on a free loopback port with no
# persistence, asks COMMAND INFO for every claimed command, stops the server and writes
#
#   {"get": {"arity": 2, "flags": ["readonly", "fast"], "first_key": 1, "last_key": 1,
#            "step": 1},
#    "config|get": {...}, ...}
#
# with subcommands as separate "parent|sub" entries. A command the reference server does not
# know (Debian ships Redis 7.0, so CLIENT SETINFO from 7.2 is missing) is left out and named
# on stderr. CommandTableTest.MatchesRedisSnapshot and the redis-py compat suite compare
# Rill's command table with this file, so update CLAIMED when a command family lands and
# re-run:
#
#   utils/snapshot-commands.py [--redis-server PATH] [--out PATH]
#
# Needs only the Python standard library (it speaks RESP itself).
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

# Every command Rill implements; a parent with subcommands lists them after a colon.
CLAIMED = """
ping echo hello auth select quit reset
client: id info list kill setname getname setinfo pause unpause unblock no-evict reply help
info dbsize flushdb flushall time role shutdown save bgsave bgrewriteaof lastsave
config: get set resetstat rewrite help
monitor
slowlog: get len reset help
debug
command: count list info docs getkeys getkeysandflags help
function: list flush
del unlink exists touch type keys scan randomkey rename renamenx move swapdb copy
expire pexpire expireat pexpireat ttl pttl expiretime pexpiretime persist
object: encoding freq idletime refcount help
get set setnx setex psetex mget mset msetnx incr incrby incrbyfloat decr decrby append
strlen getdel getex getrange setrange
multi exec discard watch unwatch
subscribe unsubscribe psubscribe punsubscribe publish
pubsub: channels numsub numpat help
xadd xtrim xlen xrange xrevrange xdel xsetid xread xreadgroup xack xpending xclaim xautoclaim
xgroup: create setid destroy createconsumer delconsumer help
xinfo: stream groups consumers help
"""

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def claimed_commands():
    """Returns [(parent, [subcommands])] in the order of CLAIMED."""
    out = []
    for line in CLAIMED.strip().splitlines():
        if ":" in line:
            parent, subs = line.split(":", 1)
            out.append((parent.strip(), subs.split()))
        else:
            out.extend((name, []) for name in line.split())
    return out


class Resp:
    """Just enough RESP2 to send commands and read nested replies."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.file = self.sock.makefile("rb")

    def call(self, *args):
        parts = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(parts))
        return self.read()

    def read(self):
        line = self.file.readline()
        if not line:
            raise ConnectionError("server closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.file.read(n + 2)[:-2]
            return data.decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError(f"unexpected reply type {line!r}")

    def close(self):
        self.file.close()
        self.sock.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(binary, workdir):
    port = free_port()
    log = open(os.path.join(workdir, "redis.log"), "wb")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", workdir, "--daemonize", "no", "--protected-mode", "yes"],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 10
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{binary} exited with {proc.returncode}; see its log")
        try:
            conn = Resp(port)
            if conn.call("PING") == "PONG":
                return proc, conn
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{binary} did not answer PING on port {port}")


def entry(info):
    """COMMAND INFO row -> our snapshot record."""
    return {"arity": info[1], "flags": list(info[2]), "first_key": info[3],
            "last_key": info[4], "step": info[5]}


def snapshot(conn):
    result, missing = {}, []
    for parent, subs in claimed_commands():
        info = conn.call("COMMAND", "INFO", parent)[0]
        if info is None:
            missing.append(parent)
            continue
        result[parent] = entry(info)
        by_name = {row[0]: row for row in (info[9] if len(info) > 9 and info[9] else [])}
        for sub in subs:
            full = f"{parent}|{sub}"
            if full in by_name:
                result[full] = entry(by_name[full])
            else:
                missing.append(full)
    return result, missing


def main():
    parser = argparse.ArgumentParser(
        description="Regenerate redis-compat/commands.json from a reference redis-server.")
    parser.add_argument("--redis-server", default="/usr/bin/redis-server")
    parser.add_argument("--out", default=os.path.join(REPO, "redis-compat", "commands.json"))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="rill-snapshot-")
    proc = None
    try:
        proc, conn = start_redis(args.redis_server, workdir)
        version = [line for line in conn.call("INFO", "server").splitlines()
                   if line.startswith("redis_version:")][0].split(":", 1)[1]
        data, missing = snapshot(conn)
        conn.close()
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)

    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(data)} commands from redis-server {version} to {args.out}")
    if missing:
        print(f"not in redis-server {version}, left out: {' '.join(missing)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
