// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// net::Connection's held output (appendfsync always/everysec): bytes from a hold on wait
// for ReleaseOutput, in order, over a real socketpair; reply slots (several shards) filled
// in any order; a connection moved to another event base.
#include "net/connection.h"

#include <event2/event.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rill::net {
namespace {

class NullHandler final : public ConnectionHandler {
 public:
  bool OnRequest(Connection&, std::span<const std::string_view>) override { return true; }
  void OnClose(Connection&) override {}
  void OnProtocolError(Connection&, std::string_view) override {}
};

class ConnectionHoldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = event_base_new();
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    peer_ = fds[1];
    conn_ = std::make_unique<Connection>(base_, fds[0], &handler_, &counters_, true);
    conn_->Start();
  }
  void TearDown() override {
    conn_.reset();
    close(peer_);
    event_base_free(base_);
  }
  // What the peer can read now.
  std::string Received() {
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = read(peer_, buf, sizeof(buf))) > 0) {
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  event_base* base_ = nullptr;
  NullHandler handler_;
  IoCounters counters_;
  std::unique_ptr<Connection> conn_;
  int peer_ = -1;
};

TEST_F(ConnectionHoldTest, HeldRepliesLeaveInOrderWhenReleased) {
  conn_->out() += "+read\r\n";
  const size_t first_write = conn_->out().size();
  conn_->out() += ":1\r\n";
  conn_->HoldOutput(10, first_write);
  const size_t second_write = conn_->out().size();
  conn_->out() += ":2\r\n";
  conn_->HoldOutput(20, second_write);
  conn_->out() += "+read-after\r\n";  // a read behind a held write waits too: pipeline order
  conn_->Flush();
  EXPECT_EQ(Received(), "+read\r\n");
  EXPECT_TRUE(conn_->output_held());
  conn_->ReleaseOutput(9);
  EXPECT_EQ(Received(), "");
  conn_->ReleaseOutput(15);
  EXPECT_EQ(Received(), ":1\r\n");
  conn_->ReleaseOutput(20);
  EXPECT_EQ(Received(), ":2\r\n+read-after\r\n");
  EXPECT_FALSE(conn_->output_held());
}

// A hold placed before its reply exists (a blocked XREADGROUP whose consumer creation was
// journalled) must hold the reply that comes later, after everything before it was sent.
TEST_F(ConnectionHoldTest, AHoldWithNothingBehindItHoldsWhatComesLater) {
  conn_->out() += "+before\r\n";
  conn_->HoldOutput(7, conn_->out().size());
  conn_->Flush();
  EXPECT_EQ(Received(), "+before\r\n");
  conn_->out() += "*1\r\n$5\r\nlater\r\n";
  conn_->Flush();
  EXPECT_EQ(Received(), "") << "sent before the journal covered it";
  conn_->ReleaseOutput(7);
  EXPECT_EQ(Received(), "*1\r\n$5\r\nlater\r\n");
}

TEST_F(ConnectionHoldTest, CloseDropsHolds) {
  conn_->out() += ":1\r\n";
  conn_->HoldOutput(1, 0);
  conn_->Close();
  EXPECT_FALSE(conn_->output_held());
  EXPECT_EQ(Received(), "");
}

// Replies computed on other shards come back in any order, mixed with holds: each lands in
// its request's place and nothing passes an unfilled slot.
TEST_F(ConnectionHoldTest, SlotsFilledInAnyOrderKeepRequestOrder) {
  conn_->out() += "+a\r\n";
  const uint64_t b = conn_->OpenSlot();
  conn_->out() += "+c\r\n";
  const uint64_t d = conn_->OpenSlot();
  const size_t e_at = conn_->out().size();
  conn_->out() += ":5\r\n";
  conn_->HoldOutput(3, e_at);  // a durable write after the slots
  const uint64_t f = conn_->OpenSlot();
  conn_->Flush();
  EXPECT_EQ(Received(), "+a\r\n");
  EXPECT_EQ(conn_->open_slots(), 3u);
  conn_->FillSlot(d, "+d\r\n");
  conn_->SendReleased();
  EXPECT_EQ(Received(), "");  // b is still open
  conn_->FillSlot(f, "+f\r\n");
  conn_->FillSlot(b, "+b\r\n");
  conn_->SendReleased();
  EXPECT_EQ(Received(), "+b\r\n+c\r\n+d\r\n");  // then the hold
  conn_->ReleaseOutput(3);
  EXPECT_EQ(Received(), ":5\r\n+f\r\n");
  EXPECT_EQ(conn_->open_slots(), 0u);
  EXPECT_FALSE(conn_->output_held());
}

TEST_F(ConnectionHoldTest, AnEmptyFillReleasesTheSlot) {
  const uint64_t s = conn_->OpenSlot();
  conn_->out() += "+next\r\n";
  conn_->Flush();
  EXPECT_EQ(Received(), "");
  conn_->FillSlot(s, "");  // CLIENT REPLY OFF: the reply is dropped
  conn_->SendReleased();
  EXPECT_EQ(Received(), "+next\r\n");
}

TEST_F(ConnectionHoldTest, CloseDropsSlotsAndALateFillIsIgnored) {
  const uint64_t s = conn_->OpenSlot();
  conn_->Close();
  EXPECT_EQ(conn_->open_slots(), 0u);
  conn_->FillSlot(s, "+late\r\n");
  EXPECT_TRUE(conn_->out().empty());
}

// Migration: detached from one base and attached to another, the connection reads there,
// with its pending output and buffered input intact.
class EchoHandler final : public ConnectionHandler {
 public:
  bool OnRequest(Connection& conn, std::span<const std::string_view> args) override {
    conn.out() += "+" + std::string(args[0]) + "\r\n";
    return true;
  }
  void OnClose(Connection&) override {}
  void OnProtocolError(Connection&, std::string_view) override {}
};

TEST_F(ConnectionHoldTest, AttachedToAnotherBaseItServesThere) {
  EchoHandler echo;
  IoCounters other_counters;
  event_base* other = event_base_new();
  const uint64_t slot = conn_->OpenSlot();  // output waiting behind a slot moves along
  conn_->out() += "+pending\r\n";
  conn_->Detach();
  conn_->FillSlot(slot, "+filled\r\n");
  conn_->Attach(other, &echo, &other_counters);
  conn_->SendReleased();
  EXPECT_EQ(Received(), "+filled\r\n+pending\r\n");
  ASSERT_EQ(write(peer_, "PING\r\n", 6), 6);
  event_base_loop(base_, EVLOOP_NONBLOCK);  // the old base no longer sees the socket
  EXPECT_EQ(Received(), "");
  event_base_loop(other, EVLOOP_ONCE);
  EXPECT_EQ(Received(), "+PING\r\n");
  EXPECT_GT(other_counters.input_bytes, 0u);
  conn_.reset();
  event_base_free(other);
}

// Requests named "remote" get a slot, as a request forwarded to another shard does.
class SlottingHandler final : public ConnectionHandler {
 public:
  bool OnRequest(Connection& conn, std::span<const std::string_view> args) override {
    if (args[0] == "remote") {
      slots.push_back(conn.OpenSlot());
    } else {
      conn.out() += "+" + std::string(args[0]) + "\r\n";
    }
    return true;
  }
  void OnClose(Connection&) override {}
  void OnProtocolError(Connection&, std::string_view) override {}
  std::vector<uint64_t> slots;
};

// A pipeline that spans shards leaves in one write: the replies in front of a slot wait
// for it instead of going out on their own.
TEST_F(ConnectionHoldTest, RepliesInFrontOfASlotLeaveWithIt) {
  SlottingHandler handler;
  conn_->Detach();
  conn_->Attach(base_, &handler, &counters_);
  ASSERT_EQ(write(peer_, "local\r\nremote\r\nafter\r\n", 22), 22);
  event_base_loop(base_, EVLOOP_ONCE);
  ASSERT_EQ(handler.slots.size(), 1u);
  EXPECT_EQ(Received(), "");
  conn_->FillSlot(handler.slots[0], "+remote\r\n");
  conn_->SendReleased();
  EXPECT_EQ(Received(), "+local\r\n+remote\r\n+after\r\n");
  // Without a slot, the batch's replies leave at once.
  ASSERT_EQ(write(peer_, "local\r\n", 7), 7);
  event_base_loop(base_, EVLOOP_ONCE);
  EXPECT_EQ(Received(), "+local\r\n");
}

// A peer that stops sending while a reply is being computed elsewhere still gets it, and
// the replies before it: the connection closes once they are out.
TEST_F(ConnectionHoldTest, EndOfInputWaitsForTheRepliesOnTheirWay) {
  SlottingHandler handler;
  conn_->Detach();
  conn_->Attach(base_, &handler, &counters_);
  ASSERT_EQ(write(peer_, "local\r\nremote\r\n", 15), 15);
  ASSERT_EQ(shutdown(peer_, SHUT_WR), 0);
  for (int i = 0; i < 3; i++) {
    event_base_loop(base_, EVLOOP_NONBLOCK);  // the requests, then the end of input
  }
  ASSERT_EQ(handler.slots.size(), 1u);
  EXPECT_FALSE(conn_->closed());
  conn_->FillSlot(handler.slots[0], "+remote\r\n");
  conn_->SendReleased();
  EXPECT_EQ(Received(), "+local\r\n+remote\r\n");
  EXPECT_TRUE(conn_->closed());
}

}  // namespace
}  // namespace rill::net
