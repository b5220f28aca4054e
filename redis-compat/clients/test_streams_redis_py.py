#!/usr/bin/env python3
# Copyright (c) 2025 The Rill authors. BSD-3-Clause.
#
# redis-compat/clients/test_streams_redis_py.py: Rill's stream type driven through the real,
# unmodified redis-py (Debian's python3-redis 4.3.x).
#
# Every expectation below comes from Redis 7.2's documented behaviour (the redis.io command
# pages for XADD ... XSETID, their reply and error texts), never from another project's test
# suite. A test asserts what a redis-py user observes: return values after redis-py's own
# response callbacks, the exception class and the exact message (redis-py strips a leading
# "ERR " and keeps any other prefix such as "NOGROUP", "BUSYGROUP" or "UNBLOCKED").
# Where redis-py 4.3 has no helper (XSETID, XCLAIM LASTID, XINFO STREAM FULL COUNT, XTRIM
# MINID with "="), the test calls execute_command. `plain()` is a client with every response
# callback removed, for replies whose exact shape redis-py would hide (duplicate fields, the
# nil body of a deleted pending entry); RawClient shows the wire where a null array matters.
#
# Redis 7.2 versus 7.0 (Debian's redis-server, which we check these tests against): the tests
# follow 7.2. Those that fail on 7.0 for that reason alone say so in their docstring:
#   * XINFO CONSUMERS `inactive` and XINFO STREAM FULL `active-time` are new in 7.2;
#   * a blocked XREADGROUP whose key is deleted is re-executed in 7.2 and gets NOGROUP (7.0
#     answered "UNBLOCKED the stream key no longer exists").
# XREAD's "+" id (the last entry) is a Redis 7.4 feature that Rill has; a 7.0/7.2 server
# fails test_plus_reads_the_last_entry for that reason alone.
#
# Node size: the approximate-trimming tests assume Redis's defaults, stream-node-max-entries
# 100 and stream-node-max-bytes 4096, with entries small enough that only the entry count
# closes a node.
#
# Environment: RILL_HOST (default 127.0.0.1), RILL_PORT (default 6379). Tests FLUSHALL freely.
#
# Run: RILL_PORT=6379 /usr/bin/python3 test_streams_redis_py.py  (run.sh does this for you)
import threading
import time
import unittest

import redis

from support.rill_compat import TIMEOUT_S, RillTestCase

MAX_ID = "18446744073709551615-18446744073709551615"

ERR_NOT_ABOVE_TOP = "The ID specified in XADD is equal or smaller than the target stream top item"
ERR_ZERO_ID = "The ID specified in XADD must be greater than 0-0"
ERR_INVALID_ID = "Invalid stream ID specified as stream command argument"
ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


class Background:
    """Runs one (usually blocking) call on its own thread; records result, error, elapsed."""

    def __init__(self, fn, *args, **kwargs):
        self.result = None
        self.error = None
        self.elapsed = None
        self._start = time.monotonic()
        self._thread = threading.Thread(target=self._run, args=(fn, args, kwargs), daemon=True)
        self._thread.start()

    def _run(self, fn, args, kwargs):
        try:
            self.result = fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - handed to the test
            self.error = e
        finally:
            self.elapsed = time.monotonic() - self._start

    def join(self, timeout=TIMEOUT_S):
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError("background call did not return")
        return self


def ids(entries):
    """The ids of a parsed entry list [(id, fields), ...]."""
    return [e[0] for e in entries]


class StreamTestCase(RillTestCase):
    def plain(self):
        """A client whose replies are not reshaped by redis-py's response callbacks."""
        c = self.client()
        c.response_callbacks.clear()
        return c

    def assertError(self, message, fn, *args, **kwargs):
        self.assertRaisesExactly(redis.ResponseError, message, fn, *args, **kwargs)

    def wait_blocked(self, n=1):
        """Waits until INFO clients reports at least n blocked clients."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.r.info("clients")["blocked_clients"] >= n:
                return
            time.sleep(0.01)
        self.fail(f"fewer than {n} clients became blocked")

    def fill(self, key, n, start=1):
        """Adds entries start-0 ... start+n-1-0 with field i = the number, pipelined."""
        pipe = self.r.pipeline(transaction=False)
        for i in range(start, start + n):
            pipe.xadd(key, {"i": i}, id=f"{i}-0")
        pipe.execute()

    def group_with_pending(self, key="s", group="g", consumer="alice", n=5, read=3):
        """n entries 1-0..n-0, a group from 0, `consumer` has read the first `read`."""
        self.fill(key, n)
        self.r.xgroup_create(key, group, id="0")
        if read:
            self.r.xreadgroup(group, consumer, {key: ">"}, count=read)


# --- XADD ------------------------------------------------------------------------------------

class XAddTest(StreamTestCase):
    def test_auto_id_is_milliseconds_dash_sequence_and_increases(self):
        before_ms = int(time.time() * 1000)
        first = self.r.xadd("s", {"f": "v"})
        second = self.r.xadd("s", {"f": "v"})
        after_ms = int(time.time() * 1000)
        for entry_id in (first, second):
            self.assertRegex(entry_id, rb"^\d+-\d+$")
        ms, seq = map(int, first.split(b"-"))
        self.assertTrue(before_ms - 1000 <= ms <= after_ms + 1000, (before_ms, ms))
        ms2, seq2 = map(int, second.split(b"-"))
        self.assertGreater((ms2, seq2), (ms, seq))

    def test_ms_star_picks_the_next_sequence_number(self):
        self.assertEqual(self.r.xadd("s", {"a": 1}, id="5-*"), b"5-0")
        self.assertEqual(self.r.xadd("s", {"a": 1}, id="5-*"), b"5-1")
        self.assertEqual(self.r.xadd("s", {"a": 1}, id="7-*"), b"7-0")
        self.assertError(ERR_NOT_ABOVE_TOP, self.r.xadd, "s", {"a": 1}, id="6-*")
        # On a new stream 0-* starts at sequence 1, as 0-0 is not a valid entry id.
        self.assertEqual(self.r.xadd("z", {"a": 1}, id="0-*"), b"0-1")

    def test_explicit_ids_and_leading_zeros(self):
        self.assertEqual(self.r.xadd("s", {"a": 1}, id="0001-0002"), b"1-2")
        self.assertEqual(self.r.xadd("s", {"a": 1}, id="7"), b"7-0")
        self.assertEqual(self.r.xadd("s", {"a": 1}, id="007-5"), b"7-5")
        self.assertEqual(self.r.xadd("s", {"a": 1}, id=MAX_ID), MAX_ID.encode())
        self.assertEqual(ids(self.r.xrange("s")), [b"1-2", b"7-0", b"7-5", MAX_ID.encode()])

    def test_id_not_above_the_top_item(self):
        self.r.xadd("s", {"a": 1}, id="5-5")
        self.assertError(ERR_NOT_ABOVE_TOP, self.r.xadd, "s", {"a": 1}, id="5-5")
        self.assertError(ERR_NOT_ABOVE_TOP, self.r.xadd, "s", {"a": 1}, id="5-4")
        self.assertError(ERR_NOT_ABOVE_TOP, self.r.xadd, "s", {"a": 1}, id="4")
        self.assertError(ERR_NOT_ABOVE_TOP, self.r.xadd, "s", {"a": 1}, id="5")
        self.assertEqual(self.r.xlen("s"), 1)

    def test_zero_id_is_rejected(self):
        self.assertError(ERR_ZERO_ID, self.r.xadd, "s", {"a": 1}, id="0-0")
        self.assertError(ERR_ZERO_ID, self.r.xadd, "s", {"a": 1}, id="0")
        self.assertEqual(self.r.exists("s"), 0)

    def test_malformed_ids_are_rejected(self):
        for bad in ("abc", "1-x", "-1", "1-", "1-2-3", "18446744073709551616-0", "1.5", ""):
            with self.subTest(id=bad):
                self.assertError(ERR_INVALID_ID, self.r.xadd, "s", {"a": 1}, id=bad)
        self.assertEqual(self.r.exists("s"), 0)

    def test_exhausted_id_space(self):
        self.r.xadd("s", {"a": 1}, id=MAX_ID)
        self.assertError("The stream has exhausted the last possible ID, unable to add more items",
                         self.r.xadd, "s", {"a": 1})

    def test_field_order_and_duplicate_fields_are_kept(self):
        self.r.execute_command("XADD", "s", "1-0", "b", "1", "a", "2", "b", "3")
        self.assertEqual(self.plain().execute_command("XRANGE", "s", "-", "+"),
                         [[b"1-0", [b"b", b"1", b"a", b"2", b"b", b"3"]]])

    def test_binary_fields_and_values(self):
        value = bytes(range(256))
        self.r.xadd("s", {b"\x00f\r\n": value}, id="1-0")
        self.assertEqual(self.r.xrange("s"), [(b"1-0", {b"\x00f\r\n": value})])

    def test_missing_field_values_are_an_arity_error(self):
        msg = "wrong number of arguments for 'xadd' command"
        self.assertError(msg, self.r.execute_command, "XADD", "s", "*", "f", "v", "g")
        self.assertError(msg, self.r.execute_command, "XADD", "s", "*")
        self.assertEqual(self.r.exists("s"), 0)

    def test_nomkstream(self):
        self.assertIsNone(self.r.xadd("s", {"a": 1}, nomkstream=True))
        self.assertEqual(self.r.exists("s"), 0)
        self.r.xadd("s", {"a": 1}, id="1-0")
        self.assertEqual(self.r.xadd("s", {"a": 2}, id="2-0", nomkstream=True), b"2-0")
        self.assertEqual(self.r.xlen("s"), 2)

    def test_maxlen_exact_keeps_the_newest_entries(self):
        self.fill("s", 10)
        self.assertEqual(self.r.xadd("s", {"i": 11}, id="11-0", maxlen=3, approximate=False),
                         b"11-0")
        self.assertEqual(ids(self.r.xrange("s")), [b"9-0", b"10-0", b"11-0"])
        self.r.execute_command("XADD", "s", "MAXLEN", "=", "1", "12-0", "i", "12")
        self.assertEqual(ids(self.r.xrange("s")), [b"12-0"])

    def test_maxlen_zero_leaves_an_empty_stream_key(self):
        self.r.execute_command("XADD", "s", "MAXLEN", "0", "1-0", "a", "1")
        self.assertEqual(self.r.xlen("s"), 0)
        self.assertEqual(self.r.exists("s"), 1)
        self.assertEqual(self.r.type("s"), b"stream")

    def test_maxlen_approximate_never_goes_below_the_threshold(self):
        pipe = self.r.pipeline(transaction=False)
        for i in range(1, 251):
            pipe.xadd("s", {"i": i}, id=f"{i}-0", maxlen=10, approximate=True)
        pipe.execute()
        # '~' only drops whole nodes (100 entries each by default), so 10..110 entries remain.
        length = self.r.xlen("s")
        self.assertTrue(10 <= length <= 110, length)
        self.assertEqual(ids(self.r.xrevrange("s", count=1)), [b"250-0"])

    def test_minid_exact_and_approximate(self):
        self.fill("s", 10)
        self.r.execute_command("XADD", "s", "MINID", "=", "5", "11-0", "i", "11")
        self.assertEqual(ids(self.r.xrange("s"))[0], b"5-0")
        self.assertEqual(self.r.xlen("s"), 7)
        # Approximate: everything is in one node that still holds ids >= 8, nothing goes.
        self.assertEqual(self.r.xadd("s", {"i": 12}, id="12-0", minid="8", approximate=True),
                         b"12-0")
        self.assertEqual(self.r.xlen("s"), 8)

    def test_limit_caps_approximate_trimming(self):
        self.fill("s", 250)
        # LIMIT 150 lets one 100-entry node go, not two.
        self.r.execute_command("XADD", "s", "MAXLEN", "~", "0", "LIMIT", "150", "251-0", "i", "x")
        self.assertEqual(self.r.xlen("s"), 151)
        self.assertEqual(ids(self.r.xrange("s", count=1)), [b"101-0"])

    def test_trim_option_errors(self):
        self.assertError("syntax error, LIMIT cannot be used without the special ~ option",
                         self.r.execute_command, "XADD", "s", "MAXLEN", "=", "1", "LIMIT", "10",
                         "*", "a", "1")
        self.assertError("syntax error, LIMIT cannot be used without the special ~ option",
                         self.r.execute_command, "XADD", "s", "MAXLEN", "1", "LIMIT", "10",
                         "*", "a", "1")
        self.assertError("The MAXLEN argument must be >= 0.",
                         self.r.execute_command, "XADD", "s", "MAXLEN", "-1", "*", "a", "1")
        self.assertError("value is not an integer or out of range",
                         self.r.execute_command, "XADD", "s", "MAXLEN", "abc", "*", "a", "1")
        self.assertError(ERR_INVALID_ID,
                         self.r.execute_command, "XADD", "s", "MINID", "x", "*", "a", "1")
        self.assertEqual(self.r.exists("s"), 0)


# --- XLEN, XRANGE, XREVRANGE, XDEL, XTRIM -----------------------------------------------------

class XRangeTest(StreamTestCase):
    def setUp(self):
        super().setUp()
        for entry_id in ("1-0", "1-1", "2-0", "3-0", "3-1", "3-2", "5-0"):
            self.r.xadd("s", {"id": entry_id}, id=entry_id)

    def test_xlen(self):
        self.assertEqual(self.r.xlen("s"), 7)
        self.assertEqual(self.r.xlen("missing"), 0)

    def test_full_range_and_reverse(self):
        everything = self.r.xrange("s", "-", "+")
        self.assertEqual(ids(everything),
                         [b"1-0", b"1-1", b"2-0", b"3-0", b"3-1", b"3-2", b"5-0"])
        self.assertEqual(everything[0], (b"1-0", {b"id": b"1-0"}))
        self.assertEqual(self.r.xrevrange("s", "+", "-"), everything[::-1])

    def test_incomplete_ids_cover_the_whole_millisecond(self):
        self.assertEqual(ids(self.r.xrange("s", "3", "3")), [b"3-0", b"3-1", b"3-2"])
        self.assertEqual(ids(self.r.xrange("s", "2", "3")), [b"2-0", b"3-0", b"3-1", b"3-2"])
        self.assertEqual(ids(self.r.xrevrange("s", "3", "3")), [b"3-2", b"3-1", b"3-0"])
        self.assertEqual(self.r.xrange("s", "4", "4"), [])

    def test_exclusive_bounds(self):
        self.assertEqual(ids(self.r.xrange("s", "(3-0", "+")), [b"3-1", b"3-2", b"5-0"])
        self.assertEqual(ids(self.r.xrange("s", "-", "(2-0")), [b"1-0", b"1-1"])
        self.assertEqual(ids(self.r.xrange("s", "(1-1", "(3-1")), [b"2-0", b"3-0"])
        self.assertEqual(ids(self.r.xrevrange("s", "(5-0", "(3-0")), [b"3-2", b"3-1"])
        self.assertEqual(self.r.xrange("s", "(3-0", "(3-1"), [])

    def test_exclusive_bound_errors(self):
        self.assertError("invalid start ID for the interval",
                         self.r.xrange, "s", f"({MAX_ID}", "+")
        self.assertError("invalid end ID for the interval", self.r.xrange, "s", "-", "(0-0")
        for bad in ("(", "(-", "(+"):
            with self.subTest(bound=bad):
                self.assertError(ERR_INVALID_ID, self.r.xrange, "s", bad, "+")
        self.assertError(ERR_INVALID_ID, self.r.xrange, "s", "-", "(+")

    def test_count(self):
        self.assertEqual(ids(self.r.xrange("s", count=2)), [b"1-0", b"1-1"])
        self.assertEqual(ids(self.r.xrevrange("s", count=2)), [b"5-0", b"3-2"])
        # COUNT 0 is a null array, not an empty one.
        conn = self.raw()
        self.assertEqual(conn.call("XRANGE", "s", "-", "+", "COUNT", "0"), b"*-1\r\n")
        self.assertEqual(conn.call("XREVRANGE", "s", "+", "-", "COUNT", "0"), b"*-1\r\n")
        # Paging: the next page starts after the last id seen.
        page = self.r.xrange("s", "(1-1", "+", count=3)
        self.assertEqual(ids(page), [b"2-0", b"3-0", b"3-1"])

    def test_start_after_end_is_empty(self):
        self.assertEqual(self.r.xrange("s", "5", "1"), [])
        self.assertEqual(self.r.xrevrange("s", "1", "5"), [])
        self.assertEqual(self.r.xrange("missing"), [])

    def test_range_argument_errors(self):
        self.assertError(ERR_INVALID_ID, self.r.xrange, "s", "x", "+")
        self.assertError("syntax error", self.r.execute_command, "XRANGE", "s", "-", "+", "LIMIT")
        self.assertError("value is not an integer or out of range",
                         self.r.execute_command, "XRANGE", "s", "-", "+", "COUNT", "x")


class XDelTrimTest(StreamTestCase):
    def test_xdel_counts_only_existing_entries(self):
        self.fill("s", 5)
        self.assertEqual(self.r.xdel("s", "2-0", "4-0", "9-0"), 2)
        self.assertEqual(self.r.xdel("s", "2-0"), 0)
        self.assertEqual(ids(self.r.xrange("s")), [b"1-0", b"3-0", b"5-0"])
        self.assertEqual(self.r.xlen("s"), 3)
        self.assertEqual(self.r.xdel("missing", "1-0"), 0)
        self.assertError(ERR_INVALID_ID, self.r.xdel, "s", "nope")

    def test_deleting_the_last_entry_does_not_lower_the_top_id(self):
        self.fill("s", 3)
        self.r.xdel("s", "3-0")
        self.assertError(ERR_NOT_ABOVE_TOP, self.r.xadd, "s", {"a": 1}, id="3-0")
        self.assertEqual(self.r.xadd("s", {"a": 1}, id="3-*"), b"3-1")

    def test_deleting_every_entry_keeps_the_key(self):
        self.fill("s", 2)
        self.r.xdel("s", "1-0", "2-0")
        self.assertEqual(self.r.xlen("s"), 0)
        self.assertEqual(self.r.exists("s"), 1)
        info = self.r.xinfo_stream("s")
        self.assertEqual(info["last-generated-id"], b"2-0")
        self.assertEqual(info["max-deleted-entry-id"], b"2-0")

    def test_xtrim_maxlen_exact_and_approximate(self):
        self.fill("s", 250)
        # ~ with LIMIT 150: one 100-entry node goes.
        self.assertEqual(self.r.xtrim("s", 0, approximate=True, limit=150), 100)
        self.assertEqual(self.r.xlen("s"), 150)
        # ~ 120: dropping the next whole node would leave 50 < 120, so nothing goes.
        self.assertEqual(self.r.xtrim("s", 120, approximate=True), 0)
        self.assertEqual(self.r.xtrim("s", 120, approximate=False), 30)
        self.assertEqual(ids(self.r.xrange("s", count=1)), [b"131-0"])
        self.assertEqual(self.r.execute_command("XTRIM", "s", "MAXLEN", "=", "120"), 0)
        self.assertEqual(self.r.xtrim("s", 0, approximate=False), 120)
        self.assertEqual(self.r.exists("s"), 1)

    def test_xtrim_minid(self):
        self.fill("s", 250)
        self.assertEqual(self.r.execute_command("XTRIM", "s", "MINID", "~", "150"), 100)
        self.assertEqual(self.r.execute_command("XTRIM", "s", "MINID", "=", "150"), 49)
        self.assertEqual(ids(self.r.xrange("s", count=1)), [b"150-0"])
        self.assertEqual(self.r.xtrim("s", minid="150-0", approximate=False), 0)
        self.assertEqual(self.r.xtrim("s", minid="200", approximate=False), 50)

    def test_trimming_is_not_deleting(self):
        # max-deleted-entry-id tracks XDEL; trimming moves the first entry instead.
        self.fill("s", 5)
        self.r.xtrim("s", 2, approximate=False)
        info = self.r.xinfo_stream("s")
        self.assertEqual(info["max-deleted-entry-id"], b"0-0")
        self.assertEqual(info["recorded-first-entry-id"], b"4-0")
        self.assertEqual(info["entries-added"], 5)

    def test_xtrim_errors(self):
        self.r.xadd("s", {"a": 1}, id="1-0")
        self.assertEqual(self.r.xtrim("missing", 0), 0)
        self.assertError("syntax error", self.r.execute_command, "XTRIM", "s", "FOO", "1")
        self.assertError("wrong number of arguments for 'xtrim' command",
                         self.r.execute_command, "XTRIM", "s", "MAXLEN")
        self.assertError("syntax error, LIMIT cannot be used without the special ~ option",
                         self.r.execute_command, "XTRIM", "s", "MAXLEN", "1", "LIMIT", "5")
        self.assertError("The MAXLEN argument must be >= 0.",
                         self.r.execute_command, "XTRIM", "s", "MAXLEN", "-5")
        self.assertError(ERR_INVALID_ID, self.r.execute_command, "XTRIM", "s", "MINID", "x")


# --- XREAD ------------------------------------------------------------------------------------

class XReadTest(StreamTestCase):
    def test_reads_entries_after_the_given_id_with_count(self):
        self.fill("s", 5)
        self.assertEqual(self.r.xread({"s": "0"}, count=2),
                         [[b"s", [(b"1-0", {b"i": b"1"}), (b"2-0", {b"i": b"2"})]]])
        self.assertEqual(ids(self.r.xread({"s": "2-0"})[0][1]), [b"3-0", b"4-0", b"5-0"])
        self.assertEqual(ids(self.r.xread({"s": "2"})[0][1]), [b"3-0", b"4-0", b"5-0"])
        self.assertEqual(self.r.xread({"s": "5-0"}), [])

    def test_nothing_to_read_is_a_null_array(self):
        self.fill("s", 1)
        conn = self.raw()
        self.assertEqual(conn.call("XREAD", "STREAMS", "s", "1-0"), b"*-1\r\n")
        self.assertEqual(conn.call("XREAD", "STREAMS", "missing", "0"), b"*-1\r\n")
        self.assertEqual(conn.call("XREAD", "STREAMS", "s", "$"), b"*-1\r\n")

    def test_multiple_streams_only_those_with_data_are_returned(self):
        self.fill("a", 3)
        self.fill("b", 2, start=10)
        reply = self.r.xread({"a": "1-0", "b": "11-0", "missing": "0", "c": "0"}, count=1)
        self.assertEqual(reply, [[b"a", [(b"2-0", {b"i": b"2"})]]])
        reply = self.r.xread({"b": "0", "a": "0"}, count=5)
        self.assertEqual([r[0] for r in reply], [b"b", b"a"])
        self.assertEqual([len(r[1]) for r in reply], [2, 3])

    def test_plus_reads_the_last_entry(self):
        # "+" (read the last entry) is Redis 7.4's; Rill has it. "-" is no XREAD id.
        self.fill("s", 2)
        self.assertEqual(self.r.xread({"s": "+"}), [[b"s", [(b"2-0", {b"i": b"2"})]]])
        self.assertEqual(self.r.xread({"missing": "+"}), [])
        self.assertError(ERR_INVALID_ID, self.r.xread, {"s": "-"})

    def test_block_times_out_with_a_null_array(self):
        self.r.xadd("s", {"a": 1}, id="1-0")
        start = time.monotonic()
        self.assertEqual(self.r.xread({"s": "$"}, block=200), [])
        elapsed = time.monotonic() - start
        self.assertTrue(0.15 <= elapsed < 2.0, elapsed)
        conn = self.raw()
        start = time.monotonic()
        self.assertEqual(conn.call("XREAD", "BLOCK", "100", "STREAMS", "s", "1-0"), b"*-1\r\n")
        self.assertTrue(0.07 <= time.monotonic() - start < 2.0)

    def test_block_returns_at_once_when_data_is_there(self):
        self.fill("s", 2)
        start = time.monotonic()
        self.assertEqual(ids(self.r.xread({"s": "1-0"}, block=5000)[0][1]), [b"2-0"])
        self.assertLess(time.monotonic() - start, 1.0)

    def test_block_is_woken_by_xadd_from_another_connection(self):
        self.r.xadd("s", {"old": 1}, id="1-0")
        reader = self.client()
        call = Background(reader.xread, {"s": "$", "other": "$"}, block=5000)
        self.wait_blocked()
        self.r.xadd("s", {"new": 1}, id="2-0")
        call.join()
        self.assertIsNone(call.error)
        self.assertEqual(call.result, [[b"s", [(b"2-0", {b"new": b"1"})]]])
        self.assertLess(call.elapsed, 4.0)

    def test_block_on_a_missing_key_is_woken_when_it_is_created(self):
        reader = self.client()
        call = Background(reader.xread, {"new": "0-0"}, block=0)
        self.wait_blocked()
        self.r.xadd("new", {"f": "v"}, id="3-0")
        call.join()
        self.assertEqual(call.result, [[b"new", [(b"3-0", {b"f": b"v"})]]])

    def test_every_blocked_reader_gets_the_entry(self):
        readers = [self.client() for _ in range(3)]
        calls = [Background(c.xread, {"s": "$"}, block=5000) for c in readers]
        self.wait_blocked(3)
        self.r.xadd("s", {"f": "v"}, id="1-0")
        for call in calls:
            call.join()
            self.assertEqual(call.result, [[b"s", [(b"1-0", {b"f": b"v"})]]])

    def test_xread_errors(self):
        self.fill("s", 1)
        self.assertError("Unbalanced XREAD list of streams: for each stream key an ID or '$' "
                         "must be specified.",
                         self.r.execute_command, "XREAD", "STREAMS", "s", "t", "0")
        self.assertError("wrong number of arguments for 'xread' command",
                         self.r.execute_command, "XREAD", "STREAMS", "s")
        self.assertError("timeout is negative",
                         self.r.execute_command, "XREAD", "BLOCK", "-1", "STREAMS", "s", "0")
        self.assertError("timeout is not an integer or out of range",
                         self.r.execute_command, "XREAD", "BLOCK", "x", "STREAMS", "s", "0")
        self.assertError("value is not an integer or out of range",
                         self.r.execute_command, "XREAD", "COUNT", "x", "STREAMS", "s", "0")
        self.assertError("The > ID can be specified only when calling XREADGROUP using the "
                         "GROUP <group> <consumer> option.",
                         self.r.execute_command, "XREAD", "STREAMS", "s", ">")
        self.assertError(ERR_INVALID_ID, self.r.execute_command, "XREAD", "STREAMS", "s", "x")


# --- Consumer groups: XGROUP ------------------------------------------------------------------

class XGroupTest(StreamTestCase):
    def test_create_from_dollar_zero_and_an_id(self):
        self.fill("s", 3)
        self.assertIs(self.r.xgroup_create("s", "tail", id="$"), True)
        self.assertIs(self.r.xgroup_create("s", "head", id="0"), True)
        self.assertIs(self.r.xgroup_create("s", "mid", id="2-0"), True)
        groups = {g["name"]: g for g in self.r.xinfo_groups("s")}
        self.assertEqual(groups[b"tail"]["last-delivered-id"], b"3-0")
        self.assertEqual(groups[b"head"]["last-delivered-id"], b"0-0")
        self.assertEqual(groups[b"mid"]["last-delivered-id"], b"2-0")
        self.assertEqual(self.r.xreadgroup("tail", "c", {"s": ">"}), [])
        self.assertEqual(len(self.r.xreadgroup("head", "c", {"s": ">"})[0][1]), 3)
        self.assertEqual(ids(self.r.xreadgroup("mid", "c", {"s": ">"})[0][1]), [b"3-0"])

    def test_create_needs_the_key_unless_mkstream(self):
        self.assertError("The XGROUP subcommand requires the key to exist. Note that for CREATE "
                         "you may want to use the MKSTREAM option to create an empty stream "
                         "automatically.", self.r.xgroup_create, "s", "g")
        self.assertIs(self.r.xgroup_create("s", "g", mkstream=True), True)
        self.assertEqual(self.r.type("s"), b"stream")
        self.assertEqual(self.r.xlen("s"), 0)

    def test_create_existing_group_is_busygroup(self):
        self.r.xgroup_create("s", "g", mkstream=True)
        self.assertError("BUSYGROUP Consumer Group name already exists",
                         self.r.xgroup_create, "s", "g")
        self.assertError(ERR_INVALID_ID, self.r.xgroup_create, "s", "g2", id="bad")

    def test_create_with_entriesread_sets_the_lag(self):
        self.fill("s", 5)
        self.r.xgroup_create("s", "g", id="2-0", entries_read=2)
        (group,) = self.r.xinfo_groups("s")
        self.assertEqual(group["entries-read"], 2)
        self.assertEqual(group["lag"], 3)
        self.assertError("value for ENTRIESREAD must be positive or -1",
                         self.r.xgroup_create, "s", "g2", id="0", entries_read=-5)
        self.assertError("value is not an integer or out of range",
                         self.r.execute_command, "XGROUP", "CREATE", "s", "g2", "0",
                         "ENTRIESREAD", "x")

    def test_setid_moves_the_last_delivered_id(self):
        self.fill("s", 5)
        self.r.xgroup_create("s", "g", id="$")
        self.assertIs(self.r.xgroup_setid("s", "g", "3-0"), True)
        self.assertEqual(ids(self.r.xreadgroup("g", "c", {"s": ">"})[0][1]), [b"4-0", b"5-0"])
        self.assertIs(self.r.xgroup_setid("s", "g", "0", entries_read=0), True)
        (group,) = self.r.xinfo_groups("s")
        self.assertEqual(group["last-delivered-id"], b"0-0")
        self.assertEqual(group["entries-read"], 0)
        self.assertEqual(group["lag"], 5)
        self.assertError("NOGROUP No such consumer group 'nog' for key name 's'",
                         self.r.xgroup_setid, "s", "nog", "0")

    def test_destroy(self):
        self.r.xgroup_create("s", "g", mkstream=True)
        self.assertEqual(self.r.execute_command("XGROUP", "DESTROY", "s", "g"), 1)
        self.assertEqual(self.r.execute_command("XGROUP", "DESTROY", "s", "g"), 0)
        self.assertEqual(self.r.xinfo_groups("s"), [])
        self.assertError("NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP "
                         "option", self.r.xreadgroup, "g", "c", {"s": ">"})

    def test_createconsumer_and_delconsumer(self):
        self.group_with_pending(read=0)
        self.assertEqual(self.r.xgroup_createconsumer("s", "g", "bob"), 1)
        self.assertEqual(self.r.xgroup_createconsumer("s", "g", "bob"), 0)
        self.r.xreadgroup("g", "alice", {"s": ">"}, count=2)
        names = sorted(c["name"] for c in self.r.xinfo_consumers("s", "g"))
        self.assertEqual(names, [b"alice", b"bob"])
        # DELCONSUMER returns the pending count the consumer had, and those entries go.
        self.assertEqual(self.r.xgroup_delconsumer("s", "g", "alice"), 2)
        self.assertEqual(self.r.xpending("s", "g")["pending"], 0)
        self.assertEqual(self.r.xgroup_delconsumer("s", "g", "nobody"), 0)
        self.assertEqual([c["name"] for c in self.r.xinfo_consumers("s", "g")], [b"bob"])
        self.assertError("NOGROUP No such consumer group 'nog' for key name 's'",
                         self.r.xgroup_createconsumer, "s", "nog", "c")
        self.assertError("NOGROUP No such consumer group 'nog' for key name 's'",
                         self.r.xgroup_delconsumer, "s", "nog", "c")

    def test_unknown_subcommand(self):
        # The subcommand is echoed as the client spelled it.
        self.assertError("unknown subcommand 'Foo'. Try XGROUP HELP.",
                         self.r.execute_command, "XGROUP", "Foo", "s")
        self.assertError("unknown subcommand 'foo'. Try XINFO HELP.",
                         self.r.execute_command, "XINFO", "foo", "s")


# --- Consumer groups: XREADGROUP, XACK, XPENDING ----------------------------------------------

class XReadGroupTest(StreamTestCase):
    def test_new_entries_go_to_the_pending_list(self):
        self.group_with_pending(read=0)
        reply = self.r.xreadgroup("g", "alice", {"s": ">"}, count=2)
        self.assertEqual(reply, [[b"s", [(b"1-0", {b"i": b"1"}), (b"2-0", {b"i": b"2"})]]])
        self.assertEqual(ids(self.r.xreadgroup("g", "alice", {"s": ">"}, count=1)[0][1]),
                         [b"3-0"])
        pending = self.r.xpending("s", "g")
        self.assertEqual(pending, {"pending": 3, "min": b"1-0", "max": b"3-0",
                                   "consumers": [{"name": b"alice", "pending": 3}]})

    def test_history_rereads_only_own_pending_entries(self):
        self.group_with_pending(read=3)
        self.r.xreadgroup("g", "bob", {"s": ">"}, count=1)
        self.assertEqual(ids(self.r.xreadgroup("g", "alice", {"s": "0"})[0][1]),
                         [b"1-0", b"2-0", b"3-0"])
        self.assertEqual(ids(self.r.xreadgroup("g", "alice", {"s": "1-0"}, count=1)[0][1]),
                         [b"2-0"])
        self.assertEqual(ids(self.r.xreadgroup("g", "bob", {"s": "0-0"})[0][1]), [b"4-0"])
        self.r.xack("s", "g", "1-0", "2-0", "3-0")
        # An empty history is an empty list for the stream, not a null reply.
        self.assertEqual(self.r.xreadgroup("g", "alice", {"s": "0"}), [[b"s", []]])

    def test_history_shows_deleted_entries_with_nil_fields(self):
        self.group_with_pending(read=2)
        self.r.xdel("s", "1-0")
        reply = self.plain().execute_command("XREADGROUP", "GROUP", "g", "alice",
                                             "STREAMS", "s", "0")
        self.assertEqual(reply, [[b"s", [[b"1-0", None], [b"2-0", [b"i", b"2"]]]]])

    def test_history_read_counts_as_a_delivery(self):
        self.group_with_pending(read=1)
        self.assertEqual(self.r.xpending_range("s", "g", "-", "+", 10)[0]["times_delivered"], 1)
        self.r.xreadgroup("g", "alice", {"s": "0"})
        self.assertEqual(self.r.xpending_range("s", "g", "-", "+", 10)[0]["times_delivered"], 2)

    def test_noack_skips_the_pending_list(self):
        self.group_with_pending(read=0)
        self.assertEqual(len(self.r.xreadgroup("g", "alice", {"s": ">"}, count=2,
                                               noack=True)[0][1]), 2)
        self.assertEqual(self.r.xpending("s", "g")["pending"], 0)
        self.assertEqual(self.r.xreadgroup("g", "alice", {"s": "0"}), [[b"s", []]])
        (group,) = self.r.xinfo_groups("s")
        self.assertEqual(group["last-delivered-id"], b"2-0")

    def test_consumers_get_distinct_entries(self):
        self.fill("s", 30)
        self.r.xgroup_create("s", "g", id="0")
        seen = {}
        names = ["c1", "c2", "c3"]
        while True:
            got_any = False
            for name in names:
                reply = self.r.xreadgroup("g", name, {"s": ">"}, count=4)
                for entry_id in (ids(reply[0][1]) if reply else []):
                    self.assertNotIn(entry_id, seen)
                    seen[entry_id] = name
                    got_any = True
            if not got_any:
                break
        self.assertEqual(len(seen), 30)
        self.assertEqual(set(seen.values()), set(names))
        summary = self.r.xpending("s", "g")
        self.assertEqual(summary["pending"], 30)
        self.assertEqual(sorted(c["name"] for c in summary["consumers"]), [b"c1", b"c2", b"c3"])
        self.assertEqual(sum(c["pending"] for c in summary["consumers"]), 30)

    def test_multiple_streams_in_one_call(self):
        self.fill("a", 2)
        self.fill("b", 2, start=5)
        self.r.xgroup_create("a", "g", id="0")
        self.r.xgroup_create("b", "g", id="0")
        reply = self.r.xreadgroup("g", "c", {"a": ">", "b": ">"})
        self.assertEqual([(r[0], ids(r[1])) for r in reply],
                         [(b"a", [b"1-0", b"2-0"]), (b"b", [b"5-0", b"6-0"])])

    def test_block_is_woken_by_xadd(self):
        self.r.xgroup_create("s", "g", mkstream=True)
        reader = self.client()
        call = Background(reader.xreadgroup, "g", "alice", {"s": ">"}, block=5000)
        self.wait_blocked()
        self.r.xadd("s", {"f": "v"}, id="1-0")
        call.join()
        self.assertIsNone(call.error)
        self.assertEqual(call.result, [[b"s", [(b"1-0", {b"f": b"v"})]]])
        self.assertEqual(self.r.xpending("s", "g")["consumers"], [{"name": b"alice", "pending": 1}])

    def test_one_new_entry_goes_to_one_of_several_blocked_consumers(self):
        self.r.xgroup_create("s", "g", mkstream=True)
        calls = [Background(self.client().xreadgroup, "g", f"c{i}", {"s": ">"}, block=700)
                 for i in range(3)]
        self.wait_blocked(3)
        self.r.xadd("s", {"f": "v"}, id="1-0")
        for call in calls:
            call.join()
        served = [c.result for c in calls if c.result]
        self.assertEqual(served, [[[b"s", [(b"1-0", {b"f": b"v"})]]]])
        self.assertEqual(self.r.xpending("s", "g")["pending"], 1)

    def test_block_times_out_with_a_null_array(self):
        self.r.xgroup_create("s", "g", mkstream=True)
        start = time.monotonic()
        self.assertEqual(self.r.xreadgroup("g", "alice", {"s": ">"}, block=200), [])
        self.assertTrue(0.15 <= time.monotonic() - start < 2.0)
        conn = self.raw()
        self.assertEqual(conn.call("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "50",
                                   "STREAMS", "s", ">"), b"*-1\r\n")

    def test_history_read_never_blocks(self):
        self.group_with_pending(read=0)
        start = time.monotonic()
        self.assertEqual(self.r.xreadgroup("g", "alice", {"s": "0"}, block=2000), [[b"s", []]])
        self.assertLess(time.monotonic() - start, 1.0)

    def test_xreadgroup_errors(self):
        self.fill("s", 1)
        self.assertError("NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP "
                         "option", self.r.xreadgroup, "g", "c", {"s": ">"})
        self.assertError("NOGROUP No such key 'missing' or consumer group 'g' in XREADGROUP with "
                         "GROUP option", self.r.xreadgroup, "g", "c", {"missing": ">"})
        self.r.xgroup_create("s", "g", id="0")
        self.assertError("The $ ID is meaningless in the context of XREADGROUP: you want to read "
                         "the history of this consumer by specifying a proper ID, or use the > ID "
                         "to get new messages. The $ ID would just return an empty result set.",
                         self.r.xreadgroup, "g", "c", {"s": "$"})
        self.assertError("wrong number of arguments for 'xreadgroup' command",
                         self.r.execute_command, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s")
        self.assertError(ERR_INVALID_ID, self.r.xreadgroup, "g", "c", {"s": "x"})


class XAckPendingTest(StreamTestCase):
    def test_xack_counts_entries_it_removed(self):
        self.group_with_pending(read=3)
        self.assertEqual(self.r.xack("s", "g", "1-0", "3-0", "9-0"), 2)
        self.assertEqual(self.r.xack("s", "g", "1-0"), 0)
        self.assertEqual(self.r.xack("s", "nog", "2-0"), 0)
        self.assertEqual(self.r.xack("missing", "g", "2-0"), 0)
        self.assertEqual(self.r.xpending("s", "g")["pending"], 1)
        self.assertError(ERR_INVALID_ID, self.r.xack, "s", "g", "bad")

    def test_summary_of_an_empty_group(self):
        self.r.xgroup_create("s", "g", mkstream=True)
        self.assertEqual(self.plain().execute_command("XPENDING", "s", "g"),
                         [0, None, None, None])
        self.assertEqual(self.r.xpending("s", "g"),
                         {"pending": 0, "min": None, "max": None, "consumers": []})

    def test_summary_per_consumer(self):
        self.group_with_pending(read=2)
        self.r.xreadgroup("g", "bob", {"s": ">"}, count=3)
        self.assertEqual(self.plain().execute_command("XPENDING", "s", "g"),
                         [5, b"1-0", b"5-0", [[b"alice", b"2"], [b"bob", b"3"]]])

    def test_extended_form(self):
        self.group_with_pending(read=2)
        self.r.xreadgroup("g", "bob", {"s": ">"}, count=1)
        rows = self.r.xpending_range("s", "g", "-", "+", 10)
        self.assertEqual([(r["message_id"], r["consumer"], r["times_delivered"]) for r in rows],
                         [(b"1-0", b"alice", 1), (b"2-0", b"alice", 1), (b"3-0", b"bob", 1)])
        for row in rows:
            self.assertTrue(0 <= row["time_since_delivered"] < 5000)
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "-", "+", 1)), [b"1-0"])
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "(1-0", "+", 10)), [b"2-0", b"3-0"])
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "-", "+", 10, "bob")), [b"3-0"])
        self.assertEqual(self.r.xpending_range("s", "g", "-", "+", 10, "nobody"), [])
        self.assertEqual(self.r.xpending_range("s", "g", "-", "+", 0), [])

    def test_extended_form_idle_filter(self):
        self.group_with_pending(read=2)
        time.sleep(0.25)
        self.r.xreadgroup("g", "alice", {"s": ">"}, count=1)
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "-", "+", 10, idle=200)),
                         [b"1-0", b"2-0"])
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "-", "+", 10, "alice",
                                                      idle=200)), [b"1-0", b"2-0"])
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "-", "+", 10, idle=100000)), [])
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "-", "+", 10, idle=0)),
                         [b"1-0", b"2-0", b"3-0"])

    def test_xpending_errors(self):
        self.fill("s", 1)
        self.assertError("NOGROUP No such key 's' or consumer group 'nog'",
                         self.r.xpending, "s", "nog")
        self.assertError("NOGROUP No such key 'missing' or consumer group 'g'",
                         self.r.xpending, "missing", "g")
        self.r.xgroup_create("s", "g", id="0")
        self.assertError("syntax error", self.r.execute_command, "XPENDING", "s", "g", "-", "+")
        self.assertError(ERR_INVALID_ID,
                         self.r.execute_command, "XPENDING", "s", "g", "x", "+", "10")


def ids_of(rows):
    return [r["message_id"] for r in rows]


# --- XCLAIM and XAUTOCLAIM --------------------------------------------------------------------

class XClaimTest(StreamTestCase):
    def test_claim_respects_min_idle_time(self):
        self.group_with_pending(read=2)
        self.assertEqual(self.r.xclaim("s", "g", "bob", 60000, ["1-0"]), [])
        time.sleep(0.15)
        self.assertEqual(self.r.xclaim("s", "g", "bob", 100, ["1-0"]), [(b"1-0", {b"i": b"1"})])
        rows = self.r.xpending_range("s", "g", "-", "+", 10)
        self.assertEqual([(r["message_id"], r["consumer"], r["times_delivered"]) for r in rows],
                         [(b"1-0", b"bob", 2), (b"2-0", b"alice", 1)])
        self.assertLess(rows[0]["time_since_delivered"], 100)

    def test_claim_ignores_ids_not_pending(self):
        self.group_with_pending(read=2)
        self.assertEqual(self.r.xclaim("s", "g", "bob", 0, ["4-0", "9-0"]), [])
        self.assertEqual(self.r.xpending("s", "g")["pending"], 2)

    def test_idle_time_and_retrycount(self):
        self.group_with_pending(read=2)
        self.assertEqual(self.r.xclaim("s", "g", "bob", 0, ["1-0"], idle=5000, retrycount=7,
                                       justid=True), [b"1-0"])
        row = self.r.xpending_range("s", "g", "1-0", "1-0", 1)[0]
        self.assertEqual((row["consumer"], row["times_delivered"]), (b"bob", 7))
        self.assertTrue(5000 <= row["time_since_delivered"] < 7000, row)
        past_ms = int(time.time() * 1000) - 9000
        self.r.xclaim("s", "g", "carol", 0, ["2-0"], time=past_ms, justid=True)
        row = self.r.xpending_range("s", "g", "2-0", "2-0", 1)[0]
        self.assertEqual(row["consumer"], b"carol")
        self.assertTrue(9000 <= row["time_since_delivered"] < 11000, row)

    def test_justid_does_not_count_a_delivery(self):
        self.group_with_pending(read=1)
        self.assertEqual(self.r.xclaim("s", "g", "bob", 0, ["1-0"], justid=True), [b"1-0"])
        self.assertEqual(self.r.xpending_range("s", "g", "-", "+", 1)[0]["times_delivered"], 1)
        self.r.xclaim("s", "g", "bob", 0, ["1-0"])
        self.assertEqual(self.r.xpending_range("s", "g", "-", "+", 1)[0]["times_delivered"], 2)

    def test_force_creates_the_pending_entry(self):
        self.group_with_pending(read=1)
        self.assertEqual(self.r.xclaim("s", "g", "bob", 0, ["4-0"], force=True, justid=True),
                         [b"4-0"])
        # FORCE never invents an entry that is not in the stream.
        self.assertEqual(self.r.xclaim("s", "g", "bob", 0, ["99-0"], force=True, justid=True), [])
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "-", "+", 10, "bob")), [b"4-0"])

    def test_lastid_advances_the_group(self):
        self.group_with_pending(read=1)
        reply = self.r.execute_command("XCLAIM", "s", "g", "bob", "0", "1-0", "LASTID", "4-0")
        self.assertEqual(reply, [(b"1-0", {b"i": b"1"})])
        (group,) = self.r.xinfo_groups("s")
        self.assertEqual(group["last-delivered-id"], b"4-0")
        self.assertEqual(ids(self.r.xreadgroup("g", "bob", {"s": ">"})[0][1]), [b"5-0"])
        # A LASTID below the current one leaves the group alone.
        self.r.execute_command("XCLAIM", "s", "g", "bob", "0", "1-0", "LASTID", "2-0")
        self.assertEqual(self.r.xinfo_groups("s")[0]["last-delivered-id"], b"5-0")

    def test_claiming_a_deleted_entry_drops_it_from_the_pending_list(self):
        self.group_with_pending(read=2)
        self.r.xdel("s", "1-0")
        self.assertEqual(self.r.xclaim("s", "g", "bob", 0, ["1-0", "2-0"]),
                         [(b"2-0", {b"i": b"2"})])
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "-", "+", 10)), [b"2-0"])

    def test_xclaim_errors(self):
        self.group_with_pending(read=1)
        self.assertError("Invalid min-idle-time argument for XCLAIM",
                         self.r.execute_command, "XCLAIM", "s", "g", "bob", "x", "1-0")
        self.assertError("Invalid IDLE option argument for XCLAIM",
                         self.r.execute_command, "XCLAIM", "s", "g", "bob", "0", "1-0",
                         "IDLE", "x")
        self.assertError("Unrecognized XCLAIM option 'Foo'",
                         self.r.execute_command, "XCLAIM", "s", "g", "bob", "0", "1-0", "Foo")
        self.assertError(ERR_INVALID_ID,
                         self.r.execute_command, "XCLAIM", "s", "g", "bob", "0", "1-0",
                         "LASTID", "x")
        self.assertError("NOGROUP No such key 's' or consumer group 'nog'",
                         self.r.xclaim, "s", "nog", "bob", 0, ["1-0"])


class XAutoClaimTest(StreamTestCase):
    def test_claims_idle_entries_and_returns_a_cursor(self):
        self.group_with_pending(n=6, read=5)
        time.sleep(0.15)
        reply = self.r.xautoclaim("s", "g", "bob", 100, "0-0", count=2)
        self.assertEqual(reply, [b"3-0", [(b"1-0", {b"i": b"1"}), (b"2-0", {b"i": b"2"})], []])
        reply = self.r.xautoclaim("s", "g", "bob", 100, reply[0], count=10)
        self.assertEqual(reply[0], b"0-0")
        self.assertEqual(ids(reply[1]), [b"3-0", b"4-0", b"5-0"])
        summary = self.r.xpending("s", "g")
        self.assertEqual(summary["consumers"], [{"name": b"bob", "pending": 5}])
        rows = self.r.xpending_range("s", "g", "-", "+", 10)
        self.assertEqual({r["times_delivered"] for r in rows}, {2})

    def test_entries_not_idle_long_enough_stay(self):
        self.group_with_pending(read=3)
        self.assertEqual(self.r.xautoclaim("s", "g", "bob", 60000, "0"), [b"0-0", [], []])
        self.assertEqual(self.r.xpending("s", "g")["consumers"],
                         [{"name": b"alice", "pending": 3}])

    def test_justid(self):
        self.group_with_pending(read=3)
        self.assertEqual(self.r.xautoclaim("s", "g", "bob", 0, "0", justid=True),
                         [b"1-0", b"2-0", b"3-0"])
        self.assertEqual(self.plain().execute_command("XAUTOCLAIM", "s", "g", "carol", "0", "0",
                                                      "COUNT", "2", "JUSTID"),
                         [b"3-0", [b"1-0", b"2-0"], []])
        # JUSTID does not count a delivery.
        rows = self.r.xpending_range("s", "g", "-", "+", 10)
        self.assertEqual({r["times_delivered"] for r in rows}, {1})

    def test_deleted_entries_are_listed_and_dropped(self):
        self.group_with_pending(read=4)
        self.r.xdel("s", "2-0", "3-0")
        reply = self.r.xautoclaim("s", "g", "bob", 0, "0")
        self.assertEqual(reply, [b"0-0", [(b"1-0", {b"i": b"1"}), (b"4-0", {b"i": b"4"})],
                                 [b"2-0", b"3-0"]])
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "-", "+", 10)), [b"1-0", b"4-0"])

    def test_deleted_entries_are_dropped_whatever_their_idle_time(self):
        # Redis checks that the entry exists before it looks at the idle time.
        self.group_with_pending(read=3)
        self.r.xdel("s", "2-0")
        self.assertEqual(self.r.xautoclaim("s", "g", "bob", 60000, "0"), [b"0-0", [], [b"2-0"]])
        self.assertEqual(ids_of(self.r.xpending_range("s", "g", "-", "+", 10)), [b"1-0", b"3-0"])
        self.assertEqual(self.r.xautoclaim("s", "g", "bob", 60000, "0"), [b"0-0", [], []])

    def test_deleted_entries_count_towards_count(self):
        self.group_with_pending(read=4)
        self.r.xdel("s", "1-0")
        self.assertEqual(self.r.xautoclaim("s", "g", "bob", 0, "0", count=2),
                         [b"3-0", [(b"2-0", {b"i": b"2"})], [b"1-0"]])

    def test_start_is_inclusive(self):
        self.group_with_pending(read=3)
        reply = self.r.xautoclaim("s", "g", "bob", 0, "2-0")
        self.assertEqual(ids(reply[1]), [b"2-0", b"3-0"])

    def test_xautoclaim_errors(self):
        self.group_with_pending(read=1)
        self.assertError("NOGROUP No such key 's' or consumer group 'nog'",
                         self.r.xautoclaim, "s", "nog", "bob", 0, "0")
        self.assertError(ERR_INVALID_ID,
                         self.r.execute_command, "XAUTOCLAIM", "s", "g", "bob", "0", "x")
        self.assertError("COUNT must be > 0",
                         self.r.execute_command, "XAUTOCLAIM", "s", "g", "bob", "0", "0",
                         "COUNT", "0")
        self.assertError("syntax error",
                         self.r.execute_command, "XAUTOCLAIM", "s", "g", "bob", "0", "0", "FOO")
        self.assertError("Invalid min-idle-time argument for XAUTOCLAIM",
                         self.r.execute_command, "XAUTOCLAIM", "s", "g", "bob", "x", "0")


# --- XINFO and XSETID -------------------------------------------------------------------------

class XInfoTest(StreamTestCase):
    def test_stream_summary(self):
        self.fill("s", 5)
        self.r.xdel("s", "3-0")
        self.r.xgroup_create("s", "g", id="0")
        info = self.r.xinfo_stream("s")
        self.assertEqual(sorted(info), sorted([
            "length", "radix-tree-keys", "radix-tree-nodes", "last-generated-id",
            "max-deleted-entry-id", "entries-added", "recorded-first-entry-id", "groups",
            "first-entry", "last-entry"]))
        self.assertEqual(info["length"], 4)
        self.assertEqual(info["last-generated-id"], b"5-0")
        self.assertEqual(info["max-deleted-entry-id"], b"3-0")
        self.assertEqual(info["entries-added"], 5)
        self.assertEqual(info["recorded-first-entry-id"], b"1-0")
        self.assertEqual(info["groups"], 1)
        self.assertEqual(info["first-entry"], (b"1-0", {b"i": b"1"}))
        self.assertEqual(info["last-entry"], (b"5-0", {b"i": b"5"}))
        self.assertIsInstance(info["radix-tree-keys"], int)
        self.assertIsInstance(info["radix-tree-nodes"], int)

    def test_stream_field_order(self):
        self.r.xadd("s", {"a": 1}, id="1-0")
        reply = self.plain().execute_command("XINFO", "STREAM", "s")
        self.assertEqual(reply[0::2], [
            b"length", b"radix-tree-keys", b"radix-tree-nodes", b"last-generated-id",
            b"max-deleted-entry-id", b"entries-added", b"recorded-first-entry-id", b"groups",
            b"first-entry", b"last-entry"])

    def test_empty_stream(self):
        self.r.xgroup_create("s", "g", mkstream=True)
        info = self.r.xinfo_stream("s")
        self.assertEqual((info["length"], info["first-entry"], info["last-entry"]),
                         (0, None, None))
        self.assertEqual(info["last-generated-id"], b"0-0")
        self.assertEqual(info["entries-added"], 0)
        self.assertError("no such key", self.r.xinfo_stream, "missing")
        self.assertError("no such key", self.r.xinfo_groups, "missing")

    def test_stream_full(self):
        """Fails on Redis 7.0 only for the 7.2 `active-time` consumer field."""
        self.group_with_pending(n=3, read=2)
        plain = self.plain()
        reply = plain.execute_command("XINFO", "STREAM", "s", "FULL")
        info = dict(zip(reply[0::2], reply[1::2]))
        self.assertEqual(sorted(info), sorted([
            b"length", b"radix-tree-keys", b"radix-tree-nodes", b"last-generated-id",
            b"max-deleted-entry-id", b"entries-added", b"recorded-first-entry-id",
            b"entries", b"groups"]))
        self.assertEqual(info[b"length"], 3)
        self.assertEqual(info[b"entries"], [[b"1-0", [b"i", b"1"]], [b"2-0", [b"i", b"2"]],
                                            [b"3-0", [b"i", b"3"]]])
        (group,) = info[b"groups"]
        self.assertEqual(group[0::2], [b"name", b"last-delivered-id", b"entries-read", b"lag",
                                       b"pel-count", b"pending", b"consumers"])
        group = dict(zip(group[0::2], group[1::2]))
        self.assertEqual(group[b"name"], b"g")
        self.assertEqual(group[b"last-delivered-id"], b"2-0")
        self.assertEqual((group[b"entries-read"], group[b"lag"], group[b"pel-count"]), (2, 1, 2))
        self.assertEqual([(p[0], p[1], p[3]) for p in group[b"pending"]],
                         [(b"1-0", b"alice", 1), (b"2-0", b"alice", 1)])
        (consumer,) = group[b"consumers"]
        self.assertEqual(consumer[0::2], [b"name", b"seen-time", b"active-time", b"pel-count",
                                          b"pending"])
        consumer = dict(zip(consumer[0::2], consumer[1::2]))
        now_ms = time.time() * 1000
        self.assertLess(abs(consumer[b"seen-time"] - now_ms), 10000)
        self.assertLess(abs(consumer[b"active-time"] - now_ms), 10000)
        self.assertEqual(consumer[b"pel-count"], 2)
        self.assertEqual([p[0] for p in consumer[b"pending"]], [b"1-0", b"2-0"])

    def test_stream_full_count(self):
        self.fill("s", 20)
        plain = self.plain()
        for count, want in (("5", 5), ("0", 20)):
            reply = plain.execute_command("XINFO", "STREAM", "s", "FULL", "COUNT", count)
            info = dict(zip(reply[0::2], reply[1::2]))
            self.assertEqual(len(info[b"entries"]), want)
        reply = plain.execute_command("XINFO", "STREAM", "s", "FULL")
        self.assertEqual(len(dict(zip(reply[0::2], reply[1::2]))[b"entries"]), 10)
        full = self.r.xinfo_stream("s", full=True)
        self.assertEqual(list(full["entries"])[:2], [b"1-0", b"2-0"])

    def test_groups_entries_read_and_lag(self):
        self.fill("s", 5)
        self.r.xgroup_create("s", "g", id="0")
        self.r.xreadgroup("g", "alice", {"s": ">"}, count=2)
        (group,) = self.r.xinfo_groups("s")
        self.assertEqual(group, {"name": b"g", "consumers": 1, "pending": 2,
                                 "last-delivered-id": b"2-0", "entries-read": 2, "lag": 3})
        self.r.xadd("s", {"i": 6}, id="6-0")
        self.assertEqual(self.r.xinfo_groups("s")[0]["lag"], 4)
        self.r.xreadgroup("g", "alice", {"s": ">"})
        group = self.r.xinfo_groups("s")[0]
        self.assertEqual((group["entries-read"], group["lag"]), (6, 0))

    def test_groups_lag_is_nil_when_unknowable(self):
        # A group created at an arbitrary id after a deletion cannot know its lag.
        self.fill("s", 5)
        self.r.xdel("s", "2-0")
        self.r.xgroup_create("s", "g", id="3-0")
        group = self.r.xinfo_groups("s")[0]
        self.assertIsNone(group["entries-read"])
        self.assertIsNone(group["lag"])

    def test_consumers_idle_and_pending(self):
        """Fails on Redis 7.0 only for the 7.2 `inactive` field."""
        self.group_with_pending(read=2)
        time.sleep(0.2)
        consumers = self.r.xinfo_consumers("s", "g")
        self.assertEqual([sorted(c) for c in consumers],
                         [["idle", "inactive", "name", "pending"]])
        alice = consumers[0]
        self.assertEqual((alice["name"], alice["pending"]), (b"alice", 2))
        self.assertTrue(150 <= alice["idle"] < 5000, alice)
        self.assertTrue(150 <= alice["inactive"] < 5000, alice)
        # A read that gets nothing is an attempt: idle resets, inactive does not.
        self.r.xgroup_setid("s", "g", "$")
        self.r.xreadgroup("g", "alice", {"s": ">"})
        alice = self.r.xinfo_consumers("s", "g")[0]
        self.assertLess(alice["idle"], 100)
        self.assertGreaterEqual(alice["inactive"], 150)

    def test_created_consumer_is_listed_with_nothing_pending(self):
        """Fails on Redis 7.0 only for the 7.2 `inactive` field."""
        self.r.xgroup_create("s", "g", mkstream=True)
        self.r.xgroup_createconsumer("s", "g", "idle-one")
        (consumer,) = self.r.xinfo_consumers("s", "g")
        self.assertEqual((consumer["name"], consumer["pending"]), (b"idle-one", 0))
        self.assertTrue(0 <= consumer["idle"] < 5000, consumer)
        self.assertIsInstance(consumer["inactive"], int)

    def test_consumers_errors(self):
        self.fill("s", 1)
        self.assertError("NOGROUP No such consumer group 'nog' for key name 's'",
                         self.r.xinfo_consumers, "s", "nog")


class XSetIdTest(StreamTestCase):
    def test_setid_moves_the_top_id(self):
        self.fill("s", 3)
        self.assertEqual(self.r.execute_command("XSETID", "s", "10-0"), b"OK")
        self.assertEqual(self.r.xinfo_stream("s")["last-generated-id"], b"10-0")
        self.assertError(ERR_NOT_ABOVE_TOP, self.r.xadd, "s", {"a": 1}, id="9-0")
        self.assertEqual(self.r.xadd("s", {"a": 1}, id="10-*"), b"10-1")

    def test_entriesadded_and_maxdeletedid(self):
        self.fill("s", 3)
        self.assertEqual(self.r.execute_command("XSETID", "s", "6-0", "ENTRIESADDED", "10",
                                                "MAXDELETEDID", "5-0"), b"OK")
        info = self.r.xinfo_stream("s")
        self.assertEqual((info["last-generated-id"], info["entries-added"],
                          info["max-deleted-entry-id"]), (b"6-0", 10, b"5-0"))

    def test_setid_errors(self):
        self.fill("s", 3)
        self.assertError("The ID specified in XSETID is smaller than the target stream top item",
                         self.r.execute_command, "XSETID", "s", "2-0")
        self.assertError("The entries_added specified in XSETID is smaller than the target "
                         "stream length", self.r.execute_command, "XSETID", "s", "6-0",
                         "ENTRIESADDED", "1")
        self.assertError("The ID specified in XSETID is smaller than the provided "
                         "max_deleted_entry_id", self.r.execute_command, "XSETID", "s", "6-0",
                         "ENTRIESADDED", "10", "MAXDELETEDID", "7-0")
        self.assertError("entries_added must be positive",
                         self.r.execute_command, "XSETID", "s", "6-0", "ENTRIESADDED", "-1")
        self.assertError("no such key", self.r.execute_command, "XSETID", "missing", "1-0")
        self.assertError(ERR_INVALID_ID, self.r.execute_command, "XSETID", "s", "x")


# --- Stream keys in the keyspace --------------------------------------------------------------

class StreamKeyspaceTest(StreamTestCase):
    def test_type_and_encoding(self):
        self.r.xadd("s", {"a": 1})
        self.assertEqual(self.r.type("s"), b"stream")
        self.assertEqual(self.r.object("encoding", "s"), b"stream")

    def test_wrongtype_both_ways(self):
        self.r.xadd("s", {"a": 1})
        self.r.set("str", "v")
        self.assertRaisesExactly(redis.ResponseError, ERR_WRONGTYPE, self.r.get, "s")
        self.assertRaisesExactly(redis.ResponseError, ERR_WRONGTYPE, self.r.incr, "s")
        for call in (lambda: self.r.xadd("str", {"a": 1}),
                     lambda: self.r.xlen("str"),
                     lambda: self.r.xrange("str"),
                     lambda: self.r.xread({"str": "0"}),
                     lambda: self.r.xgroup_create("str", "g", mkstream=True),
                     lambda: self.r.xinfo_stream("str")):
            self.assertRaisesExactly(redis.ResponseError, ERR_WRONGTYPE, call)
        self.assertEqual(self.r.get("str"), b"v")

    def test_del_rename_expire(self):
        self.fill("s", 3)
        self.r.xgroup_create("s", "g", id="0")
        self.r.xreadgroup("g", "alice", {"s": ">"}, count=1)
        self.assertIs(self.r.rename("s", "t"), True)
        self.assertEqual(self.r.exists("s"), 0)
        self.assertEqual(self.r.xlen("t"), 3)
        self.assertEqual(self.r.xpending("t", "g")["pending"], 1)
        self.assertIs(self.r.pexpire("t", 150), True)
        self.assertTrue(0 < self.r.pttl("t") <= 150)
        time.sleep(0.3)
        self.assertEqual(self.r.exists("t"), 0)
        self.fill("u", 1)
        self.assertEqual(self.r.delete("u"), 1)
        self.assertEqual(self.r.xlen("u"), 0)
        # A new stream at the same key starts from scratch.
        self.assertEqual(self.r.xadd("u", {"a": 1}, id="1-0"), b"1-0")

    def test_copy_is_deep(self):
        self.fill("s", 3)
        self.r.xgroup_create("s", "g", id="0")
        self.r.xreadgroup("g", "alice", {"s": ">"}, count=2)
        self.assertIs(self.r.copy("s", "c"), True)
        self.assertEqual(self.r.xrange("c"), self.r.xrange("s"))
        self.assertEqual(self.r.xpending("c", "g")["pending"], 2)
        self.r.xadd("c", {"i": 4}, id="4-0")
        self.r.xack("c", "g", "1-0")
        self.assertEqual(self.r.xlen("s"), 3)
        self.assertEqual(self.r.xpending("s", "g")["pending"], 2)
        self.assertIs(self.r.copy("s", "c"), False)
        self.assertIs(self.r.copy("s", "c", replace=True), True)
        self.assertEqual(self.r.xlen("c"), 3)

    def test_in_a_transaction(self):
        pipe = self.r.pipeline(transaction=True)
        pipe.xadd("s", {"a": 1}, id="1-0")
        pipe.xadd("s", {"a": 2}, id="1-0")
        pipe.xlen("s")
        results = pipe.execute(raise_on_error=False)
        self.assertEqual(results[0], b"1-0")
        self.assertIsInstance(results[1], redis.ResponseError)
        self.assertEqual(str(results[1]), ERR_NOT_ABOVE_TOP)
        self.assertEqual(results[2], 1)


# --- Unblocking -------------------------------------------------------------------------------

class UnblockTest(StreamTestCase):
    def blocked_reader(self, fn, *args, **kwargs):
        c = self.client()
        client_id = c.client_id()
        call = Background(getattr(c, fn), *args, **kwargs)
        self.wait_blocked()
        return client_id, call

    def test_deleting_the_key_wakes_a_blocked_xreadgroup(self):
        """Redis 7.2 re-runs the command: NOGROUP. (7.0 said "UNBLOCKED the stream key no
        longer exists", so this fails on 7.0.)"""
        self.r.xgroup_create("s", "g", mkstream=True)
        _, call = self.blocked_reader("xreadgroup", "g", "alice", {"s": ">"}, block=0)
        self.r.delete("s")
        call.join()
        self.assertIs(type(call.error), redis.ResponseError, call.error)
        self.assertEqual(str(call.error),
                         "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP "
                         "option")
        self.assertEqual(self.r.info("clients")["blocked_clients"], 0)

    def test_deleting_the_key_leaves_a_plain_xread_blocked(self):
        self.r.xadd("s", {"a": 1}, id="1-0")
        _, call = self.blocked_reader("xread", {"s": "$"}, block=600)
        self.r.delete("s")
        time.sleep(0.1)
        self.assertEqual(self.r.info("clients")["blocked_clients"], 1)
        call.join()
        self.assertEqual(call.result, [])

    def test_client_unblock_timeout(self):
        self.r.xgroup_create("s", "g", mkstream=True)
        client_id, call = self.blocked_reader("xreadgroup", "g", "alice", {"s": ">"}, block=0)
        self.assertIs(self.r.client_unblock(client_id), True)
        call.join()
        self.assertIsNone(call.error)
        self.assertEqual(call.result, [])
        self.assertIs(self.r.client_unblock(client_id), False)

    def test_client_unblock_error(self):
        client_id, call = self.blocked_reader("xread", {"s": "$"}, block=0)
        self.assertIs(self.r.client_unblock(client_id, error=True), True)
        call.join()
        self.assertIs(type(call.error), redis.ResponseError, call.error)
        self.assertEqual(str(call.error), "UNBLOCKED client unblocked via CLIENT UNBLOCK")

    def test_unblocked_connection_stays_usable(self):
        c = self.client()
        client_id = c.client_id()
        call = Background(c.xread, {"s": "$"}, block=0)
        self.wait_blocked()
        self.r.client_unblock(client_id, error=True)
        call.join()
        self.assertIs(c.ping(), True)
        self.r.xadd("s", {"a": 1}, id="1-0")
        self.assertEqual(ids(c.xread({"s": "0"})[0][1]), [b"1-0"])


# --- A whole workflow -------------------------------------------------------------------------

class CrashAndReclaimTest(StreamTestCase):
    def test_a_dead_consumers_work_is_reclaimed_and_acked(self):
        self.r.xgroup_create("jobs", "workers", mkstream=True)
        produced = [self.r.xadd("jobs", {"job": n}) for n in range(10)]
        # Alice takes four jobs, acks one, then dies.
        alice = self.client()
        taken = ids(alice.xreadgroup("workers", "alice", {"jobs": ">"}, count=4)[0][1])
        self.assertEqual(taken, produced[:4])
        alice.xack("jobs", "workers", taken[0])
        alice.close()
        # Bob works on new jobs meanwhile.
        bob = self.client()
        bob_jobs = ids(bob.xreadgroup("workers", "bob", {"jobs": ">"}, count=3)[0][1])
        self.assertEqual(bob_jobs, produced[4:7])
        bob.xack("jobs", "workers", *bob_jobs)
        time.sleep(0.25)
        # Bob sweeps the group for work idle longer than 200 ms and finds Alice's three.
        cursor, claimed, deleted = bob.xautoclaim("jobs", "workers", "bob", 200, "0-0", count=10)
        self.assertEqual((cursor, deleted), (b"0-0", []))
        self.assertEqual(ids(claimed), taken[1:])
        self.assertEqual([fields[b"job"] for _, fields in claimed], [b"1", b"2", b"3"])
        self.assertEqual(bob.xack("jobs", "workers", *ids(claimed)), 3)
        # The rest of the stream is delivered once, and then nothing is pending.
        rest = ids(bob.xreadgroup("workers", "bob", {"jobs": ">"})[0][1])
        self.assertEqual(rest, produced[7:])
        bob.xack("jobs", "workers", *rest)
        self.assertEqual(self.r.xpending("jobs", "workers")["pending"], 0)
        consumers = {c["name"]: c["pending"] for c in self.r.xinfo_consumers("jobs", "workers")}
        self.assertEqual(consumers, {b"alice": 0, b"bob": 0})
        (group,) = self.r.xinfo_groups("jobs")
        self.assertEqual((group["entries-read"], group["lag"]), (10, 0))


if __name__ == "__main__":
    unittest.main(verbosity=2)
