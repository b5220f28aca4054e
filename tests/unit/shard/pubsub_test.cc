// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "shard/pubsub.h"

#include <event2/event.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rill::shard {
namespace {

class NullHandler : public net::ConnectionHandler {
 public:
  bool OnRequest(net::Connection&, std::span<const std::string_view>) override { return true; }
  void OnClose(net::Connection&) override {}
  void OnProtocolError(net::Connection&, std::string_view) override {}
};

class PubSubTest : public ::testing::Test {
 protected:
  PubSubTest() : base_(event_base_new()) {}
  ~PubSubTest() override {
    clients_.clear();
    for (int fd : peers_) close(fd);
    event_base_free(base_);
  }
  Client* NewClient(int resp) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    peers_.push_back(fds[1]);
    auto c = std::make_unique<Client>();
    c->resp = resp;
    c->conn = std::make_unique<net::Connection>(base_, fds[0], &handler_, &io_, true);
    clients_.push_back(std::move(c));
    return clients_.back().get();
  }

  event_base* base_;
  NullHandler handler_;
  net::IoCounters io_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<int> peers_;
  PubSub ps_;
};

TEST_F(PubSubTest, ChannelsAndPatternsReceiveInTheirProtocol) {
  Client* a = NewClient(2);
  Client* b = NewClient(3);
  EXPECT_TRUE(ps_.Subscribe(a, "news"));
  EXPECT_FALSE(ps_.Subscribe(a, "news"));
  EXPECT_TRUE(ps_.PSubscribe(b, "n*"));
  EXPECT_EQ(ps_.Publish("news", "hi").size(), 2u);
  EXPECT_EQ(a->conn->out(), "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
  EXPECT_EQ(b->conn->out(), ">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
  EXPECT_EQ(ps_.Publish("other", "x").size(), 0u);
}

TEST_F(PubSubTest, UnsubscribeAllForgetsEverything) {
  Client* a = NewClient(2);
  ps_.Subscribe(a, "c1");
  ps_.PSubscribe(a, "p*");
  EXPECT_EQ(a->subscriptions(), 2u);
  ps_.UnsubscribeAll(a);
  EXPECT_EQ(a->subscriptions(), 0u);
  EXPECT_EQ(ps_.NumSub("c1"), 0u);
  EXPECT_TRUE(ps_.Patterns().empty());
  EXPECT_TRUE(ps_.Channels("").empty());
  EXPECT_TRUE(ps_.Publish("c1", "x").empty());
}

}  // namespace
}  // namespace rill::shard
