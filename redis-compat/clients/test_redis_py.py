#!/usr/bin/env python3
# Copyright (c) 2025 The Rill authors. BSD-3-Clause.
#
# redis-compat/clients/test_redis_py.py: Rill driven through the real, unmodified redis-py
# (Debian's python3-redis 4.3.x).
#
# Every expectation below comes from Redis 7.2's documented behaviour (command reference,
# reply texts, error texts), never from another project's test suite. A test asserts what a
# redis-py user would observe: return values after redis-py's own response callbacks, the
# exception class redis-py raises and the exact message text it carries (redis-py strips a
# leading "ERR " and keeps any other error prefix such as "WRONGPASS" or "OOM").
#
# A few tests talk RESP over a plain socket (RawClient) where redis-py cannot show the wire
# (RESP3, CLIENT REPLY OFF, protocol errors, null-bulk versus null-array replies).
#
# Environment: RILL_HOST (default 127.0.0.1), RILL_PORT (required), RILL_COMMANDS_JSON (our
# COMMAND INFO snapshot, default ../commands.json). The server must have been started with
# --enable-debug-command yes. Tests restore any config they change; they FLUSHALL freely.
#
# Run: RILL_PORT=6379 /usr/bin/python3 test_redis_py.py  (run.sh does this for you)
import json
import os
import threading
import time
import unittest

import redis

from support.rill_compat import HOST, PORT, RawClient, RillTestCase, new_client

COMMANDS_JSON = os.environ.get(
    "RILL_COMMANDS_JSON",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "commands.json"))


# --- Strings -------------------------------------------------------------------------------

class StringTest(RillTestCase):
    def test_set_and_get_round_trip(self):
        self.assertIs(self.r.set("k", "v"), True)
        self.assertEqual(self.r.get("k"), b"v")
        self.assertIsNone(self.r.get("missing"))

    def test_set_nx_and_xx(self):
        self.assertIs(self.r.set("k", "1", nx=True), True)
        self.assertIsNone(self.r.set("k", "2", nx=True))
        self.assertEqual(self.r.get("k"), b"1")
        self.assertIsNone(self.r.set("other", "2", xx=True))
        self.assertEqual(self.r.exists("other"), 0)
        self.assertIs(self.r.set("k", "3", xx=True), True)
        self.assertEqual(self.r.get("k"), b"3")

    def test_set_ex_px_exat_pxat_set_the_ttl(self):
        self.r.set("ex", "v", ex=100)
        self.assertIn(self.r.ttl("ex"), (99, 100))
        self.r.set("px", "v", px=100000)
        self.assertTrue(99000 <= self.r.pttl("px") <= 100000)
        at = int(time.time()) + 200
        self.r.set("exat", "v", exat=at)
        self.assertEqual(self.r.expiretime("exat"), at)
        at_ms = int(time.time() * 1000) + 300000
        self.r.set("pxat", "v", pxat=at_ms)
        self.assertEqual(self.r.execute_command("PEXPIRETIME", "pxat"), at_ms)

    def test_set_without_keepttl_clears_ttl_and_keepttl_keeps_it(self):
        self.r.set("k", "v", ex=100)
        self.r.set("k", "v2", keepttl=True)
        self.assertIn(self.r.ttl("k"), (99, 100))
        self.r.set("k", "v3")
        self.assertEqual(self.r.ttl("k"), -1)

    def test_set_get_returns_old_value(self):
        self.assertIsNone(self.r.set("k", "1", get=True))
        self.assertEqual(self.r.set("k", "2", get=True), b"1")
        self.assertEqual(self.r.get("k"), b"2")

    def test_set_nx_get_returns_old_value_without_writing(self):
        # Redis 7.0+ accepts NX together with GET.
        self.r.set("k", "old")
        self.assertEqual(self.r.set("k", "new", nx=True, get=True), b"old")
        self.assertEqual(self.r.get("k"), b"old")

    def test_set_option_errors(self):
        self.assertRaisesExactly(redis.ResponseError, "syntax error",
                                 self.r.set, "k", "v", nx=True, xx=True)
        self.assertRaisesExactly(redis.ResponseError, "syntax error",
                                 self.r.execute_command, "SET", "k", "v", "EX", "10", "PX", "10")
        self.assertRaisesExactly(redis.ResponseError, "syntax error",
                                 self.r.execute_command, "SET", "k", "v", "KEEPTTL", "EX", "1")
        self.assertRaisesExactly(redis.ResponseError, "invalid expire time in 'set' command",
                                 self.r.set, "k", "v", ex=0)
        self.assertRaisesExactly(redis.ResponseError, "invalid expire time in 'set' command",
                                 self.r.execute_command, "SET", "k", "v", "PX", "-5")
        self.assertRaisesExactly(redis.ResponseError, "value is not an integer or out of range",
                                 self.r.execute_command, "SET", "k", "v", "EX", "ten")

    def test_setnx_setex_psetex(self):
        self.assertIs(self.r.setnx("k", "1"), True)
        self.assertIs(self.r.setnx("k", "2"), False)
        self.assertIs(self.r.setex("e", 50, "v"), True)
        self.assertIn(self.r.ttl("e"), (49, 50))
        self.assertIs(self.r.psetex("p", 50000, "v"), True)
        self.assertTrue(49000 <= self.r.pttl("p") <= 50000)
        self.assertRaisesExactly(redis.ResponseError, "invalid expire time in 'setex' command",
                                 self.r.setex, "e", -1, "v")
        self.assertRaisesExactly(redis.ResponseError, "invalid expire time in 'psetex' command",
                                 self.r.psetex, "p", 0, "v")

    def test_mset_mget_msetnx(self):
        self.assertIs(self.r.mset({"a": "1", "b": "2"}), True)
        self.assertEqual(self.r.mget("a", "missing", "b"), [b"1", None, b"2"])
        self.assertIs(self.r.msetnx({"c": "3", "a": "x"}), False)
        self.assertIsNone(self.r.get("c"))
        self.assertIs(self.r.msetnx({"c": "3", "d": "4"}), True)
        self.assertEqual(self.r.mget(["c", "d"]), [b"3", b"4"])
        self.assertRaisesExactly(redis.ResponseError,
                                 "wrong number of arguments for 'mset' command",
                                 self.r.execute_command, "MSET", "a", "1", "b")

    def test_incr_decr_family(self):
        self.assertEqual(self.r.incr("n"), 1)
        self.assertEqual(self.r.incrby("n", 10), 11)
        self.assertEqual(self.r.decr("n"), 10)
        self.assertEqual(self.r.decrby("n", 20), -10)
        self.r.set("big", str(2**63 - 1))
        self.assertRaisesExactly(redis.ResponseError, "increment or decrement would overflow",
                                 self.r.incr, "big")
        self.assertEqual(self.r.get("big"), str(2**63 - 1).encode())
        self.r.set("s", "abc")
        self.assertRaisesExactly(redis.ResponseError, "value is not an integer or out of range",
                                 self.r.incr, "s")
        self.r.set("sp", " 1")
        self.assertRaisesExactly(redis.ResponseError, "value is not an integer or out of range",
                                 self.r.incr, "sp")
        self.assertRaisesExactly(redis.ResponseError, "value is not an integer or out of range",
                                 self.r.incrby, "n", "1.5")
        self.assertRaisesExactly(redis.ResponseError, "decrement would overflow",
                                 self.r.decrby, "n", -(2**63))

    def test_incrbyfloat(self):
        self.assertEqual(self.r.incrbyfloat("f", 10.5), 10.5)
        self.assertEqual(self.r.get("f"), b"10.5")
        self.assertEqual(self.r.incrbyfloat("f", 0.1), 10.6)
        self.assertEqual(self.r.get("f"), b"10.6")
        self.r.set("e", "5.0e3")
        self.assertEqual(self.r.incrbyfloat("e", 200), 5200.0)
        self.assertEqual(self.r.get("e"), b"5200")
        self.r.set("s", "abc")
        self.assertRaisesExactly(redis.ResponseError, "value is not a valid float",
                                 self.r.incrbyfloat, "s", 1)
        self.assertRaisesExactly(redis.ResponseError, "increment would produce NaN or Infinity",
                                 self.r.incrbyfloat, "e", "inf")

    def test_append_and_strlen(self):
        self.assertEqual(self.r.append("k", "hello"), 5)
        self.assertEqual(self.r.append("k", " world"), 11)
        self.assertEqual(self.r.get("k"), b"hello world")
        self.assertEqual(self.r.strlen("k"), 11)
        self.assertEqual(self.r.strlen("missing"), 0)

    def test_getrange_and_setrange(self):
        self.r.set("k", "Hello World")
        self.assertEqual(self.r.getrange("k", 0, 4), b"Hello")
        self.assertEqual(self.r.getrange("k", -5, -1), b"World")
        self.assertEqual(self.r.getrange("k", 5, 2), b"")
        self.assertEqual(self.r.getrange("k", 0, 1000), b"Hello World")
        self.assertEqual(self.r.getrange("missing", 0, -1), b"")
        self.assertEqual(self.r.setrange("k", 6, "Redis"), 11)
        self.assertEqual(self.r.get("k"), b"Hello Redis")
        self.assertEqual(self.r.setrange("pad", 3, "x"), 4)
        self.assertEqual(self.r.get("pad"), b"\x00\x00\x00x")
        self.assertEqual(self.r.setrange("empty", 5, ""), 0)
        self.assertEqual(self.r.exists("empty"), 0)
        self.assertRaisesExactly(redis.ResponseError, "offset is out of range",
                                 self.r.setrange, "k", -1, "x")
        self.assertRaisesExactly(redis.ResponseError,
                                 "string exceeds maximum allowed size (proto-max-bulk-len)",
                                 self.r.setrange, "k", 512 * 1024 * 1024, "x")

    def test_getdel(self):
        self.r.set("k", "v")
        self.assertEqual(self.r.getdel("k"), b"v")
        self.assertEqual(self.r.exists("k"), 0)
        self.assertIsNone(self.r.getdel("k"))

    def test_getex_all_options(self):
        self.r.set("k", "v")
        self.assertEqual(self.r.getex("k"), b"v")
        self.assertEqual(self.r.ttl("k"), -1)
        self.assertEqual(self.r.getex("k", ex=100), b"v")
        self.assertIn(self.r.ttl("k"), (99, 100))
        self.assertEqual(self.r.getex("k", px=200000), b"v")
        self.assertTrue(199000 <= self.r.pttl("k") <= 200000)
        at = int(time.time()) + 300
        self.assertEqual(self.r.getex("k", exat=at), b"v")
        self.assertEqual(self.r.expiretime("k"), at)
        at_ms = int(time.time() * 1000) + 400000
        self.assertEqual(self.r.getex("k", pxat=at_ms), b"v")
        self.assertEqual(self.r.execute_command("PEXPIRETIME", "k"), at_ms)
        self.assertEqual(self.r.getex("k", persist=True), b"v")
        self.assertEqual(self.r.ttl("k"), -1)
        self.assertIsNone(self.r.getex("missing", ex=10))
        self.assertRaisesExactly(redis.ResponseError, "syntax error",
                                 self.r.execute_command, "GETEX", "k", "EX", "10", "PERSIST")
        self.assertRaisesExactly(redis.ResponseError, "invalid expire time in 'getex' command",
                                 self.r.execute_command, "GETEX", "k", "EX", "0")

    def test_object_encoding_follows_value_shape(self):
        self.r.set("int", "12345")
        self.r.set("short", "hello")
        self.r.set("long", "x" * 100)
        self.assertEqual(self.r.object("encoding", "int"), b"int")
        self.assertEqual(self.r.object("encoding", "short"), b"embstr")
        self.assertEqual(self.r.object("encoding", "long"), b"raw")
        self.r.append("short", "!")
        self.assertEqual(self.r.object("encoding", "short"), b"raw")
        self.assertIsNone(self.r.object("encoding", "missing"))
        self.assertIsInstance(self.r.object("idletime", "int"), int)
        self.assertIsInstance(self.r.object("refcount", "long"), int)


# --- Expiry --------------------------------------------------------------------------------

class ExpiryTest(RillTestCase):
    def test_expire_ttl_persist(self):
        self.r.set("k", "v")
        self.assertEqual(self.r.ttl("k"), -1)
        self.assertEqual(self.r.ttl("missing"), -2)
        self.assertEqual(self.r.pttl("missing"), -2)
        self.assertIs(self.r.expire("k", 100), True)
        self.assertIn(self.r.ttl("k"), (99, 100))
        self.assertIs(self.r.persist("k"), True)
        self.assertIs(self.r.persist("k"), False)
        self.assertEqual(self.r.ttl("k"), -1)
        self.assertIs(self.r.expire("missing", 100), False)

    def test_expire_nx_xx_gt_lt(self):
        self.r.set("k", "v")
        self.assertIs(self.r.expire("k", 100, xx=True), False)
        self.assertIs(self.r.expire("k", 100, nx=True), True)
        self.assertIs(self.r.expire("k", 200, nx=True), False)
        self.assertIs(self.r.expire("k", 50, gt=True), False)
        self.assertIs(self.r.expire("k", 200, gt=True), True)
        self.assertIs(self.r.expire("k", 300, lt=True), False)
        self.assertIs(self.r.expire("k", 150, lt=True), True)
        self.assertIn(self.r.ttl("k"), (149, 150))
        self.assertRaisesExactly(
            redis.ResponseError,
            "NX and XX, GT or LT options at the same time are not compatible",
            self.r.execute_command, "EXPIRE", "k", "10", "NX", "XX")
        self.assertRaisesExactly(redis.ResponseError,
                                 "GT and LT options at the same time are not compatible",
                                 self.r.execute_command, "EXPIRE", "k", "10", "GT", "LT")
        self.assertRaisesExactly(redis.ResponseError, "Unsupported option BOGUS",
                                 self.r.execute_command, "EXPIRE", "k", "10", "BOGUS")

    def test_absolute_expiry_and_expiretime(self):
        self.r.set("k", "v")
        at = int(time.time()) + 1000
        self.assertIs(self.r.expireat("k", at), True)
        self.assertEqual(self.r.expiretime("k"), at)
        self.assertEqual(self.r.execute_command("PEXPIRETIME", "k"), at * 1000)
        self.assertIs(self.r.pexpireat("k", at * 1000 + 500), True)
        self.assertEqual(self.r.execute_command("PEXPIRETIME", "k"), at * 1000 + 500)
        self.assertEqual(self.r.expiretime("missing"), -2)
        self.r.set("noexp", "v")
        self.assertEqual(self.r.expiretime("noexp"), -1)

    def test_expire_in_the_past_deletes_the_key(self):
        self.r.set("a", "v")
        self.r.set("b", "v")
        self.r.set("c", "v")
        self.assertIs(self.r.expire("a", -1), True)
        self.assertIs(self.r.pexpireat("b", 1), True)
        self.assertIs(self.r.expireat("c", int(time.time()) - 10), True)
        self.assertEqual(self.r.exists("a", "b", "c"), 0)

    def test_expire_rejects_overflowing_times(self):
        self.r.set("k", "v")
        self.assertRaisesExactly(redis.ResponseError, "invalid expire time in 'expire' command",
                                 self.r.expire, "k", 2**63 - 1)
        self.assertRaisesExactly(redis.ResponseError, "invalid expire time in 'pexpire' command",
                                 self.r.pexpire, "k", 2**63 - 1)
        self.assertRaisesExactly(redis.ResponseError, "value is not an integer or out of range",
                                 self.r.execute_command, "EXPIRE", "k", "soon")

    def test_key_is_gone_after_its_ttl(self):
        self.r.set("k", "v", px=60)
        self.r.set("keep", "v")
        time.sleep(0.15)
        self.assertIsNone(self.r.get("k"))
        self.assertEqual(self.r.exists("k"), 0)
        self.assertEqual(self.r.ttl("k"), -2)
        self.assertEqual(self.r.get("keep"), b"v")

    def test_active_expiry_removes_untouched_keys(self):
        self.r.mset({f"k{i}": "v" for i in range(50)})
        for i in range(50):
            self.r.pexpire(f"k{i}", 50)
        self.r.set("keep", "v")
        deadline = time.time() + 5
        while time.time() < deadline and self.r.dbsize() > 1:
            time.sleep(0.1)
        self.assertEqual(self.r.dbsize(), 1)
        self.assertGreaterEqual(self.r.info("stats")["expired_keys"], 50)

    def test_renamed_key_keeps_its_ttl(self):
        self.r.set("k", "v", ex=100)
        self.r.rename("k", "k2")
        self.assertIn(self.r.ttl("k2"), (99, 100))

    def test_keyspace_info_counts_expires(self):
        self.r.set("a", "v", ex=100)
        self.r.set("b", "v")
        db0 = self.r.info("keyspace")["db0"]
        self.assertEqual(db0["keys"], 2)
        self.assertEqual(db0["expires"], 1)


# --- Keyspace ------------------------------------------------------------------------------

class KeyspaceTest(RillTestCase):
    def test_scan_iter_visits_every_key_exactly_once(self):
        keys = {f"key:{i}".encode() for i in range(1000)}
        pipe = self.r.pipeline(transaction=False)
        for k in keys:
            pipe.set(k, "v")
        pipe.execute()
        seen = list(self.r.scan_iter(count=37))
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(set(seen), keys)
        self.assertEqual(set(self.r.scan_iter(match="key:99*")),
                         {b"key:99"} | {b"key:99%d" % i for i in range(10)})
        self.assertEqual(len(list(self.r.scan_iter(_type="string", count=500))), 1000)
        self.assertEqual(list(self.r.scan_iter(_type="list")), [])

    def test_scan_cursor_and_errors(self):
        cursor, keys = self.r.scan(0)
        self.assertEqual((cursor, keys), (0, []))
        self.assertRaisesExactly(redis.ResponseError, "invalid cursor",
                                 self.r.execute_command, "SCAN", "abc")
        self.assertRaisesExactly(redis.ResponseError, "syntax error",
                                 self.r.execute_command, "SCAN", "0", "COUNT", "0")

    def test_keys_glob_patterns(self):
        self.r.mset({"hello": 1, "hallo": 1, "hxllo": 1, "hllo": 1, "heeeello": 1, "h*llo": 1})
        self.assertEqual(set(self.r.keys("h?llo")), {b"hello", b"hallo", b"hxllo", b"h*llo"})
        self.assertEqual(set(self.r.keys("h*llo")),
                         {b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello", b"h*llo"})
        self.assertEqual(set(self.r.keys("h[ae]llo")), {b"hello", b"hallo"})
        self.assertEqual(set(self.r.keys("h[^e]llo")), {b"hallo", b"hxllo", b"h*llo"})
        self.assertEqual(set(self.r.keys("h[a-b]llo")), {b"hallo"})
        self.assertEqual(self.r.keys("h\\*llo"), [b"h*llo"])
        self.assertEqual(len(self.r.keys("*")), 6)

    def test_exists_touch_del_unlink_type(self):
        self.r.mset({"a": 1, "b": 2, "c": 3})
        self.assertEqual(self.r.exists("a", "a", "missing"), 2)
        self.assertEqual(self.r.touch("a", "b", "missing"), 2)
        self.assertEqual(self.r.type("a"), b"string")
        self.assertEqual(self.r.type("missing"), b"none")
        self.assertEqual(self.r.delete("a", "missing"), 1)
        self.assertEqual(self.r.unlink("b", "c", "c"), 2)
        self.assertEqual(self.r.dbsize(), 0)

    def test_randomkey(self):
        self.assertIsNone(self.r.randomkey())
        self.r.mset({"a": 1, "b": 2})
        for _ in range(10):
            self.assertIn(self.r.randomkey(), (b"a", b"b"))

    def test_rename_and_renamenx(self):
        self.r.set("a", "1")
        self.r.set("b", "2")
        self.assertIs(self.r.rename("a", "c"), True)
        self.assertEqual((self.r.get("a"), self.r.get("c")), (None, b"1"))
        self.assertIs(self.r.renamenx("c", "b"), False)
        self.assertIs(self.r.renamenx("c", "d"), True)
        self.assertEqual(self.r.get("d"), b"1")
        self.assertIs(self.r.rename("d", "d"), True)
        self.assertEqual(self.r.get("d"), b"1")
        self.assertRaisesExactly(redis.ResponseError, "no such key", self.r.rename, "zz", "y")
        self.assertRaisesExactly(redis.ResponseError, "no such key", self.r.renamenx, "zz", "y")

    def test_copy(self):
        self.r.set("src", "v", ex=100)
        self.r.set("dst", "old")
        self.assertIs(self.r.copy("src", "dst"), False)
        self.assertIs(self.r.copy("src", "dst", replace=True), True)
        self.assertEqual(self.r.get("dst"), b"v")
        self.assertIn(self.r.ttl("dst"), (99, 100))
        self.assertIs(self.r.copy("src", "dst2", destination_db=3), True)
        self.assertEqual(self.client(db=3).get("dst2"), b"v")
        self.assertIs(self.r.copy("missing", "x"), False)
        self.assertRaisesExactly(redis.ResponseError,
                                 "source and destination objects are the same",
                                 self.r.copy, "src", "src")
        self.assertRaisesExactly(redis.ResponseError, "DB index is out of range",
                                 self.r.copy, "src", "x", destination_db=16)

    def test_copy_db_argument_must_be_an_integer(self):
        self.r.set("src", "v")
        self.assertRaisesExactly(redis.ResponseError, "value is not an integer or out of range",
                                 self.r.copy, "src", "x", destination_db="abc")

    def test_move(self):
        db1 = self.client(db=1)
        self.r.set("k", "v")
        self.assertIs(self.r.move("k", 1), True)
        self.assertIsNone(self.r.get("k"))
        self.assertEqual(db1.get("k"), b"v")
        self.r.set("k", "other")
        self.assertIs(self.r.move("k", 1), False)
        self.assertIs(self.r.move("missing", 1), False)
        self.assertRaisesExactly(redis.ResponseError,
                                 "source and destination objects are the same",
                                 self.r.move, "k", 0)
        self.assertRaisesExactly(redis.ResponseError, "DB index is out of range",
                                 self.r.move, "k", 16)

    def test_move_db_argument_must_be_an_integer(self):
        self.r.set("k", "v")
        self.assertRaisesExactly(redis.ResponseError, "value is not an integer or out of range",
                                 self.r.move, "k", "abc")

    def test_swapdb(self):
        db5 = self.client(db=5)
        self.r.set("in0", "a")
        db5.set("in5", "b")
        self.assertIs(self.r.swapdb(0, 5), True)
        self.assertEqual((self.r.get("in5"), self.r.get("in0")), (b"b", None))
        self.assertEqual((db5.get("in0"), db5.get("in5")), (b"a", None))
        self.assertRaisesExactly(redis.ResponseError, "DB index is out of range",
                                 self.r.swapdb, 0, 16)
        self.assertRaisesExactly(redis.ResponseError, "invalid first DB index",
                                 self.r.execute_command, "SWAPDB", "x", "1")

    def test_select_and_per_db_isolation(self):
        db15 = self.client(db=15)
        db15.set("k", "15")
        self.r.set("k", "0")
        self.assertEqual(db15.get("k"), b"15")
        self.assertEqual(self.r.get("k"), b"0")
        self.assertEqual(db15.dbsize(), 1)
        db15.flushdb()
        self.assertEqual(db15.dbsize(), 0)
        self.assertEqual(self.r.dbsize(), 1)
        self.assertRaisesExactly(redis.ResponseError, "DB index is out of range",
                                 self.r.execute_command, "SELECT", "16")

    def test_flushall_empties_every_db(self):
        self.client(db=7).set("k", "v")
        self.r.set("k", "v")
        self.assertIs(self.r.flushall(), True)
        self.assertNotIn("db7", self.r.info("keyspace"))
        self.assertEqual(self.r.dbsize(), 0)


# --- Transactions --------------------------------------------------------------------------

class TransactionTest(RillTestCase):
    def test_pipeline_transaction_returns_every_result(self):
        pipe = self.r.pipeline(transaction=True)
        pipe.set("a", "1").incr("a").incrby("a", 5).get("a").mget("a", "missing")
        self.assertEqual(pipe.execute(), [True, 2, 7, b"7", [b"7", None]])

    def test_runtime_error_inside_exec_does_not_abort_the_rest(self):
        self.r.set("s", "text")
        pipe = self.r.pipeline(transaction=True)
        pipe.set("a", "1").incr("s").incr("a")
        results = pipe.execute(raise_on_error=False)
        self.assertEqual(results[0], True)
        self.assertIsInstance(results[1], redis.ResponseError)
        self.assertEqual(str(results[1]), "value is not an integer or out of range")
        self.assertEqual(results[2], 2)
        self.assertEqual(self.r.get("a"), b"2")

    def test_queue_time_error_aborts_with_execabort(self):
        conn = self.raw()
        self.assertEqual(conn.call("MULTI"), b"+OK\r\n")
        self.assertEqual(conn.call("SET", "a", "1"), b"+QUEUED\r\n")
        self.assertEqual(conn.call("GET"),
                         b"-ERR wrong number of arguments for 'get' command\r\n")
        self.assertEqual(conn.call("EXEC"),
                         b"-EXECABORT Transaction discarded because of previous errors.\r\n")
        self.assertIsNone(self.r.get("a"))

    def test_execabort_reaches_redis_py_as_an_error(self):
        pipe = self.r.pipeline(transaction=True)
        pipe.set("a", "1")
        pipe.execute_command("GET")
        with self.assertRaises(redis.ResponseError) as cm:
            pipe.execute()
        self.assertIn("wrong number of arguments for 'get' command", str(cm.exception))
        self.assertIsNone(self.r.get("a"))

    def test_multi_exec_discard_errors(self):
        self.assertRaisesExactly(redis.ResponseError, "EXEC without MULTI",
                                 self.r.execute_command, "EXEC")
        self.assertRaisesExactly(redis.ResponseError, "DISCARD without MULTI",
                                 self.r.execute_command, "DISCARD")
        conn = self.raw()
        conn.call("MULTI")
        self.assertEqual(conn.call("MULTI"), b"-ERR MULTI calls can not be nested\r\n")
        self.assertEqual(conn.call("WATCH", "x"), b"-ERR WATCH inside MULTI is not allowed\r\n")
        self.assertEqual(conn.call("SET", "x", "1"), b"+QUEUED\r\n")
        self.assertEqual(conn.call("DISCARD"), b"+OK\r\n")
        self.assertEqual(conn.call("EXISTS", "x"), b":0\r\n")

    def test_watch_conflict_raises_watch_error(self):
        other = self.client()
        self.r.set("balance", "10")
        with self.r.pipeline() as pipe:
            pipe.watch("balance")
            value = int(pipe.get("balance"))
            other.set("balance", "0")
            pipe.multi()
            pipe.set("balance", value + 5)
            with self.assertRaises(redis.WatchError):
                pipe.execute()
        self.assertEqual(self.r.get("balance"), b"0")

    def test_watch_without_conflict_commits(self):
        self.r.set("balance", "10")
        with self.r.pipeline() as pipe:
            pipe.watch("balance")
            value = int(pipe.get("balance"))
            pipe.multi()
            pipe.set("balance", value + 5)
            self.assertEqual(pipe.execute(), [True])
        self.assertEqual(self.r.get("balance"), b"15")

    def test_transaction_helper_retries_after_conflict(self):
        other = self.client()
        self.r.set("counter", "0")
        attempts = []

        def bump(pipe):
            value = int(pipe.get("counter"))
            if not attempts:
                other.incr("counter")  # first attempt loses the race
            attempts.append(value)
            pipe.multi()
            pipe.set("counter", value + 100)

        self.r.transaction(bump, "counter")
        self.assertEqual(attempts, [0, 1])
        self.assertEqual(self.r.get("counter"), b"101")

    def test_watched_key_touched_by_expire_delete_rename_flush_swapdb(self):
        other = self.client()
        writers = {
            "expire": lambda: other.expire("w", 100),
            "delete": lambda: other.delete("w"),
            "rename": lambda: other.rename("w", "w2"),
            "flushall": lambda: other.flushall(),
            "swapdb": lambda: other.swapdb(0, 9),
        }
        for name, write in writers.items():
            with self.subTest(writer=name):
                self.r.flushall()
                self.r.set("w", "v")
                with self.r.pipeline() as pipe:
                    pipe.watch("w")
                    write()
                    pipe.multi()
                    pipe.set("result", name)
                    with self.assertRaises(redis.WatchError):
                        pipe.execute()
                self.assertIsNone(self.r.get("result"))

    def test_unwatch_forgets_watched_keys(self):
        other = self.client()
        conn = self.raw()
        self.r.set("w", "v")
        self.assertEqual(conn.call("WATCH", "w"), b"+OK\r\n")
        other.set("w", "changed")
        self.assertEqual(conn.call("UNWATCH"), b"+OK\r\n")
        conn.call("MULTI")
        conn.call("SET", "w", "mine")
        self.assertEqual(conn.call("EXEC"), b"*1\r\n+OK\r\n")
        self.assertEqual(self.r.get("w"), b"mine")

    def test_watch_conflict_gives_null_array_on_the_wire(self):
        conn = self.raw()
        self.r.set("w", "v")
        conn.call("WATCH", "w")
        self.r.set("w", "v2")
        conn.call("MULTI")
        conn.call("GET", "w")
        self.assertEqual(conn.call("EXEC"), b"*-1\r\n")


# --- Pub/Sub -------------------------------------------------------------------------------

def wait_message(pubsub, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = pubsub.get_message(timeout=0.1)
        if msg is not None:
            return msg
    return None


class PubSubTest(RillTestCase):
    def pubsub(self, **kwargs):
        p = self.r.pubsub(**kwargs)
        self._extra.append(p)
        return p

    def test_subscribe_publish_get_message(self):
        p = self.pubsub()
        p.subscribe("news")
        self.assertEqual(wait_message(p),
                         {"type": "subscribe", "pattern": None, "channel": b"news", "data": 1})
        self.assertEqual(self.r.publish("news", "hello"), 1)
        self.assertEqual(self.r.publish("nobody", "hello"), 0)
        self.assertEqual(wait_message(p),
                         {"type": "message", "pattern": None, "channel": b"news",
                          "data": b"hello"})

    def test_pattern_subscription(self):
        p = self.pubsub(ignore_subscribe_messages=True)
        p.psubscribe("news.*")
        wait_message(p, timeout=0.3)  # consume the confirmation
        self.assertEqual(self.r.publish("news.sport", "goal"), 1)
        self.assertEqual(wait_message(p),
                         {"type": "pmessage", "pattern": b"news.*", "channel": b"news.sport",
                          "data": b"goal"})
        self.assertEqual(self.r.publish("weather", "rain"), 0)
        self.assertIsNone(wait_message(p, timeout=0.3))

    def test_channel_and_pattern_both_deliver(self):
        p = self.pubsub(ignore_subscribe_messages=True)
        p.subscribe("a.b")
        p.psubscribe("a.*", "*")
        time.sleep(0.1)
        while wait_message(p, timeout=0.2):
            pass
        self.assertEqual(self.r.publish("a.b", "x"), 3)
        kinds = sorted((m["type"], m["pattern"]) for m in
                       (wait_message(p), wait_message(p), wait_message(p)) if m)
        self.assertEqual(kinds, [("message", None), ("pmessage", b"*"), ("pmessage", b"a.*")])

    def test_binary_payload_and_handlers(self):
        got = []
        p = self.pubsub(ignore_subscribe_messages=True)
        p.subscribe(**{"bin": lambda m: got.append(m["data"])})
        time.sleep(0.05)
        wait_message(p, timeout=0.2)
        payload = bytes(range(256)) * 4
        self.assertEqual(self.r.publish("bin", payload), 1)
        deadline = time.time() + 5
        while not got and time.time() < deadline:
            p.get_message(timeout=0.1)
        self.assertEqual(got, [payload])

    def test_pubsub_introspection(self):
        p = self.pubsub()
        p.subscribe("c1", "c2")
        p.psubscribe("p*")
        for _ in range(3):
            wait_message(p)
        self.assertEqual(sorted(self.r.pubsub_channels()), [b"c1", b"c2"])
        self.assertEqual(self.r.pubsub_channels("c1*"), [b"c1"])
        self.assertEqual(self.r.pubsub_numsub("c1", "c3"), [(b"c1", 1), (b"c3", 0)])
        self.assertEqual(self.r.pubsub_numpat(), 1)
        info = self.r.info("stats")
        self.assertEqual(info["pubsub_channels"], 2)
        self.assertEqual(info["pubsub_patterns"], 1)
        p.unsubscribe()
        p.punsubscribe()
        counts = [wait_message(p) for _ in range(3)]
        self.assertEqual(sorted(m["type"] for m in counts),
                         ["punsubscribe", "unsubscribe", "unsubscribe"])
        self.assertEqual(min(m["data"] for m in counts), 0)
        self.assertEqual(self.r.pubsub_channels(), [])
        self.assertEqual(self.r.pubsub_numpat(), 0)

    def test_ping_in_subscribed_mode(self):
        p = self.pubsub()
        p.subscribe("c")
        wait_message(p)
        p.ping("hi")
        self.assertEqual(wait_message(p),
                         {"type": "pong", "pattern": None, "channel": None, "data": b"hi"})

    def test_only_pubsub_commands_allowed_in_subscribed_mode_resp2(self):
        conn = self.raw()
        self.assertEqual(conn.call("SUBSCRIBE", "c"),
                         b"*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
        self.assertEqual(
            conn.call("GET", "k"),
            b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT"
            b" / RESET are allowed in this context\r\n")
        self.assertEqual(conn.call("PING"), b"*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        self.assertEqual(conn.call("UNSUBSCRIBE", "c"),
                         b"*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n")
        self.assertEqual(conn.call("GET", "k"), b"$-1\r\n")

    def test_unsubscribe_without_subscriptions(self):
        conn = self.raw()
        self.assertEqual(conn.call("UNSUBSCRIBE"), b"*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
        self.assertEqual(conn.call("PUNSUBSCRIBE"),
                         b"*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n")

    def test_resp3_push_messages_and_normal_commands(self):
        conn = self.raw()
        self.assertTrue(conn.call("HELLO", "3").startswith(b"%7\r\n"))
        self.assertEqual(conn.call("SUBSCRIBE", "c"), b">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
        self.assertEqual(conn.call("SET", "k", "v"), b"+OK\r\n")  # RESP3 allows any command
        self.r.publish("c", "m")
        self.assertEqual(conn.read_reply(), b">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n")


# --- Connection and client commands -------------------------------------------------------

class ClientTest(RillTestCase):
    def own_entry(self, client):
        my_id = client.client_id()
        entries = [c for c in self.r.client_list() if int(c["id"]) == my_id]
        self.assertEqual(len(entries), 1, "CLIENT LIST must show each client once")
        return entries[0]

    def test_ping_echo_time_role_dbsize(self):
        self.assertIs(self.r.ping(), True)
        self.assertEqual(self.raw().call("PING", "hi"), b"$2\r\nhi\r\n")
        self.assertEqual(self.r.echo(b"a\x00b"), b"a\x00b")
        secs, usecs = self.r.time()
        self.assertLess(abs(secs - time.time()), 5)
        self.assertTrue(0 <= usecs < 1000000)
        self.assertEqual(self.r.role(), [b"master", 0, []])
        self.assertEqual(self.r.dbsize(), 0)

    def test_hello_resp2_and_resp3(self):
        reply = self.r.execute_command("HELLO", "2")
        fields = dict(zip(reply[::2], reply[1::2]))
        self.assertEqual(fields[b"server"], b"redis")
        self.assertTrue(fields[b"version"].startswith(b"7.2."), fields[b"version"])
        self.assertEqual(fields[b"proto"], 2)
        self.assertEqual(fields[b"role"], b"master")
        self.assertEqual(fields[b"mode"], b"standalone")
        conn = self.raw()
        reply3 = conn.call("HELLO", "3", "SETNAME", "resp3-client")
        self.assertTrue(reply3.startswith(b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n"), reply3)
        self.assertIn(b"$5\r\nproto\r\n:3\r\n", reply3)
        self.assertEqual(conn.call("CLIENT", "GETNAME"), b"$12\r\nresp3-client\r\n")
        self.assertEqual(conn.call("GET", "missing"), b"_\r\n")
        self.assertEqual(conn.call("CONFIG", "GET", "maxmemory"),
                         b"%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n")
        self.assertRaisesExactly(redis.ResponseError, "NOPROTO unsupported protocol version",
                                 self.r.execute_command, "HELLO", "4")

    def test_client_id_setname_getname_list_info(self):
        self.assertIsNone(self.r.client_getname())
        self.assertIs(self.r.client_setname("compat-test"), True)
        self.assertEqual(self.r.client_getname(), "compat-test")
        entry = self.own_entry(self.r)
        self.assertEqual(entry["name"], "compat-test")
        self.assertEqual(entry["db"], "0")
        self.assertEqual(entry["cmd"], "client|list")
        self.assertEqual(entry["laddr"].rsplit(":", 1)[1], str(PORT))
        info = self.r.client_info()
        self.assertEqual(info["name"], "compat-test")
        self.assertEqual(int(info["id"]), self.r.client_id())
        self.assertEqual(info["cmd"], "client|info")
        self.assertEqual(info["resp"].strip(), "2")
        self.assertRaisesExactly(
            redis.ResponseError,
            "Client names cannot contain spaces, newlines or special characters.",
            self.r.client_setname, "has space")

    def test_client_list_type_and_id_filters(self):
        other = self.client()
        other.ping()
        ids = sorted(int(c["id"]) for c in self.r.execute_command(
            "CLIENT LIST", "ID", self.r.client_id(), other.client_id()))
        self.assertEqual(ids, sorted([self.r.client_id(), other.client_id()]))
        self.assertTrue(all(c["flags"] == "N" for c in self.r.client_list(_type="normal")))
        self.assertEqual(self.r.client_list(_type="pubsub"), [])

    def test_client_setinfo_shows_in_client_info(self):
        self.assertEqual(self.r.execute_command("CLIENT", "SETINFO", "LIB-NAME", "rill-compat"),
                         b"OK")
        self.assertEqual(self.r.execute_command("CLIENT", "SETINFO", "LIB-VER", "1.2.3"), b"OK")
        info = self.r.client_info()
        self.assertEqual((info["lib-name"], info["lib-ver"].strip()), ("rill-compat", "1.2.3"))
        self.assertRaisesExactly(redis.ResponseError, "Unrecognized option 'BOGUS'",
                                 self.r.execute_command, "CLIENT", "SETINFO", "BOGUS", "x")

    def test_client_kill_by_id_addr_and_type(self):
        victim = RawClient()
        self._extra.append(victim)
        victim_id = int(victim.call("CLIENT", "ID")[1:-2])
        self.assertEqual(self.r.client_kill_filter(_id=victim_id), 1)
        self.assertEqual(victim.read_until_closed(), b"")

        victim2 = self.client()
        victim2.client_setname("victim2")
        addr = [c["addr"] for c in self.r.client_list() if c["name"] == "victim2"][0]
        self.assertIs(self.r.client_kill(addr), True)
        self.assertRaisesExactly(redis.ResponseError, "No such client",
                                 self.r.client_kill, addr)

        p = self.r.pubsub()
        self._extra.append(p)
        p.subscribe("c")
        wait_message(p)
        self.assertEqual(self.r.client_kill_filter(_type="pubsub"), 1)
        self.assertEqual(self.r.pubsub_numsub("c"), [(b"c", 0)])
        self.assertEqual(self.r.client_kill_filter(_id=999999999), 0)

    def test_client_kill_skipme_and_laddr(self):
        others = [RawClient() for _ in range(3)]
        self._extra.extend(others)
        for o in others:
            o.call("PING")
        laddr = f"{HOST}:{PORT}"
        killed = self.r.client_kill_filter(laddr=laddr, skipme=True)
        self.assertGreaterEqual(killed, 3)
        self.assertIs(self.r.ping(), True)
        for o in others:
            self.assertEqual(o.read_until_closed(), b"")
        self.assertRaisesExactly(redis.ResponseError, "syntax error",
                                 self.r.execute_command, "CLIENT", "KILL", "SKIPME", "maybe")

    def test_client_kill_unknown_type_is_an_error(self):
        self.assertRaisesExactly(redis.ResponseError, "Unknown client type 'bogus'",
                                 self.r.execute_command, "CLIENT", "KILL", "TYPE", "bogus")

    def test_client_list_type_and_id_together_is_a_syntax_error(self):
        self.assertRaisesExactly(redis.ResponseError, "syntax error",
                                 self.r.execute_command, "CLIENT", "LIST", "TYPE", "normal",
                                 "ID", str(self.r.client_id()))

    def test_client_kill_maxage_is_not_in_redis_7_2(self):
        # MAXAGE arrived in Redis 7.4; a 7.2 server answers a syntax error.
        self.assertRaisesExactly(redis.ResponseError, "syntax error",
                                 self.r.execute_command, "CLIENT", "KILL", "MAXAGE", "1000")

    def test_client_pause_blocks_writes_until_unpause(self):
        writer = self.client()
        done = threading.Event()

        def write():
            writer.set("paused", "1")
            done.set()

        self.assertIs(self.r.client_pause(5000, all=False), True)
        try:
            self.assertEqual(self.client().get("paused"), None)  # reads still served
            t = threading.Thread(target=write)
            t.start()
            self.assertFalse(done.wait(0.3), "a write ran during CLIENT PAUSE WRITE")
        finally:
            self.r.client_unpause()
        self.assertTrue(done.wait(3), "the paused write did not resume after CLIENT UNPAUSE")
        t.join()
        self.assertEqual(self.r.get("paused"), b"1")

    def test_client_pause_expires_by_itself(self):
        other = self.client()
        self.r.client_pause(300, all=True)
        start = time.time()
        other.ping()
        self.assertGreaterEqual(time.time() - start, 0.2)
        self.assertRaisesExactly(redis.ResponseError, "timeout is not an integer or out of range",
                                 self.r.execute_command, "CLIENT", "PAUSE", "soon")
        self.assertRaisesExactly(redis.ResponseError, "CLIENT PAUSE mode must be WRITE or ALL",
                                 self.r.execute_command, "CLIENT", "PAUSE", "10", "SOME")

    def test_client_reply_off_skip_on(self):
        conn = self.raw()
        conn.send("CLIENT", "REPLY", "OFF")
        conn.send("SET", "a", "1")
        conn.send("CLIENT", "REPLY", "SKIP")  # ignored while OFF
        conn.send("CLIENT", "REPLY", "ON")
        self.assertEqual(conn.read_reply(), b"+OK\r\n")
        conn.send("CLIENT", "REPLY", "SKIP")
        conn.send("GET", "a")
        self.assertEqual(conn.call("GET", "a"), b"$1\r\n1\r\n")

    def test_client_no_evict_and_help(self):
        self.assertEqual(self.r.client_no_evict("on"), b"OK")
        self.assertEqual(self.r.client_no_evict("off"), b"OK")
        helptext = self.r.execute_command("CLIENT", "HELP")
        self.assertTrue(helptext[0].startswith(b"CLIENT <subcommand>"), helptext[0])
        self.assertRaisesExactly(redis.ResponseError,
                                 "unknown subcommand 'BOGUS'. Try CLIENT HELP.",
                                 self.r.execute_command, "CLIENT", "BOGUS")

    def test_auth_without_password_configured(self):
        self.assertRaisesExactly(
            redis.ResponseError,
            "AUTH <password> called without any password configured for the default user. "
            "Are you sure your configuration is correct?",
            self.r.execute_command, "AUTH", "secret")

    def test_requirepass_noauth_wrongpass_and_auth(self):
        self.r.config_set("requirepass", "s3cret")
        try:
            anon = self.client()
            self.assertRaisesExactly(redis.AuthenticationError, "Authentication required.",
                                     anon.get, "k")
            self.assertRaisesExactly(
                redis.ResponseError,
                "WRONGPASS invalid username-password pair or user is disabled.",
                anon.execute_command, "AUTH", "wrong")
            self.assertIs(anon.execute_command("AUTH", "s3cret"), True)
            self.assertIsNone(anon.get("k"))
            authed = self.client(password="s3cret")
            self.assertIs(authed.ping(), True)
            reply = authed.execute_command("HELLO", "2", "AUTH", "default", "s3cret")
            self.assertIn(b"proto", reply)
        finally:
            self.r.config_set("requirepass", "")

    def test_reset_restores_connection_defaults(self):
        conn = self.raw()
        conn.call("SELECT", "3")
        conn.call("CLIENT", "SETNAME", "before-reset")
        conn.call("MULTI")
        self.assertEqual(conn.call("RESET"), b"+RESET\r\n")
        self.assertEqual(conn.call("CLIENT", "GETNAME"), b"$-1\r\n")
        self.assertEqual(conn.call("SET", "k", "db0"), b"+OK\r\n")  # not QUEUED: MULTI ended
        self.assertEqual(self.r.get("k"), b"db0")

    def test_quit_closes_after_ok(self):
        conn = self.raw()
        conn.send("QUIT")
        self.assertEqual(conn.read_until_closed(), b"+OK\r\n")

    def test_monitor_connection_cannot_touch_the_keyspace(self):
        # MONITOR turns the connection into a replica-like client: keyspace commands are refused.
        conn = self.raw()
        self.assertEqual(conn.call("MONITOR"), b"+OK\r\n")
        self.assertEqual(conn.call("SET", "k", "v"),
                         b"-ERR Replica can't interact with the keyspace\r\n")
        self.assertIsNone(self.r.get("k"))

    def test_monitor_inside_multi_fails_at_exec(self):
        conn = self.raw()
        self.assertEqual(conn.call("MULTI"), b"+OK\r\n")
        self.assertEqual(conn.call("MONITOR"), b"+QUEUED\r\n")
        self.assertEqual(conn.call("EXEC"),
                         b"*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n")
        self.assertEqual(conn.call("PING"), b"+PONG\r\n")

    def test_monitor_streams_commands(self):
        with self.client().monitor() as m:
            self.r.set("watched-key", "a b")
            deadline = time.time() + 5
            while time.time() < deadline:
                entry = m.next_command()
                if entry["command"].startswith("SET"):
                    break
            self.assertEqual(entry["command"], "SET watched-key a b")
            self.assertEqual(entry["db"], 0)


# --- Server: CONFIG, INFO, SLOWLOG, COMMAND, DEBUG -----------------------------------------

class ConfigTest(RillTestCase):
    def test_config_get_set_round_trip(self):
        old = self.r.config_get("maxmemory")["maxmemory"]
        try:
            self.assertIs(self.r.config_set("maxmemory", "10mb"), True)
            self.assertEqual(self.r.config_get("maxmemory"), {"maxmemory": "10485760"})
        finally:
            self.r.config_set("maxmemory", old)

    def test_config_get_glob_and_multiple_patterns(self):
        got = self.r.config_get("maxmemory*")
        self.assertIn("maxmemory", got)
        self.assertIn("maxmemory-policy", got)
        self.assertTrue(all(k.startswith("maxmemory") for k in got))
        both = self.r.config_get("hz", "databases")
        self.assertEqual(both, {"hz": "10", "databases": "16"})
        self.assertEqual(self.r.config_get("no-such-directive"), {})

    def test_config_set_many_is_atomic(self):
        before = self.r.config_get("slowlog-*")
        try:
            self.assertEqual(self.r.execute_command(
                "CONFIG", "SET", "slowlog-max-len", "200", "slowlog-log-slower-than", "5000"),
                b"OK")
            self.assertEqual(self.r.config_get("slowlog-max-len"), {"slowlog-max-len": "200"})
            with self.assertRaises(redis.ResponseError):
                self.r.execute_command("CONFIG", "SET", "slowlog-max-len", "300",
                                       "maxmemory", "lots")
            self.assertEqual(self.r.config_get("slowlog-max-len"), {"slowlog-max-len": "200"})
        finally:
            self.r.config_set("slowlog-max-len", before["slowlog-max-len"])
            self.r.config_set("slowlog-log-slower-than", before["slowlog-log-slower-than"])

    def test_config_errors(self):
        self.assertRaisesExactly(
            redis.ResponseError,
            "CONFIG SET failed (possibly related to argument 'maxmemory') - "
            "argument must be a memory value",
            self.r.config_set, "maxmemory", "lots")
        self.assertRaisesExactly(
            redis.ResponseError,
            "Unknown option or number of arguments for CONFIG SET - 'no-such-directive'",
            self.r.config_set, "no-such-directive", "1")
        self.assertRaisesExactly(
            redis.ResponseError,
            "CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
            "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
            "noeviction",
            self.r.config_set, "maxmemory-policy", "sometimes")
        self.assertRaisesExactly(redis.ResponseError,
                                 "unknown subcommand 'BOGUS'. Try CONFIG HELP.",
                                 self.r.execute_command, "CONFIG", "BOGUS")
        self.assertRaisesExactly(redis.ResponseError, "The server is running without a config file",
                                 self.r.config_rewrite)

    def test_config_set_hz_clamps_like_redis(self):
        # Redis accepts any hz >= 0 and clamps it into [1, 500].
        try:
            self.assertIs(self.r.config_set("hz", "0"), True)
            self.assertEqual(self.r.config_get("hz"), {"hz": "1"})
            self.assertIs(self.r.config_set("hz", "1000"), True)
            self.assertEqual(self.r.config_get("hz"), {"hz": "500"})
        finally:
            self.r.config_set("hz", "10")

    def test_maxmemory_refuses_writes_with_oom(self):
        self.r.set("existing", "v")
        try:
            self.r.config_set("maxmemory", "1")
            self.assertRaisesExactly(
                redis.ResponseError,
                "OOM command not allowed when used memory > 'maxmemory'.",
                self.r.set, "k", "v")
            self.assertEqual(self.r.get("existing"), b"v")  # reads still work
            self.assertEqual(self.r.delete("existing"), 1)   # DEL is not deny-oom
        finally:
            self.r.config_set("maxmemory", "0")
        self.assertIs(self.r.set("k", "v"), True)

    def test_allkeys_lru_evicts_old_keys_to_make_room(self):
        used = self.r.info("memory")["used_memory"]
        limit = used + 2 * 1024 * 1024
        try:
            self.r.config_set("maxmemory-policy", "allkeys-lru")
            self.r.config_set("maxmemory", str(limit))
            for start in range(0, 4000, 100):
                pipe = self.r.pipeline(transaction=False)
                for i in range(start, start + 100):
                    pipe.set(f"evict:{i}", "x" * 1000)
                pipe.execute()  # eviction makes room: no OOM error
            self.assertGreater(self.r.info("stats")["evicted_keys"], 0)
            self.assertTrue(500 < self.r.dbsize() < 4000, self.r.dbsize())
            self.assertEqual(self.r.get("evict:3999"), b"x" * 1000)  # the newest key survives
        finally:
            self.r.config_set("maxmemory", "0")
            self.r.config_set("maxmemory-policy", "noeviction")

    def test_maxclients_refuses_the_extra_connection(self):
        old = self.r.config_get("maxclients")["maxclients"]
        connected = self.r.info("clients")["connected_clients"]
        try:
            self.r.config_set("maxclients", str(connected + 1))
            first = self.raw()
            self.assertEqual(first.call("PING"), b"+PONG\r\n")
            extra = self.raw()
            try:
                extra.send("PING")
            except OSError:
                pass
            self.assertEqual(extra.read_until_closed(),
                             b"-ERR max number of clients reached\r\n")
        finally:
            self.r.config_set("maxclients", old)
        self.assertGreaterEqual(self.r.info("stats")["rejected_connections"], 1)

    def test_timeout_closes_idle_clients_but_not_subscribers(self):
        try:
            self.r.config_set("timeout", "1")
            idle = self.raw()
            subscriber = self.raw()
            subscriber.call("SUBSCRIBE", "c")
            start = time.time()
            self.assertEqual(idle.read_until_closed(), b"")
            self.assertLess(time.time() - start, 4)
            self.assertEqual(subscriber.call("PING"), b"*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        finally:
            self.r.config_set("timeout", "0")

    def test_object_freq_under_lfu(self):
        self.r.set("k", "v")
        self.assertRaises(redis.ResponseError, self.r.object, "freq", "k")
        try:
            self.r.config_set("maxmemory-policy", "allkeys-lfu")
            self.r.set("k", "v")
            for _ in range(5):
                self.r.get("k")
            self.assertGreaterEqual(self.r.object("freq", "k"), 1)
            self.assertRaises(redis.ResponseError, self.r.object, "idletime", "k")
        finally:
            self.r.config_set("maxmemory-policy", "noeviction")


class InfoTest(RillTestCase):
    def test_default_info_parses_with_expected_fields(self):
        self.r.set("k", "v")
        info = self.r.info()
        self.assertTrue(str(info["redis_version"]).startswith("7.2."), info["redis_version"])
        self.assertEqual(info["tcp_port"], PORT)
        self.assertEqual(info["role"], "master")
        self.assertEqual(info["redis_mode"], "standalone")
        self.assertGreaterEqual(info["connected_clients"], 1)
        self.assertIsInstance(info["used_memory"], int)
        self.assertIsInstance(info["uptime_in_seconds"], int)
        self.assertEqual(info["db0"]["keys"], 1)
        for field in ("run_id", "process_id", "maxmemory_policy", "total_commands_processed",
                      "keyspace_hits", "keyspace_misses", "instantaneous_ops_per_sec",
                      "used_cpu_sys", "connected_slaves", "master_replid", "loading",
                      "cluster_enabled", "total_connections_received"):
            self.assertIn(field, info)

    def test_info_sections(self):
        reply = self.raw().call("INFO", "everything")
        raw = reply.split(b"\r\n", 1)[1].decode()
        for section in ("Server", "Clients", "Memory", "Persistence", "Stats", "Replication",
                        "CPU", "Modules", "Commandstats", "Errorstats", "Cluster", "Keyspace"):
            self.assertIn(f"# {section}\r\n", raw)
        only = self.r.info("server", "clients")
        self.assertIn("redis_version", only)
        self.assertIn("connected_clients", only)
        self.assertNotIn("used_memory", only)
        self.assertEqual(self.r.execute_command("INFO", "nosuchsection"), {})

    def test_hits_misses_and_commandstats(self):
        self.r.config_resetstat()
        self.r.set("k", "v")
        self.r.get("k")
        self.r.get("k")
        self.r.get("missing")
        stats = self.r.info("stats")
        self.assertEqual(stats["keyspace_hits"], 2)
        self.assertEqual(stats["keyspace_misses"], 1)
        cmd = self.r.info("commandstats")
        self.assertEqual(cmd["cmdstat_get"]["calls"], 3)
        self.assertEqual(cmd["cmdstat_set"]["calls"], 1)

    def test_errorstats_count_error_prefixes(self):
        self.r.config_resetstat()
        self.r.set("s", "x")
        for _ in range(2):
            with self.assertRaises(redis.ResponseError):
                self.r.incr("s")
        errs = self.r.info("errorstats")
        self.assertEqual(errs["errorstat_ERR"], "count=2")
        self.assertEqual(self.r.info("stats")["total_error_replies"], 2)
        self.assertEqual(self.r.info("commandstats")["cmdstat_incrby"]["failed_calls"], 2)


class SlowlogTest(RillTestCase):
    def test_slowlog_records_and_resets(self):
        before = self.r.config_get("slowlog-log-slower-than")["slowlog-log-slower-than"]
        try:
            self.r.slowlog_reset()
            self.r.config_set("slowlog-log-slower-than", "0")
            self.r.set("slow-key", "v")
            entries = self.r.slowlog_get()
            self.assertGreaterEqual(self.r.slowlog_len(), 1)
            cmds = [e["command"] for e in entries]
            self.assertIn(b"SET slow-key v", cmds)
            entry = entries[[i for i, c in enumerate(cmds) if c == b"SET slow-key v"][0]]
            self.assertIsInstance(entry["duration"], int)
            self.assertLess(abs(entry["start_time"] - time.time()), 10)
            self.assertEqual(len(self.r.slowlog_get(1)), 1)
            self.r.config_set("slowlog-log-slower-than", "-1")
            self.assertIs(self.r.slowlog_reset(), True)
            self.assertEqual(self.r.slowlog_len(), 0)
        finally:
            self.r.config_set("slowlog-log-slower-than", before)

    def test_debug_sleep_is_logged_as_slow(self):
        before = self.r.config_get("slowlog-log-slower-than")["slowlog-log-slower-than"]
        try:
            self.r.slowlog_reset()
            self.r.config_set("slowlog-log-slower-than", "20000")
            self.r.execute_command("DEBUG", "SLEEP", "0.05")
            entries = self.r.slowlog_get()
            self.assertEqual([e["command"] for e in entries], [b"DEBUG SLEEP 0.05"])
            self.assertGreaterEqual(entries[0]["duration"], 40000)
        finally:
            self.r.config_set("slowlog-log-slower-than", before)


# commands.json is taken from Debian's redis-server 7.0 (utils/snapshot-commands.py); these
# are the documented 7.2 changes to the commands we claim, applied on top of it.
REDIS_72_CHANGES = {
    # 7.2 lets COMMAND GETKEYS/GETKEYSANDFLAGS take a command without arguments.
    "command|getkeys": {"arity": -3},
    "command|getkeysandflags": {"arity": -3},
}


def load_snapshot():
    with open(COMMANDS_JSON, encoding="utf-8") as f:
        snapshot = json.load(f)
    for name, change in REDIS_72_CHANGES.items():
        if name in snapshot:
            snapshot[name].update(change)
    return snapshot


class CommandTest(RillTestCase):
    def raw_command_info(self, *names):
        self.r.response_callbacks.pop("COMMAND", None)
        return self.r.execute_command("COMMAND", "INFO", *names)

    def test_command_count_matches_command_output(self):
        count = self.r.command_count()
        self.raw_command_info("get")
        everything = self.r.execute_command("COMMAND")
        self.assertEqual(count, len(everything))
        self.assertGreaterEqual(count, 70)

    def test_command_list_includes_subcommands(self):
        names = set(self.r.command_list())
        for name in (b"get", b"set", b"config", b"config|get", b"client|kill",
                     b"command|info", b"object|encoding", b"pubsub|numsub"):
            self.assertIn(name, names)
        self.assertIn(b"config|get", self.r.command_list(pattern="config|*"))

    def test_command_info_matches_snapshot(self):
        snapshot = load_snapshot()
        mismatches = []
        for name, want in sorted(snapshot.items()):
            parent, _, sub = name.partition("|")
            info = self.raw_command_info(parent)[0]
            if info is None:
                mismatches.append(f"{name}: missing from COMMAND INFO")
                continue
            if sub:
                subs = {s[0].decode(): s for s in info[9]}
                info = subs.get(name)
                if info is None:
                    mismatches.append(f"{name}: subcommand missing from COMMAND INFO")
                    continue
            got = {"arity": info[1], "flags": sorted(f.decode() for f in info[2]),
                   "first_key": info[3], "last_key": info[4], "step": info[5]}
            for field in ("arity", "flags", "first_key", "last_key", "step"):
                expected = sorted(want[field]) if field == "flags" else want[field]
                if got[field] != expected:
                    mismatches.append(f"{name}: {field} is {got[field]}, Redis has {expected}")
        self.assertEqual(mismatches, [], "\n".join(mismatches))

    def test_command_info_unknown_command_is_a_null_bulk(self):
        conn = self.raw()
        self.assertEqual(conn.call("COMMAND", "INFO", "no-such-command"), b"*1\r\n$-1\r\n")

    def test_command_info_key_spec_flags_use_redis_spelling(self):
        # Redis spells the key-spec access flags in lower case ("access", "update", ...).
        conn = self.raw()
        reply = conn.call("COMMAND", "INFO", "get")
        self.assertIn(b"+RO\r\n+access\r\n", reply)

    def test_command_getkeys(self):
        self.assertEqual(self.r.command_getkeys("MSET", "a", "1", "b", "2"), ["a", "b"])
        self.assertEqual(self.r.command_getkeys("GET", "k"), ["k"])
        self.assertEqual(self.r.command_getkeysandflags("SET", "k", "v"),
                         [[b"k", [b"OW", b"update"]]])
        self.assertRaisesExactly(redis.ResponseError, "Invalid command specified",
                                 self.r.command_getkeys, "NOPE", "x")
        self.assertRaisesExactly(redis.ResponseError, "Invalid number of arguments specified "
                                 "for command", self.r.command_getkeys, "GET", "a", "b")

    def test_command_docs_for_get(self):
        self.r.response_callbacks.pop("COMMAND", None)
        reply = self.r.execute_command("COMMAND", "DOCS", "get")
        self.assertEqual(reply[0], b"get")
        doc = dict(zip(reply[1][::2], reply[1][1::2]))
        self.assertEqual(doc[b"group"], b"string")
        self.assertEqual(doc[b"since"], b"1.0.0")
        self.assertIn(b"summary", doc)

    def test_redis_py_command_parser(self):
        r = new_client()
        self._extra.append(r)
        table = r.command()
        self.assertEqual(table["get"]["arity"], 2)
        self.assertIn("readonly", table["get"]["flags"])
        self.assertEqual(table["mset"]["step_count"], 2)


class DebugFunctionTest(RillTestCase):
    def test_debug_object(self):
        self.r.set("k", "12345")
        obj = self.r.debug_object("k")
        self.assertEqual(obj["encoding"], "int")
        self.assertIn("serializedlength", obj)
        self.assertRaisesExactly(redis.ResponseError, "no such key",
                                 self.r.debug_object, "missing")

    def test_function_list_and_flush(self):
        self.assertEqual(self.r.function_list(), [])
        self.assertIs(self.r.function_flush(), True)


# --- Errors -------------------------------------------------------------------------------

class ErrorTextTest(RillTestCase):
    def test_unknown_command_and_arity_errors(self):
        self.assertRaisesExactly(
            redis.ResponseError,
            "unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'b' ",
            self.r.execute_command, "NOSUCHCOMMAND", "a", "b")
        self.assertRaisesExactly(redis.ResponseError,
                                 "wrong number of arguments for 'get' command",
                                 self.r.execute_command, "GET")
        self.assertRaisesExactly(redis.ResponseError,
                                 "wrong number of arguments for 'config|get' command",
                                 self.r.execute_command, "CONFIG", "GET")

    def test_not_an_integer_and_not_a_float(self):
        self.r.set("s", "hello")
        self.assertRaisesExactly(redis.ResponseError, "value is not an integer or out of range",
                                 self.r.incrby, "s", 1)
        self.assertRaisesExactly(redis.ResponseError, "value is not a valid float",
                                 self.r.incrbyfloat, "s", 1.0)
        self.assertRaisesExactly(redis.ResponseError, "value is not an integer or out of range",
                                 self.r.execute_command, "SELECT", "zero")

    def test_error_does_not_break_the_connection(self):
        with self.assertRaises(redis.ResponseError):
            self.r.execute_command("NOSUCHCOMMAND")
        self.assertIs(self.r.ping(), True)


# --- Large and binary data ---------------------------------------------------------------

class LargeBinaryTest(RillTestCase):
    def test_one_megabyte_value(self):
        value = os.urandom(1024 * 1024)
        self.assertIs(self.r.set("big", value), True)
        self.assertEqual(self.r.get("big"), value)
        self.assertEqual(self.r.strlen("big"), len(value))
        self.assertEqual(self.r.getrange("big", 1000, 1999), value[1000:2000])

    def test_sixteen_megabyte_value(self):
        value = os.urandom(16 * 1024 * 1024)
        self.r.set("huge", value)
        self.assertEqual(self.r.get("huge"), value)

    def test_binary_safe_keys_and_values(self):
        key = b"k\x00\r\n\xff\xfe key"
        value = bytes(range(256))
        self.r.set(key, value)
        self.assertEqual(self.r.get(key), value)
        self.assertEqual(self.r.keys(b"k\x00*"), [key])
        self.assertEqual(list(self.r.scan_iter(match=b"*\xff*")), [key])
        self.assertEqual(self.r.append(key, b"\x00"), 257)
        self.r.rename(key, b"\x00")
        self.assertEqual(self.r.get(b"\x00"), value + b"\x00")

    def test_empty_key_and_empty_value(self):
        self.r.set(b"", b"")
        self.assertEqual(self.r.get(b""), b"")
        self.assertEqual(self.r.exists(b""), 1)
        self.assertEqual(self.r.strlen(b""), 0)

    def test_pipelined_large_replies_arrive_intact(self):
        value = os.urandom(1024 * 1024)
        self.r.set("big", value)
        pipe = self.r.pipeline(transaction=False)
        for _ in range(24):
            pipe.get("big")
        results = pipe.execute()
        self.assertEqual(len(results), 24)
        self.assertTrue(all(r == value for r in results))

    def test_mget_many_medium_values(self):
        values = {f"m{i}": os.urandom(64 * 1024) for i in range(64)}
        self.r.mset(values)
        self.assertEqual(self.r.mget(list(values)), list(values.values()))

    def test_thousands_of_pipelined_commands(self):
        pipe = self.r.pipeline(transaction=False)
        for i in range(5000):
            pipe.set(f"p{i}", i)
        for i in range(5000):
            pipe.incr(f"p{i}")
        results = pipe.execute()
        self.assertEqual(results[:5000], [True] * 5000)
        self.assertEqual(results[5000:], list(range(1, 5001)))
        self.assertEqual(self.r.dbsize(), 5000)


# --- Wire protocol (documented deliberate differences live in README.md) ------------------

class ProtocolTest(RillTestCase):
    def test_inline_commands(self):
        conn = self.raw()
        conn.send_raw(b'SET inline "hello world"\r\nGET inline\r\nPING\n')
        self.assertEqual(conn.read_reply(), b"+OK\r\n")
        self.assertEqual(conn.read_reply(), b"$11\r\nhello world\r\n")
        self.assertEqual(conn.read_reply(), b"+PONG\r\n")

    def test_protocol_error_replies_then_closes(self):
        conn = self.raw()
        conn.send_raw(b"*x\r\n")
        self.assertEqual(conn.read_until_closed(),
                         b"-ERR Protocol error: invalid multibulk length\r\n")
        conn = self.raw()
        conn.send_raw(b'SET k "unbalanced\r\n')
        self.assertEqual(conn.read_until_closed(),
                         b"-ERR Protocol error: unbalanced quotes in request\r\n")

    def test_query_buffer_limit_answers_then_closes(self):
        # Deliberate difference: Redis closes silently, Rill says why first.
        old = self.r.config_get("client-query-buffer-limit")["client-query-buffer-limit"]
        try:
            self.r.config_set("client-query-buffer-limit", "1mb")
            conn = self.raw()
            try:
                conn.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + b"a" * 1500000)
            except OSError:
                pass
            got = conn.read_until_closed()
            self.assertEqual(got, b"-ERR Protocol error: client query buffer limit reached\r\n")
            self.assertIs(self.r.ping(), True)
        finally:
            self.r.config_set("client-query-buffer-limit", old)

    def test_slow_reader_gets_every_reply_and_does_not_stall_others(self):
        # Deliberate difference: Rill stops reading from a pipelining client that has more
        # than 1 MiB of unsent replies instead of growing the output buffer without bound.
        value = os.urandom(256 * 1024)
        self.r.set("v", value)
        n = 160
        reader = self.raw()
        self.assertEqual(reader.call("CLIENT", "SETNAME", "slow-reader"), b"+OK\r\n")
        request = RawClient.encode("GET", "v") * n
        sender = threading.Thread(target=reader.send_raw, args=(request,))
        sender.start()
        time.sleep(0.3)
        start = time.time()
        self.assertIs(self.client().ping(), True)
        self.assertLess(time.time() - start, 1.0, "a slow reader stalled other clients")
        omem = [int(c["omem"]) for c in self.r.client_list() if c["name"] == "slow-reader"]
        self.assertEqual(len(omem), 1)
        self.assertLessEqual(omem[0], 8 * 1024 * 1024,
                             "output buffer of a non-reading client grew unbounded")
        expected = b"$262144\r\n" + value + b"\r\n"
        for i in range(n):
            self.assertEqual(reader.read_reply(), expected, f"reply {i}")
        sender.join(10)
        self.assertFalse(sender.is_alive())


if __name__ == "__main__":
    unittest.main(verbosity=2)
