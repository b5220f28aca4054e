// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/support/command_harness.h: an in-process server for command tests.
//
// A real Shard and Dispatcher with a ManualClock; clients are real Connections on one end
// of a socketpair, but requests are handed straight to the shard and replies are read from
// the connection's output buffer, so a test sees the exact RESP bytes without any I/O:
//
//   CommandHarness h;
//   EXPECT_EQ(h.Run({"SET", "k", "v"}), "+OK\r\n");
//   h.clock().AdvanceMs(1000);   // expiry without sleeping
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cmd/dispatcher.h"
#include "config/config_store.h"
#include "core/clock.h"
#include "shard/shard_set.h"

namespace rill::test {

class CommandHarness {
 public:
  // conf_text: conf-file lines applied over the defaults.
  explicit CommandHarness(const std::string& conf_text = "");
  ~CommandHarness();

  // Adds a client; returns its index (client 0 exists from the start).
  size_t NewClient();
  // Runs one request for a client and returns everything written to it since the last
  // call (replies, and pushes other clients caused). "<held>" if CLIENT PAUSE held it.
  std::string Run(const std::vector<std::string>& args, size_t client = 0);
  // Output pushed to a client by others since the last Run/Take for it.
  std::string Take(size_t client);
  // What the server already wrote to the client's socket (after a close, say).
  std::string ReadPeer(size_t client);

  ManualClock& clock() { return clock_; }
  shard::Shard& shard() { return *shard_; }
  shard::Client& client(size_t i) { return *clients_[i]; }
  config::ConfigStore& store() { return store_; }

 private:
  ManualClock clock_;
  config::ConfigStore store_;
  cmd::Dispatcher dispatcher_;
  std::unique_ptr<shard::ShardSet> set_;
  shard::Shard* shard_ = nullptr;
  std::vector<shard::Client*> clients_;
  std::vector<int> peer_fds_;
};

}  // namespace rill::test
