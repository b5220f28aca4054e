// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// Integration: the wire protocol against the real binary. Malformed input of every kind
// gets Redis's error and closes only that connection; big pipelines and inline commands
// work.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/server_process.h"

namespace rill::test {
namespace {

class ProtocolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ =
        new ServerProcess({"--proto-max-bulk-len", "1mb", "--client-query-buffer-limit", "2mb"});
  }
  static void TearDownTestSuite() { delete server_; }

  // Sends raw bytes on a new connection and returns everything until the server closes it.
  static std::string SendRaw(const std::string& bytes, int timeout_ms = 3000) {
    const int fd = ConnectRaw(server_->port());
    EXPECT_GE(fd, 0);
    size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    std::string out = ReadUntilClose(fd, timeout_ms);
    close(fd);
    return out;
  }

  static ServerProcess* server_;
};

ServerProcess* ProtocolTest::server_ = nullptr;

struct Malformed {
  std::string name;
  std::string bytes;
  std::string reply;
};

class MalformedInputTest : public ProtocolTest, public ::testing::WithParamInterface<Malformed> {};

TEST_P(MalformedInputTest, RepliesThenClosesOnlyThatConnection) {
  ASSERT_TRUE(server_->started());
  RedisConn bystander = server_->Connect();
  ASSERT_TRUE(bystander && !bystander->err);
  ASSERT_EQ(Command(bystander.get(), {"SET", "alive", "yes"})->type, REDIS_REPLY_STATUS);

  EXPECT_EQ(SendRaw(GetParam().bytes), GetParam().reply);

  RedisReplyPtr r = Command(bystander.get(), {"GET", "alive"});
  ASSERT_TRUE(r);
  EXPECT_EQ(std::string(r->str, r->len), "yes");
  EXPECT_TRUE(server_->Alive());
}

INSTANTIATE_TEST_SUITE_P(
    EveryKind, MalformedInputTest,
    ::testing::Values(Malformed{"BadMultibulkLength", "*abc\r\n",
                                "-ERR Protocol error: invalid multibulk length\r\n"},
                      Malformed{"HugeMultibulkLength", "*99999999999\r\n",
                                "-ERR Protocol error: invalid multibulk length\r\n"},
                      Malformed{"ExpectedDollar", "*1\r\n+PING\r\n",
                                "-ERR Protocol error: expected '$', got '+'\r\n"},
                      Malformed{"NegativeBulk", "*1\r\n$-5\r\n",
                                "-ERR Protocol error: invalid bulk length\r\n"},
                      Malformed{"BulkOverProtoMax", "*2\r\n$3\r\nSET\r\n$2000000\r\n",
                                "-ERR Protocol error: invalid bulk length\r\n"},
                      Malformed{"UnbalancedQuotes", "SET \"a b\r\n",
                                "-ERR Protocol error: unbalanced quotes in request\r\n"},
                      Malformed{"InlineTooBig", std::string(70 * 1024, 'x'),
                                "-ERR Protocol error: too big inline request\r\n"},
                      Malformed{"BulkCountTooBig", "*1\r\n$" + std::string(70 * 1024, '1'),
                                "-ERR Protocol error: too big bulk count string\r\n"},
                      Malformed{"ValidCommandBeforeGarbage", "PING\r\n*x\r\n",
                                "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n"}),
    [](const ::testing::TestParamInfo<Malformed>& p) { return p.param.name; });

TEST_F(ProtocolTest, QueryBufferLimitClosesTheClient) {
  // A 1 MB bulk is allowed, but many of them in one unfinished request exceed the 2 MB
  // query buffer limit.
  std::string req = "*5\r\n$3\r\nDEL\r\n";
  for (int i = 0; i < 3; i++) {
    req += "$1000000\r\n" + std::string(1000000, 'x') + "\r\n";
  }
  EXPECT_EQ(SendRaw(req), "-ERR Protocol error: client query buffer limit reached\r\n");
  EXPECT_TRUE(server_->Alive());
}

TEST_F(ProtocolTest, InlineCommandsWork) {
  const int fd = ConnectRaw(server_->port());
  const std::string req = "SET inl \"two words\"\r\nGET inl\r\nQUIT\r\n";
  ASSERT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  EXPECT_EQ(ReadUntilClose(fd, 3000), "+OK\r\n$9\r\ntwo words\r\n+OK\r\n");
  close(fd);
}

TEST_F(ProtocolTest, PipelineOfTenThousandCommands) {
  RedisConn c = server_->Connect();
  for (int i = 0; i < 10000; i++) {
    redisAppendCommand(c.get(), "INCR pipelined");
  }
  for (int i = 1; i <= 10000; i++) {
    void* raw = nullptr;
    ASSERT_EQ(redisGetReply(c.get(), &raw), REDIS_OK);
    RedisReplyPtr r(static_cast<redisReply*>(raw));
    ASSERT_EQ(r->type, REDIS_REPLY_INTEGER);
    ASSERT_EQ(r->integer, i);
  }
}

TEST_F(ProtocolTest, LargeValuesRoundTrip) {
  RedisConn c = server_->Connect();
  std::string big(900 * 1024, '\0');
  for (size_t i = 0; i < big.size(); i++) {
    big[i] = static_cast<char>(i * 31);
  }
  ASSERT_EQ(Command(c.get(), {"SET", "big", big})->type, REDIS_REPLY_STATUS);
  RedisReplyPtr r = Command(c.get(), {"GET", "big"});
  ASSERT_EQ(r->type, REDIS_REPLY_STRING);
  EXPECT_EQ(std::string(r->str, r->len), big);
}

TEST_F(ProtocolTest, Resp3AfterHello) {
  const int fd = ConnectRaw(server_->port());
  const std::string req = "HELLO 3\r\nGET nothing-here\r\nQUIT\r\n";
  ASSERT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  const std::string out = ReadUntilClose(fd, 3000);
  EXPECT_EQ(out.substr(0, 4), "%7\r\n");
  EXPECT_NE(out.find("_\r\n+OK\r\n"), std::string::npos) << out;
  close(fd);
}

}  // namespace
}  // namespace rill::test
