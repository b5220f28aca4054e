// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// XADD..XINFO through the in-process harness: exact RESP replies and error texts.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tests/support/command_harness.h"

namespace rill::test {
namespace {

std::string B(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }
std::string A(size_t n) { return "*" + std::to_string(n) + "\r\n"; }
std::string I(int64_t n) { return ":" + std::to_string(n) + "\r\n"; }
// One entry [id, [f, v, ...]].
std::string E(const std::string& id, const std::vector<std::string>& fv) {
  std::string s = A(2) + B(id) + A(fv.size());
  for (const std::string& x : fv) {
    s += B(x);
  }
  return s;
}

class StreamTest : public ::testing::Test {
 protected:
  // Adds n entries with ids 1-0 .. n-0 and field i = the number.
  void Fill(const std::string& key, int n) {
    for (int i = 1; i <= n; i++) {
      ASSERT_EQ(h_.Run({"XADD", key, std::to_string(i) + "-0", "i", std::to_string(i)}),
                B(std::to_string(i) + "-0"));
    }
  }
  CommandHarness h_;
};

TEST_F(StreamTest, XaddIdsFromClockExplicitAndPartial) {
  EXPECT_EQ(h_.Run({"XADD", "s", "*", "f", "v"}), B("1700000000000-0"));
  EXPECT_EQ(h_.Run({"XADD", "s", "*", "f", "v"}), B("1700000000000-1"));
  h_.clock().SetMs(1600000000000);  // the clock steps back: ids still grow
  EXPECT_EQ(h_.Run({"XADD", "s", "*", "f", "v"}), B("1700000000000-2"));
  EXPECT_EQ(h_.Run({"XADD", "s", "1700000000000-*", "f", "v"}), B("1700000000000-3"));
  EXPECT_EQ(h_.Run({"XADD", "s", "1800000000000-*", "f", "v"}), B("1800000000000-0"));
  EXPECT_EQ(h_.Run({"XADD", "s", "01800000000000-0005", "f", "v"}), B("1800000000000-5"));
  EXPECT_EQ(h_.Run({"XADD", "s", "1800000000000-5", "f", "v"}),
            "-ERR The ID specified in XADD is equal or smaller than the target stream top "
            "item\r\n");
  EXPECT_EQ(h_.Run({"XADD", "t", "0-0", "f", "v"}),
            "-ERR The ID specified in XADD must be greater than 0-0\r\n");
  EXPECT_EQ(h_.Run({"EXISTS", "t"}), I(0));  // rejected before the key is made
  EXPECT_EQ(h_.Run({"XADD", "s", "1-x", "f", "v"}),
            "-ERR Invalid stream ID specified as stream command argument\r\n");
  EXPECT_EQ(h_.Run({"XLEN", "s"}), I(6));
}

TEST_F(StreamTest, XaddArgumentErrors) {
  EXPECT_EQ(h_.Run({"XADD", "s", "*", "f"}),
            "-ERR wrong number of arguments for 'xadd' command\r\n");
  EXPECT_EQ(h_.Run({"XADD", "s", "NOMKSTREAM", "*", "f", "v"}), "$-1\r\n");
  EXPECT_EQ(h_.Run({"XADD", "s", "MAXLEN", "-1", "*", "f", "v"}),
            "-ERR The MAXLEN argument must be >= 0.\r\n");
  EXPECT_EQ(h_.Run({"XADD", "s", "MAXLEN", "x", "*", "f", "v"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h_.Run({"XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "f", "v"}),
            "-ERR syntax error, MAXLEN and MINID options at the same time are not "
            "compatible\r\n");
  EXPECT_EQ(h_.Run({"XADD", "s", "MAXLEN", "1", "LIMIT", "5", "*", "f", "v"}),
            "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n");
  EXPECT_EQ(h_.Run({"XADD", "s", "LIMIT", "5", "*", "f", "v"}),
            "-ERR syntax error, LIMIT cannot be used without specifying a trimming "
            "strategy\r\n");
  EXPECT_EQ(h_.Run({"XADD", "s", "MAXLEN", "~", "1", "LIMIT", "-1", "*", "f", "v"}),
            "-ERR The LIMIT argument must be >= 0.\r\n");
  EXPECT_EQ(h_.Run({"XTRIM", "s", "LIMIT", "5"}),
            "-ERR syntax error, LIMIT cannot be used without specifying a trimming "
            "strategy\r\n");
  EXPECT_EQ(h_.Run({"XTRIM", "s", "FOO", "5"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"EXISTS", "s"}), I(0));
}

TEST_F(StreamTest, RangesWithExclusiveAndIncompleteIds) {
  Fill("s", 4);
  EXPECT_EQ(h_.Run({"XRANGE", "s", "-", "+", "COUNT", "2"}),
            A(2) + E("1-0", {"i", "1"}) + E("2-0", {"i", "2"}));
  EXPECT_EQ(h_.Run({"XRANGE", "s", "(1-0", "3"}),
            A(2) + E("2-0", {"i", "2"}) + E("3-0", {"i", "3"}));
  EXPECT_EQ(h_.Run({"XREVRANGE", "s", "+", "(3", "COUNT", "5"}), A(1) + E("4-0", {"i", "4"}));
  EXPECT_EQ(h_.Run({"XRANGE", "s", "3", "2"}), A(0));
  EXPECT_EQ(h_.Run({"XRANGE", "s", "-", "+", "COUNT", "0"}), "*-1\r\n");
  EXPECT_EQ(h_.Run({"XRANGE", "missing", "-", "+"}), A(0));
  EXPECT_EQ(h_.Run({"XRANGE", "s", "(-", "+"}),
            "-ERR Invalid stream ID specified as stream command argument\r\n");
  EXPECT_EQ(h_.Run({"XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"}),
            "-ERR invalid start ID for the interval\r\n");
  EXPECT_EQ(h_.Run({"XRANGE", "s", "-", "+", "LIMIT", "1"}), "-ERR syntax error\r\n");
}

TEST_F(StreamTest, XdelLeavesGapsAndCountsOnlyLiveEntries) {
  Fill("s", 3);
  EXPECT_EQ(h_.Run({"XDEL", "s", "2-0", "2-0", "9-0"}), I(1));
  EXPECT_EQ(h_.Run({"XDEL", "s", "bad"}),
            "-ERR Invalid stream ID specified as stream command argument\r\n");
  EXPECT_EQ(h_.Run({"XLEN", "s"}), I(2));
  EXPECT_EQ(h_.Run({"XRANGE", "s", "-", "+"}), A(2) + E("1-0", {"i", "1"}) + E("3-0", {"i", "3"}));
  EXPECT_EQ(h_.Run({"XDEL", "s", "1-0", "3-0"}), I(2));
  EXPECT_EQ(h_.Run({"EXISTS", "s"}), I(1));  // an empty stream stays
  EXPECT_EQ(h_.Run({"XADD", "s", "2-0", "f", "v"}),
            "-ERR The ID specified in XADD is equal or smaller than the target stream top "
            "item\r\n");
}

TEST_F(StreamTest, ApproximateTrimFollowsNodeSizeFromConfig) {
  Fill("s", 250);
  // Default nodes hold 100 entries: LIMIT 150 allows one whole node.
  EXPECT_EQ(h_.Run({"XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "150"}), I(100));
  EXPECT_EQ(h_.Run({"XTRIM", "s", "MAXLEN", "~", "120"}), I(0));  // would cut into a node
  EXPECT_EQ(h_.Run({"XTRIM", "s", "MAXLEN", "=", "120"}), I(30));
  EXPECT_EQ(h_.Run({"CONFIG", "SET", "stream-node-max-entries", "10"}), "+OK\r\n");
  Fill("t", 95);
  EXPECT_EQ(h_.Run({"XTRIM", "t", "MINID", "~", "56"}), I(50));
  EXPECT_EQ(h_.Run({"XTRIM", "t", "MINID", "56"}), I(5));
  EXPECT_EQ(h_.Run({"XADD", "t", "MAXLEN", "~", "30", "LIMIT", "0", "100-0", "i", "100"}),
            B("100-0"));
  EXPECT_EQ(h_.Run({"XLEN", "t"}), I(36));  // LIMIT 0: no limit, whole nodes only
}

TEST_F(StreamTest, ConsumerGroupReadPendingAck) {
  Fill("s", 3);
  EXPECT_EQ(h_.Run({"XGROUP", "CREATE", "s", "g", "0"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"XGROUP", "CREATE", "s", "g", "0"}),
            "-BUSYGROUP Consumer Group name already exists\r\n");
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"}),
            A(1) + A(2) + B("s") + A(2) + E("1-0", {"i", "1"}) + E("2-0", {"i", "2"}));
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"}),
            A(1) + A(2) + B("s") + A(1) + E("3-0", {"i", "3"}));
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"}), "*-1\r\n");
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g"}), A(4) + I(3) + B("1-0") + B("3-0") + A(2) + A(2) +
                                                B("alice") + B("2") + A(2) + B("bob") + B("1"));
  h_.clock().AdvanceMs(500);
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g", "IDLE", "100", "-", "+", "10", "bob"}),
            A(1) + A(4) + B("3-0") + B("bob") + I(500) + I(1));
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g", "-", "+", "10", "nobody"}), A(0));
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g", "IDLE", "1000", "-", "+", "10"}), A(0));
  EXPECT_EQ(h_.Run({"XACK", "s", "g", "1-0", "3-0", "7-0"}), I(2));
  // History: alice's own pending entries; a deleted one comes back with nil fields.
  EXPECT_EQ(h_.Run({"XDEL", "s", "2-0"}), I(1));
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"}),
            A(1) + A(2) + B("s") + A(1) + A(2) + B("2-0") + "*-1\r\n");
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"}),
            A(1) + A(2) + B("s") + A(0));
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "nope", "c", "STREAMS", "s", ">"}),
            "-NOGROUP No such key 's' or consumer group 'nope' in XREADGROUP with GROUP "
            "option\r\n");
  EXPECT_EQ(h_.Run({"XPENDING", "s", "nope"}),
            "-NOGROUP No such key 's' or consumer group 'nope'\r\n");
}

// Redis looks up the key (and group) before it parses the rest; so does Rill.
TEST_F(StreamTest, KeyLookupComesBeforeArgumentChecks) {
  EXPECT_EQ(h_.Run({"XRANGE", "missing", "-", "+", "COUNT", "0"}), A(0));
  EXPECT_EQ(h_.Run({"XDEL", "missing", "bad-id"}), I(0));
  EXPECT_EQ(h_.Run({"XACK", "missing", "g", "bad-id"}), I(0));
  EXPECT_EQ(h_.Run({"XINFO", "STREAM", "missing", "BOGUS"}), "-ERR no such key\r\n");
  h_.Run({"SET", "str", "x"});
  EXPECT_EQ(h_.Run({"XDEL", "str", "bad-id"}),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_F(StreamTest, GroupBookkeepingDoesNotBreakWatch) {
  Fill("s", 2);
  h_.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h_.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"});
  h_.Run({"WATCH", "s"});
  h_.Run({"XACK", "s", "g", "1-0"});
  h_.Run({"XCLAIM", "s", "g", "d", "0", "2-0"});
  h_.Run({"XGROUP", "CREATECONSUMER", "s", "g", "e"});
  h_.Run({"MULTI"});
  h_.Run({"XLEN", "s"});
  EXPECT_EQ(h_.Run({"EXEC"}), A(1) + I(2));
  h_.Run({"WATCH", "s"});
  h_.Run({"XADD", "s", "3-0", "f", "v"});  // an entry is a modification
  h_.Run({"MULTI"});
  h_.Run({"XLEN", "s"});
  EXPECT_EQ(h_.Run({"EXEC"}), "*-1\r\n");
}

TEST_F(StreamTest, NoAckDeliversWithoutPending) {
  Fill("s", 2);
  h_.Run({"XGROUP", "CREATE", "s", "g", "0"});
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">"}),
            A(1) + A(2) + B("s") + A(2) + E("1-0", {"i", "1"}) + E("2-0", {"i", "2"}));
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g"}), A(4) + I(0) + "$-1\r\n$-1\r\n*-1\r\n");
  // Nothing entered its PEL, so the consumer was never active (Redis 7.2's inactive -1).
  EXPECT_NE(h_.Run({"XINFO", "CONSUMERS", "s", "g"}).find(B("inactive") + I(-1)),
            std::string::npos);
}

TEST_F(StreamTest, ClaimAndAutoclaim) {
  Fill("s", 4);
  h_.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h_.Run({"XREADGROUP", "GROUP", "g", "dead", "STREAMS", "s", ">"});
  h_.clock().AdvanceMs(1000);
  // Not idle long enough: nothing moves.
  EXPECT_EQ(h_.Run({"XCLAIM", "s", "g", "live", "5000", "1-0"}), A(0));
  EXPECT_EQ(h_.Run({"XCLAIM", "s", "g", "live", "500", "1-0", "RETRYCOUNT", "7", "JUSTID"}),
            A(1) + B("1-0"));
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g", "-", "+", "1"}),
            A(1) + A(4) + B("1-0") + B("live") + I(0) + I(7));
  EXPECT_EQ(h_.Run({"XCLAIM", "s", "g", "live", "0", "1-0", "BOGUS"}),
            "-ERR Unrecognized XCLAIM option 'BOGUS'\r\n");
  EXPECT_EQ(h_.Run({"XCLAIM", "s", "g", "live", "x", "1-0"}),
            "-ERR Invalid min-idle-time argument for XCLAIM\r\n");
  EXPECT_EQ(h_.Run({"XCLAIM", "s", "g", "live", "0", "1-0", "IDLE", "x"}),
            "-ERR Invalid IDLE option argument for XCLAIM\r\n");
  // The dead consumer's remaining entries: one was deleted meanwhile. 1-0 was just claimed
  // (not idle), 2-0 is claimed, 3-0 is reported deleted and counts toward COUNT.
  EXPECT_EQ(h_.Run({"XDEL", "s", "3-0"}), I(1));
  EXPECT_EQ(h_.Run({"XAUTOCLAIM", "s", "g", "live", "500", "0", "COUNT", "2"}),
            A(3) + B("4-0") + A(1) + E("2-0", {"i", "2"}) + A(1) + B("3-0"));
  EXPECT_EQ(h_.Run({"XAUTOCLAIM", "s", "g", "live", "500", "4-0", "JUSTID"}),
            A(3) + B("0-0") + A(1) + B("4-0") + A(0));
  EXPECT_EQ(h_.Run({"XAUTOCLAIM", "s", "g", "live", "500", "(2-0", "JUSTID"}),
            A(3) + B("0-0") + A(0) + A(0));
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g"}),
            A(4) + I(3) + B("1-0") + B("4-0") + A(1) + A(2) + B("live") + B("3"));
  EXPECT_EQ(h_.Run({"XAUTOCLAIM", "s", "g", "live", "0", "0", "COUNT", "0"}),
            "-ERR COUNT must be > 0\r\n");
  // FORCE creates a pending record for an existing entry; LASTID moves the group.
  EXPECT_EQ(h_.Run({"XADD", "s", "5-0", "i", "5"}), B("5-0"));
  EXPECT_EQ(h_.Run({"XCLAIM", "s", "g", "other", "0", "5-0", "FORCE", "JUSTID", "LASTID", "5-0"}),
            A(1) + B("5-0"));
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g", "5-0", "5-0", "1"}),
            A(1) + A(4) + B("5-0") + B("other") + I(0) + I(0));
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "x", "STREAMS", "s", ">"}), "*-1\r\n");
}

TEST_F(StreamTest, XgroupSubcommandsAndErrors) {
  EXPECT_EQ(h_.Run({"XGROUP", "CREATE", "s", "g", "$"}),
            "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you "
            "may want to use the MKSTREAM option to create an empty stream automatically.\r\n");
  EXPECT_EQ(h_.Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM", "ENTRIESREAD", "-2"}),
            "-ERR value for ENTRIESREAD must be positive or -1\r\n");
  EXPECT_EQ(h_.Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"TYPE", "s"}), "+stream\r\n");
  EXPECT_EQ(h_.Run({"XGROUP", "SETID", "s", "nope", "0"}),
            "-NOGROUP No such consumer group 'nope' for key name 's'\r\n");
  EXPECT_EQ(h_.Run({"XGROUP", "CREATECONSUMER", "s", "g", "c"}), I(1));
  EXPECT_EQ(h_.Run({"XGROUP", "CREATECONSUMER", "s", "g", "c"}), I(0));
  EXPECT_EQ(h_.Run({"XGROUP", "DELCONSUMER", "s", "g", "c"}), I(0));
  EXPECT_EQ(h_.Run({"XGROUP", "DELCONSUMER", "s", "g", "c"}), I(0));
  EXPECT_EQ(h_.Run({"XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "3"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"XGROUP", "SETID", "s", "g", "0", "FOO"}),
            "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP "
            "HELP.\r\n");
  EXPECT_EQ(h_.Run({"XGROUP", "DESTROY", "s", "g"}), I(1));
  EXPECT_EQ(h_.Run({"XGROUP", "DESTROY", "s", "g"}), I(0));
  EXPECT_EQ(h_.Run({"XGROUP", "FOO"}), "-ERR unknown subcommand 'FOO'. Try XGROUP HELP.\r\n");
}

TEST_F(StreamTest, InfoGroupsReportsLagAndUnknownCounters) {
  Fill("s", 5);
  h_.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h_.Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s", ">"});
  const std::string head = A(1) + "*12\r\n" + B("name") + B("g") + B("consumers") + I(1) +
                           B("pending") + I(2) + B("last-delivered-id") + B("2-0") +
                           B("entries-read");
  EXPECT_EQ(h_.Run({"XINFO", "GROUPS", "s"}), head + I(2) + B("lag") + I(3));
  // A deletion ahead of the group: lag cannot be known (null), entries-read still is.
  h_.Run({"XDEL", "s", "4-0"});
  EXPECT_EQ(h_.Run({"XINFO", "GROUPS", "s"}), head + I(2) + B("lag") + "$-1\r\n");
  EXPECT_EQ(h_.Run({"XINFO", "GROUPS", "missing"}), "-ERR no such key\r\n");
  EXPECT_EQ(h_.Run({"XINFO", "CONSUMERS", "s", "nope"}),
            "-NOGROUP No such consumer group 'nope' for key name 's'\r\n");
}

TEST_F(StreamTest, InfoStreamCountsNodesAndIds) {
  EXPECT_EQ(h_.Run({"CONFIG", "SET", "stream-node-max-entries", "2"}), "+OK\r\n");
  Fill("s", 5);
  h_.Run({"XDEL", "s", "5-0"});
  EXPECT_EQ(h_.Run({"XINFO", "STREAM", "s"}),
            "*20\r\n" + B("length") + I(4) + B("radix-tree-keys") + I(2) + B("radix-tree-nodes") +
                I(1) + B("last-generated-id") + B("5-0") + B("max-deleted-entry-id") + B("5-0") +
                B("entries-added") + I(5) + B("recorded-first-entry-id") + B("1-0") + B("groups") +
                I(0) + B("first-entry") + E("1-0", {"i", "1"}) + B("last-entry") +
                E("4-0", {"i", "4"}));
  EXPECT_EQ(h_.Run({"XINFO", "STREAM", "s", "FULL", "COUNT", "x"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h_.Run({"XINFO", "STREAM", "s", "PARTIAL"}), "-ERR syntax error\r\n");
}

TEST_F(StreamTest, XsetidChecksLikeRedis) {
  Fill("s", 3);
  EXPECT_EQ(h_.Run({"XSETID", "s", "2-0"}),
            "-ERR The ID specified in XSETID is smaller than the target stream top item\r\n");
  EXPECT_EQ(h_.Run({"XSETID", "s", "9-0", "ENTRIESADDED", "2"}),
            "-ERR The entries_added specified in XSETID is smaller than the target stream "
            "length\r\n");
  EXPECT_EQ(h_.Run({"XSETID", "s", "9-0", "MAXDELETEDID", "10-0"}),
            "-ERR The ID specified in XSETID is smaller than the provided "
            "max_deleted_entry_id\r\n");
  EXPECT_EQ(h_.Run({"XSETID", "s", "9-0", "ENTRIESADDED", "10", "MAXDELETEDID", "8-0"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"XADD", "s", "9-0", "f", "v"}),
            "-ERR The ID specified in XADD is equal or smaller than the target stream top "
            "item\r\n");
  EXPECT_EQ(h_.Run({"XSETID", "missing", "1-0"}), "-ERR no such key\r\n");
}

// Replies are written straight into the client's buffer, their counts put in front after:
// a key with nothing to serve leaves no trace, and earlier replies stay as they were.
TEST_F(StreamTest, ReadSkipsKeysWithNothingNewAndLeavesEarlierRepliesAlone) {
  Fill("a", 2);
  Fill("b", 1);
  Fill("c", 1);
  const std::vector<std::string_view> ping = {"PING"};
  ASSERT_TRUE(h_.shard().OnRequest(*h_.client(0).conn, ping));  // pipelined before the read
  EXPECT_EQ(h_.Run({"XREAD", "STREAMS", "a", "b", "c", "1-0", "1-0", "0"}),
            "+PONG\r\n" + A(2) + A(2) + B("a") + A(1) + E("2-0", {"i", "2"}) + A(2) + B("c") +
                A(1) + E("1-0", {"i", "1"}));
  EXPECT_EQ(h_.Run({"XGROUP", "CREATE", "a", "g", "$"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"XGROUP", "CREATE", "c", "g", "0"}), "+OK\r\n");
  ASSERT_TRUE(h_.shard().OnRequest(*h_.client(0).conn, ping));
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "x", "STREAMS", "a", "c", ">", ">"}),
            "+PONG\r\n" + A(1) + A(2) + B("c") + A(1) + E("1-0", {"i", "1"}));
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "x", "STREAMS", "a", "c", "0", "0"}),
            A(2) + A(2) + B("a") + A(0) + A(2) + B("c") + A(1) + E("1-0", {"i", "1"}));
  h_.Run({"HELLO", "3"});
  ASSERT_TRUE(h_.shard().OnRequest(*h_.client(0).conn, ping));
  EXPECT_EQ(h_.Run({"XREAD", "STREAMS", "a", "b", "c", "0", "1-0", "1-0"}),
            "+PONG\r\n%1\r\n" + B("a") + A(2) + E("1-0", {"i", "1"}) + E("2-0", {"i", "2"}));
}

// Without a journal the handlers skip building effects (XADD's id, a delivery's XCLAIM),
// but each such write still counts as a change, which snapshot schedules go by.
TEST_F(StreamTest, WritesCountAsChangesWithoutAJournal) {
  ASSERT_FALSE(h_.shard().journal().enabled());
  const auto changes = [this] { return h_.shard().stats().dirty_now(); };
  uint64_t before = changes();
  Fill("s", 3);
  EXPECT_EQ(changes(), before + 3);
  EXPECT_EQ(h_.Run({"XGROUP", "CREATE", "s", "g", "0"}), "+OK\r\n");
  before = changes();
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"}),
            A(1) + A(2) + B("s") + A(1) + E("1-0", {"i", "1"}));
  EXPECT_EQ(changes(), before + 1);
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">"}),
            A(1) + A(2) + B("s") + A(2) + E("2-0", {"i", "2"}) + E("3-0", {"i", "3"}));
  EXPECT_EQ(changes(), before + 2);
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}), "*-1\r\n");
  EXPECT_EQ(changes(), before + 2);  // nothing delivered: nothing changed
  EXPECT_EQ(h_.Run({"XCLAIM", "s", "g", "d", "0", "1-0", "JUSTID"}), A(1) + B("1-0"));
  EXPECT_EQ(changes(), before + 3);
  EXPECT_EQ(h_.Run({"XDEL", "s", "1-0"}), I(1));
  EXPECT_EQ(h_.Run({"XCLAIM", "s", "g", "d", "0", "1-0"}), A(0));  // gone: dropped from the PEL
  EXPECT_EQ(changes(), before + 5);
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g"}), A(4) + I(0) + "$-1\r\n$-1\r\n*-1\r\n");
}

TEST_F(StreamTest, Resp3ReadIsAMap) {
  Fill("s", 1);
  h_.Run({"HELLO", "3"});
  EXPECT_EQ(h_.Run({"XREAD", "STREAMS", "s", "0"}),
            "%1\r\n" + B("s") + A(1) + E("1-0", {"i", "1"}));
  EXPECT_EQ(h_.Run({"XREAD", "STREAMS", "s", "$"}), "_\r\n");
}

TEST_F(StreamTest, ReadArgumentErrors) {
  EXPECT_EQ(h_.Run({"XREAD", "STREAMS", "a", "b", "0"}),
            "-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.\r\n");
  EXPECT_EQ(h_.Run({"XREAD", "BLOCK", "-1", "STREAMS", "a", "0"}), "-ERR timeout is negative\r\n");
  EXPECT_EQ(h_.Run({"XREAD", "BLOCK", "9223372036854775807", "STREAMS", "a", "$"}),
            "-ERR timeout is out of range\r\n");
  EXPECT_EQ(h_.Run({"XREAD", "BLOCK", "x", "STREAMS", "a", "0"}),
            "-ERR timeout is not an integer or out of range\r\n");
  EXPECT_EQ(h_.Run({"XREAD", "NOACK", "STREAMS", "a", "0"}),
            "-ERR The NOACK option is only supported by XREADGROUP. You called XREAD "
            "instead.\r\n");
  EXPECT_EQ(h_.Run({"XREAD", "STREAMS", "a", ">"}),
            "-ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
            "<group> <consumer> option.\r\n");
  EXPECT_EQ(h_.Run({"XREADGROUP", "COUNT", "1", "NOACK", "STREAMS", "a", ">"}),
            "-ERR Missing GROUP option for XREADGROUP\r\n");
  h_.Run({"XGROUP", "CREATE", "a", "g", "$", "MKSTREAM"});
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "$"}).substr(0, 36),
            "-ERR The $ ID is meaningless in the ");
}

TEST_F(StreamTest, WrongTypeBothWays) {
  h_.Run({"SET", "str", "x"});
  h_.Run({"XADD", "s", "1-0", "f", "v"});
  const std::string wrong =
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
  EXPECT_EQ(h_.Run({"XADD", "str", "*", "f", "v"}), wrong);
  EXPECT_EQ(h_.Run({"XREAD", "STREAMS", "str", "0"}), wrong);
  EXPECT_EQ(h_.Run({"XLEN", "str"}), wrong);
  EXPECT_EQ(h_.Run({"GET", "s"}), wrong);
  EXPECT_EQ(h_.Run({"APPEND", "s", "x"}), wrong);
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "s"}), B("stream"));
}

TEST_F(StreamTest, CopyIsDeepAndRenameMoves) {
  Fill("s", 2);
  h_.Run({"XGROUP", "CREATE", "s", "g", "0"});
  h_.Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"});
  EXPECT_EQ(h_.Run({"COPY", "s", "t"}), I(1));
  h_.Run({"XADD", "t", "3-0", "i", "3"});
  h_.Run({"XACK", "t", "g", "1-0"});
  EXPECT_EQ(h_.Run({"XLEN", "s"}), I(2));
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g"}).substr(0, 8), A(4) + I(2));
  EXPECT_EQ(h_.Run({"XPENDING", "t", "g"}).substr(0, 8), A(4) + I(1));
  EXPECT_EQ(h_.Run({"RENAME", "t", "u"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"XLEN", "u"}), I(3));
  EXPECT_EQ(h_.Run({"EXPIRE", "u", "10"}), I(1));
  h_.clock().AdvanceMs(11000);
  EXPECT_EQ(h_.Run({"EXISTS", "u"}), I(0));
}

// --- Blocking reads ---

class BlockingTest : public StreamTest {};

TEST_F(BlockingTest, OneEntryGoesToTheOldestGroupReader) {
  h_.Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});
  const size_t a = h_.NewClient();
  const size_t b = h_.NewClient();
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">"}, a), "");
  EXPECT_EQ(h_.Run({"XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">"}, b), "");
  EXPECT_EQ(h_.Run({"INFO", "clients"}).find("blocked_clients:2") != std::string::npos, true);
  EXPECT_EQ(h_.Run({"XADD", "s", "1-0", "f", "v"}), B("1-0"));
  EXPECT_EQ(h_.Take(a), A(1) + A(2) + B("s") + A(1) + E("1-0", {"f", "v"}));
  EXPECT_EQ(h_.Take(b), "");  // still waiting: the entry went to a only
  h_.Run({"XADD", "s", "2-0", "f", "w"});
  EXPECT_EQ(h_.Take(b), A(1) + A(2) + B("s") + A(1) + E("2-0", {"f", "w"}));
  EXPECT_EQ(h_.Run({"XPENDING", "s", "g"}).substr(0, 8), A(4) + I(2));
}

TEST_F(BlockingTest, XreadDollarWaitsForNewEntriesOnAnyKey) {
  h_.Run({"XADD", "old", "5-0", "f", "v"});
  const size_t r1 = h_.NewClient();
  const size_t r2 = h_.NewClient();
  EXPECT_EQ(h_.Run({"XREAD", "BLOCK", "0", "STREAMS", "old", "new", "$", "$"}, r1), "");
  EXPECT_EQ(h_.Run({"XREAD", "BLOCK", "0", "STREAMS", "new", "$"}, r2), "");
  h_.Run({"XADD", "new", "1-0", "f", "v"});
  EXPECT_EQ(h_.Take(r1), A(1) + A(2) + B("new") + A(1) + E("1-0", {"f", "v"}));
  EXPECT_EQ(h_.Take(r2), A(1) + A(2) + B("new") + A(1) + E("1-0", {"f", "v"}));
  // Served once, counted once.
  EXPECT_NE(h_.Run({"INFO", "commandstats"}).find("cmdstat_xread:calls=2,"), std::string::npos);
}

TEST_F(BlockingTest, KeyChangesWakeGroupReadersWithRedisErrors) {
  const size_t c = h_.NewClient();
  h_.Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});
  h_.Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"}, c);
  h_.Run({"DEL", "s"});
  EXPECT_EQ(h_.Take(c),
            "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n");

  h_.Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});
  h_.Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"}, c);
  h_.Run({"XGROUP", "DESTROY", "s", "g"});
  EXPECT_EQ(h_.Take(c),
            "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n");

  h_.Run({"XGROUP", "CREATE", "s", "g", "$"});
  h_.Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"}, c);
  h_.Run({"SET", "s", "now a string"});
  EXPECT_EQ(h_.Take(c), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");

  h_.Run({"DEL", "s"});
  h_.Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});
  h_.Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"}, c);
  h_.Run({"FLUSHALL"});
  EXPECT_EQ(h_.Take(c),
            "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n");
}

TEST_F(BlockingTest, PlainXreadKeepsWaitingThroughDeleteAndTypeChange) {
  const size_t c = h_.NewClient();
  h_.Run({"XADD", "s", "1-0", "f", "v"});
  h_.Run({"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}, c);
  h_.Run({"DEL", "s"});
  h_.Run({"SET", "s", "x"});
  EXPECT_EQ(h_.Take(c), "");
  h_.Run({"DEL", "s"});
  h_.Run({"XADD", "s", "2-0", "f", "v"});
  EXPECT_EQ(h_.Take(c), A(1) + A(2) + B("s") + A(1) + E("2-0", {"f", "v"}));
}

TEST_F(BlockingTest, ClientUnblockTimeoutAndError) {
  const size_t c = h_.NewClient();
  const std::string id = std::to_string(h_.client(c).id);
  h_.Run({"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}, c);
  EXPECT_EQ(h_.Run({"CLIENT", "UNBLOCK", id, "TIMEOUT"}), I(1));
  EXPECT_EQ(h_.Take(c), "*-1\r\n");
  EXPECT_EQ(h_.Run({"CLIENT", "UNBLOCK", id}), I(0));
  h_.Run({"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}, c);
  EXPECT_EQ(h_.Run({"CLIENT", "UNBLOCK", id, "NOW"}),
            "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n");
  EXPECT_EQ(h_.Run({"CLIENT", "UNBLOCK", id, "ERROR"}), I(1));
  EXPECT_EQ(h_.Take(c), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  EXPECT_NE(h_.Run({"INFO", "clients"}).find("blocked_clients:0"), std::string::npos);
}

TEST_F(BlockingTest, InsideMultiBlockDoesNotBlock) {
  h_.Run({"MULTI"});
  h_.Run({"XREAD", "BLOCK", "0", "STREAMS", "s", "$"});
  EXPECT_EQ(h_.Run({"EXEC"}), A(1) + "*-1\r\n");
}

}  // namespace
}  // namespace rill::test
