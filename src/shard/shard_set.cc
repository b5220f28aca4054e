// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "shard/shard_set.h"

#include <signal.h>
#include <unistd.h>

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

void ShardSet::RequestShutdown(int exit_code) {
  exit_code_.store(exit_code);
  shutdown_requested_.store(true);
  kill(getpid(), SIGTERM);
}

}  // namespace rill::shard
