// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include <gtest/gtest.h>

#include "tests/support/command_harness.h"

namespace rill::test {
namespace {

TEST(ServerFamilyTest, InfoHasRedisSectionsAndFields) {
  CommandHarness h;
  h.Run({"SET", "k", "v", "EX", "100"});
  h.Run({"GET", "k"});
  h.Run({"GET", "missing"});
  const std::string info = h.Run({"INFO"});
  for (const char* field : {"# Server\r\n",
                            "redis_version:7.2.4\r\n",
                            "rill_version:",
                            "arch_bits:64\r\n",
                            "# Clients\r\n",
                            "connected_clients:1\r\n",
                            "blocked_clients:0\r\n",
                            "# Memory\r\n",
                            "used_memory:",
                            "used_memory_peak:",
                            "mem_allocator:",
                            "maxmemory_policy:noeviction\r\n",
                            "# Persistence\r\n",
                            "# Stats\r\n",
                            "keyspace_hits:1\r\n",
                            "keyspace_misses:1\r\n",
                            "# Replication\r\n",
                            "role:master\r\n",
                            "# CPU\r\n",
                            "used_cpu_user:",
                            "# Errorstats",
                            "# Cluster\r\ncluster_enabled:0\r\n",
                            "# Keyspace\r\ndb0:keys=1,expires=1,avg_ttl=100000"}) {
    EXPECT_NE(info.find(field), std::string::npos) << field;
  }
  EXPECT_EQ(info.find("# Commandstats"), std::string::npos);  // not a default section
}

TEST(ServerFamilyTest, InfoSectionsOnDemand) {
  CommandHarness h;
  h.Run({"GET", "a"});
  h.Run({"GET", "a", "b"});
  const std::string stats = h.Run({"INFO", "commandstats", "ERRORSTATS"});
  EXPECT_NE(stats.find("cmdstat_get:calls=1,usec="), std::string::npos) << stats;
  EXPECT_NE(stats.find(",rejected_calls=1,failed_calls=0"), std::string::npos) << stats;
  EXPECT_NE(stats.find("errorstat_ERR:count=1"), std::string::npos) << stats;
  EXPECT_EQ(stats.find("# Server"), std::string::npos);
  EXPECT_NE(h.Run({"INFO", "everything"}).find("# Commandstats"), std::string::npos);
}

TEST(ServerFamilyTest, DbSizeFlush) {
  CommandHarness h;
  h.Run({"MSET", "a", "1", "b", "2"});
  h.Run({"SELECT", "1"});
  h.Run({"SET", "c", "3"});
  EXPECT_EQ(h.Run({"DBSIZE"}), ":1\r\n");
  EXPECT_EQ(h.Run({"FLUSHDB", "ASYNC"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"DBSIZE"}), ":0\r\n");
  h.Run({"SELECT", "0"});
  EXPECT_EQ(h.Run({"DBSIZE"}), ":2\r\n");
  EXPECT_EQ(h.Run({"FLUSHALL", "NOW"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"DBSIZE"}), ":0\r\n");
}

TEST(ServerFamilyTest, TimeUsesTheClock) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"TIME"}), "*2\r\n$10\r\n1700000000\r\n$1\r\n0\r\n");
}

TEST(ServerFamilyTest, ConfigGetSetReachesTheShard) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CONFIG", "GET", "maxmemory-policy"}),
            "*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru", "hz", "20"}), "+OK\r\n");
  EXPECT_EQ(h.shard().config().hz, 20);
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hz", "0"}), "+OK\r\n");  // clamped, as Redis does
  EXPECT_EQ(h.shard().config().hz, 1);
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hz", "1000"}), "+OK\r\n");
  EXPECT_EQ(h.shard().config().hz, 500);
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hz", "20"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hz"}),
            "-ERR wrong number of arguments for 'config|set' command\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hz", "1", "timeout"}),
            "-ERR wrong number of arguments for 'config|set' command\r\n");
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.Run({"CONFIG", "GET", "hz"}), "%1\r\n$2\r\nhz\r\n$2\r\n20\r\n");
}

TEST(ServerFamilyTest, ConfigResetStat) {
  CommandHarness h;
  h.Run({"GET", "x"});
  EXPECT_EQ(h.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  const std::string info = h.Run({"INFO", "stats"});
  EXPECT_NE(info.find("keyspace_misses:0\r\n"), std::string::npos);
}

TEST(ServerFamilyTest, MaxmemoryNoEvictionRefusesWritesNotReads) {
  CommandHarness h;
  h.Run({"SET", "k", "v"});
  EXPECT_EQ(h.Run({"CONFIG", "SET", "maxmemory", "1"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"SET", "k2", "v"}),
            "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(h.Run({"DEL", "k"}), ":1\r\n");  // deleting frees memory, so it is allowed
  EXPECT_EQ(h.Run({"DBSIZE"}), ":0\r\n");
}

TEST(ServerFamilyTest, MaxmemoryAllKeysPolicyEvicts) {
  CommandHarness h;
  for (int i = 0; i < 100; i++) {
    h.Run({"SET", "k" + std::to_string(i), std::string(1000, 'x')});
  }
  h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-random", "maxmemory", "1"});
  EXPECT_EQ(h.Run({"SET", "new", "v"}),
            "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
  EXPECT_EQ(h.Run({"DBSIZE"}), ":0\r\n");  // everything evictable was evicted first
  EXPECT_NE(h.Run({"INFO", "stats"}).find("evicted_keys:100\r\n"), std::string::npos);
}

TEST(ServerFamilyTest, SlowlogRecordsAndTrims) {
  CommandHarness h;
  h.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "2"});
  h.Run({"SET", "a", std::string(200, 'v')});
  h.Run({"GET", "a"});
  EXPECT_EQ(h.Run({"SLOWLOG", "LEN"}), ":2\r\n");  // CONFIG SET, SET, GET: trimmed to 2
  const std::string got = h.Run({"SLOWLOG", "GET", "1"});
  EXPECT_EQ(got.substr(0, 8), "*1\r\n*6\r\n");
  EXPECT_NE(got.find("$3\r\nLEN\r\n"), std::string::npos) << got;  // newest first
  EXPECT_EQ(h.Run({"SLOWLOG", "RESET"}), "+OK\r\n");
  h.Run({"SET", "b", std::string(200, 'v')});
  const std::string entry = h.Run({"SLOWLOG", "GET"});
  EXPECT_NE(entry.find("... (72 more bytes)"), std::string::npos) << entry;
}

TEST(ServerFamilyTest, DebugIsOffByDefaultAndSpeaksEveryResp3Type) {
  CommandHarness off;
  EXPECT_EQ(off.Run({"DEBUG", "PROTOCOL", "map"}).substr(0, 35),
            "-ERR DEBUG command not allowed. If ");
  CommandHarness h("enable-debug-command yes\n");
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.Run({"DEBUG", "PROTOCOL", "double"}), ",3.141\r\n");
  EXPECT_EQ(h.Run({"DEBUG", "PROTOCOL", "bignum"}), "(1234567999999999999999999999999999999\r\n");
  EXPECT_EQ(h.Run({"DEBUG", "PROTOCOL", "null"}), "_\r\n");
  EXPECT_EQ(h.Run({"DEBUG", "PROTOCOL", "set"}), "~3\r\n:0\r\n:1\r\n:2\r\n");
  EXPECT_EQ(h.Run({"DEBUG", "PROTOCOL", "map"}), "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
  EXPECT_EQ(h.Run({"DEBUG", "PROTOCOL", "push"}).substr(0, 4), ">2\r\n");
  EXPECT_EQ(h.Run({"DEBUG", "PROTOCOL", "verbatim"}).substr(0, 9), "=29\r\ntxt:");
  EXPECT_EQ(h.Run({"DEBUG", "NOPE"}).substr(0, 60),
            "-ERR unknown subcommand or wrong number of arguments for 'NO");
}

TEST(ServerFamilyTest, MonitorClientsMayNotTouchTheKeyspace) {
  CommandHarness h;
  h.Run({"MONITOR"});
  EXPECT_EQ(h.Run({"SET", "k", "v"}), "-ERR Replica can't interact with the keyspace\r\n");
  EXPECT_EQ(h.Run({"PING"}), "+PONG\r\n");
}

TEST(ServerFamilyTest, ShutdownOptionsAreChecked) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SHUTDOWN", "ABORT"}), "-ERR No shutdown in progress.\r\n");
  EXPECT_EQ(h.Run({"SHUTDOWN", "NOSAVE", "ABORT"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"SHUTDOWN", "SAVE", "NOSAVE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"SHUTDOWN", "LATER"}), "-ERR syntax error\r\n");
}

TEST(ServerFamilyTest, FunctionProbesAnswerTruthfully) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"FUNCTION", "LIST"}), "*0\r\n");
  EXPECT_EQ(h.Run({"FUNCTION", "FLUSH"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"FUNCTION", "LOAD", "x"}),
            "-ERR unknown subcommand 'LOAD'. Try FUNCTION HELP.\r\n");
  EXPECT_EQ(h.Run({"SCRIPT", "FLUSH"}).substr(0, 26), "-ERR unknown command 'SCRI");
}

TEST(ServerFamilyTest, MonitorSeesOtherClientsCommands) {
  CommandHarness h;
  const size_t mon = h.NewClient();
  EXPECT_EQ(h.Run({"MONITOR"}, mon), "+OK\r\n");
  h.Run({"SET", "k", "a b"});
  EXPECT_EQ(h.Take(mon), "+1700000000.000000 [0 " + h.client(0).conn->peer_addr() +
                             "] \"SET\" \"k\" \"a b\"\r\n");
  h.Run({"AUTH", "default", "secret"});
  EXPECT_EQ(h.Take(mon).find("secret"), std::string::npos);  // AUTH is shown redacted
}

}  // namespace
}  // namespace rill::test
