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

#include <algorithm>

#include "core/check.h"
#include "shard/shard.h"
#include "shard/shard_set.h"

namespace rill::shard {

void Shard::Block(Client& c) {
  RILL_DCHECK(!c.block.active);
  c.block.active = true;
  for (const auto& [db, key] : c.block.keys) {
    waiters_[db][key].push_back(c.id);
    const int owner = set_->ShardOf(key);
    if (owner == id_) {
      keyspace_.AddBlockingKey(db, key);
    } else {
      RILL_CHECK(coordinating_);  // the owner is parked
      set_->shard(owner).AddRemoteWaiter(db, key, id_);
      c.block.spans = true;
    }
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
    const int owner = set_->ShardOf(key);
    if (owner == id_) {
      keyspace_.RemoveBlockingKey(db, key);
    } else if (coordinating_) {
      set_->shard(owner).RemoveRemoteWaiter(db, key, id_);
    } else {
      Shard* s = &set_->shard(owner);
      s->Post([s, db = db, key = key, home = id_] { s->RemoveRemoteWaiter(db, key, home); });
    }
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
      if (auto r = remote_waiters_[db].find(key); r != remote_waiters_[db].end()) {
        std::vector<int> homes = r->second;
        std::sort(homes.begin(), homes.end());
        homes.erase(std::unique(homes.begin(), homes.end()), homes.end());
        for (const int h : homes) {
          Shard* s = &set_->shard(h);
          s->Post([s, db = db, key = key] { s->KeyReadyElsewhere(db, key); });
        }
      }
      auto it = waiters_[db].find(key);
      if (it == waiters_[db].end()) {
        continue;
      }
      // A copy: serving a client edits the queue.
      const std::deque<uint64_t> ids = it->second;
      for (const uint64_t id : ids) {
        Client* c = FindClient(id);
        if (c == nullptr || !c->block.active) {
          continue;
        }
        if (c->block.spans && !coordinating_) {
          spanning_ready_.emplace_back(db, key);  // it reads other shards' keys too
          continue;
        }
        WakeBlocked(*c, BlockWake::kKeyReady);
      }
    }
  }
  serving_ready_ = false;
  if (!spanning_ready_.empty() && !coordinating_) {
    ServeSpanningReady();
  }
}

void Shard::AddRemoteWaiter(int db, std::string_view key, int home) {
  keyspace_.AddBlockingKey(db, key);
  remote_waiters_[db][key].push_back(home);
}

void Shard::RemoveRemoteWaiter(int db, std::string_view key, int home) {
  auto it = remote_waiters_[db].find(key);
  if (it == remote_waiters_[db].end()) {
    return;
  }
  auto h = std::find(it->second.begin(), it->second.end(), home);
  if (h == it->second.end()) {
    return;
  }
  it->second.erase(h);
  if (it->second.empty()) {
    remote_waiters_[db].erase(it);
  }
  keyspace_.RemoveBlockingKey(db, key);
}

void Shard::KeyReadyElsewhere(int db, std::string key) {
  clock_.Refresh();
  spanning_ready_.emplace_back(db, std::move(key));
  ServeSpanningReady();
}

// The clients waiting on these keys read keys of other shards as well: they run again
// with the other shards parked, under the token, oldest first per key.
void Shard::ServeSpanningReady() {
  if (spanning_ready_.empty() || spanning_token_asked_) {
    return;  // the grant runs them all, keys that arrive meanwhile included
  }
  if (!set_->AcquireToken(*this, [this] {
        clock_.Refresh();
        spanning_token_asked_ = false;
        RunSpanningReady();
      })) {
    spanning_token_asked_ = true;
    return;
  }
  RunSpanningReady();
}

void Shard::RunSpanningReady() {
  set_->PauseOthers(*this);
  while (!spanning_ready_.empty()) {
    std::vector<std::pair<int, std::string>> keys;
    keys.swap(spanning_ready_);
    for (const auto& [db, key] : keys) {
      auto it = waiters_[db].find(key);
      if (it == waiters_[db].end()) {
        continue;
      }
      const std::deque<uint64_t> ids = it->second;
      for (const uint64_t id : ids) {
        Client* c = FindClient(id);
        if (c != nullptr && c->block.active) {
          WakeBlocked(*c, BlockWake::kKeyReady);
        }
      }
    }
    if (keyspace_.has_ready_keys()) {
      ServeReadyKeys();  // what the re-runs changed here
    }
  }
  set_->ResumeOthers(*this);
  set_->ReleaseToken();
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
