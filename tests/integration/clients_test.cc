// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// Integration: many clients, limits on clients, slow readers, idle timeouts, unix sockets.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/support/server_process.h"

namespace rill::test {
namespace {

TEST(ClientsTest, ThousandConcurrentClients) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  std::vector<RedisConn> conns;
  for (int i = 0; i < 1000; i++) {
    conns.push_back(server.Connect());
    ASSERT_TRUE(conns.back() && !conns.back()->err) << i;
  }
  // Every client pipelines a write and a read before any reply is read.
  for (int i = 0; i < 1000; i++) {
    redisAppendCommand(conns[i].get(), "SET c%d %d", i, i);
    redisAppendCommand(conns[i].get(), "INCR total");
  }
  for (int i = 0; i < 1000; i++) {
    void* raw = nullptr;
    ASSERT_EQ(redisGetReply(conns[i].get(), &raw), REDIS_OK);
    freeReplyObject(raw);
    ASSERT_EQ(redisGetReply(conns[i].get(), &raw), REDIS_OK);
    freeReplyObject(raw);
  }
  RedisReplyPtr total = Command(conns[0].get(), {"GET", "total"});
  EXPECT_EQ(std::string(total->str, total->len), "1000");
  EXPECT_EQ(InfoField(conns[0].get(), "clients", "connected_clients"), 1000);
  EXPECT_EQ(Command(conns[0].get(), {"DBSIZE"})->integer, 1001);
}

TEST(ClientsTest, MaxClientsRejectsWithRedisError) {
  ServerProcess server({"--maxclients", "3"});
  ASSERT_TRUE(server.started()) << server.Log();
  std::vector<RedisConn> conns;
  for (int i = 0; i < 3; i++) {
    conns.push_back(server.Connect());
    ASSERT_EQ(Command(conns.back().get(), {"PING"})->type, REDIS_REPLY_STATUS);
  }
  const int fd = ConnectRaw(server.port());
  EXPECT_EQ(ReadUntilClose(fd, 3000), "-ERR max number of clients reached\r\n");
  close(fd);
  EXPECT_EQ(InfoField(conns[0].get(), "stats", "rejected_connections"), 1);
  conns.pop_back();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  RedisConn again = server.Connect();
  EXPECT_EQ(Command(again.get(), {"PING"})->type, REDIS_REPLY_STATUS);
}

TEST(ClientsTest, SlowSubscriberIsDisconnectedByOutputLimit) {
  ServerProcess server({"--client-output-buffer-limit", "pubsub 256kb 0 0"});
  ASSERT_TRUE(server.started()) << server.Log();
  const int sub = ConnectRaw(server.port());
  const int rcvbuf = 4096;
  setsockopt(sub, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  const std::string req = "SUBSCRIBE firehose\r\n";
  ASSERT_EQ(send(sub, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  RedisConn pub = server.Connect();
  const std::string payload(64 * 1024, 'p');
  int64_t delivered_to = 1;
  for (int i = 0; i < 200 && delivered_to == 1; i++) {
    delivered_to = Command(pub.get(), {"PUBLISH", "firehose", payload})->integer;
  }
  EXPECT_EQ(delivered_to, 0) << "the subscriber was never cut off";
  EXPECT_EQ(InfoField(pub.get(), "stats", "client_output_buffer_limit_disconnections"), 1);
  EXPECT_EQ(InfoField(pub.get(), "clients", "connected_clients"), 1);
  close(sub);
}

TEST(ClientsTest, PipeliningClientThatDoesNotReadIsThrottledNotFed) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  ASSERT_EQ(Command(c.get(), {"SET", "v", std::string(100 * 1024, 'v')})->type, REDIS_REPLY_STATUS);
  // 2,000 GETs = 200 MB of replies; the client never reads them.
  const int fd = ConnectRaw(server.port());
  const int rcvbuf = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  std::string batch;
  for (int i = 0; i < 100; i++) {
    batch += "GET v\r\n";
  }
  timeval tv{0, 200000};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  for (int i = 0; i < 20; i++) {
    if (send(fd, batch.data(), batch.size(), MSG_NOSIGNAL) <= 0) break;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int64_t used = InfoField(c.get(), "memory", "used_memory");
  EXPECT_LT(used, 64 * 1024 * 1024) << "replies piled up in server memory";
  EXPECT_EQ(Command(c.get(), {"PING"})->type, REDIS_REPLY_STATUS);
  close(fd);
}

TEST(ClientsTest, NormalClientOverHardLimitIsClosed) {
  ServerProcess server({"--client-output-buffer-limit", "normal 512kb 0 0"});
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn c = server.Connect();
  ASSERT_EQ(Command(c.get(), {"SET", "v", std::string(1024 * 1024, 'v')})->type,
            REDIS_REPLY_STATUS);
  const int fd = ConnectRaw(server.port());
  const int rcvbuf = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  const std::string req = "GET v\r\nGET v\r\nGET v\r\n";
  ASSERT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(InfoField(c.get(), "stats", "client_output_buffer_limit_disconnections"), 1);
  close(fd);
}

TEST(ClientsTest, IdleClientsTimeOut) {
  ServerProcess server({"--timeout", "1", "--hz", "50"});
  ASSERT_TRUE(server.started()) << server.Log();
  const int idle = ConnectRaw(server.port());
  RedisConn sub = server.Connect();
  RedisReplyPtr r = Command(sub.get(), {"SUBSCRIBE", "ch"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadUntilClose(idle, 5000), "");
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::milliseconds(4000));
  close(idle);
  RedisConn probe = server.Connect();
  EXPECT_EQ(InfoField(probe.get(), "clients", "connected_clients"), 2);  // subscriber kept
}

TEST(ClientsTest, UnixSocket) {
  char tmpl[] = "/tmp/rill-sock-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string path = dir + "/rill.sock";
  {
    ServerProcess server({"--unixsocket", path, "--unixsocketperm", "700"});
    ASSERT_TRUE(server.started()) << server.Log();
    RedisConn c(redisConnectUnix(path.c_str()));
    ASSERT_TRUE(c && !c->err);
    RedisReplyPtr r = Command(c.get(), {"PING"});
    EXPECT_EQ(std::string(r->str), "PONG");
  }
  EXPECT_NE(access(path.c_str(), F_OK), 0) << "socket file left behind";
  rmdir(dir.c_str());
}

TEST(ClientsTest, ClientKillClosesTheOtherConnection) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn a = server.Connect();
  RedisConn b = server.Connect();
  const int64_t b_id = Command(b.get(), {"CLIENT", "ID"})->integer;
  EXPECT_EQ(Command(a.get(), {"CLIENT", "KILL", "ID", std::to_string(b_id)})->integer, 1);
  RedisReplyPtr r = Command(b.get(), {"PING"});
  EXPECT_FALSE(r && r->type == REDIS_REPLY_STATUS);
}

TEST(ClientsTest, ClientPauseDelaysWritesAndReleasesInOrder) {
  ServerProcess server;
  ASSERT_TRUE(server.started()) << server.Log();
  RedisConn admin = server.Connect();
  RedisConn w = server.Connect();
  ASSERT_EQ(Command(admin.get(), {"CLIENT", "PAUSE", "300", "WRITE"})->type, REDIS_REPLY_STATUS);
  const auto start = std::chrono::steady_clock::now();
  redisAppendCommand(w.get(), "SET p 1");
  redisAppendCommand(w.get(), "GET p");
  void* raw = nullptr;
  ASSERT_EQ(redisGetReply(w.get(), &raw), REDIS_OK);
  freeReplyObject(raw);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
  ASSERT_EQ(redisGetReply(w.get(), &raw), REDIS_OK);
  RedisReplyPtr get(static_cast<redisReply*>(raw));
  EXPECT_EQ(std::string(get->str, get->len), "1");
}

}  // namespace
}  // namespace rill::test
