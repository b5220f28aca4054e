// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/shard_set.h: the process's shards and the little state that is truly global.
//
// Beside the shards, only immutable start-up facts (ServerInfo), the config store (which
// publishes snapshots to every shard), the client-id counter and the coordination token
// live here.
//
// Keys: a key's slot (core/slot.h) picks its shard; the slots are split into size()
// contiguous ranges, the way a cluster splits them between nodes.
//
// Coordination (ARCHITECTURE "Shards"): a command that touches several shards runs on its
// client's home shard while every other shard is stopped at a safe point, so no client
// sees half of it. One such command runs at a time: its shard holds the token, which is
// acquired without blocking a loop (a shard waiting for it keeps serving). The holder then
// calls PauseOthers(), which returns once every other shard has handed its journal over
// and parked; while they are parked, the holder may read and change their keyspaces, and
// their effects (expired keys included) go to the holder's journal, so the command is one
// record in the journal, after everything that came before it on every shard.
// ResumeOthers() lets them go on. Deadlock-free because only the token's holder parks
// shards, and a parked shard waits for nothing else.
//
// Threading: shard() and info() are immutable after start; PublishConfig(),
// RequestShutdown(), AcquireToken() and ReleaseToken() may be called from any thread;
// PauseOthers() and ResumeOthers() only by the token's holder, on its shard's thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config_store.h"
#include "core/check.h"
#include "core/slot.h"
#include "shard/busy_board.h"
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

  void Add(std::unique_ptr<Shard> shard) {
    shard->slowlog().share_ids(&slowlog_ids_);
    shards_.push_back(std::move(shard));
    loops_running_.fetch_add(1);
  }
  Shard& shard(int i) { return *shards_[i]; }
  // fn(shard) for every shard, in order. REQUIRES: the others are parked, or fn touches
  // only what is safe from this thread.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    for (auto& s : shards_) {
      fn(*s);
    }
  }
  int size() const { return static_cast<int>(shards_.size()); }
  config::ConfigStore& config_store() { return *store_; }
  const ServerInfo& info() const { return info_; }
  // Snapshots and AOF rewrites (persist/snapshotter.h); set before the shards start.
  void set_persistence(Persistence* p) { persistence_ = p; }
  Persistence* persistence() const { return persistence_; }
  uint64_t NextClientId() { return next_client_id_.fetch_add(1, std::memory_order_relaxed); }

  // maxclients counts the clients of every shard: true if one more fits (and counts it).
  bool AdmitClient(int64_t max) {
    if (clients_.fetch_add(1) >= max) {
      clients_.fetch_sub(1);
      return false;
    }
    return true;
  }
  void ClientGone() { clients_.fetch_sub(1); }
  int64_t connected_clients() const { return clients_.load(); }

  // MONITOR clients on any shard: each shard feeds every shard's monitors.
  void MonitorAdded() { monitors_.fetch_add(1, std::memory_order_relaxed); }
  void MonitorRemoved() { monitors_.fetch_sub(1, std::memory_order_relaxed); }
  bool monitoring() const { return monitors_.load(std::memory_order_relaxed) > 0; }

  // Which shard cross-shard eviction asks first (Dispatcher::EvictAcrossShards).
  uint32_t NextEvictionTurn() { return eviction_turn_.fetch_add(1, std::memory_order_relaxed); }

  // Loading at start: every shard answers -LOADING (Shard::loading()).
  void set_loading(bool on) { loading_.store(on); }
  bool loading() const { return loading_.load(std::memory_order_relaxed); }

  // Busy polling (Shard::Loop): the cores the process may run on, and which shards are
  // busy (shard/busy_board.h). Before the shards start.
  void SetUpPolling(int cores, int shards) {
    cores_ = cores;
    busy_board_ = std::make_unique<BusyBoard>(shards);
  }
  int cores() const { return cores_; }
  BusyBoard& busy_board() {
    RILL_CHECK(busy_board_ != nullptr);  // SetUpPolling comes first
    return *busy_board_;
  }

  // Writes since start on every shard (ShardStats::dirty). Any thread.
  uint64_t TotalDirty() const {
    uint64_t n = 0;
    for (const auto& s : shards_) {
      n += s->stats().dirty_now();
    }
    return n;
  }

  // The shard that owns key.
  int ShardOf(std::string_view key) const {
    return shards_.size() == 1 ? 0 : KeySlot(key) * size() / kSlotCount;
  }
  Shard& Owner(std::string_view key) { return *shards_[ShardOf(key)]; }
  // The home of the next accepted connection: round robin over the shards.
  Shard& NextHome() {
    return *shards_[next_home_.fetch_add(1, std::memory_order_relaxed) % shards_.size()];
  }

  // The coordination token. Returns true if the caller got it now; otherwise granted()
  // runs later on the caller's thread (shard's mailbox) once the token is its, in
  // request order, and the caller must ReleaseToken() when done with it.
  bool AcquireToken(Shard& shard, std::function<void()> granted);
  // Takes the token if it is free; false (and nothing queued) if not.
  bool TryAcquireToken();
  void ReleaseToken();
  // Parks every shard but coordinator until ResumeOthers(), after sending coordinator's
  // forwarded requests on. REQUIRES: the token is held by coordinator; the caller is on
  // coordinator's thread.
  void PauseOthers(Shard& coordinator);
  void ResumeOthers(Shard& coordinator);
  bool others_paused() const { return gate_ != nullptr; }

  // A shard whose loop has ended keeps answering its mailbox until every loop has, so a
  // coordinator never waits forever for a shard that stopped first.
  void LoopExited() { loops_running_.fetch_sub(1); }
  bool all_loops_exited() const { return loops_running_.load() == 0; }

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
  std::atomic<uint64_t> next_home_{0};
  std::atomic<int> loops_running_{0};
  std::atomic<int64_t> clients_{0};
  std::atomic<uint64_t> slowlog_ids_{0};  // SLOWLOG entry ids, across the shards
  std::atomic<int> monitors_{0};
  std::atomic<uint32_t> eviction_turn_{0};
  std::atomic<bool> loading_{false};  // a shard loads at start (loading())
  int cores_ = 1;                     // set before the shards start
  std::unique_ptr<BusyBoard> busy_board_;

  std::mutex token_mu_;
  bool token_held_ = false;
  std::deque<std::pair<Shard*, std::function<void()>>> token_queue_;
  // Where parked shards wait (PauseOthers); owned by the coordinator's call.
  struct Gate {
    std::mutex mu;
    std::condition_variable cv;
    int parked = 0;
    bool released = false;
  };
  std::shared_ptr<Gate> gate_;                   // coordinator's thread only
  std::atomic<bool> shutdown_requested_{false};  // by SHUTDOWN, not by a signal
  std::atomic<int> exit_code_{0};
};

}  // namespace rill::shard
