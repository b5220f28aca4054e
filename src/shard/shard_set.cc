// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "shard/shard_set.h"

#include <signal.h>
#include <unistd.h>

#include "core/check.h"

namespace rill::shard {

ShardSet::ShardSet(config::ConfigStore* store, ServerInfo info)
    : store_(store), info_(std::move(info)) {}

void ShardSet::PublishConfig(Shard* current) {
  std::shared_ptr<const config::Config> snap = store_->snapshot();
  for (auto& s : shards_) {
    if (s.get() == current) {
      s->SetConfig(snap);
    } else {
      s->Post([shard = s.get(), snap] { shard->SetConfig(snap); });
    }
  }
}

bool ShardSet::AcquireToken(Shard& shard, std::function<void()> granted) {
  std::lock_guard<std::mutex> lock(token_mu_);
  if (!token_held_) {
    token_held_ = true;
    return true;
  }
  token_queue_.emplace_back(&shard, std::move(granted));
  return false;
}

bool ShardSet::TryAcquireToken() {
  std::lock_guard<std::mutex> lock(token_mu_);
  if (token_held_) {
    return false;
  }
  token_held_ = true;
  return true;
}

void ShardSet::ReleaseToken() {
  std::pair<Shard*, std::function<void()>> next;
  {
    std::lock_guard<std::mutex> lock(token_mu_);
    RILL_CHECK(token_held_);
    if (token_queue_.empty()) {
      token_held_ = false;
      return;
    }
    next = std::move(token_queue_.front());
    token_queue_.pop_front();
  }
  next.first->Post(std::move(next.second));  // the token stays held, now by next.first
}

void ShardSet::PauseOthers(Shard& coordinator) {
  RILL_CHECK(gate_ == nullptr);
  // The coordinator's forwarded requests came before the command it coordinates: they
  // reach each mailbox ahead of the park request.
  coordinator.FlushForwards();
  gate_ = std::make_shared<Gate>();
  for (auto& s : shards_) {
    if (s.get() != &coordinator) {
      s->Post([shard = s.get(), gate = gate_] {
        shard->HandOverJournal();
        std::unique_lock<std::mutex> lock(gate->mu);
        gate->parked++;
        gate->cv.notify_all();
        gate->cv.wait(lock, [&gate] { return gate->released; });
        lock.unlock();
        shard->AfterPause();
      });
    }
  }
  std::unique_lock<std::mutex> lock(gate_->mu);
  gate_->cv.wait(lock, [this] { return gate_->parked == size() - 1; });
  lock.unlock();
  for (auto& s : shards_) {
    if (s.get() != &coordinator) {
      s->RedirectJournal(&coordinator.journal());
    }
  }
  coordinator.set_coordinating(true);
  coordinator.RefreshClock();  // the wait may have taken a while: the command runs now
}

void ShardSet::ResumeOthers(Shard& coordinator) {
  RILL_CHECK(gate_ != nullptr);
  // The command's record goes to the journal before any shard can add what follows it.
  coordinator.HandOverJournal();
  coordinator.set_coordinating(false);
  for (auto& s : shards_) {
    if (s.get() != &coordinator) {
      s->RedirectJournal(nullptr);
    }
  }
  {
    std::lock_guard<std::mutex> lock(gate_->mu);
    gate_->released = true;
  }
  gate_->cv.notify_all();
  gate_.reset();
}

void ShardSet::RequestShutdown(int exit_code) {
  exit_code_.store(exit_code);
  shutdown_requested_.store(true);
  kill(getpid(), SIGTERM);
}

}  // namespace rill::shard
