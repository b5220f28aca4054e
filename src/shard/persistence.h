// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/persistence.h: what the command layer asks of snapshots and AOF rewrites.
//
// The implementation (persist/snapshotter.h) lives above the shards; the shards and the
// commands see only this interface, reached through ShardSet::persistence(). Every method
// runs on the calling shard's thread. Replies and error texts are Redis's.
// Threading: shard thread only.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace rill::shard {

class Shard;

struct PersistenceInfo {
  bool rewrite_in_progress = false;
  bool rewrite_scheduled = false;
  bool bgsave_in_progress = false;
  int64_t last_save_s = 0;          // LASTSAVE: Unix seconds of the last successful save
  uint64_t changes_since_save = 0;  // rdb_changes_since_last_save
  uint64_t saves = 0;               // rdb_saves
  bool last_bgsave_ok = true;
  int64_t last_bgsave_time_s = -1;   // duration of the last BGSAVE
  int64_t current_save_time_s = -1;  // of the one running
  bool last_rewrite_ok = true;
  int64_t last_rewrite_time_s = -1;
  int64_t current_rewrite_time_s = -1;
  uint64_t rewrites = 0;       // aof_rewrites
  uint64_t aof_base_size = 0;  // aof_base_size
  uint64_t kept_entries = 0;   // values copied aside by snapshots (rill_snapshot_kept)
};

class Persistence {
 public:
  virtual ~Persistence() = default;
  // BGREWRITEAOF: the reply's status text, or Redis's error.
  virtual Result<std::string> StartRewrite(Shard& shard) = 0;
  // BGSAVE [SCHEDULE].
  virtual Result<std::string> StartBgSave(Shard& shard, bool schedule) = 0;
  // SAVE: writes the dump file before returning.
  virtual Status Save(Shard& shard) = 0;
  // SHUTDOWN and SIGTERM: abandons a running BGSAVE or rewrite (as Redis kills its child),
  // then saves the dump file when `save` points are set, or force.
  virtual Status SaveForShutdown(Shard& shard, bool force) = 0;
  // DEBUG RELOAD: SAVE, empty the keyspace, load the dump file again.
  virtual Status Reload(Shard& shard) = 0;
  // DEBUG LOADAOF: fsync the journal, empty the keyspace, load the journal again.
  virtual Status ReloadAof(Shard& shard) = 0;
  virtual PersistenceInfo info(Shard& shard) const = 0;
  // Runs from the shard's cron: the `save` schedule and auto-aof-rewrite.
  virtual void Cron(Shard& shard) = 0;
};

}  // namespace rill::shard
