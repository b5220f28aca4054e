# Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#
# redis-compat/clients/support/rill_compat.py: what the Python compat clients share: the
# server address from the environment, a redis-py client factory, a bare RESP connection
# that returns exact reply bytes, and a TestCase base with per-test clients.
# run.sh runs only the files directly in clients/, so this module is imported, not run.
import os
import socket
import unittest

import redis

HOST = os.environ.get("RILL_HOST", "127.0.0.1")
PORT = int(os.environ.get("RILL_PORT", "6379"))
TIMEOUT_S = 10


def new_client(**kwargs):
    kwargs.setdefault("socket_timeout", TIMEOUT_S)
    return redis.Redis(host=HOST, port=PORT, **kwargs)


class RawClient:
    """A bare RESP connection: sends commands, returns exact reply bytes."""

    def __init__(self, timeout=TIMEOUT_S):
        self.sock = socket.create_connection((HOST, PORT), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    @staticmethod
    def encode(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, int):
                a = str(a)
            if isinstance(a, str):
                a = a.encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def send(self, *args):
        self.sock.sendall(self.encode(*args))

    def send_raw(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def read_reply(self):
        """One complete reply (any RESP2/RESP3 type), as the exact bytes sent."""
        line = self._line()
        kind, rest = line[:1], line[1:-2]
        if kind in b"$=!" and rest != b"-1":
            n = int(rest) + 2
            while len(self.buf) < n:
                self._fill()
            body, self.buf = self.buf[:n], self.buf[n:]
            return line + body
        if kind in b"*~>%|" and rest != b"-1":
            n = int(rest) * (2 if kind in b"%|" else 1)
            parts = [line]
            for _ in range(n):
                parts.append(self.read_reply())
            reply = b"".join(parts)
            if kind == b"|":  # an attribute precedes the real reply
                reply += self.read_reply()
            return reply
        return line

    def call(self, *args):
        self.send(*args)
        return self.read_reply()

    def read_until_closed(self):
        """Reads whatever is left until EOF; returns it. Fails the test on a timeout."""
        data = self.buf
        self.buf = b""
        while True:
            try:
                chunk = self.sock.recv(1 << 16)
            except ConnectionResetError:
                return data  # a close with unread input turns into a reset
            if not chunk:
                return data
            data += chunk


class RillTestCase(unittest.TestCase):
    def setUp(self):
        self.r = new_client()
        self.r.flushall()
        self._extra = []

    def tearDown(self):
        for c in self._extra:
            try:
                c.close()
            except Exception:
                pass
        self.r.close()

    def client(self, **kwargs):
        c = new_client(**kwargs)
        self._extra.append(c)
        return c

    def raw(self):
        c = RawClient()
        self._extra.append(c)
        return c

    def assertRaisesExactly(self, cls, message, fn, *args, **kwargs):
        """The call raises exactly `cls` (not a subclass) carrying exactly `message`."""
        try:
            fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - we check the class ourselves
            self.assertIs(type(e), cls, f"raised {type(e).__name__}: {e}")
            self.assertEqual(str(e), message)
            return
        self.fail(f"no exception raised; expected {cls.__name__}: {message}")
