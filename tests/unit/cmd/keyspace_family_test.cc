// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include <gtest/gtest.h>

#include <set>

#include "tests/support/command_harness.h"

namespace rill::test {
namespace {

class KeyspaceFamilyTest : public ::testing::Test {
 protected:
  CommandHarness h_;
};

TEST_F(KeyspaceFamilyTest, DelExistsType) {
  h_.Run({"MSET", "a", "1", "b", "2"});
  EXPECT_EQ(h_.Run({"EXISTS", "a", "a", "zz"}), ":2\r\n");
  EXPECT_EQ(h_.Run({"TYPE", "a"}), "+string\r\n");
  EXPECT_EQ(h_.Run({"TYPE", "zz"}), "+none\r\n");
  EXPECT_EQ(h_.Run({"DEL", "a", "b", "zz"}), ":2\r\n");
  EXPECT_EQ(h_.Run({"UNLINK", "a"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"DBSIZE"}), ":0\r\n");
}

TEST_F(KeyspaceFamilyTest, KeysAndScan) {
  for (int i = 0; i < 50; i++) {
    h_.Run({"SET", "user:" + std::to_string(i), "x"});
  }
  h_.Run({"SET", "other", "x"});
  const std::string keys = h_.Run({"KEYS", "user:1?"});
  EXPECT_EQ(keys.substr(0, 5), "*10\r\n");
  std::set<std::string> seen;
  std::string cursor = "0";
  do {
    const std::string r = h_.Run({"SCAN", cursor, "MATCH", "user:*", "COUNT", "7"});
    ASSERT_EQ(r.substr(0, 4), "*2\r\n");
    const size_t c1 = r.find("\r\n", 4);
    const size_t c2 = r.find("\r\n", c1 + 2);
    cursor = r.substr(c1 + 2, c2 - c1 - 2);
    size_t pos = r.find("user:");
    while (pos != std::string::npos) {
      seen.insert(r.substr(pos, r.find("\r\n", pos) - pos));
      pos = r.find("user:", pos + 1);
    }
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(h_.Run({"SCAN", "x"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h_.Run({"SCAN", " 1"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "99999999999999999999"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(h_.Run({"SCAN", "-1"}), "*2\r\n$1\r\n0\r\n*0\r\n");  // wraps, as strtoul does
  EXPECT_EQ(h_.Run({"SCAN", "0", "COUNT", "0"}), "-ERR syntax error\r\n");
  // TYPE filters after the walk, so pages may be empty; a full walk finds nothing.
  cursor = "0";
  do {
    const std::string r = h_.Run({"SCAN", cursor, "TYPE", "hash"});
    ASSERT_NE(r.find("*0\r\n"), std::string::npos) << r;
    const size_t c1 = r.find("\r\n", 4);
    cursor = r.substr(c1 + 2, r.find("\r\n", c1 + 2) - c1 - 2);
  } while (cursor != "0");
}

TEST_F(KeyspaceFamilyTest, RandomKey) {
  EXPECT_EQ(h_.Run({"RANDOMKEY"}), "$-1\r\n");
  h_.Run({"SET", "only", "x"});
  EXPECT_EQ(h_.Run({"RANDOMKEY"}), "$4\r\nonly\r\n");
}

TEST_F(KeyspaceFamilyTest, RenameKeepsTtl) {
  h_.Run({"SET", "a", "1", "EX", "100"});
  EXPECT_EQ(h_.Run({"RENAME", "a", "b"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"TTL", "b"}), ":100\r\n");
  EXPECT_EQ(h_.Run({"RENAME", "nokey", "c"}), "-ERR no such key\r\n");
  h_.Run({"SET", "c", "3"});
  EXPECT_EQ(h_.Run({"RENAMENX", "b", "c"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"RENAMENX", "b", "d"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"RENAME", "d", "d"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"RENAME", "d", "c"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"GET", "c"}), "$1\r\n1\r\n");
}

TEST_F(KeyspaceFamilyTest, MoveSelectSwapDb) {
  h_.Run({"SET", "k", "v"});
  EXPECT_EQ(h_.Run({"MOVE", "k", "0"}), "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "k", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "k", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h_.Run({"MOVE", "k", "1"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(h_.Run({"SWAPDB", "0", "1"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(h_.Run({"SELECT", "0"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(h_.Run({"SWAPDB", "a", "1"}), "-ERR invalid first DB index\r\n");
  EXPECT_EQ(h_.Run({"SWAPDB", "0", "99"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h_.Run({"SELECT", "99"}), "-ERR DB index is out of range\r\n");
}

TEST_F(KeyspaceFamilyTest, Copy) {
  h_.Run({"SET", "src", "v", "EX", "100"});
  EXPECT_EQ(h_.Run({"COPY", "src", "dst"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"TTL", "dst"}), ":100\r\n");
  EXPECT_EQ(h_.Run({"COPY", "src", "dst"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"COPY", "src", "dst", "REPLACE"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"COPY", "src", "src"}), "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(h_.Run({"COPY", "src", "src", "DB", "2"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"COPY", "nope", "x"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"COPY", "src", "x", "DB"}), "-ERR syntax error\r\n");
}

TEST_F(KeyspaceFamilyTest, ExpireOptions) {
  h_.Run({"SET", "k", "v"});
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "100", "XX"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "100", "NX"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "200", "NX"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "50", "GT"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "150", "GT"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "170", "LT"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "120", "LT"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"TTL", "k"}), ":120\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "1", "NX", "XX"}),
            "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "1", "GT", "LT"}),
            "-ERR GT and LT options at the same time are not compatible\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "1", "XY"}), "-ERR Unsupported option XY\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "9223372036854775807"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(h_.Run({"EXPIRE", "nokey", "10"}), ":0\r\n");
  h_.Run({"SET", "p", "v"});
  EXPECT_EQ(h_.Run({"EXPIRE", "p", "10", "LT"}), ":1\r\n");  // no TTL counts as infinite
}

TEST_F(KeyspaceFamilyTest, ExpireInThePastDeletes) {
  h_.Run({"SET", "k", "v"});
  EXPECT_EQ(h_.Run({"EXPIRE", "k", "-1"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXISTS", "k"}), ":0\r\n");
  h_.Run({"SET", "k", "v"});
  EXPECT_EQ(h_.Run({"PEXPIREAT", "k", "1"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXISTS", "k"}), ":0\r\n");
}

TEST_F(KeyspaceFamilyTest, TtlFamilyAndPersist) {
  const int64_t now = h_.clock().NowMs();
  EXPECT_EQ(h_.Run({"TTL", "nokey"}), ":-2\r\n");
  h_.Run({"SET", "k", "v"});
  EXPECT_EQ(h_.Run({"PTTL", "k"}), ":-1\r\n");
  EXPECT_EQ(h_.Run({"EXPIRETIME", "k"}), ":-1\r\n");
  EXPECT_EQ(h_.Run({"EXPIREAT", "k", std::to_string(now / 1000 + 100)}), ":1\r\n");
  EXPECT_EQ(h_.Run({"EXPIRETIME", "k"}), ":" + std::to_string(now / 1000 + 100) + "\r\n");
  EXPECT_EQ(h_.Run({"PEXPIRE", "k", "2500"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"PTTL", "k"}), ":2500\r\n");
  EXPECT_EQ(h_.Run({"PERSIST", "k"}), ":1\r\n");
  EXPECT_EQ(h_.Run({"PERSIST", "k"}), ":0\r\n");
  EXPECT_EQ(h_.Run({"TTL", "k"}), ":-1\r\n");
}

TEST_F(KeyspaceFamilyTest, ObjectSubcommands) {
  h_.Run({"SET", "i", "123"});
  h_.Run({"SET", "e", "hello"});
  h_.Run({"SET", "r", std::string(100, 'x')});
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "i"}), "$3\r\nint\r\n");
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "e"}), "$6\r\nembstr\r\n");
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "r"}), "$3\r\nraw\r\n");
  EXPECT_EQ(h_.Run({"OBJECT", "ENCODING", "nokey"}), "$-1\r\n");
  EXPECT_EQ(h_.Run({"OBJECT", "REFCOUNT", "i"}), ":1\r\n");
  h_.clock().AdvanceMs(7000);
  EXPECT_EQ(h_.Run({"OBJECT", "IDLETIME", "i"}), ":7\r\n");
  EXPECT_EQ(h_.Run({"OBJECT", "FREQ", "i"}).substr(0, 33), "-ERR An LFU maxmemory policy is n");
  EXPECT_EQ(h_.Run({"OBJECT", "NOPE", "i"}),
            "-ERR unknown subcommand 'NOPE'. Try OBJECT HELP.\r\n");
  EXPECT_EQ(h_.Run({"OBJECT"}), "-ERR wrong number of arguments for 'object' command\r\n");
}

TEST_F(KeyspaceFamilyTest, WrongTypeNeverHappensForStringsButTypeIsChecked) {
  h_.Run({"SET", "k", "v"});
  EXPECT_EQ(h_.Run({"APPEND", "k", "w"}), ":2\r\n");
  EXPECT_EQ(h_.Run({"TYPE", "k"}), "+string\r\n");
}

}  // namespace
}  // namespace rill::test
