// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "observability/slowlog.h"

#include <algorithm>

namespace rill::observability {

void SlowLog::MaybeAdd(int64_t threshold_us, size_t max_len, int64_t unix_time_s,
                       int64_t duration_us, std::span<const std::string_view> args,
                       std::string_view peer, std::string_view client_name) {
  if (threshold_us < 0 || duration_us < threshold_us) {
    return;
  }
  SlowLogEntry e;
  e.id = shared_ids_ != nullptr ? shared_ids_->fetch_add(1, std::memory_order_relaxed) : next_id_++;
  e.unix_time_s = unix_time_s;
  e.duration_us = duration_us;
  const size_t n = std::min(args.size(), kMaxArgs);
  for (size_t i = 0; i < n; i++) {
    if (i == kMaxArgs - 1 && args.size() > kMaxArgs) {
      e.args.push_back("... (" + std::to_string(args.size() - kMaxArgs + 1) + " more arguments)");
      break;
    }
    if (args[i].size() > kMaxArgLen) {
      e.args.push_back(std::string(args[i].substr(0, kMaxArgLen)) + "... (" +
                       std::to_string(args[i].size() - kMaxArgLen) + " more bytes)");
    } else {
      e.args.emplace_back(args[i]);
    }
  }
  e.peer = std::string(peer);
  e.client_name = std::string(client_name);
  entries_.push_front(std::move(e));
  Trim(max_len);
}

void SlowLog::Trim(size_t max_len) {
  while (entries_.size() > max_len) {
    entries_.pop_back();
  }
}

}  // namespace rill::observability
