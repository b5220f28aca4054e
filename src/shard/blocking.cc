// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/blocking.cc: the Shard's blocked readers (XREAD/XREADGROUP BLOCK).
//
// A blocked command is not parked half-way: it returns, leaving its request in
// Client::block, and runs again from the top whenever a key it waits on changes (Redis
// 7's model). A re-run that finds data replies and unblocks; one that does not stays in
// its place in the queue, so clients are served in arrival order and no entry of a group
// can reach two consumers: each re-run reads the group's state as it is then.
//
// Wake-ups come from three places: ServeReadyKeys() after every command (the keyspace
// queues changed keys that have waiters), the deadline timer, and CLIENT UNBLOCK. An
// unblocked client's remaining pipeline runs from the loop (ResumeCallback), never inside
// the command that woke it.
#include <event2/event.h>

#include "core/check.h"
#include "shard/shard.h"

namespace rill::shard {

void Shard::Block(Client& c) {
  RILL_DCHECK(!c.block.active);
  c.block.active = true;
  for (const auto& [db, key] : c.block.keys) {
    waiters_[db][key].push_back(c.id);
    keyspace_.AddBlockingKey(db, key);
  }
  block_deadlines_.emplace(c.block.deadline_ms, c.id);
  if (c.block.deadline_ms != 0) {
    ArmBlockTimer();
  }
  c.conn->Suspend();
}

void Shard::Unblock(Client& c) {
  if (!c.block.active) {
    return;
  }
  for (const auto& [db, key] : c.block.keys) {
    auto it = waiters_[db].find(key);
    if (it != waiters_[db].end()) {
      std::erase(it->second, c.id);
      if (it->second.empty()) {
        waiters_[db].erase(it);
      }
    }
    keyspace_.RemoveBlockingKey(db, key);
  }
  block_deadlines_.erase({c.block.deadline_ms, c.id});
  c.block = BlockState{};
  if (!c.conn->closed()) {
    to_resume_.push_back(c.id);
    event_active(resume_ev_, 0, 0);
  }
}

void Shard::WakeBlocked(Client& c, BlockWake why) {
  if (!c.block.active) {
    return;
  }
  const bool still = handler_->RunBlocked(*this, c, why);
  if (!still) {
    Unblock(c);
  }
  if (!c.conn->closed()) {
    c.conn->ScheduleFlush();
  }
}

size_t Shard::blocking_keys() const {
  size_t n = 0;
  for (const auto& db : waiters_) {
    n += db.size();
  }
  return n;
}

void Shard::ServeReadyKeys() {
  if (serving_ready_) {
    return;  // the outer loop picks up keys signalled meanwhile
  }
  serving_ready_ = true;
  while (keyspace_.has_ready_keys()) {
    for (const auto& [db, key] : keyspace_.TakeReadyKeys()) {
      auto it = waiters_[db].find(key);
      if (it == waiters_[db].end()) {
        continue;
      }
      // A copy: serving a client edits the queue.
      const std::deque<uint64_t> ids = it->second;
      for (const uint64_t id : ids) {
        Client* c = FindClient(id);
        if (c != nullptr && c->block.active) {
          WakeBlocked(*c, BlockWake::kKeyReady);
        }
      }
    }
  }
  serving_ready_ = false;
}

void Shard::ArmBlockTimer() {
  auto it = block_deadlines_.upper_bound({0, UINT64_MAX});  // skip the forever waiters
  if (it == block_deadlines_.end()) {
    event_del(block_timer_ev_);
    return;
  }
  const int64_t wait_ms = std::max<int64_t>(0, it->first - clock_.NowMs());
  timeval tv{static_cast<time_t>(wait_ms / 1000), static_cast<suseconds_t>(wait_ms % 1000 * 1000)};
  evtimer_add(block_timer_ev_, &tv);
}

void Shard::BlockTimerCallback(evutil_socket_t, short, void* arg) noexcept {
  static_cast<Shard*>(arg)->ExpireBlocked();
}

void Shard::ExpireBlocked() {
  clock_.Refresh();
  const int64_t now = clock_.NowMs();
  std::vector<uint64_t> expired;
  for (auto it = block_deadlines_.upper_bound({0, UINT64_MAX});
       it != block_deadlines_.end() && it->first <= now; ++it) {
    expired.push_back(it->second);
  }
  for (const uint64_t id : expired) {
    if (Client* c = FindClient(id); c != nullptr) {
      WakeBlocked(*c, BlockWake::kTimeout);
    }
  }
  ArmBlockTimer();
}

void Shard::ResumeCallback(evutil_socket_t, short, void* arg) noexcept {
  static_cast<Shard*>(arg)->ResumeUnblocked();
}

void Shard::ResumeUnblocked() {
  clock_.Refresh();
  std::vector<uint64_t> ids;
  ids.swap(to_resume_);
  for (const uint64_t id : ids) {
    Client* c = FindClient(id);
    if (c != nullptr && !c->block.active && !c->conn->closed()) {
      c->conn->Resume();
    }
  }
  if (keyspace_.has_ready_keys()) {
    ServeReadyKeys();
  }
}

}  // namespace rill::shard
