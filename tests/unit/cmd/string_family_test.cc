// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include <gtest/gtest.h>

#include "tests/support/command_harness.h"

namespace rill::test {
namespace {

class StringFamilyTest : public ::testing::Test {
 protected:
  CommandHarness h_;
};

TEST_F(StringFamilyTest, SetAndGet) {
  EXPECT_EQ(h_.Run({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(h_.Run({"GET", "nokey"}), "$-1\r\n");
  EXPECT_EQ(h_.Run({"get", "k", "extra"}), "-ERR wrong number of arguments for 'get' command\r\n");
}

TEST_F(StringFamilyTest, SetNxXxAndGetOption) {
  EXPECT_EQ(h_.Run({"SET", "k", "1", "XX"}), "$-1\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "1", "NX"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "2", "NX"}), "$-1\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "3", "XX", "GET"}), "$1\r\n1\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "4", "NX", "GET"}), "$1\r\n3\r\n");  // not set, old value back
  EXPECT_EQ(h_.Run({"GET", "k"}), "$1\r\n3\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "1", "NX", "XX"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "1", "EX", "1", "PX", "5"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "1", "EX"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"SET", "k", "1", "BOGUS"}), "-ERR syntax error\r\n");
}

TEST_F(StringFamilyTest, SetExpiryOptions) {
  const int64_t now = h_.clock().NowMs();
  EXPECT_EQ(h_.Run({"SET", "a", "v", "EX", "10"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"PTTL", "a"}), ":10000\r\n");
  EXPECT_EQ(h_.Run({"SET", "b", "v", "PX", "1500"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"TTL", "b"}), ":2\r\n");  // rounded, as Redis does
  EXPECT_EQ(h_.Run({"SET", "c", "v", "PXAT", std::to_string(now + 5000)}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"PEXPIRETIME", "c"}), ":" + std::to_string(now + 5000) + "\r\n");
  EXPECT_EQ(h_.Run({"SET", "a", "w", "KEEPTTL"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"PTTL", "a"}), ":10000\r\n");
  EXPECT_EQ(h_.Run({"SET", "a", "w"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"TTL", "a"}), ":-1\r\n");
  EXPECT_EQ(h_.Run({"SET", "a", "v", "EX", "0"}), "-ERR invalid expire time in 'set' command\r\n");
  EXPECT_EQ(h_.Run({"SET", "a", "v", "EX", "-5"}), "-ERR invalid expire time in 'set' command\r\n");
  EXPECT_EQ(h_.Run({"SET", "a", "v", "EX", "9223372036854775807"}),
            "-ERR invalid expire time in 'set' command\r\n");
  EXPECT_EQ(h_.Run({"SET", "a", "v", "EX", "x"}),
            "-ERR value is not an integer or out of range\r\n");
  h_.clock().AdvanceMs(5000);
  EXPECT_EQ(h_.Run({"GET", "c"}), "$-1\r\n");
}

TEST_F(StringFamilyTest, SetExAndFriends) {
  EXPECT_EQ(h_.Run({"SETEX", "k", "100", "v"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"TTL", "k"}), ":100\r\n");
  EXPECT_EQ(h_.Run({"SETEX", "k", "0", "v"}), "-ERR invalid expire time in 'setex' command\r\n");
  EXPECT_EQ(h_.Run({"PSETEX", "p", "100", "v"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"PTTL", "p"}), ":100\r\n");
  EXPECT_EQ(h_.Run({"SETNX", "k", "x"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"SETNX", "n", "x"}), ":1\r\n");
}

TEST_F(StringFamilyTest, MultiKey) {
  EXPECT_EQ(h_.Run({"MSET", "a", "1", "b", "2"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"MGET", "a", "x", "b"}), "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n");
  EXPECT_EQ(h_.Run({"MSET", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(h_.Run({"MSETNX", "c", "3", "a", "9"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"GET", "c"}), "$-1\r\n");
  EXPECT_EQ(h_.Run({"MSETNX", "c", "3", "d", "4"}), ":1\r\n");
}

TEST_F(StringFamilyTest, Counters) {
  EXPECT_EQ(h_.Run({"INCR", "n"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"INCRBY", "n", "41"}), ":42\r\n");
  EXPECT_EQ(h_.Run({"DECR", "n"}), ":41\r\n");
  EXPECT_EQ(h_.Run({"DECRBY", "n", "50"}), ":-9\r\n");
  EXPECT_EQ(h_.Run({"SET", "big", "9223372036854775807"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"INCR", "big"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(h_.Run({"DECRBY", "n", "-9223372036854775808"}), "-ERR decrement would overflow\r\n");
  EXPECT_EQ(h_.Run({"SET", "s", " 1"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"INCR", "s"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h_.Run({"INCRBY", "n", "x"}), "-ERR value is not an integer or out of range\r\n");
}

TEST_F(StringFamilyTest, CountersKeepTheTtl) {
  h_.Run({"SET", "n", "1", "EX", "100"});
  h_.Run({"INCR", "n"});
  EXPECT_EQ(h_.Run({"TTL", "n"}), ":100\r\n");
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "n"}), "$3\r\nint\r\n");
}

TEST_F(StringFamilyTest, IncrByFloatFormatsLikeRedis) {
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "f", "10.5"}), "$4\r\n10.5\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "f", "0.1"}), "$4\r\n10.6\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "f", "-5.6"}), "$1\r\n5\r\n");
  EXPECT_EQ(h_.Run({"SET", "e", "5.0e3"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "e", "2.0e2"}), "$4\r\n5200\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "f", "abc"}), "-ERR value is not a valid float\r\n");
  EXPECT_EQ(h_.Run({"INCRBYFLOAT", "f", "inf"}),
            "-ERR increment would produce NaN or Infinity\r\n");
}

TEST_F(StringFamilyTest, AppendStrlenRanges) {
  EXPECT_EQ(h_.Run({"APPEND", "s", "Hello"}), ":5\r\n");
  EXPECT_EQ(h_.Run({"APPEND", "s", " World"}), ":11\r\n");
  EXPECT_EQ(h_.Run({"STRLEN", "s"}), ":11\r\n");
  EXPECT_EQ(h_.Run({"STRLEN", "none"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "0", "4"}), "$5\r\nHello\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "-5", "-1"}), "$5\r\nWorld\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "5", "1"}), "$0\r\n\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "-1", "-5"}), "$0\r\n\r\n");
  EXPECT_EQ(h_.Run({"GETRANGE", "s", "0", "100"}), "$11\r\nHello World\r\n");
  EXPECT_EQ(h_.Run({"SETRANGE", "s", "6", "Redis"}), ":11\r\n");
  EXPECT_EQ(h_.Run({"GET", "s"}), "$11\r\nHello Redis\r\n");
  EXPECT_EQ(h_.Run({"SETRANGE", "z", "3", "ab"}), ":5\r\n");
  EXPECT_EQ(h_.Run({"GET", "z"}), std::string("$5\r\n\0\0\0ab\r\n", 11));
  EXPECT_EQ(h_.Run({"SETRANGE", "empty", "3", ""}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXISTS", "empty"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"SETRANGE", "s", "-1", "x"}), "-ERR offset is out of range\r\n");
  EXPECT_EQ(h_.Run({"SETRANGE", "s", "536870911", "xx"}),
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "s"}), "$3\r\nraw\r\n");
}

TEST_F(StringFamilyTest, GetDelAndGetEx) {
  h_.Run({"SET", "k", "v"});
  EXPECT_EQ(h_.Run({"GETEX", "k", "EX", "50"}), "$1\r\nv\r\n");
  EXPECT_EQ(h_.Run({"TTL", "k"}), ":50\r\n");
  EXPECT_EQ(h_.Run({"GETEX", "k", "PERSIST"}), "$1\r\nv\r\n");
  EXPECT_EQ(h_.Run({"TTL", "k"}), ":-1\r\n");
  EXPECT_EQ(h_.Run({"GETEX", "k", "EX"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"GETEX", "k", "EX", "1", "PERSIST"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h_.Run({"GETDEL", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(h_.Run({"GETDEL", "k"}), "$-1\r\n");
}

TEST_F(StringFamilyTest, Resp3NullIsUnderscore) {
  h_.Run({"HELLO", "3"});
  EXPECT_EQ(h_.Run({"GET", "nokey"}), "_\r\n");
}

}  // namespace
}  // namespace rill::test
