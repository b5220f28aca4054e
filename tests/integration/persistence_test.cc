// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// Integration: the append-only journal on the real binary: restarts give the dataset back,
// kill -9 under appendfsync always loses no acknowledged write, a torn tail is cut, a
// corrupt file stops the start with the file and offset.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "core/slot.h"
#include "tests/support/server_process.h"

namespace rill::test {
namespace {

std::string Str(const RedisReplyPtr& r) {
  if (r == nullptr) {
    return "<no reply>";
  }
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      return std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER:
      return std::to_string(r->integer);
    case REDIS_REPLY_NIL:
      return "(nil)";
    default:
      return "<aggregate>";
  }
}

// A reply rendered as one line, aggregates in brackets: compares whole replies.
std::string Render(const redisReply* r) {
  if (r == nullptr) {
    return "<no reply>";
  }
  if (r->type == REDIS_REPLY_ARRAY) {
    std::string out = "[";
    for (size_t i = 0; i < r->elements; i++) {
      out += (i > 0 ? " " : "") + Render(r->element[i]);
    }
    return out + "]";
  }
  if (r->type == REDIS_REPLY_INTEGER) {
    return std::to_string(r->integer);
  }
  if (r->type == REDIS_REPLY_NIL) {
    return "nil";
  }
  return std::string(r->str, r->len);
}

std::string AofPath(const ServerProcess& s) {
  return s.dir() + "/appendonlydir/appendonly.aof.1.incr.aof";
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// What a restart must give back: entries, group positions, the PEL with delivery counts
// and times, consumers with their pending counts, strings and their expiry times.
std::string Snapshot(redisContext* c) {
  std::string out;
  out += Render(Command(c, {"XRANGE", "s", "-", "+"}).get()) + "\n";
  RedisReplyPtr info = Command(c, {"XINFO", "STREAM", "s"});
  for (size_t i = 0; i + 1 < info->elements; i += 2) {
    const std::string field = Render(info->element[i]);
    if (field != "first-entry" && field != "last-entry") {
      out += field + "=" + Render(info->element[i + 1]) + "\n";
    }
  }
  out += Render(Command(c, {"XINFO", "GROUPS", "s"}).get()) + "\n";
  RedisReplyPtr pending = Command(c, {"XPENDING", "s", "g", "-", "+", "1000"});
  for (size_t i = 0; i < pending->elements; i++) {
    const redisReply* p = pending->element[i];  // id, consumer, idle ms (not kept), count
    out += Render(p->element[0]) + " " + Render(p->element[1]) + " " + Render(p->element[3]) + "\n";
  }
  RedisReplyPtr consumers = Command(c, {"XINFO", "CONSUMERS", "s", "g"});
  for (size_t i = 0; i < consumers->elements; i++) {
    const redisReply* cons = consumers->element[i];
    out += Render(cons->element[1]) + " pending=" + Render(cons->element[3]) + "\n";
  }
  out += Str(Command(c, {"GET", "counter"})) + " " + Str(Command(c, {"PEXPIRETIME", "ttl"})) + "\n";
  return out;
}

TEST(PersistenceTest, RestartGivesBackStreamsGroupsAndStrings) {
  ServerProcess server({"--appendonly", "yes"});
  ASSERT_TRUE(server.started()) << server.Log();
  std::string before;
  {
    RedisConn c = server.Connect();
    for (int i = 0; i < 50; i++) {
      Command(c.get(), {"XADD", "s", "MAXLEN", "~", "40", "*", "n", std::to_string(i)});
    }
    EXPECT_EQ(Str(Command(c.get(), {"XGROUP", "CREATE", "s", "g", "0"})), "OK");
    EXPECT_EQ(Str(Command(c.get(), {"XGROUP", "CREATECONSUMER", "s", "g", "idle"})), "1");
    Command(c.get(), {"XREADGROUP", "GROUP", "g", "a", "COUNT", "7", "STREAMS", "s", ">"});
    Command(c.get(), {"XREADGROUP", "GROUP", "g", "b", "COUNT", "5", "STREAMS", "s", ">"});
    Command(c.get(), {"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "0"});  // a re-delivery
    RedisReplyPtr pending = Command(c.get(), {"XPENDING", "s", "g", "-", "+", "3"});
    ASSERT_EQ(pending->elements, 3u);
    Command(c.get(), {"XACK", "s", "g", pending->element[0]->element[0]->str});
    Command(c.get(), {"XCLAIM", "s", "g", "b", "0", pending->element[1]->element[0]->str});
    Command(c.get(), {"XDEL", "s", pending->element[2]->element[0]->str});
    Command(c.get(), {"XREADGROUP", "GROUP", "g", "c", "NOACK", "COUNT", "3", "STREAMS", "s", ">"});
    Command(c.get(), {"INCRBY", "counter", "41"});
    Command(c.get(), {"INCR", "counter"});
    Command(c.get(), {"SELECT", "5"});
    Command(c.get(), {"SET", "in-db-5", "x"});
    Command(c.get(), {"SELECT", "0"});
    Command(c.get(), {"SET", "ttl", "v", "EX", "1000"});
    before = Snapshot(c.get());
  }
  ASSERT_EQ(server.Stop(SIGTERM), 0);
  ASSERT_TRUE(server.Restart()) << server.Log();
  EXPECT_NE(server.Log().find("DB loaded from append only file"), std::string::npos);
  RedisConn c = server.Connect();
  EXPECT_EQ(Snapshot(c.get()), before);
  EXPECT_EQ(Str(Command(c.get(), {"GET", "counter"})), "42");
  Command(c.get(), {"SELECT", "5"});
  EXPECT_EQ(Str(Command(c.get(), {"GET", "in-db-5"})), "x");
  RedisReplyPtr info = Command(c.get(), {"INFO", "persistence"});
  EXPECT_NE(std::string(info->str).find("aof_enabled:1"), std::string::npos);
  EXPECT_NE(std::string(info->str).find("aof_last_write_status:ok"), std::string::npos);
}

int EnvInt(const char* name, int def) {
  const char* v = getenv(name);
  return v != nullptr && atoi(v) > 0 ? atoi(v) : def;
}

bool IdLess(const std::string& a, const std::string& b) {
  const auto split = [](const std::string& id) {
    const size_t dash = id.find('-');
    return std::make_pair(std::stoull(id.substr(0, dash)), std::stoull(id.substr(dash + 1)));
  };
  return split(a) < split(b);
}

// The crash test: producers (XADD), consumers (XREADGROUP BLOCK, then XACK) run against
// the server, which is killed with SIGKILL mid-load, restarted, and checked against
// everything a client was told. A reply leaves only once its effect was written to the
// file (fsynced, under always), so a killed process loses nothing acknowledged under
// either policy; what everysec may lose is a machine crash's last two seconds, which a
// test cannot cause. The short
// version runs in `make test`; `make crash-test` sets RILL_CRASH_CYCLES and
// RILL_CRASH_CLIENTS for the long one.
// With rewrites, BGREWRITEAOF is asked for again and again during the load, so kills land
// before, during and after rotations and base switches.
void CrashCycles(const std::string& policy, bool rewrites = false) {
  const int cycles = EnvInt("RILL_CRASH_CYCLES", 3);
  const int clients = EnvInt("RILL_CRASH_CLIENTS", 9);
  const int consumers = std::max(1, clients / 3);
  const int producers = std::max(1, clients - consumers);
  ServerProcess server({"--appendonly", "yes", "--appendfsync", policy});
  ASSERT_TRUE(server.started()) << server.Log();
  {
    RedisConn c = server.Connect();
    ASSERT_EQ(Str(Command(c.get(), {"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"})), "OK");
  }
  std::mutex mu;
  std::map<std::string, std::string> added;  // acknowledged XADD id -> field value
  std::set<std::string> acked;               // acknowledged XACK ids
  uint64_t lost_total = 0;
  for (int cycle = 0; cycle < cycles; cycle++) {
    std::atomic<bool> stop{false};
    std::string last_delivered = "0-0";  // highest id any consumer got in this cycle
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; p++) {
      threads.emplace_back([&, p] {
        RedisConn c = server.Connect();
        for (int n = 0; !stop; n++) {
          const std::string value =
              std::to_string(cycle) + "/" + std::to_string(p) + "/" + std::to_string(n);
          RedisReplyPtr r = Command(c.get(), {"XADD", "s", "*", "v", value});
          if (r == nullptr || r->type != REDIS_REPLY_STRING) {
            return;
          }
          std::lock_guard<std::mutex> lock(mu);
          added[r->str] = value;
        }
      });
    }
    for (int k = 0; k < consumers; k++) {
      threads.emplace_back([&, k] {
        RedisConn c = server.Connect();
        const std::string name = "c" + std::to_string(k);
        while (!stop) {
          RedisReplyPtr r = Command(c.get(), {"XREADGROUP", "GROUP", "g", name, "COUNT", "20",
                                              "BLOCK", "100", "STREAMS", "s", ">"});
          if (r == nullptr || r->type == REDIS_REPLY_ERROR) {
            return;
          }
          if (r->type != REDIS_REPLY_ARRAY) {
            continue;
          }
          const redisReply* entries = r->element[0]->element[1];
          std::vector<std::string> ids;
          for (size_t i = 0; i < entries->elements; i++) {
            ids.emplace_back(entries->element[i]->element[0]->str);
          }
          {
            std::lock_guard<std::mutex> lock(mu);
            if (!ids.empty() && IdLess(last_delivered, ids.back())) {
              last_delivered = ids.back();
            }
          }
          std::vector<std::string> ack = {"XACK", "s", "g"};
          ack.insert(ack.end(), ids.begin(), ids.end());
          RedisReplyPtr a = Command(c.get(), ack);
          if (a == nullptr || a->type != REDIS_REPLY_INTEGER) {
            return;
          }
          std::lock_guard<std::mutex> lock(mu);
          acked.insert(ids.begin(), ids.end());
        }
      });
    }
    if (rewrites) {
      threads.emplace_back([&] {
        RedisConn c = server.Connect();
        while (!stop) {
          if (Command(c.get(), {"BGREWRITEAOF"}) == nullptr) {
            return;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + 100 * (cycle % 5)));
    server.Stop(SIGKILL);
    stop = true;
    for (std::thread& t : threads) {
      t.join();
    }
    ASSERT_TRUE(server.Restart()) << server.Log();
    RedisConn c = server.Connect();
    RedisReplyPtr all = Command(c.get(), {"XRANGE", "s", "-", "+"});
    std::map<std::string, std::string> present;
    for (size_t i = 0; i < all->elements; i++) {
      const redisReply* e = all->element[i];
      present[e->element[0]->str] = e->element[1]->element[1]->str;
    }
    uint64_t lost = 0;
    for (auto it = added.begin(); it != added.end();) {
      auto p = present.find(it->first);
      if (p != present.end() && p->second == it->second) {
        ++it;
        continue;
      }
      lost++;
      it = added.erase(it);  // gone for good: later cycles do not count it again
    }
    lost_total += lost;
    {
      EXPECT_EQ(lost, 0u) << "cycle " << cycle << ": acknowledged XADDs missing";
      RedisReplyPtr pending = Command(c.get(), {"XPENDING", "s", "g", "-", "+", "10000000"});
      uint64_t unacked = 0;
      for (size_t i = 0; i < pending->elements; i++) {
        unacked += acked.count(pending->element[i]->element[0]->str);
      }
      EXPECT_EQ(unacked, 0u) << "cycle " << cycle << ": acknowledged XACKs pending again";
      RedisReplyPtr groups = Command(c.get(), {"XINFO", "GROUPS", "s"});
      const std::string row = Render(groups->element[0]);
      const size_t at = row.find("last-delivered-id ") + 18;
      const std::string group_last = row.substr(at, row.find(' ', at) - at);
      EXPECT_FALSE(IdLess(group_last, last_delivered))
          << "cycle " << cycle << ": the group went back from " << last_delivered << " to "
          << group_last;
    }
  }
  EXPECT_GT(added.size(), 100u) << "the load was too small to mean anything";
  printf(
      "crash test (appendfsync %s%s): cycles=%d clients=%d acknowledged_xadds=%zu "
      "acknowledged_xacks=%zu lost=%llu\n",
      policy.c_str(), rewrites ? ", rewrites" : "", cycles, producers + consumers,
      added.size() + lost_total, acked.size(), static_cast<unsigned long long>(lost_total));
}

TEST(PersistenceTest, KillNineUnderAlwaysLosesNoAcknowledgedWrite) { CrashCycles("always"); }

TEST(PersistenceTest, KillNineUnderEverysecLosesNoAcknowledgedWrite) { CrashCycles("everysec"); }

TEST(PersistenceTest, KillNineDuringRewritesLosesNoAcknowledgedWrite) {
  CrashCycles("always", /*rewrites=*/true);
}

TEST(PersistenceTest, KillNineDuringRewritesUnderEverysecLosesNoAcknowledgedWrite) {
  CrashCycles("everysec", /*rewrites=*/true);
}

// appendfsync changes at runtime, with a pipeline of writes in flight at each switch: no
// reply is lost or stuck, and everything is in the journal after a restart.
TEST(PersistenceTest, AppendfsyncChangesAtRuntime) {
  ServerProcess server({"--appendonly", "yes", "--appendfsync", "always"});
  ASSERT_TRUE(server.started()) << server.Log();
  {
    RedisConn c = server.Connect();
    int n = 0;
    for (const char* policy : {"everysec", "no", "always", "everysec"}) {
      for (int i = 0; i < 200; i++) {
        redisAppendCommand(c.get(), "INCR n");
      }
      redisAppendCommand(c.get(), "CONFIG SET appendfsync %s", policy);
      for (int i = 0; i < 200; i++) {
        redisAppendCommand(c.get(), "INCR n");
      }
      for (int i = 0; i < 401; i++) {
        void* reply = nullptr;
        ASSERT_EQ(redisGetReply(c.get(), &reply), REDIS_OK) << policy;
        RedisReplyPtr r(static_cast<redisReply*>(reply));
        if (r->type == REDIS_REPLY_INTEGER) {
          EXPECT_EQ(r->integer, ++n);
        } else {
          EXPECT_EQ(Str(r), "OK");
        }
      }
    }
    EXPECT_EQ(Str(Command(c.get(), {"CONFIG", "GET", "appendfsync"})), "<aggregate>");
  }
  ASSERT_EQ(server.Stop(SIGKILL), 9);
  ASSERT_TRUE(server.Restart()) << server.Log();
  RedisConn c = server.Connect();
  EXPECT_EQ(Str(Command(c.get(), {"GET", "n"})), "1600");
}

// While the journal loads, the server accepts clients and answers -LOADING (INFO works
// and shows the progress); then it serves the loaded data.
TEST(PersistenceTest, ClientsGetLoadingWhileTheJournalLoads) {
  ServerProcess server({"--appendonly", "yes", "--key-load-delay", "500"});
  ASSERT_TRUE(server.started()) << server.Log();
  {
    RedisConn c = server.Connect();
    for (int i = 0; i < 2000; i++) {
      Command(c.get(), {"XADD", "s", "*", "n", std::to_string(i)});
    }
  }
  ASSERT_EQ(server.Stop(SIGTERM), 0);
  ASSERT_TRUE(server.Restart("Loading the append only file")) << server.Log();  // ~1 s of it
  RedisConn c = server.Connect();
  const std::string ping = Str(Command(c.get(), {"PING"}));
  EXPECT_EQ(ping, "LOADING Redis is loading the dataset in memory");
  const std::string info = Str(Command(c.get(), {"INFO", "persistence"}));
  EXPECT_NE(info.find("loading:1"), std::string::npos) << info;
  EXPECT_NE(info.find("loading_total_bytes:"), std::string::npos) << info;
  EXPECT_EQ(Str(Command(c.get(), {"XADD", "s", "*", "n", "x"})),
            "LOADING Redis is loading the dataset in memory");
  for (int i = 0; i < 500 && Str(Command(c.get(), {"PING"})) != "PONG"; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Str(Command(c.get(), {"XLEN", "s"})), "2000");
  EXPECT_NE(Str(Command(c.get(), {"INFO", "persistence"})).find("loading:0"), std::string::npos);
}

// While the journal loads, SHUTDOWN does not save the half-loaded dataset over the dump,
// and DEBUG RELOAD and LOADAOF are refused (as Redis answers -LOADING).
TEST(PersistenceTest, NothingHalfLoadedIsSavedOrReloaded) {
  ServerProcess server({"--appendonly", "yes", "--key-load-delay", "500"});
  ASSERT_TRUE(server.started()) << server.Log();
  {
    RedisConn c = server.Connect();
    for (int i = 0; i < 2000; i++) {
      Command(c.get(), {"SET", "k" + std::to_string(i), "v"});
    }
    ASSERT_EQ(Str(Command(c.get(), {"SAVE"})), "OK");  // a dump of all 2000 keys
  }
  ASSERT_EQ(server.Stop(SIGTERM), 0);
  const std::string dump = ReadFile(server.dir() + "/dump.rdb");
  ASSERT_TRUE(server.Restart("Loading the append only file")) << server.Log();  // ~1 s of it
  RedisConn c = server.Connect();
  EXPECT_EQ(Str(Command(c.get(), {"DEBUG", "RELOAD"})),
            "LOADING Redis is loading the dataset in memory");
  EXPECT_EQ(Str(Command(c.get(), {"DEBUG", "LOADAOF"})),
            "LOADING Redis is loading the dataset in memory");
  EXPECT_EQ(Command(c.get(), {"SHUTDOWN", "SAVE"}), nullptr);  // exits, without saving
  ASSERT_EQ(server.Stop(0), 0);
  EXPECT_EQ(ReadFile(server.dir() + "/dump.rdb"), dump);
}

// WAITAOF covers the client's writes whatever shard ran them: writes forwarded to other
// shards' journals are fsynced before WAITAOF answers 1, though the client's own shard
// journalled nothing.
TEST(PersistenceTest, WaitaofCoversWritesOfEveryShard) {
  ServerProcess server({"--appendonly", "yes", "--appendfsync", "everysec", "--shards", "4"});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();  // the first client lives on shard 0
  int written = 0;
  for (int k = 0; written < 8; k++) {
    const std::string key = "w:" + std::to_string(k);
    if (KeySlot(key) * 4 / kSlotCount != 0) {  // another shard's key: forwarded
      Command(c.get(), {"SET", key, "v"});
      written++;
    }
  }
  RedisReplyPtr r = Command(c.get(), {"WAITAOF", "1", "0", "5000"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(r->element[0]->integer, 1);
  EXPECT_EQ(InfoField(c.get(), "persistence", "aof_pending_bytes"), 0);
}

TEST(PersistenceTest, TornTailIsCutWithAWarningOrStopsTheStart) {
  ServerProcess server({"--appendonly", "yes"});
  ASSERT_TRUE(server.started()) << server.Log();
  {
    RedisConn c = server.Connect();
    Command(c.get(), {"SET", "a", "1"});
    Command(c.get(), {"SET", "b", "2"});
  }
  ASSERT_EQ(server.Stop(SIGTERM), 0);
  const std::string whole = ReadFile(AofPath(server));
  std::ofstream(AofPath(server), std::ios::app) << "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nhal";

  ASSERT_TRUE(server.Restart()) << server.Log();
  const std::string log = server.Log();
  EXPECT_NE(log.find("cut off at offset " + std::to_string(whole.size())), std::string::npos)
      << log;
  RedisConn c = server.Connect();
  EXPECT_EQ(Str(Command(c.get(), {"GET", "b"})), "2");
  EXPECT_EQ(Str(Command(c.get(), {"EXISTS", "c"})), "0");
  c.reset();
  ASSERT_EQ(server.Stop(SIGTERM), 0);
  EXPECT_EQ(ReadFile(AofPath(server)), whole);  // the file itself was repaired
}

TEST(PersistenceTest, TornTailStopsTheStartWhenAofLoadTruncatedIsNo) {
  ServerProcess server({"--appendonly", "yes", "--aof-load-truncated", "no"});
  ASSERT_TRUE(server.started()) << server.Log();
  {
    RedisConn c = server.Connect();
    Command(c.get(), {"SET", "a", "1"});
  }
  ASSERT_EQ(server.Stop(SIGTERM), 0);
  std::ofstream(AofPath(server), std::ios::app) << "*2\r\n$3\r\nDEL\r\n";
  EXPECT_FALSE(server.Restart());
  const std::string log = server.Log();
  EXPECT_NE(log.find("ends in the middle of a command"), std::string::npos) << log;
  EXPECT_NE(log.find("aof-load-truncated yes"), std::string::npos) << log;
}

TEST(PersistenceTest, CorruptionInTheMiddleStopsTheStartWithFileAndOffset) {
  ServerProcess server({"--appendonly", "yes"});
  ASSERT_TRUE(server.started()) << server.Log();
  {
    RedisConn c = server.Connect();
    Command(c.get(), {"SET", "a", "1"});
    Command(c.get(), {"SET", "b", "2"});
  }
  ASSERT_EQ(server.Stop(SIGTERM), 0);
  std::string bytes = ReadFile(AofPath(server));
  const size_t second = bytes.find("*3\r\n$3\r\nSET\r\n$1\r\nb");
  ASSERT_NE(second, std::string::npos);
  bytes[second] = '#';
  std::ofstream(AofPath(server), std::ios::trunc | std::ios::binary) << bytes;
  EXPECT_FALSE(server.Restart());
  const std::string log = server.Log();
  EXPECT_NE(log.find("appendonly.aof.1.incr.aof at offset " + std::to_string(second)),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("rill-check-aof --fix"), std::string::npos) << log;

  const std::string check = std::string(RILL_CHECK_AOF_PATH) + " " + server.dir() +
                            "/appendonlydir/appendonly.aof.manifest";
  auto [status, out] = Shell(check);
  EXPECT_EQ(WEXITSTATUS(status), 1) << out;
  EXPECT_NE(out.find("ok_up_to=" + std::to_string(second)), std::string::npos) << out;
  std::tie(status, out) = Shell(check + " --fix");
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("Successfully truncated"), std::string::npos) << out;
  ASSERT_TRUE(server.Restart()) << server.Log();
  RedisConn c = server.Connect();
  EXPECT_EQ(Str(Command(c.get(), {"GET", "a"})), "1");
  EXPECT_EQ(Str(Command(c.get(), {"EXISTS", "b"})), "0");
}

}  // namespace
}  // namespace rill::test

namespace rill::test {
namespace {

// --- Rewrites and snapshots (persist/snapshotter.h) ---

std::string Info(redisContext* c) { return Str(Command(c, {"INFO", "persistence"})); }

// Waits until INFO persistence has the line (a background job finished).
bool WaitForInfo(redisContext* c, const std::string& line, int timeout_ms = 20000) {
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    if (Info(c).find(line + "\r\n") != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::vector<std::string> AofFiles(const ServerProcess& s) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(s.dir() + "/appendonlydir")) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Producers, consumers and a string writer run while BGREWRITEAOF runs again and again:
// after a kill -9 and a restart, the data is exactly what the clients were last told, and
// the journal is one base plus one increment.
TEST(PersistenceTest, RewritesUnderLoadLoseNothingAndLeaveOneBase) {
  ServerProcess server({"--appendonly", "yes", "--appendfsync", "always"});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  ASSERT_EQ(Str(Command(c.get(), {"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"})), "OK");
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int p = 0; p < 2; p++) {
    threads.emplace_back([&, p] {
      RedisConn pc = server.Connect();
      for (int n = 0; !stop; n++) {
        Command(pc.get(), {"XADD", "s", "*", "v", std::to_string(p) + "/" + std::to_string(n)});
      }
    });
  }
  threads.emplace_back([&] {
    RedisConn cc = server.Connect();
    while (!stop) {
      RedisReplyPtr r = Command(cc.get(), {"XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "BLOCK",
                                           "50", "STREAMS", "s", ">"});
      if (r != nullptr && r->type == REDIS_REPLY_ARRAY && r->element[0]->element[1]->elements > 1) {
        Command(cc.get(),
                {"XACK", "s", "g", r->element[0]->element[1]->element[0]->element[0]->str});
      }
    }
  });
  threads.emplace_back([&] {
    RedisConn sc = server.Connect();
    for (int n = 0; !stop; n++) {
      Command(sc.get(), {"INCR", "counter"});
      Command(sc.get(), {"SET", "key:" + std::to_string(n % 500), std::to_string(n), "EX", "1000"});
      if (n % 7 == 0) {
        Command(sc.get(), {"DEL", "key:" + std::to_string((n * 3) % 500)});
      }
    }
  });
  for (int round = 0; round < 4; round++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    const std::string reply = Str(Command(c.get(), {"BGREWRITEAOF"}));
    EXPECT_EQ(reply, "Background append only file rewriting started");
    ASSERT_TRUE(WaitForInfo(c.get(), "aof_rewrites:" + std::to_string(round + 1))) << Info(c.get());
  }
  stop = true;
  for (std::thread& t : threads) {
    t.join();
  }
  const std::string before = Snapshot(c.get());
  const std::string keys = Str(Command(c.get(), {"DBSIZE"}));
  EXPECT_NE(Info(c.get()).find("aof_last_bgrewrite_status:ok"), std::string::npos);
  EXPECT_EQ(AofFiles(server),
            (std::vector<std::string>{"appendonly.aof.4.base.rill", "appendonly.aof.5.incr.aof",
                                      "appendonly.aof.manifest"}));
  auto [status, out] = Shell(std::string(RILL_CHECK_AOF_PATH) + " " + server.dir() +
                             "/appendonlydir/appendonly.aof.manifest");
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(
      out.find("Snapshot " + server.dir() + "/appendonlydir/appendonly.aof.4.base.rill is valid"),
      std::string::npos)
      << out;
  c.reset();
  ASSERT_EQ(server.Stop(SIGKILL), 9);
  ASSERT_TRUE(server.Restart()) << server.Log();
  RedisConn after = server.Connect();
  EXPECT_EQ(Snapshot(after.get()), before);
  EXPECT_EQ(Str(Command(after.get(), {"DBSIZE"})), keys);
}

// A stream of thousands of nodes is encoded over many slices from a copy-on-write clone
// while XADD, XDEL and XTRIM change it: the restart gives back exactly the final stream.
TEST(PersistenceTest, BigStreamRewrittenWhileItChanges) {
  ServerProcess server({"--appendonly", "yes", "--auto-aof-rewrite-percentage", "0"});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  for (int batch = 0; batch < 300; batch++) {
    for (int i = 0; i < 1000; i++) {
      redisAppendCommand(c.get(), "XADD s %d-1 f %d", batch * 1000 + i + 1, i);
    }
    for (int i = 0; i < 1000; i++) {
      void* r = nullptr;
      ASSERT_EQ(redisGetReply(c.get(), &r), REDIS_OK);
      freeReplyObject(r);
    }
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    RedisConn w = server.Connect();
    for (int n = 1; !stop; n++) {
      Command(w.get(), {"XADD", "s", "*", "late", std::to_string(n)});
      Command(w.get(), {"XDEL", "s", std::to_string(n * 97 % 300000 + 1) + "-1"});
      if (n % 50 == 0) {
        Command(w.get(), {"XTRIM", "s", "MINID", std::to_string(n * 10) + "-0"});
      }
    }
  });
  EXPECT_EQ(Str(Command(c.get(), {"BGREWRITEAOF"})),
            "Background append only file rewriting started");
  EXPECT_TRUE(WaitForInfo(c.get(), "aof_rewrites:1"));
  stop = true;
  writer.join();
  const std::string before = Render(Command(c.get(), {"XRANGE", "s", "-", "+"}).get()) +
                             Render(Command(c.get(), {"XINFO", "STREAM", "s"}).get());
  c.reset();
  ASSERT_EQ(server.Stop(SIGKILL), 9);
  ASSERT_TRUE(server.Restart()) << server.Log();
  RedisConn after = server.Connect();
  EXPECT_EQ(Render(Command(after.get(), {"XRANGE", "s", "-", "+"}).get()) +
                Render(Command(after.get(), {"XINFO", "STREAM", "s"}).get()),
            before);
}

// A restart from a rewritten base plus an increment gives back every entry. The short
// version (100,000 entries) runs in `make test`; `make crash-test` sets
// RILL_RESTART_ENTRIES=10000000.
TEST(PersistenceTest, RestartFromBaseAndIncrementGivesBackEveryEntry) {
  const int entries = EnvInt("RILL_RESTART_ENTRIES", 100000);
  ServerProcess server({"--appendonly", "yes", "--auto-aof-rewrite-percentage", "0", "--save", ""});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  const auto add = [&](int from, int to) {
    for (int i = from; i < to;) {
      const int batch_end = std::min(to, i + 1000);
      for (int k = i; k < batch_end; k++) {
        redisAppendCommand(c.get(), "XADD s%d %d-1 f %d", k % 4, k + 1, k);
      }
      for (; i < batch_end; i++) {
        void* r = nullptr;
        ASSERT_EQ(redisGetReply(c.get(), &r), REDIS_OK);
        freeReplyObject(r);
      }
    }
  };
  add(0, entries - 1000);
  EXPECT_EQ(Str(Command(c.get(), {"BGREWRITEAOF"})),
            "Background append only file rewriting started");
  add(entries - 1000, entries);  // some during the rewrite, the rest in the new increment
  ASSERT_TRUE(WaitForInfo(c.get(), "aof_rewrites:1", 600000));
  std::string before;
  for (int k = 0; k < 4; k++) {
    const std::string key = "s" + std::to_string(k);
    before += Str(Command(c.get(), {"XLEN", key})) + " " +
              Render(Command(c.get(), {"XREVRANGE", key, "+", "-", "COUNT", "3"}).get()) + "\n";
  }
  c.reset();
  ASSERT_EQ(server.Stop(SIGTERM), 0);
  ASSERT_TRUE(server.Restart()) << server.Log();
  RedisConn after = server.Connect();
  std::string now;
  uint64_t total = 0;
  for (int k = 0; k < 4; k++) {
    const std::string key = "s" + std::to_string(k);
    total += static_cast<uint64_t>(Command(after.get(), {"XLEN", key})->integer);
    now += Str(Command(after.get(), {"XLEN", key})) + " " +
           Render(Command(after.get(), {"XREVRANGE", key, "+", "-", "COUNT", "3"}).get()) + "\n";
  }
  EXPECT_EQ(now, before);
  EXPECT_EQ(total, static_cast<uint64_t>(entries));
  const std::string log = server.Log();
  const size_t at = log.rfind("DB loaded from append only file");
  ASSERT_NE(at, std::string::npos);
  printf("restart with %d entries: %s\n", entries, log.substr(at, log.find('\n', at) - at).c_str());
}

TEST(PersistenceTest, RewriteShrinksAJournalOfOverwrites) {
  ServerProcess server({"--appendonly", "yes", "--auto-aof-rewrite-percentage", "0"});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  for (int i = 0; i < 3000; i++) {
    redisAppendCommand(c.get(), "SET k %d", i);
  }
  for (int i = 0; i < 3000; i++) {
    void* r = nullptr;
    ASSERT_EQ(redisGetReply(c.get(), &r), REDIS_OK);
    freeReplyObject(r);
  }
  EXPECT_EQ(Str(Command(c.get(), {"BGREWRITEAOF"})),
            "Background append only file rewriting started");
  ASSERT_TRUE(WaitForInfo(c.get(), "aof_rewrites:1"));
  const std::string info = Info(c.get());
  const size_t at = info.find("aof_current_size:") + 17;
  EXPECT_LT(std::stoull(info.substr(at)), 200u) << info;  // one key left, not 3000 SETs
}

TEST(PersistenceTest, AutomaticRewriteRunsOnGrowth) {
  ServerProcess server({"--appendonly", "yes", "--auto-aof-rewrite-min-size", "20kb"});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  for (int i = 0; i < 400; i++) {
    Command(c.get(), {"SET", "k" + std::to_string(i % 10), std::string(100, 'x')});
  }
  // At least one: a slow run (ThreadSanitizer) may cross the threshold twice.
  for (int i = 0; i < 2000 && InfoField(c.get(), "persistence", "aof_rewrites") < 1; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(InfoField(c.get(), "persistence", "aof_rewrites"), 1) << Info(c.get());
  EXPECT_NE(server.Log().find("Starting automatic rewriting of AOF on"), std::string::npos);
}

// With appendonly no, BGSAVE's snapshot is what the next start loads: the data of the
// moment it began, not the writes after it.
TEST(PersistenceTest, BgsaveSnapshotIsLoadedAtStart) {
  ServerProcess server({"--save", ""});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  for (int i = 0; i < 50; i++) {
    Command(c.get(), {"XADD", "s", "*", "n", std::to_string(i)});
  }
  Command(c.get(), {"XGROUP", "CREATE", "s", "g", "0"});
  Command(c.get(), {"XREADGROUP", "GROUP", "g", "a", "COUNT", "7", "STREAMS", "s", ">"});
  Command(c.get(), {"XGROUP", "CREATECONSUMER", "s", "g", "idle"});
  Command(c.get(), {"INCRBY", "counter", "42"});
  Command(c.get(), {"SET", "ttl", "v", "EX", "1000"});
  const std::string before = Snapshot(c.get());
  EXPECT_NE(Info(c.get()).find("rdb_changes_since_last_save:"), std::string::npos);
  EXPECT_EQ(Str(Command(c.get(), {"BGSAVE"})), "Background saving started");
  ASSERT_TRUE(WaitForInfo(c.get(), "rdb_saves:1"));
  const std::string info = Info(c.get());
  EXPECT_NE(info.find("rdb_last_bgsave_status:ok"), std::string::npos) << info;
  EXPECT_NE(info.find("rdb_changes_since_last_save:0"), std::string::npos) << info;
  EXPECT_NE(info.find("rdb_bgsave_in_progress:0"), std::string::npos) << info;
  Command(c.get(), {"SET", "later", "x"});
  c.reset();
  ASSERT_EQ(server.Stop(SIGKILL), 9);
  ASSERT_TRUE(server.Restart()) << server.Log();
  EXPECT_NE(server.Log().find("DB loaded from disk"), std::string::npos);
  RedisConn after = server.Connect();
  EXPECT_EQ(Snapshot(after.get()), before);
  EXPECT_EQ(Str(Command(after.get(), {"GET", "later"})), "(nil)");
}

TEST(PersistenceTest, ShutdownSavesUnlessToldNotTo) {
  ServerProcess server;  // Redis's default save points
  ASSERT_TRUE(server.started()) << server.Log();
  {
    RedisConn c = server.Connect();
    Command(c.get(), {"SET", "a", "1"});
    EXPECT_EQ(Command(c.get(), {"SHUTDOWN"}), nullptr);  // no reply: the connection closes
  }
  ASSERT_EQ(server.Stop(0), 0);
  ASSERT_TRUE(server.Restart()) << server.Log();
  {
    RedisConn c = server.Connect();
    EXPECT_EQ(Str(Command(c.get(), {"GET", "a"})), "1");
    Command(c.get(), {"SET", "b", "2"});
    Command(c.get(), {"SHUTDOWN", "NOSAVE"});
  }
  ASSERT_EQ(server.Stop(0), 0);
  ASSERT_TRUE(server.Restart()) << server.Log();
  RedisConn c = server.Connect();
  EXPECT_EQ(Str(Command(c.get(), {"GET", "a"})), "1");
  EXPECT_EQ(Str(Command(c.get(), {"GET", "b"})), "(nil)");
  const int64_t before = Command(c.get(), {"LASTSAVE"})->integer;
  Command(c.get(), {"SET", "c", "3"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(Str(Command(c.get(), {"SAVE"})), "OK");
  EXPECT_GT(Command(c.get(), {"LASTSAVE"})->integer, before);
  c.reset();
  ASSERT_EQ(server.Stop(SIGKILL), 9);
  ASSERT_TRUE(server.Restart()) << server.Log();
  EXPECT_EQ(Str(Command(server.Connect().get(), {"GET", "c"})), "3");
}

TEST(PersistenceTest, SavePointsTakeSnapshots) {
  ServerProcess server({"--save", "1 1"});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  Command(c.get(), {"SET", "a", "1"});
  EXPECT_TRUE(WaitForInfo(c.get(), "rdb_saves:1", 5000)) << Info(c.get());
  EXPECT_NE(server.Log().find("1 changes in 1 seconds. Saving..."), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(server.dir() + "/dump.rdb"));
}

TEST(PersistenceTest, CorruptSnapshotStopsTheStartWithFileAndOffset) {
  ServerProcess server({"--save", ""});
  ASSERT_TRUE(server.started()) << server.Log();
  {
    RedisConn c = server.Connect();
    Command(c.get(), {"SET", "a", std::string(100, 'v')});
    ASSERT_EQ(Str(Command(c.get(), {"SAVE"})), "OK");
  }
  ASSERT_EQ(server.Stop(SIGKILL), 9);
  const std::string path = server.dir() + "/dump.rdb";
  const std::string check = std::string(RILL_CHECK_AOF_PATH) + " " + path;
  auto [status, out] = Shell(check);
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("is valid"), std::string::npos) << out;
  std::string bytes = ReadFile(path);
  bytes[40] ^= 1;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  EXPECT_FALSE(server.Restart());
  EXPECT_NE(server.Log().find("Bad snapshot file dump.rdb at offset"), std::string::npos)
      << server.Log();
  std::tie(status, out) = Shell(check);
  EXPECT_EQ(WEXITSTATUS(status), 1) << out;
  EXPECT_NE(out.find("checksum mismatch"), std::string::npos) << out;
}

TEST(PersistenceTest, DebugReloadGivesBackTheSameData) {
  ServerProcess server({"--enable-debug-command", "yes", "--save", ""});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  for (int i = 0; i < 30; i++) {
    Command(c.get(), {"XADD", "s", "*", "n", std::to_string(i)});
  }
  Command(c.get(), {"XGROUP", "CREATE", "s", "g", "0"});
  Command(c.get(), {"XREADGROUP", "GROUP", "g", "a", "COUNT", "4", "STREAMS", "s", ">"});
  Command(c.get(), {"INCRBY", "counter", "7"});
  Command(c.get(), {"SET", "ttl", "v", "EX", "1000"});
  const std::string before = Snapshot(c.get());
  EXPECT_EQ(Str(Command(c.get(), {"DEBUG", "RELOAD"})), "OK");
  EXPECT_EQ(Snapshot(c.get()), before);
  EXPECT_TRUE(std::filesystem::exists(server.dir() + "/dump.rdb"));
}

// DEBUG LOADAOF reads base + increments back: the journal and memory agree at runtime.
TEST(PersistenceTest, DebugLoadaofGivesBackTheSameData) {
  {
    ServerProcess server({"--enable-debug-command", "yes", "--save", ""});
    ASSERT_TRUE(server.started()) << server.Log();
    EXPECT_NE(Str(Command(server.Connect().get(), {"DEBUG", "LOADAOF"})).find("appendonly no"),
              std::string::npos);
  }
  ServerProcess server({"--enable-debug-command", "yes", "--appendonly", "yes", "--save", ""});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  for (int i = 0; i < 30; i++) {
    Command(c.get(), {"XADD", "s", "*", "n", std::to_string(i)});
  }
  Command(c.get(), {"XGROUP", "CREATE", "s", "g", "0"});
  EXPECT_EQ(Str(Command(c.get(), {"BGREWRITEAOF"})),
            "Background append only file rewriting started");
  ASSERT_TRUE(WaitForInfo(c.get(), "aof_rewrites:1"));
  Command(c.get(), {"XREADGROUP", "GROUP", "g", "a", "COUNT", "4", "STREAMS", "s", ">"});
  Command(c.get(), {"INCRBY", "counter", "7"});
  Command(c.get(), {"SET", "ttl", "v", "EX", "1000"});
  const std::string before = Snapshot(c.get());
  // A write in the same pipeline as the DEBUG: its effect is handed over before the reload.
  redisAppendCommand(c.get(), "INCR counter");
  redisAppendCommand(c.get(), "DEBUG LOADAOF");
  std::vector<std::string> replies;
  for (int i = 0; i < 2; i++) {
    void* r = nullptr;
    ASSERT_EQ(redisGetReply(c.get(), &r), REDIS_OK);
    replies.push_back(Str(RedisReplyPtr(static_cast<redisReply*>(r))));
  }
  EXPECT_EQ(replies, (std::vector<std::string>{"8", "OK"}));
  Command(c.get(), {"DECR", "counter"});
  EXPECT_EQ(Snapshot(c.get()), before);
}

TEST(PersistenceTest, WaitaofReturnsOnceAnFsyncCoversTheWrites) {
  {
    ServerProcess server({"--save", ""});
    ASSERT_TRUE(server.started()) << server.Log();
    RedisConn c = server.Connect();
    EXPECT_EQ(Str(Command(c.get(), {"WAITAOF", "1", "0", "0"})),
              "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.");
    EXPECT_EQ(Render(Command(c.get(), {"WAITAOF", "0", "0", "0"}).get()), "[0 0]");
  }
  for (const char* policy : {"everysec", "no"}) {
    ServerProcess server({"--appendonly", "yes", "--appendfsync", policy, "--save", ""});
    ASSERT_TRUE(server.started()) << server.Log();
    RedisConn c = server.Connect();
    EXPECT_EQ(Str(Command(c.get(), {"WAITAOF", "-1", "0", "0"})),
              "ERR value is out of range, must be positive");
    EXPECT_EQ(Str(Command(c.get(), {"WAITAOF", "1", "0", "-5"})), "ERR timeout is negative");
    EXPECT_EQ(Str(Command(c.get(), {"WAITAOF", "x", "0", "0"})),
              "ERR value is not an integer or out of range");
    // Inside MULTI it does not wait: the SET queued before it is not fsynced yet.
    Command(c.get(), {"MULTI"});
    Command(c.get(), {"SET", "in-multi", "1"});
    Command(c.get(), {"WAITAOF", "1", "0", "0"});
    EXPECT_EQ(Render(Command(c.get(), {"EXEC"}).get()), "[OK [0 0]]") << policy;
    // A write, then WAITAOF in the same pipeline: it answers once an fsync covered it,
    // even under `no`, which otherwise never fsyncs.
    redisAppendCommand(c.get(), "SET k v");
    redisAppendCommand(c.get(), "WAITAOF 1 0 0");
    void* r = nullptr;
    ASSERT_EQ(redisGetReply(c.get(), &r), REDIS_OK);
    freeReplyObject(r);
    ASSERT_EQ(redisGetReply(c.get(), &r), REDIS_OK);
    EXPECT_EQ(Render(RedisReplyPtr(static_cast<redisReply*>(r)).get()), "[1 0]") << policy;
    EXPECT_EQ(Render(Command(c.get(), {"WAITAOF", "1", "0", "100"}).get()), "[1 0]") << policy;
    const std::string info = Info(c.get());
    EXPECT_EQ(info.find("aof_fsyncs:0\r\n"), std::string::npos) << info;
  }
}

// Several requests in one read run in the same loop turn, before any job begins.
TEST(PersistenceTest, RewriteAndSaveRepliesAreRedis) {
  {
    ServerProcess server({"--save", ""});
    ASSERT_TRUE(server.started()) << server.Log();
    RedisConn c = server.Connect();
    EXPECT_NE(Str(Command(c.get(), {"BGREWRITEAOF"})).find("appendonly no"), std::string::npos);
    EXPECT_EQ(Str(Command(c.get(), {"BGSAVE", "NOW"})), "ERR syntax error");
  }
  ServerProcess server({"--appendonly", "yes", "--save", ""});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  for (const char* cmd : {"BGREWRITEAOF", "BGREWRITEAOF", "BGSAVE", "BGSAVE SCHEDULE", "SAVE"}) {
    redisAppendCommand(c.get(), cmd);
  }
  std::vector<std::string> replies;
  for (int i = 0; i < 5; i++) {
    void* r = nullptr;
    ASSERT_EQ(redisGetReply(c.get(), &r), REDIS_OK);
    replies.push_back(Str(RedisReplyPtr(static_cast<redisReply*>(r))));
  }
  EXPECT_EQ(replies, (std::vector<std::string>{
                         "Background append only file rewriting started",
                         "ERR Background append only file rewriting already in progress",
                         "ERR An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE "
                         "SCHEDULE in order to schedule a BGSAVE whenever possible.",
                         "Background saving scheduled",
                         "ERR Background save already in progress",
                     }));
  EXPECT_TRUE(WaitForInfo(c.get(), "rdb_saves:1"));
  EXPECT_NE(Info(c.get()).find("aof_rewrites:1"), std::string::npos);
}

}  // namespace
}  // namespace rill::test
