// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// Several shards through the real binary (shards 4): keys spread by slot and every command
// still sees all of them; pipelines keep their order across shards; transactions that move
// amounts between keys of different shards never show a partial state; WATCH, PUBLISH,
// CLIENT LIST and KILL reach across threads; a client that keeps using one other shard's
// keys moves there; consumer groups deliver every entry once while their readers block on
// other shards.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/slot.h"
#include "tests/support/server_process.h"

namespace rill::test {
namespace {

constexpr int kShards = 4;

int ShardOf(const std::string& key) { return KeySlot(key) * kShards / kSlotCount; }

// A key with the given prefix that lives on shard `shard`.
std::string KeyOn(int shard, const std::string& prefix) {
  for (int i = 0;; i++) {
    std::string k = prefix + std::to_string(i);
    if (ShardOf(k) == shard) {
      return k;
    }
  }
}

std::string Info(redisContext* c, const std::string& section) {
  RedisReplyPtr r = Command(c, {"INFO", section});
  return std::string(r->str, r->len);
}

// clients= of each shard in INFO shards.
std::vector<int64_t> ClientsPerShard(redisContext* c) {
  const std::string info = Info(c, "shards");
  std::vector<int64_t> out;
  for (int s = 0; s < kShards; s++) {
    const std::string head = "shard" + std::to_string(s) + ":";
    const size_t at = info.find(head);
    const size_t clients = info.find("clients=", at);
    out.push_back(at == std::string::npos ? -1 : atoll(info.c_str() + clients + 8));
  }
  return out;
}

// Reads what one XREADGROUP call (cmd) delivers, over any number of streams, acks each
// entry and adds "stream/id" to got; returns how many entries it read.
int ReadAndAck(redisContext* c, const std::vector<std::string>& cmd, std::mutex& mu,
               std::multiset<std::string>& got) {
  RedisReplyPtr r = Command(c, cmd);
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY) {
    return 0;
  }
  int n = 0;
  for (size_t s = 0; s < r->elements; s++) {
    const std::string stream = r->element[s]->element[0]->str;
    for (size_t e = 0; e < r->element[s]->element[1]->elements; e++) {
      const std::string id = r->element[s]->element[1]->element[e]->element[0]->str;
      {
        std::lock_guard<std::mutex> lock(mu);
        got.insert(stream + "/" + id);
      }
      Command(c, {"XACK", stream, cmd[2], id});
      n++;
    }
  }
  return n;
}

class ShardsTest : public ::testing::Test {
 protected:
  ShardsTest() : server_({"--shards", std::to_string(kShards), "--save", ""}) {}
  ServerProcess server_;
};

TEST_F(ShardsTest, EveryCommandSeesTheKeysOfEveryShard) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn c = server_.Connect();
  std::set<std::string> keys;
  std::vector<int> per_shard(kShards);
  for (int i = 0; i < 200; i++) {
    const std::string k = "key:" + std::to_string(i);
    keys.insert(k);
    per_shard[ShardOf(k)]++;
    ASSERT_EQ(std::string(Command(c.get(), {"SET", k, std::to_string(i)})->str), "OK");
  }
  for (int n : per_shard) {
    ASSERT_GT(n, 0);  // the keys do spread
  }
  EXPECT_EQ(Command(c.get(), {"DBSIZE"})->integer, 200);
  EXPECT_NE(Info(c.get(), "keyspace").find("db0:keys=200,"), std::string::npos);
  RedisReplyPtr all = Command(c.get(), {"KEYS", "*"});
  std::set<std::string> listed;
  for (size_t i = 0; i < all->elements; i++) {
    listed.insert(all->element[i]->str);
  }
  EXPECT_EQ(listed, keys);

  // SCAN walks every shard: every key once, and the walk ends.
  std::multiset<std::string> scanned;
  std::string cursor = "0";
  int calls = 0;
  do {
    RedisReplyPtr r = Command(c.get(), {"SCAN", cursor, "COUNT", "7"});
    cursor = r->element[0]->str;
    for (size_t i = 0; i < r->element[1]->elements; i++) {
      scanned.insert(r->element[1]->element[i]->str);
    }
    ASSERT_LT(++calls, 1000);
  } while (cursor != "0");
  EXPECT_EQ(std::set<std::string>(scanned.begin(), scanned.end()), keys);
  EXPECT_EQ(scanned.size(), keys.size());

  RedisReplyPtr values = Command(c.get(), {"MGET", "key:0", "key:1", "key:2", "nope", "key:199"});
  ASSERT_EQ(values->elements, 5u);
  EXPECT_EQ(std::string(values->element[0]->str), "0");
  EXPECT_EQ(std::string(values->element[2]->str), "2");
  EXPECT_EQ(values->element[3]->type, REDIS_REPLY_NIL);
  EXPECT_EQ(std::string(values->element[4]->str), "199");
  EXPECT_EQ(Command(c.get(), {"EXISTS", "key:0", "key:1", "nope", "key:3"})->integer, 3);
  EXPECT_TRUE(keys.contains(Command(c.get(), {"RANDOMKEY"})->str));

  // RENAME and COPY between shards move the value.
  const std::string from = KeyOn(0, "from:");
  const std::string to = KeyOn(3, "to:");
  Command(c.get(), {"SET", from, "v"});
  EXPECT_EQ(std::string(Command(c.get(), {"RENAME", from, to})->str), "OK");
  EXPECT_EQ(Command(c.get(), {"EXISTS", from})->integer, 0);
  EXPECT_EQ(std::string(Command(c.get(), {"GET", to})->str), "v");
  const std::string copy = KeyOn(1, "copy:");
  EXPECT_EQ(Command(c.get(), {"COPY", to, copy})->integer, 1);
  EXPECT_EQ(std::string(Command(c.get(), {"GET", copy})->str), "v");
  EXPECT_EQ(std::string(Command(c.get(), {"MSET", from, "1", to, "2", copy, "3"})->str), "OK");
  EXPECT_EQ(Command(c.get(), {"MSETNX", from, "x", KeyOn(2, "new:"), "y"})->integer, 0);

  EXPECT_EQ(Command(c.get(), {"DEL", "key:0", "key:1", "key:2", "key:3", "nope"})->integer, 4);
  EXPECT_EQ(Command(c.get(), {"DBSIZE"})->integer, 199);
  EXPECT_EQ(std::string(Command(c.get(), {"FLUSHALL"})->str), "OK");
  EXPECT_EQ(Command(c.get(), {"DBSIZE"})->integer, 0);
}

TEST_F(ShardsTest, HashTagsKeepKeysTogether) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn c = server_.Connect();
  std::set<int> shards;
  for (int i = 0; i < 20; i++) {
    shards.insert(ShardOf("{user1}.k" + std::to_string(i)));
  }
  EXPECT_EQ(shards.size(), 1u);
  Command(c.get(), {"SET", "{user1}.a", "1"});
  Command(c.get(), {"SET", "{user1}.b", "2"});
  RedisReplyPtr r = Command(c.get(), {"MGET", "{user1}.a", "{user1}.b"});
  EXPECT_EQ(std::string(r->element[0]->str), "1");
  EXPECT_EQ(std::string(r->element[1]->str), "2");
}

// A counter's value as GET returns it: nil before its first INCR.
int64_t CounterValue(const redisReply* r) { return r->type == REDIS_REPLY_NIL ? 0 : atoll(r->str); }

// Requests on four shards in one pipeline: each reply in its request's place.
TEST_F(ShardsTest, PipelinedRepliesKeepTheirOrderAcrossShards) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn c = server_.Connect();
  constexpr int kRequests = 4000;
  for (int i = 0; i < kRequests; i++) {
    const std::string key = "p:" + std::to_string(i % 37);
    switch (i % 4) {
      case 0:
        redisAppendCommand(c.get(), "INCR %s", key.c_str());
        break;
      case 1:
        redisAppendCommand(c.get(), "ECHO %d", i);
        break;
      case 2:
        redisAppendCommand(c.get(), "MGET %s p:0 p:1", key.c_str());
        break;
      default:
        redisAppendCommand(c.get(), "GET %s", key.c_str());
    }
  }
  std::map<std::string, int64_t> counters;
  for (int i = 0; i < kRequests; i++) {
    void* raw = nullptr;
    ASSERT_EQ(redisGetReply(c.get(), &raw), REDIS_OK);
    RedisReplyPtr r(static_cast<redisReply*>(raw));
    const std::string key = "p:" + std::to_string(i % 37);
    switch (i % 4) {
      case 0:
        ASSERT_EQ(r->type, REDIS_REPLY_INTEGER) << i;
        EXPECT_EQ(r->integer, ++counters[key]) << i;
        break;
      case 1:
        ASSERT_EQ(r->type, REDIS_REPLY_STRING) << i;
        EXPECT_EQ(std::string(r->str), std::to_string(i));
        break;
      case 2:
        ASSERT_EQ(r->type, REDIS_REPLY_ARRAY) << i;
        EXPECT_EQ(CounterValue(r->element[0]), counters[key]) << i;
        break;
      default:
        EXPECT_EQ(CounterValue(r.get()), counters[key]) << i;
    }
  }
}

// Several clients' pipelines in flight at once: their forwarded requests share batches, so
// one batch of replies comes back filling slots of several clients, each of which must
// get every reply (Shard::FillReplies sends a client its replies when the next reply in
// the batch is another client's, and the last client at the end). Each round sends every
// client's pipeline, small enough for one read, before reading any reply: a client whose
// replies were filled but not sent would wait forever, so reads time out instead.
TEST_F(ShardsTest, ConcurrentPipelinesAcrossShardsEachGetEveryReply) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  constexpr int kClients = 8;
  constexpr int kRounds = 200;
  constexpr int kDepth = 12;
  std::vector<RedisConn> conns;
  for (int n = 0; n < kClients; n++) {
    conns.push_back(server_.Connect());
    ASSERT_EQ(redisSetTimeout(conns.back().get(), timeval{5, 0}), REDIS_OK);
  }
  std::vector<std::map<int, int64_t>> counters(kClients);
  for (int round = 0; round < kRounds; round++) {
    for (int n = 0; n < kClients; n++) {
      for (int i = 0; i < kDepth; i++) {
        const std::string key = "c" + std::to_string(n) + ":" + std::to_string(i);
        redisAppendCommand(conns[n].get(), "INCR %s", key.c_str());
      }
      int done = 0;
      while (done == 0) {
        ASSERT_EQ(redisBufferWrite(conns[n].get(), &done), REDIS_OK);
      }
    }
    for (int n = 0; n < kClients; n++) {
      for (int i = 0; i < kDepth; i++) {
        void* raw = nullptr;
        ASSERT_EQ(redisGetReply(conns[n].get(), &raw), REDIS_OK)
            << "round " << round << " client " << n << " reply " << i;
        RedisReplyPtr r(static_cast<redisReply*>(raw));
        ASSERT_EQ(r->type, REDIS_REPLY_INTEGER);
        EXPECT_EQ(r->integer, ++counters[n][i]) << "round " << round << " client " << n;
      }
    }
  }
}

// Clients move amounts between accounts on different shards in MULTI/EXEC while others
// read all accounts at once (MGET) and WATCH-guarded transfers race: no read ever sees a
// transfer half done, and the total never changes.
TEST_F(ShardsTest, TransactionsAcrossShardsKeepTheTotal) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  constexpr int kAccounts = 16;
  constexpr int kStart = 1000;
  std::vector<std::string> accounts;
  RedisConn setup = server_.Connect();
  for (int i = 0; i < kAccounts; i++) {
    accounts.push_back(KeyOn(i % kShards, "acct" + std::to_string(i) + ":"));
    Command(setup.get(), {"SET", accounts.back(), std::to_string(kStart)});
  }
  std::atomic<bool> stop{false};
  std::atomic<int> bad_reads{0};
  std::atomic<int> reads{0};
  std::atomic<int> watched_aborts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; t++) {
    threads.emplace_back([&, t] {
      RedisConn c = server_.Connect();
      std::mt19937 rng(t);
      for (int n = 0; n < 400; n++) {
        const std::string& a = accounts[rng() % kAccounts];
        const std::string& b = accounts[rng() % kAccounts];
        const std::string amount = std::to_string(rng() % 50);
        if (t % 2 == 0) {
          Command(c.get(), {"MULTI"});
          Command(c.get(), {"DECRBY", a, amount});
          Command(c.get(), {"INCRBY", b, amount});
          RedisReplyPtr r = Command(c.get(), {"EXEC"});
          ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
        } else {
          // Optimistic: WATCH both, read, write back; EXEC fails if either changed.
          Command(c.get(), {"WATCH", a, b});
          RedisReplyPtr va = Command(c.get(), {"GET", a});
          RedisReplyPtr vb = Command(c.get(), {"GET", b});
          const int64_t x = atoll(va->str);
          const int64_t y = atoll(vb->str);
          const int64_t m = atoll(amount.c_str());
          Command(c.get(), {"MULTI"});
          if (a == b) {
            Command(c.get(), {"SET", a, std::to_string(x)});
          } else {
            Command(c.get(), {"SET", a, std::to_string(x - m)});
            Command(c.get(), {"SET", b, std::to_string(y + m)});
          }
          RedisReplyPtr r = Command(c.get(), {"EXEC"});
          if (r->type == REDIS_REPLY_NIL) {
            watched_aborts++;
          }
        }
      }
    });
  }
  std::thread reader([&] {
    RedisConn c = server_.Connect();
    std::vector<std::string> args = {"MGET"};
    args.insert(args.end(), accounts.begin(), accounts.end());
    while (!stop.load()) {
      RedisReplyPtr r = Command(c.get(), args);
      int64_t sum = 0;
      for (size_t i = 0; i < r->elements; i++) {
        sum += atoll(r->element[i]->str);
      }
      reads++;
      if (sum != kAccounts * kStart) {
        bad_reads++;
      }
    }
  });
  for (std::thread& t : threads) {
    t.join();
  }
  stop = true;
  reader.join();
  EXPECT_EQ(bad_reads.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_GT(reads.load(), 10);
  int64_t total = 0;
  for (const std::string& a : accounts) {
    total += atoll(Command(setup.get(), {"GET", a})->str);
  }
  EXPECT_EQ(total, kAccounts * kStart);
  EXPECT_GT(watched_aborts.load(), 0);  // the WATCH side did meet conflicts
}

TEST_F(ShardsTest, WatchSeesWritesFromAnyShard) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn a = server_.Connect();
  RedisConn b = server_.Connect();
  for (int s = 0; s < kShards; s++) {
    const std::string k = KeyOn(s, "w:");
    Command(a.get(), {"WATCH", k});
    Command(b.get(), {"SET", k, "changed"});
    Command(a.get(), {"MULTI"});
    Command(a.get(), {"SET", k, "mine"});
    EXPECT_EQ(Command(a.get(), {"EXEC"})->type, REDIS_REPLY_NIL) << s;
    EXPECT_EQ(std::string(Command(a.get(), {"GET", k})->str), "changed");
    // Untouched: the transaction goes through.
    Command(a.get(), {"WATCH", k});
    Command(a.get(), {"MULTI"});
    Command(a.get(), {"SET", k, "mine"});
    EXPECT_EQ(Command(a.get(), {"EXEC"})->type, REDIS_REPLY_ARRAY) << s;
  }
}

TEST_F(ShardsTest, PublishReachesSubscribersOnEveryShard) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  // Connections are dealt to the shards in turn: these four land on all of them.
  std::vector<RedisConn> subs;
  for (int i = 0; i < kShards; i++) {
    subs.push_back(server_.Connect());
    RedisReplyPtr r = Command(subs.back().get(), {"SUBSCRIBE", "news"});
    ASSERT_EQ(r->elements, 3u);
  }
  RedisConn pub = server_.Connect();
  for (int i = 0; i < kShards; i++) {
    EXPECT_GE(ClientsPerShard(pub.get())[i], 1) << i;
  }
  EXPECT_EQ(Command(pub.get(), {"PUBLISH", "news", "hello"})->integer, kShards);
  for (RedisConn& s : subs) {
    void* raw = nullptr;
    ASSERT_EQ(redisGetReply(s.get(), &raw), REDIS_OK);
    RedisReplyPtr m(static_cast<redisReply*>(raw));
    ASSERT_EQ(m->elements, 3u);
    EXPECT_EQ(std::string(m->element[2]->str), "hello");
  }
  RedisReplyPtr numsub = Command(pub.get(), {"PUBSUB", "NUMSUB", "news"});
  EXPECT_EQ(numsub->element[1]->integer, kShards);
  EXPECT_EQ(Command(pub.get(), {"PUBSUB", "CHANNELS"})->elements, 1u);
}

TEST_F(ShardsTest, ClientListAndKillReachEveryShard) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  std::vector<RedisConn> conns;
  std::vector<int64_t> ids;
  for (int i = 0; i < 2 * kShards; i++) {
    conns.push_back(server_.Connect());
    ids.push_back(Command(conns.back().get(), {"CLIENT", "ID"})->integer);
  }
  RedisReplyPtr list = Command(conns[0].get(), {"CLIENT", "LIST"});
  const std::string text(list->str, list->len);
  int64_t last = -1;
  for (int64_t id : ids) {
    const size_t at = text.find("id=" + std::to_string(id) + " ");
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(static_cast<int64_t>(at), last);  // in id order
    last = static_cast<int64_t>(at);
  }
  EXPECT_EQ(InfoField(conns[0].get(), "clients", "connected_clients"), 2 * kShards);
  for (int i = 1; i < 2 * kShards; i++) {
    EXPECT_EQ(Command(conns[0].get(), {"CLIENT", "KILL", "ID", std::to_string(ids[i])})->integer,
              1);
    EXPECT_EQ(Command(conns[i].get(), {"PING"}), nullptr);  // closed
  }
}

// Four clients, one per shard, all use one key: each moves to the key's shard.
TEST_F(ShardsTest, ClientsMoveToTheShardTheyUse) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  const std::string key = KeyOn(2, "hot:");
  std::vector<RedisConn> conns;
  for (int i = 0; i < kShards; i++) {
    conns.push_back(server_.Connect());
  }
  for (int n = 0; n < 100; n++) {
    for (RedisConn& c : conns) {
      Command(c.get(), {"INCR", key});
    }
  }
  RedisConn probe = server_.Connect();
  EXPECT_EQ(std::string(Command(probe.get(), {"GET", key})->str), "400");
  const std::vector<int64_t> clients = ClientsPerShard(probe.get());
  EXPECT_GE(clients[2], kShards) << "the four users should all live on shard 2 now";
  for (RedisConn& c : conns) {
    EXPECT_EQ(std::string(Command(c.get(), {"ECHO", "still here"})->str), "still here");
  }
}

// Consumers of one group per stream, the streams on different shards, every reader
// blocking on a stream of another shard than the one it connected to: every entry is
// delivered once, and acked.
TEST_F(ShardsTest, GroupsOnEveryShardDeliverEachEntryOnce) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn admin = server_.Connect();
  std::vector<std::string> streams;
  for (int s = 0; s < kShards; s++) {
    streams.push_back(KeyOn(s, "jobs:"));
    Command(admin.get(), {"XGROUP", "CREATE", streams.back(), "g", "$", "MKSTREAM"});
  }
  constexpr int kPerStream = 500;
  std::vector<std::thread> consumers;
  std::mutex mu;
  std::multiset<std::string> got;
  std::atomic<int> total{0};
  for (int i = 0; i < 2 * kShards; i++) {
    consumers.emplace_back([&, i] {
      RedisConn c = server_.Connect();
      const std::string& stream = streams[i % kShards];
      const std::string name = "c" + std::to_string(i);
      while (total.load() < kPerStream * kShards) {
        total += ReadAndAck(
            c.get(),
            {"XREADGROUP", "GROUP", "g", name, "COUNT", "5", "BLOCK", "50", "STREAMS", stream, ">"},
            mu, got);
      }
    });
  }
  RedisConn producer = server_.Connect();
  for (int i = 0; i < kPerStream; i++) {
    for (const std::string& s : streams) {
      redisAppendCommand(producer.get(), "XADD %s * n %d", s.c_str(), i);
    }
    if (i % 25 == 24) {
      for (int k = 0; k < 25 * kShards; k++) {
        void* raw = nullptr;
        ASSERT_EQ(redisGetReply(producer.get(), &raw), REDIS_OK);
        freeReplyObject(raw);
      }
    }
  }
  for (std::thread& t : consumers) {
    t.join();
  }
  EXPECT_EQ(got.size(), static_cast<size_t>(kPerStream * kShards));
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
  for (const std::string& s : streams) {
    EXPECT_EQ(Command(admin.get(), {"XPENDING", s, "g"})->element[0]->integer, 0) << s;
  }
}

TEST_F(ShardsTest, MonitorAndSlowlogSeeEveryShard) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn mon = server_.Connect();  // lands on shard 0
  ASSERT_EQ(std::string(Command(mon.get(), {"MONITOR"})->str), "OK");
  std::vector<RedisConn> conns;
  for (int i = 0; i < kShards; i++) {
    conns.push_back(server_.Connect());
  }
  Command(conns[1].get(), {"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  for (int i = 0; i < kShards; i++) {
    // Each client writes a key of another shard than its own: forwarded, then fed.
    Command(conns[i].get(), {"SET", KeyOn((i + 1) % kShards, "mon:"), std::to_string(i)});
  }
  std::set<std::string> seen;
  while (seen.size() < static_cast<size_t>(kShards)) {
    void* raw = nullptr;
    ASSERT_EQ(redisGetReply(mon.get(), &raw), REDIS_OK);
    RedisReplyPtr line(static_cast<redisReply*>(raw));
    const std::string text(line->str, line->len);
    if (text.find("\"SET\"") != std::string::npos) {
      EXPECT_NE(text.find("127.0.0.1:"), std::string::npos) << text;  // the real client
      seen.insert(text);
    }
  }
  RedisReplyPtr log = Command(conns[0].get(), {"SLOWLOG", "GET", "-1"});
  int sets = 0;
  int64_t last_id = INT64_MAX;
  for (size_t i = 0; i < log->elements; i++) {
    const int64_t id = log->element[i]->element[0]->integer;
    EXPECT_LT(id, last_id);  // newest first, one id sequence
    last_id = id;
    sets += std::string(log->element[i]->element[3]->element[0]->str) == "SET" ? 1 : 0;
  }
  EXPECT_EQ(sets, kShards);
  // LEN counts the GET above too (every command is slow now).
  EXPECT_EQ(Command(conns[0].get(), {"SLOWLOG", "LEN"})->integer,
            static_cast<int64_t>(log->elements) + 1);
  Command(conns[0].get(), {"SLOWLOG", "RESET"});
  Command(conns[0].get(), {"CONFIG", "SET", "slowlog-log-slower-than", "10000"});
  EXPECT_LE(Command(conns[0].get(), {"SLOWLOG", "LEN"})->integer, 1);
}

// A reply computed on another shard still reaches a client that closes right after.
TEST_F(ShardsTest, QuitAfterAForwardedRequestStillGetsItsReply) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn setup = server_.Connect();
  const std::string key = KeyOn(3, "late:");  // the next client lands on shard 1
  Command(setup.get(), {"SET", key, "value"});
  const int fd = ConnectRaw(server_.port());
  ASSERT_GE(fd, 0);
  const std::string req = "GET " + key + "\r\nCLIENT REPLY OFF\r\nQUIT\r\n";
  ASSERT_EQ(write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  EXPECT_EQ(ReadUntilClose(fd, 2000), "$5\r\nvalue\r\n");
  close(fd);
}

// CLIENT PAUSE WRITE holds writes that were on their way from another shard when it
// began: a write admitted before the pause but not yet run does not run during it.
TEST_F(ShardsTest, ClientPauseHoldsForwardedWrites) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn admin = server_.Connect();  // shard 0
  const std::string remote = KeyOn(0, "paused:");
  const std::string local = KeyOn(1, "local:");
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    RedisConn w = server_.Connect();  // shard 1: INCR remote is forwarded to shard 0, and
    while (!stop.load()) {            // INCR local keeps the client from moving there
      for (int i = 0; i < 50; i++) {
        redisAppendCommand(w.get(), "INCR %s", remote.c_str());
        redisAppendCommand(w.get(), "INCR %s", local.c_str());
      }
      for (int i = 0; i < 100; i++) {
        void* raw = nullptr;
        if (redisGetReply(w.get(), &raw) != REDIS_OK) {
          return;
        }
        freeReplyObject(raw);
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // In one write: shard 0 runs the GET right after the PAUSE, before any write that was
  // still on its way from shard 1 (reads go on during a pause).
  redisAppendCommand(admin.get(), "CLIENT PAUSE 400 WRITE");
  redisAppendCommand(admin.get(), "GET %s", remote.c_str());
  void* raw = nullptr;
  ASSERT_EQ(redisGetReply(admin.get(), &raw), REDIS_OK);
  RedisReplyPtr paused(static_cast<redisReply*>(raw));
  ASSERT_EQ(std::string(paused->str), "OK");
  ASSERT_EQ(redisGetReply(admin.get(), &raw), REDIS_OK);
  RedisReplyPtr got(static_cast<redisReply*>(raw));
  const std::string before = got->str;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(std::string(Command(admin.get(), {"GET", remote})->str), before);
  stop = true;
  writer.join();
  EXPECT_GT(atoll(Command(admin.get(), {"GET", remote})->str), atoll(before.c_str()));
}

// XREAD BLOCK over streams of four shards: the first stream to get data serves the
// reader; a timeout and a hang-up leave no waiter behind on the other shards.
TEST_F(ShardsTest, ABlockedReadWaitsOnSeveralShards) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn admin = server_.Connect();
  std::vector<std::string> streams;
  for (int s = 0; s < kShards; s++) {
    streams.push_back(KeyOn(s, "feed:"));
  }
  RedisConn reader = server_.Connect();
  redisAppendCommand(reader.get(), "XREAD BLOCK 0 STREAMS %s %s %s %s $ $ $ $", streams[0].c_str(),
                     streams[1].c_str(), streams[2].c_str(), streams[3].c_str());
  ASSERT_EQ(redisBufferWrite(reader.get(), nullptr), REDIS_OK);
  ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  Command(admin.get(), {"XADD", streams[2], "5-1", "f", "v"});
  void* raw = nullptr;
  ASSERT_EQ(redisGetReply(reader.get(), &raw), REDIS_OK);
  RedisReplyPtr got(static_cast<redisReply*>(raw));
  ASSERT_EQ(got->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(got->elements, 1u);
  EXPECT_EQ(std::string(got->element[0]->element[0]->str), streams[2]);
  EXPECT_EQ(std::string(got->element[0]->element[1]->element[0]->element[0]->str), "5-1");
  EXPECT_TRUE(WaitBlocked(admin.get(), 0));

  // A timeout: null after about the time asked, and nothing left waiting.
  const auto start = std::chrono::steady_clock::now();
  RedisReplyPtr none =
      Command(reader.get(), {"XREAD", "BLOCK", "100", "STREAMS", streams[0], streams[3], "$", "$"});
  EXPECT_EQ(none->type, REDIS_REPLY_NIL);
  // Deadlines are whole milliseconds, as in Redis: up to one early.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(99));
  EXPECT_EQ(InfoField(admin.get(), "clients", "total_blocking_keys"), 0);

  // A hang-up while waiting.
  {
    RedisConn gone = server_.Connect();
    redisAppendCommand(gone.get(), "XREAD BLOCK 0 STREAMS %s %s $ $", streams[1].c_str(),
                       streams[3].c_str());
    ASSERT_EQ(redisBufferWrite(gone.get(), nullptr), REDIS_OK);
    ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  }
  ASSERT_TRUE(WaitBlocked(admin.get(), 0));
  Command(admin.get(), {"XADD", streams[3], "*", "f", "v"});
  EXPECT_EQ(std::string(Command(admin.get(), {"PING"})->str), "PONG");
}

// Consumers of two groups' streams on two shards, each consumer blocking on both at once:
// every entry reaches exactly one consumer.
TEST_F(ShardsTest, GroupReadersBlockingOnSeveralShardsGetEachEntryOnce) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn admin = server_.Connect();
  const std::string a = KeyOn(1, "qa:");
  const std::string b = KeyOn(3, "qb:");
  Command(admin.get(), {"XGROUP", "CREATE", a, "g", "$", "MKSTREAM"});
  Command(admin.get(), {"XGROUP", "CREATE", b, "g", "$", "MKSTREAM"});
  constexpr int kEntries = 1000;
  std::mutex mu;
  std::multiset<std::string> got;
  std::atomic<int> total{0};
  std::vector<std::thread> consumers;
  for (int i = 0; i < 6; i++) {
    consumers.emplace_back([&, i] {
      RedisConn c = server_.Connect();
      const std::string name = "c" + std::to_string(i);
      while (total.load() < kEntries) {
        total += ReadAndAck(c.get(),
                            {"XREADGROUP", "GROUP", "g", name, "COUNT", "3", "BLOCK", "100",
                             "STREAMS", a, b, ">", ">"},
                            mu, got);
      }
    });
  }
  RedisConn producer = server_.Connect();
  for (int i = 0; i < kEntries; i++) {
    Command(producer.get(), {"XADD", i % 2 == 0 ? a : b, "*", "n", std::to_string(i)});
  }
  for (std::thread& t : consumers) {
    t.join();
  }
  EXPECT_EQ(got.size(), static_cast<size_t>(kEntries));
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
  EXPECT_EQ(Command(admin.get(), {"XPENDING", a, "g"})->element[0]->integer, 0);
  EXPECT_EQ(Command(admin.get(), {"XPENDING", b, "g"})->element[0]->integer, 0);
}

// maxmemory counts the process's memory: over it, a write evicts the best candidates of
// every shard (one shard at a time evicting, the others parked), not its own shard's only.
TEST_F(ShardsTest, EvictionTakesKeysFromEveryShard) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn c = server_.Connect();
  const int64_t base = InfoField(c.get(), "memory", "used_memory");
  const int64_t limit = base + 8 * 1024 * 1024;
  Command(c.get(), {"CONFIG", "SET", "maxmemory", std::to_string(limit), "maxmemory-policy",
                    "allkeys-random"});
  const std::string value(1000, 'x');
  for (int i = 0; i < 40000; i++) {  // about 40 MB of values
    redisAppendCommand(c.get(), "SET big:%d %s", i, value.c_str());
    if (i % 500 == 499) {
      for (int k = 0; k < 500; k++) {
        void* raw = nullptr;
        ASSERT_EQ(redisGetReply(c.get(), &raw), REDIS_OK);
        RedisReplyPtr r(static_cast<redisReply*>(raw));
        ASSERT_EQ(r->type, REDIS_REPLY_STATUS) << r->str;
      }
    }
  }
  EXPECT_GT(InfoField(c.get(), "stats", "evicted_keys"), 10000);
  EXPECT_LE(InfoField(c.get(), "memory", "used_memory"), limit + 2 * 1024 * 1024);
  const std::string shards = Info(c.get(), "shards");
  for (int s = 0; s < kShards; s++) {
    const size_t at = shards.find("shard" + std::to_string(s) + ":keys=");
    ASSERT_NE(at, std::string::npos);
    EXPECT_GT(atoll(shards.c_str() + at + 12), 100) << "shard " << s << " kept keys";
  }
  // noeviction: writes that need memory are refused, reads go on.
  Command(c.get(), {"CONFIG", "SET", "maxmemory-policy", "noeviction", "maxmemory", "1"});
  RedisReplyPtr oom = Command(c.get(), {"SET", KeyOn(3, "more:"), "v"});
  ASSERT_EQ(oom->type, REDIS_REPLY_ERROR);
  EXPECT_EQ(std::string(oom->str).rfind("OOM", 0), 0u);
  EXPECT_EQ(Command(c.get(), {"GET", KeyOn(2, "absent:")})->type, REDIS_REPLY_NIL);
  Command(c.get(), {"CONFIG", "SET", "maxmemory", "0"});
}

// Everything at once, under load: clients run random mixes of single- and multi-shard
// commands (cross-shard transfers in MULTI/EXEC, atomic MGET audits, multi-key DEL and
// EXISTS, SCAN steps, PUBLISH, single-key writes that are forwarded), while a producer
// feeds four streams on four shards, consumers of one group block on all four at once,
// and a plain XREAD reader blocks on all four too. The total never changes, no audit sees
// a transfer half done, and every entry reaches exactly one consumer.
TEST_F(ShardsTest, StressMixedSingleAndMultiShardCommands) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  RedisConn admin = server_.Connect();
  constexpr int kAccounts = 12;
  constexpr int kStart = 500;
  std::vector<std::string> accounts;
  for (int i = 0; i < kAccounts; i++) {
    accounts.push_back(KeyOn(i % kShards, "bank" + std::to_string(i) + ":"));
    Command(admin.get(), {"SET", accounts.back(), std::to_string(kStart)});
  }
  std::vector<std::string> streams;
  for (int s = 0; s < kShards; s++) {
    streams.push_back(KeyOn(s, "work:"));
    Command(admin.get(), {"XGROUP", "CREATE", streams.back(), "g", "$", "MKSTREAM"});
  }
  constexpr int kPerStream = 1000;
  std::atomic<bool> stop{false};
  std::atomic<int> bad_audits{0};
  std::atomic<int> audits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      RedisConn c = server_.Connect();
      std::mt19937 rng(100 + t);
      std::vector<std::string> audit = {"MGET"};
      audit.insert(audit.end(), accounts.begin(), accounts.end());
      while (!stop.load()) {
        const std::string& a = accounts[rng() % kAccounts];
        const std::string& b = accounts[rng() % kAccounts];
        const std::string scratch =
            "scratch:" + std::to_string(t) + ":" + std::to_string(rng() % 20);
        switch (rng() % 6) {
          case 0: {
            Command(c.get(), {"MULTI"});
            Command(c.get(), {"DECRBY", a, "7"});
            Command(c.get(), {"INCRBY", b, "7"});
            ASSERT_EQ(Command(c.get(), {"EXEC"})->type, REDIS_REPLY_ARRAY);
            break;
          }
          case 1: {
            RedisReplyPtr r = Command(c.get(), audit);
            int64_t sum = 0;
            for (size_t i = 0; i < r->elements; i++) {
              sum += atoll(r->element[i]->str);
            }
            audits++;
            bad_audits += sum != kAccounts * kStart ? 1 : 0;
            break;
          }
          case 2:
            Command(c.get(), {"INCR", scratch});
            Command(c.get(), {"GET", scratch});
            break;
          case 3:
            Command(c.get(), {"DEL", scratch, "scratch:" + std::to_string(t) + ":1", a + "x"});
            Command(c.get(), {"EXISTS", scratch, b});
            break;
          case 4:
            Command(c.get(), {"SCAN", std::to_string(rng() % 64), "COUNT", "5"});
            break;
          default:
            Command(c.get(), {"PUBLISH", "events", scratch});
        }
      }
    });
  }
  std::mutex mu;
  std::multiset<std::string> delivered;
  std::atomic<int> consumed{0};
  std::vector<std::thread> consumers;
  for (int i = 0; i < 4; i++) {
    consumers.emplace_back([&, i] {
      RedisConn c = server_.Connect();
      const std::string name = "w" + std::to_string(i);
      std::vector<std::string> cmd = {"XREADGROUP", "GROUP", "g",   name,     "COUNT",
                                      "5",          "BLOCK", "100", "STREAMS"};
      cmd.insert(cmd.end(), streams.begin(), streams.end());
      for (int s = 0; s < kShards; s++) {
        cmd.push_back(">");
      }
      while (consumed.load() < kPerStream * kShards) {
        consumed += ReadAndAck(c.get(), cmd, mu, delivered);
      }
    });
  }
  std::atomic<int> watched_entries{0};
  std::thread watcher([&] {
    RedisConn c = server_.Connect();
    std::vector<std::string> cmd = {"XREAD", "COUNT", "100", "BLOCK", "100", "STREAMS"};
    cmd.insert(cmd.end(), streams.begin(), streams.end());
    std::vector<std::string> last(kShards, "$");
    while (consumed.load() < kPerStream * kShards) {
      std::vector<std::string> args = cmd;
      args.insert(args.end(), last.begin(), last.end());
      RedisReplyPtr r = Command(c.get(), args);
      if (r == nullptr || r->type != REDIS_REPLY_ARRAY) {
        continue;
      }
      for (size_t s = 0; s < r->elements; s++) {
        const size_t n = r->element[s]->element[1]->elements;
        const auto at = std::find(streams.begin(), streams.end(), r->element[s]->element[0]->str);
        last[at - streams.begin()] = r->element[s]->element[1]->element[n - 1]->element[0]->str;
        watched_entries += static_cast<int>(n);
      }
    }
  });
  RedisConn producer = server_.Connect();
  for (int i = 0; i < kPerStream; i++) {
    for (const std::string& s : streams) {
      ASSERT_EQ(Command(producer.get(), {"XADD", s, "*", "n", std::to_string(i)})->type,
                REDIS_REPLY_STRING);
    }
  }
  for (std::thread& c : consumers) {
    c.join();
  }
  watcher.join();
  stop = true;
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_EQ(bad_audits.load(), 0) << "of " << audits.load();
  EXPECT_GT(audits.load(), 0);
  int64_t total = 0;
  for (const std::string& a : accounts) {
    total += atoll(Command(admin.get(), {"GET", a})->str);
  }
  EXPECT_EQ(total, kAccounts * kStart);
  EXPECT_EQ(delivered.size(), static_cast<size_t>(kPerStream * kShards));
  EXPECT_EQ(std::set<std::string>(delivered.begin(), delivered.end()).size(), delivered.size());
  for (const std::string& s : streams) {
    EXPECT_EQ(Command(admin.get(), {"XPENDING", s, "g"})->element[0]->integer, 0) << s;
  }
  EXPECT_GT(watched_entries.load(), 0);
  EXPECT_EQ(InfoField(admin.get(), "clients", "blocked_clients"), 0);
}

// A client on any shard gets the same answers from the commands about the server and its
// keys (INFO's tcp_port is shard 0's listener; DEBUG OBJECT looks in the key's shard).
TEST_F(ShardsTest, ServerCommandsAnswerAlikeOnEveryShard) {
  ASSERT_TRUE(server_.started()) << server_.Log();
  std::vector<RedisConn> conns;
  for (int i = 0; i < kShards; i++) {
    conns.push_back(server_.Connect());
  }
  for (int k = 0; k < kShards; k++) {
    Command(conns[0].get(), {"SET", KeyOn(k, "obj:"), "v"});
  }
  for (int i = 0; i < kShards; i++) {
    EXPECT_EQ(InfoField(conns[i].get(), "server", "tcp_port"), server_.port()) << i;
    EXPECT_EQ(InfoField(conns[i].get(), "server", "shards"), kShards) << i;
    for (int k = 0; k < kShards; k++) {
      RedisReplyPtr r = Command(conns[i].get(), {"DEBUG", "OBJECT", KeyOn(k, "obj:")});
      ASSERT_EQ(r->type, REDIS_REPLY_STATUS) << "client " << i << " key of shard " << k;
      EXPECT_EQ(std::string(Command(conns[i].get(), {"TYPE", KeyOn(k, "obj:")})->str), "string");
    }
  }
}

}  // namespace
}  // namespace rill::test
