// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// persist/aof_loader.h: replays the journal's files at start-up.
//
// The files of the manifest are read in order, in 1 MiB reads. A base (a snapshot, written
// by BGREWRITEAOF) goes straight into the keyspace (persist/snapshot.h); every command of
// an increment is handed to `apply` (the dispatcher, with a client of its own and expiry
// switched off). Commands
// between MULTI and EXEC are applied together when EXEC is read, so a transaction cut by a
// crash is never half applied.
//
// What can be wrong with a file, and what happens:
//   * the last command of the last increment is incomplete, or a MULTI there has no EXEC:
//     a crash cut the tail. With aof-load-truncated yes the file is truncated at the end
//     of the last whole record, with a warning giving the offset and the bytes dropped;
//     with no, start-up stops.
//   * anything else (bytes that are not a RESP command, a bad length, a torn command in
//     an earlier file, a command apply refuses, such as an unknown one): start-up stops with the
//     file, the offset, and the advice to run rill-check-aof.
// Threading: runs on the main thread before the shards start.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "persist/aof.h"
#include "persist/snapshot.h"
#include "shard/keyspace.h"

namespace rill::persist {

struct LoadStats {
  uint64_t commands = 0;
  uint64_t bytes = 0;
};

// Runs one command; an error stops the load (reported with the file and offset).
using ApplyFn = std::function<Status(std::span<const std::string_view> args)>;

namespace internal {
class FileLoader;
}

// Loads the journal a step at a time, so a shard can answer -LOADING between steps.
class SnapshotLoader;

class AofLoader {
 public:
  // route takes the base's keys (persist/snapshot.h); AllTo(nullptr) when the caller
  // cannot load one (a manifest with a base then fails to load).
  AofLoader(Aof& aof, bool truncate_torn_tail, ApplyFn apply, KeyspaceFor route);
  AofLoader(Aof& aof, bool truncate_torn_tail, ApplyFn apply, shard::Keyspace* ks)
      : AofLoader(aof, truncate_torn_tail, std::move(apply), AllTo(ks)) {}
  ~AofLoader();
  // Loads for about budget_us (at least one read or one batch of commands); true once
  // everything is loaded.
  Result<bool> Step(int64_t budget_us);
  const LoadStats& stats() const { return stats_; }
  uint64_t total_bytes() const { return total_bytes_; }

 private:
  Status FinishFile(bool last);
  Result<bool> StepBase(const AofFile& f, int64_t budget_us);

  Aof& aof_;
  KeyspaceFor route_;
  std::unique_ptr<SnapshotLoader> base_;
  bool truncate_torn_tail_;
  ApplyFn apply_;
  LoadStats stats_;
  uint64_t total_bytes_ = 0;
  uint64_t logged_ = 0;
  size_t next_file_ = 0;
  std::unique_ptr<internal::FileLoader> file_;
};

// All steps at once.
Result<LoadStats> LoadAof(Aof& aof, bool truncate_torn_tail, const ApplyFn& apply,
                          KeyspaceFor route);
inline Result<LoadStats> LoadAof(Aof& aof, bool truncate_torn_tail, const ApplyFn& apply,
                                 shard::Keyspace* ks) {
  return LoadAof(aof, truncate_torn_tail, apply, AllTo(ks));
}

// One file checked without applying anything (rill-check-aof): valid_end is where the last
// whole record ends; error says what is wrong at or after it; torn that the file ends in
// the middle of a record.
struct FileCheck {
  uint64_t size = 0;
  uint64_t valid_end = 0;
  bool torn = false;
  Status error;
};
FileCheck CheckAofFile(FileSystem* fs, const std::string& path);

}  // namespace rill::persist
