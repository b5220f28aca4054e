// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// observability/slowlog.h: the SLOWLOG: the most recent commands slower than a threshold.
//
// Matches Redis: at most 32 arguments are kept (the last says how many more there were),
// each at most 128 bytes (the rest noted as "... (N more bytes)"), newest first.
// Threading: one per shard, used on its thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rill::observability {

struct SlowLogEntry {
  uint64_t id = 0;
  int64_t unix_time_s = 0;
  int64_t duration_us = 0;
  std::vector<std::string> args;
  std::string peer;
  std::string client_name;
};

class SlowLog {
 public:
  static constexpr size_t kMaxArgs = 32;
  static constexpr size_t kMaxArgLen = 128;

  // Records a command if duration_us >= threshold_us (threshold < 0 disables).
  void MaybeAdd(int64_t threshold_us, size_t max_len, int64_t unix_time_s, int64_t duration_us,
                std::span<const std::string_view> args, std::string_view peer,
                std::string_view client_name);
  const std::deque<SlowLogEntry>& entries() const { return entries_; }
  // Entry ids from a counter shared with other logs (one per shard), so that the entries
  // of all of them merge into one sequence. REQUIRES: ids outlives the log.
  void share_ids(std::atomic<uint64_t>* ids) { shared_ids_ = ids; }
  void Reset() { entries_.clear(); }
  void Trim(size_t max_len);

 private:
  std::deque<SlowLogEntry> entries_;  // newest first
  uint64_t next_id_ = 0;
  std::atomic<uint64_t>* shared_ids_ = nullptr;
};

}  // namespace rill::observability
