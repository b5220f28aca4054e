#!/usr/bin/env python3
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/multi-latency.py: the latency of a MULTI/EXEC whose two keys live on one
# shard, next to one whose keys live on two shards.
#
# One client sends "MULTI, INCR a, INCR b, EXEC" in one write and waits for the four
# replies, --iterations times per case, alternating the cases in blocks of 100; it reports
# p50, p99, p99.9 and max in microseconds. With --shards N the keys are chosen by the
# server's slot map (CRC16 slot, slot * N / 16384): "one shard" uses two keys of shard 0,
# "two shards" one key of shard 0 and one of shard 1. Against redis-server (--shards 1)
# both cases are the same kind of transaction and show the client's own cost.
#
# Usage: utils/bench/multi-latency.py --port P [--shards N] [--iterations N]
# Only 127.0.0.1 is ever contacted.
import argparse
import socket
import time


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def shard_of(key, shards):
    return (crc16(key.encode()) & 16383) * shards // 16384


def key_on(shard, shards, prefix):
    i = 0
    while True:
        k = "%s%d" % (prefix, i)
        if shard_of(k, shards) == shard:
            return k
        i += 1


def resp(*args):
    out = "*%d\r\n" % len(args)
    for a in args:
        out += "$%d\r\n%s\r\n" % (len(a), a)
    return out


def read_replies(sock, buf, n):
    # MULTI: +OK, two +QUEUED, then EXEC's array of two integers: 6 lines in all.
    lines_needed = n
    while buf.count(b"\r\n") < lines_needed:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("multi-latency.py: the server closed the connection")
        buf += chunk
    parts = buf.split(b"\r\n", lines_needed)
    return parts[lines_needed] if len(parts) > lines_needed else b""


def percentile(sorted_us, p):
    return sorted_us[min(len(sorted_us) - 1, int(len(sorted_us) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--shards", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=20000)
    a = ap.parse_args()
    same = (key_on(0, a.shards, "m:a"), key_on(0, a.shards, "m:b"))
    cross = (key_on(0, a.shards, "m:c"), key_on(min(1, a.shards - 1), a.shards, "m:d"))
    cases = {"one shard": same, "two shards": cross}
    payload = {
        name: (resp("MULTI") + resp("INCR", k1) + resp("INCR", k2) + resp("EXEC")).encode()
        for name, (k1, k2) in cases.items()
    }
    sock = socket.create_connection(("127.0.0.1", a.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    samples = {name: [] for name in cases}
    buf = b""
    done = 0
    while done < a.iterations:
        for name in cases:
            for _ in range(100):
                t0 = time.perf_counter_ns()
                sock.sendall(payload[name])
                buf = read_replies(sock, buf, 6)
                samples[name].append((time.perf_counter_ns() - t0) / 1000.0)
        done += 100
    print("MULTI, INCR, INCR, EXEC in one write; %d each; microseconds" % a.iterations)
    print("%-11s %-22s %8s %8s %8s %8s" % ("case", "keys", "p50", "p99", "p99.9", "max"))
    for name, (k1, k2) in cases.items():
        s = sorted(samples[name])
        print("%-11s %-22s %8.1f %8.1f %8.1f %8.1f" % (
            name, k1 + " " + k2, percentile(s, 0.50), percentile(s, 0.99),
            percentile(s, 0.999), s[-1]))


if __name__ == "__main__":
    main()
