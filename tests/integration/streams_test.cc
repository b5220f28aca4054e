// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// Streams through the real binary: blocking reads with real timeouts, pipelines behind a
// blocked command, many consumers of one group under load (every entry exactly once),
// crash-and-reclaim, and malformed arguments.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/server_process.h"

namespace rill::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(StreamsTest, BlockTimesOutWithMillisecondResolution) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  for (const int timeout_ms : {30, 150}) {
    const auto start = Clock::now();
    RedisReplyPtr r =
        Command(c.get(), {"XREAD", "BLOCK", std::to_string(timeout_ms), "STREAMS", "s", "$"});
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    ASSERT_EQ(r->type, REDIS_REPLY_NIL);
    EXPECT_GE(ms, timeout_ms);
    EXPECT_LT(ms, timeout_ms + 100);  // not rounded up to a cron tick
  }
}

TEST(StreamsTest, PipelineBehindABlockedReadRunsAfterIt) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn reader = server.Connect();
  RedisConn writer = server.Connect();
  redisAppendCommand(reader.get(), "XREAD BLOCK 0 STREAMS s $");
  redisAppendCommand(reader.get(), "SET after %s", "1");
  redisAppendCommand(reader.get(), "GET after");
  ASSERT_EQ(redisBufferWrite(reader.get(), nullptr), REDIS_OK);
  ASSERT_TRUE(WaitBlocked(writer.get(), 1));
  // The pipelined SET must wait behind the blocked read.
  EXPECT_EQ(Command(writer.get(), {"EXISTS", "after"})->integer, 0);
  Command(writer.get(), {"XADD", "s", "1-0", "f", "v"});
  void* raw = nullptr;
  ASSERT_EQ(redisGetReply(reader.get(), &raw), REDIS_OK);
  RedisReplyPtr first(static_cast<redisReply*>(raw));
  ASSERT_EQ(first->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(redisGetReply(reader.get(), &raw), REDIS_OK);
  RedisReplyPtr ok(static_cast<redisReply*>(raw));
  EXPECT_EQ(std::string(ok->str), "OK");
  ASSERT_EQ(redisGetReply(reader.get(), &raw), REDIS_OK);
  RedisReplyPtr got(static_cast<redisReply*>(raw));
  EXPECT_EQ(std::string(got->str), "1");
}

TEST(StreamsTest, BlockedClientThatHangsUpIsForgotten) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn admin = server.Connect();
  {
    RedisConn gone = server.Connect();
    redisAppendCommand(gone.get(), "XREADGROUP GROUP g c BLOCK 0 STREAMS s >");
    Command(admin.get(), {"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});
    ASSERT_EQ(redisBufferWrite(gone.get(), nullptr), REDIS_OK);
    ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  }
  ASSERT_TRUE(WaitBlocked(admin.get(), 0));
  // The entry is not handed to the vanished consumer.
  Command(admin.get(), {"XADD", "s", "1-0", "f", "v"});
  EXPECT_EQ(Command(admin.get(), {"XPENDING", "s", "g"})->element[0]->integer, 0);
}

// Several consumers of one group read under a steady producer: every entry is delivered
// exactly once across them, and acked.
TEST(StreamsTest, GroupDeliversEachEntryExactlyOnceUnderLoad) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn admin = server.Connect();
  Command(admin.get(), {"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"});
  constexpr int kEntries = 3000;
  constexpr int kConsumers = 4;
  std::vector<std::vector<std::string>> got(kConsumers);
  std::vector<std::thread> consumers;
  std::atomic<int> total{0};
  for (int i = 0; i < kConsumers; i++) {
    consumers.emplace_back([&, i] {
      RedisConn c = server.Connect();
      const std::string name = "c" + std::to_string(i);
      while (total.load() < kEntries) {
        RedisReplyPtr r = Command(c.get(), {"XREADGROUP", "GROUP", "g", name, "COUNT", "7", "BLOCK",
                                            "50", "STREAMS", "jobs", ">"});
        if (r == nullptr || r->type != REDIS_REPLY_ARRAY) {
          continue;
        }
        for (size_t e = 0; e < r->element[0]->element[1]->elements; e++) {
          const std::string id = r->element[0]->element[1]->element[e]->element[0]->str;
          got[i].push_back(id);
          Command(c.get(), {"XACK", "jobs", "g", id});
          total++;
        }
      }
    });
  }
  RedisConn producer = server.Connect();
  for (int i = 0; i < kEntries; i++) {
    redisAppendCommand(producer.get(), "XADD jobs * n %d", i);
    if (i % 100 == 99) {
      for (int k = 0; k < 100; k++) {
        void* raw = nullptr;
        ASSERT_EQ(redisGetReply(producer.get(), &raw), REDIS_OK);
        freeReplyObject(raw);
      }
    }
  }
  for (std::thread& t : consumers) {
    t.join();
  }
  std::set<std::string> all;
  size_t delivered = 0;
  for (const auto& ids : got) {
    delivered += ids.size();
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(delivered, static_cast<size_t>(kEntries));
  EXPECT_EQ(all.size(), static_cast<size_t>(kEntries));
  EXPECT_EQ(Command(admin.get(), {"XPENDING", "jobs", "g"})->element[0]->integer, 0);
}

TEST(StreamsTest, CrashedConsumerWorkIsReclaimed) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  Command(c.get(), {"XGROUP", "CREATE", "q", "g", "0", "MKSTREAM"});
  for (int i = 0; i < 5; i++) {
    Command(c.get(), {"XADD", "q", "*", "job", std::to_string(i)});
  }
  {
    RedisConn dying = server.Connect();
    RedisReplyPtr r = Command(
        dying.get(), {"XREADGROUP", "GROUP", "g", "dying", "COUNT", "3", "STREAMS", "q", ">"});
    ASSERT_EQ(r->element[0]->element[1]->elements, 3u);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  RedisReplyPtr claimed =
      Command(c.get(), {"XAUTOCLAIM", "q", "g", "rescuer", "50", "0", "COUNT", "10"});
  ASSERT_EQ(claimed->elements, 3u);
  EXPECT_EQ(std::string(claimed->element[0]->str), "0-0");
  ASSERT_EQ(claimed->element[1]->elements, 3u);
  for (size_t i = 0; i < 3; i++) {
    const std::string id = claimed->element[1]->element[i]->element[0]->str;
    EXPECT_EQ(Command(c.get(), {"XACK", "q", "g", id})->integer, 1);
  }
  RedisReplyPtr rest =
      Command(c.get(), {"XREADGROUP", "GROUP", "g", "rescuer", "STREAMS", "q", ">"});
  EXPECT_EQ(rest->element[0]->element[1]->elements, 2u);
}

TEST(StreamsTest, MalformedArgumentsGetErrorsAndTheConnectionSurvives) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  Command(c.get(), {"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});
  const std::vector<std::vector<std::string>> bad = {
      {"XADD", "s"},
      {"XADD", "s", "*", "f"},
      {"XADD", "s", "abc", "f", "v"},
      {"XADD", "s", "MAXLEN", "~", "x", "*", "f", "v"},
      {"XRANGE", "s", "x", "+"},
      {"XRANGE", "s", "-", "+", "COUNT"},
      {"XREAD", "STREAMS", "s"},
      {"XREAD", "BLOCK", "-5", "STREAMS", "s", "$"},
      {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"},
      {"XACK", "s", "g", "bad-id"},
      {"XPENDING", "s", "g", "-", "+"},
      {"XCLAIM", "s", "g", "c", "x", "1-0"},
      {"XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "-1"},
      {"XGROUP", "CREATE", "s"},
      {"XGROUP", "NOPE", "s", "g"},
      {"XINFO", "STREAM"},
      {"XSETID", "s", "bad"},
      {"XTRIM", "s"},
  };
  for (const auto& args : bad) {
    RedisReplyPtr r = Command(c.get(), args);
    ASSERT_NE(r, nullptr) << args[0];
    EXPECT_EQ(r->type, REDIS_REPLY_ERROR) << args[0] << " " << args.size();
  }
  EXPECT_EQ(std::string(Command(c.get(), {"PING"})->str), "PONG");
}

}  // namespace
}  // namespace rill::test
