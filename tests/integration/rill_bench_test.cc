// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// utils/rill-bench against the real server: a closed-loop and an open-loop run deliver
// every entry to every group and report it in the JSON; bad flags, an unreachable server
// and a server that answers with an error each end the run with a clear message.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/mini_json.h"
#include "tests/support/server_process.h"

namespace rill::test {
namespace {

std::string Bench(const ServerProcess& server, const std::string& flags) {
  return std::string(RILL_BENCH_PATH) + " -q -p " + std::to_string(server.port()) + " " + flags;
}

std::optional<Json> ReadJson(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return JsonReader::Parse(ss.str());
}

TEST(RillBenchTest, ClosedLoopDeliversEveryEntryToEveryGroup) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  const std::string json = server.dir() + "/out.json";
  const std::string csv = server.dir() + "/out.csv";
  auto [status, out] = Shell(Bench(server,
                                   "--producers 2 --consumers 4 --groups 2 --pipeline 4 "
                                   "--fields 3 --payload 100 --duration 1 "
                                   "--interval 0.2 --json " +
                                       json + " --csv " + csv));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  EXPECT_NE(out.find("end-to-end p50"), std::string::npos) << out;
  std::optional<Json> j = ReadJson(json);
  ASSERT_TRUE(j.has_value());
  const int64_t produced = j->o["produced"].i;
  EXPECT_GT(produced, 100);
  EXPECT_EQ(j->o["consumed"].i, 2 * produced);
  EXPECT_EQ(j->o["missing"].i, 0);
  EXPECT_EQ(j->o["e2e_ns"].o["samples"].i, 2 * produced);
  EXPECT_EQ(j->o["xadd_ns"].o["samples"].i, produced);
  EXPECT_GT(j->o["e2e_ns"].o["p50"].i, 0);
  EXPECT_LE(j->o["e2e_ns"].o["p50"].i, j->o["e2e_ns"].o["p99"].i);
  EXPECT_LE(j->o["e2e_ns"].o["p99"].i, j->o["e2e_ns"].o["max"].i);
  // The buckets hold every sample, in increasing order, the last at the maximum.
  const std::vector<Json>& buckets = j->o["e2e_buckets"].a;
  ASSERT_FALSE(buckets.empty());
  int64_t in_buckets = 0;
  int64_t last_bound = 0;
  for (const Json& b : buckets) {
    ASSERT_EQ(b.a.size(), 2u);
    EXPECT_GT(b.a[0].i, last_bound);
    last_bound = b.a[0].i;
    in_buckets += b.a[1].i;
  }
  EXPECT_EQ(in_buckets, 2 * produced);
  EXPECT_EQ(last_bound, j->o["e2e_ns"].o["max"].i);
  EXPECT_GE(j->o["lag"].a.size(), 3u);
  auto [csv_status, csv_text] = Shell("cat " + csv);
  EXPECT_EQ(csv_text.rfind("t_s,produced,consumed,max_lag\n", 0), 0u) << csv_text;
  // The run's stream is gone afterwards: the user's data is left as it was.
  RedisConn c = server.Connect();
  EXPECT_EQ(Command(c.get(), {"DBSIZE"})->integer, 0);
}

// Open loop: the producers follow the schedule, whatever the replies do.
TEST(RillBenchTest, OpenLoopSendsAtTheRate) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  const std::string json = server.dir() + "/out.json";
  auto [status, out] = Shell(Bench(server,
                                   "--producers 2 --consumers 2 --rate 2000 "
                                   "--duration 1 --keep --stream s --json " +
                                       json));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  std::optional<Json> j = ReadJson(json);
  ASSERT_TRUE(j.has_value());
  EXPECT_GE(j->o["produced"].i, 1900);
  EXPECT_LE(j->o["produced"].i, 2000);
  EXPECT_EQ(j->o["consumed"].i, j->o["produced"].i);
  RedisConn c = server.Connect();
  EXPECT_EQ(Command(c.get(), {"XLEN", "s"})->integer, j->o["produced"].i);  // --keep
  RedisReplyPtr pending = Command(c.get(), {"XPENDING", "s", "g0"});
  ASSERT_EQ(pending->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(pending->element[0]->integer, 0) << "every entry was acknowledged";
}

TEST(RillBenchTest, BadFlagsAreRefusedWithUsage) {
  for (const char* flags : {"--producers x", "--bogus 1", "--rate 0", "--consumers 1 --groups 2",
                            "--producers 0 --consumers 0", "--duration"}) {
    auto [status, out] = Shell(std::string(RILL_BENCH_PATH) + " " + flags);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << flags << ": " << out;
    EXPECT_NE(out.find("rill-bench: "), std::string::npos) << out;
    EXPECT_NE(out.find("usage: rill-bench"), std::string::npos) << out;
  }
}

TEST(RillBenchTest, AnUnreachableServerIsNamed) {
  int port;
  {
    ServerProcess server;  // a port that was just free, and is again
    ASSERT_TRUE(server.started()) << server.Log();
    port = server.port();
  }
  auto [status, out] = Shell(std::string(RILL_BENCH_PATH) + " -p " + std::to_string(port));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << out;
  EXPECT_NE(out.find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << out;
}

TEST(RillBenchTest, AServerErrorEndsTheRunWithIt) {
  ServerProcess server({"--requirepass", "secret"});
  ASSERT_TRUE(server.started()) << server.Log();
  auto [status, out] = Shell(Bench(server, "--duration 1"));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << out;
  EXPECT_NE(out.find("the server answered NOAUTH"), std::string::npos) << out;
  std::tie(status, out) = Shell(Bench(server, "-a wrong --duration 1"));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << out;
  EXPECT_NE(out.find("AUTH: the server answered"), std::string::npos) << out;
  std::tie(status, out) = Shell(Bench(server, "-a secret --duration 0.2"));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
}

}  // namespace
}  // namespace rill::test
