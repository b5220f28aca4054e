#!/usr/bin/env python3
# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# utils/bench/stream-resp.py: writes stream prefill commands as RESP to stdout, for
# `redis-cli --pipe` (used by stream-compare.sh and stream-memory.sh).
#
# Usage: stream-resp.py VALUE BATCH OP...
#   auto:N      N x XADD s * f VALUE
#   explicit:N  XADD s 0-1 f VALUE .. XADD s 0-N f VALUE (predictable ids)
#   group       XGROUP CREATE s g 0
#   read:N      ceil(N / BATCH) x XREADGROUP GROUP g c COUNT BATCH STREAMS s >
#               (delivers N entries to consumer c: they become pending)
import sys

out = sys.stdout.buffer


def cmd(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: stream-resp.py VALUE BATCH OP...")
    val = sys.argv[1].encode()
    batch = int(sys.argv[2])
    for op in sys.argv[3:]:
        kind, _, count = op.partition(":")
        n = int(count or 0)
        if kind == "auto":
            one = cmd(b"XADD", b"s", b"*", b"f", val)
            for _ in range(n // 10000):
                out.write(one * 10000)
            out.write(one * (n % 10000))
        elif kind == "explicit":
            for start in range(1, n + 1, 10000):
                out.write(b"".join(cmd(b"XADD", b"s", b"0-%d" % i, b"f", val)
                                   for i in range(start, min(start + 10000, n + 1))))
        elif kind == "group":
            out.write(cmd(b"XGROUP", b"CREATE", b"s", b"g", b"0"))
        elif kind == "read":
            out.write(cmd(b"XREADGROUP", b"GROUP", b"g", b"c", b"COUNT", b"%d" % batch,
                          b"STREAMS", b"s", b">") * ((n + batch - 1) // batch))
        else:
            sys.exit("stream-resp.py: unknown op " + op)
    out.flush()


if __name__ == "__main__":
    main()
