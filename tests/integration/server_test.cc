// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// Integration: start-up, configuration files, signals, pidfile, CONFIG REWRITE.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/server_process.h"

namespace rill::test {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// utime + stime of every thread of pid, in clock ticks (10 ms).
long CpuTicks(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  long ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) {
      ticks += std::stol(field);
    }
  }
  return ticks;
}

// Runs rill-server to completion and returns (exit status, combined output).
std::pair<int, std::string> RunServer(const std::vector<std::string>& args) {
  std::string cmd = RILL_SERVER_PATH;
  for (const std::string& a : args) {
    cmd += " '" + a + "'";
  }
  cmd += " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof(buf), p) != nullptr) {
    out += buf;
  }
  return {pclose(p), out};
}

TEST(ServerTest, StartsWithTheShippedConfFile) {
  ServerProcess server({}, ReadFile(std::string(RILL_SOURCE_DIR) + "/conf/rill.conf"));
  ASSERT_TRUE(server.started()) << server.Log();
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  EXPECT_EQ(std::string(Command(c.get(), {"PING"})->str), "PONG");
  RedisReplyPtr r = Command(c.get(), {"CONFIG", "GET", "maxmemory-policy"});
  EXPECT_EQ(std::string(r->element[1]->str), "noeviction");
}

TEST(ServerTest, BadDirectiveStopsStartupWithFileAndLine) {
  char tmpl[] = "/tmp/rill-bad-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string conf = dir + "/bad.conf";
  std::ofstream(conf) << "port 7000\n# fine\nmaxmemry 1gb\n";
  auto [status, out] = RunServer({conf});
  EXPECT_NE(status, 0);
  EXPECT_NE(out.find("bad.conf:3:"), std::string::npos) << out;
  EXPECT_NE(out.find("Bad directive"), std::string::npos) << out;
  auto [status2, out2] = RunServer({"--port", "99999"});
  EXPECT_NE(status2, 0);
  EXPECT_NE(out2.find("argument must be between 0 and 65535 inclusive"), std::string::npos);
  unlink(conf.c_str());
  rmdir(dir.c_str());
}

TEST(ServerTest, SigtermShutsDownGracefullyAndRemovesPidfile) {
  char tmpl[] = "/tmp/rill-pid-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string pidfile = dir + "/rill.pid";
  ServerProcess server({"--pidfile", pidfile});
  ASSERT_TRUE(server.started()) << server.Log();
  EXPECT_EQ(atoi(ReadFile(pidfile).c_str()), server.pid());
  const int status = server.Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(access(pidfile.c_str(), F_OK), 0);
  rmdir(dir.c_str());
}

TEST(ServerTest, SigintToo) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  const int status = server.Stop(SIGINT);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(ServerTest, ShutdownCommandStopsTheServer) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  RedisReplyPtr r = Command(c.get(), {"SHUTDOWN", "NOSAVE"});
  EXPECT_FALSE(r && r->type == REDIS_REPLY_STATUS);
  for (int i = 0; i < 200 && server.Alive(); i++) {
    usleep(10000);
  }
  EXPECT_FALSE(server.Alive());
  EXPECT_NE(server.Log().find("ready to exit"), std::string::npos);
}

TEST(ServerTest, ConfigRewritePersistsRuntimeChanges) {
  ServerProcess server({}, "# keep me\ntimeout 0\n");
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  ASSERT_EQ(
      Command(c.get(), {"CONFIG", "SET", "timeout", "33", "proto-max-bulk-len", "10mb"})->type,
      REDIS_REPLY_STATUS);
  ASSERT_EQ(Command(c.get(), {"CONFIG", "REWRITE"})->type, REDIS_REPLY_STATUS);
  const std::string conf = ReadFile(server.dir() + "/rill.conf");
  EXPECT_NE(conf.find("# keep me\ntimeout 33\n"), std::string::npos) << conf;
  EXPECT_NE(conf.find("proto-max-bulk-len 10mb\n"), std::string::npos) << conf;
}

TEST(ServerTest, CommandLineOverridesConfFile) {
  ServerProcess server({"--maxclients", "42"}, "maxclients 7\n");
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  RedisReplyPtr r = Command(c.get(), {"CONFIG", "GET", "maxclients"});
  EXPECT_EQ(std::string(r->element[1]->str), "42");
  RedisReplyPtr dir = Command(c.get(), {"CONFIG", "GET", "dir"});
  EXPECT_EQ(std::string(dir->element[1]->str), server.dir());
}

TEST(ServerTest, RequirePassOverTheWire) {
  ServerProcess server({"--requirepass", "s3cret"});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  RedisReplyPtr r = Command(c.get(), {"SET", "a", "b"});
  EXPECT_EQ(std::string(r->str), "NOAUTH Authentication required.");
  EXPECT_EQ(Command(c.get(), {"AUTH", "s3cret"})->type, REDIS_REPLY_STATUS);
  EXPECT_EQ(Command(c.get(), {"SET", "a", "b"})->type, REDIS_REPLY_STATUS);
  // Before AUTH, a large request is a protocol error (Redis's unauthenticated limits).
  const int fd = ConnectRaw(server.port());
  const std::string big = "*20\r\n";
  send(fd, big.data(), big.size(), 0);
  EXPECT_EQ(ReadUntilClose(fd, 3000), "-ERR Protocol error: unauthenticated multibulk length\r\n");
  close(fd);
  EXPECT_EQ(server.Log().find("s3cret"), std::string::npos) << "password in the log";
}

TEST(ServerTest, ActiveExpiryDeletesKeysNobodyReads) {
  ServerProcess server({"--hz", "100"});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  for (int i = 0; i < 500; i++) {
    Command(c.get(), {"SET", "e" + std::to_string(i), "v", "PX", "50"});
  }
  Command(c.get(), {"SET", "keep", "v"});
  for (int i = 0; i < 100 && Command(c.get(), {"DBSIZE"})->integer > 1; i++) {
    usleep(20000);
  }
  EXPECT_EQ(Command(c.get(), {"DBSIZE"})->integer, 1);
}

TEST(ServerTest, MultiExecOfTenThousandCommandsOverTheWire) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  redisAppendCommand(c.get(), "MULTI");
  for (int i = 0; i < 10000; i++) {
    redisAppendCommand(c.get(), "RPUSH-NOT-HERE");
  }
  redisAppendCommand(c.get(), "EXEC");
  void* raw = nullptr;
  for (int i = 0; i < 10001; i++) {
    ASSERT_EQ(redisGetReply(c.get(), &raw), REDIS_OK);
    freeReplyObject(raw);
  }
  ASSERT_EQ(redisGetReply(c.get(), &raw), REDIS_OK);
  RedisReplyPtr abort(static_cast<redisReply*>(raw));
  EXPECT_EQ(std::string(abort->str), "EXECABORT Transaction discarded because of previous errors.");

  redisAppendCommand(c.get(), "MULTI");
  for (int i = 0; i < 10000; i++) {
    redisAppendCommand(c.get(), "INCR n");
  }
  redisAppendCommand(c.get(), "EXEC");
  for (int i = 0; i < 10001; i++) {
    ASSERT_EQ(redisGetReply(c.get(), &raw), REDIS_OK);
    freeReplyObject(raw);
  }
  ASSERT_EQ(redisGetReply(c.get(), &raw), REDIS_OK);
  RedisReplyPtr exec(static_cast<redisReply*>(raw));
  ASSERT_EQ(exec->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(exec->elements, 10000u);
  EXPECT_EQ(exec->element[9999]->integer, 10000);
}

// busy-poll-us at its maximum (10 ms): polling must stop once requests stop, and must not
// start for a client that sends one request every few milliseconds (the shard is not busy
// then). A shard that kept polling would burn a whole core in each of the two windows.
TEST(ServerTest, BusyPollingCostsNoCpuWhenIdleOrLightlyLoaded) {
  ServerProcess server({"--busy-poll-us", "10000"});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(std::string(Command(c.get(), {"PING"})->str), "PONG");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const long idle_start = CpuTicks(server.pid());
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_LT(CpuTicks(server.pid()) - idle_start, 30) << "polled while idle";

  const long light_start = CpuTicks(server.pid());
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(std::string(Command(c.get(), {"PING"})->str), "PONG");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_LT(CpuTicks(server.pid()) - light_start, 30) << "polled under a light load";

  RedisReplyPtr r = Command(c.get(), {"CONFIG", "SET", "busy-poll-us", "10001"});
  EXPECT_EQ(r->type, REDIS_REPLY_ERROR);
  EXPECT_EQ(std::string(Command(c.get(), {"CONFIG", "SET", "busy-poll-us", "0"})->str), "OK");
  EXPECT_EQ(std::string(Command(c.get(), {"PING"})->str), "PONG");
}

}  // namespace
}  // namespace rill::test
