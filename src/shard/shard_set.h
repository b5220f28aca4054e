// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/shard_set.h: the process's shards and the little state that is truly global.
//
// Beside the shards, only immutable start-up facts (ServerInfo), the config store (which
// publishes snapshots to every shard) and the client-id counter live here.
// Threading: Shards() and info() are immutable after start; PublishConfig() and
// RequestShutdown() may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "config/config_store.h"
#include "shard/persistence.h"
#include "shard/shard.h"

namespace rill::shard {

struct ServerInfo {
  std::string run_id;      // 40 hex characters, new at every start
  std::string executable;  // absolute path of the binary
  int64_t start_ms = 0;    // Unix ms of the start
  int64_t start_mono_us = 0;
};

class ShardSet {
 public:
  ShardSet(config::ConfigStore* store, ServerInfo info);

  void Add(std::unique_ptr<Shard> shard) { shards_.push_back(std::move(shard)); }
  Shard& shard(int i) { return *shards_[i]; }
  int size() const { return static_cast<int>(shards_.size()); }
  config::ConfigStore& config_store() { return *store_; }
  const ServerInfo& info() const { return info_; }
  // Snapshots and AOF rewrites (persist/snapshotter.h); set before the shards start.
  void set_persistence(Persistence* p) { persistence_ = p; }
  Persistence* persistence() const { return persistence_; }
  uint64_t NextClientId() { return next_client_id_.fetch_add(1, std::memory_order_relaxed); }

  // Sends the store's current snapshot to every shard. `current` (the calling shard, or
  // nullptr from the main thread) installs it at once, so the next request it runs already
  // sees the change; the others receive it through their mailboxes.
  void PublishConfig(Shard* current);
  // Makes the main thread begin a graceful shutdown (as SIGTERM does).
  // exit_code is the process's (non-zero when start-up failed on a shard thread).
  void RequestShutdown(int exit_code = 0);
  bool shutdown_requested() const { return shutdown_requested_.load(); }
  int exit_code() const { return exit_code_.load(); }

 private:
  config::ConfigStore* store_;
  ServerInfo info_;
  std::vector<std::unique_ptr<Shard>> shards_;
  Persistence* persistence_ = nullptr;
  std::atomic<uint64_t> next_client_id_{1};
  std::atomic<bool> shutdown_requested_{false};  // by SHUTDOWN, not by a signal
  std::atomic<int> exit_code_{0};
};

}  // namespace rill::shard
