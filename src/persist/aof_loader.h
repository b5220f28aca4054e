// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// persist/aof_loader.h: replays the journal's files at start-up.
//
// The files of the manifest are read in order, in 1 MiB reads, and every command is handed
// to `apply` (the dispatcher, with a client of its own and expiry switched off). Commands
// between MULTI and EXEC are applied together when EXEC is read, so a transaction cut by a
// crash is never half applied.
//
// What can be wrong with a file, and what happens:
//   * the last command of the last increment is incomplete, or a MULTI there has no EXEC:
//     a crash cut the tail. With aof-load-truncated yes the file is truncated at the end
//     of the last whole record, with a warning giving the offset and the bytes dropped;
//     with no, start-up stops.
//   * anything else (bytes that are not a RESP command, a bad length, a torn command in
//     an earlier file): start-up stops with the file, the offset, and the advice to run
//     rill-check-aof.
// Threading: runs on the main thread before the shards start.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "persist/aof.h"

namespace rill::persist {

struct LoadStats {
  uint64_t commands = 0;
  uint64_t bytes = 0;
  uint64_t truncated_bytes = 0;  // torn tail cut off (aof-load-truncated)
};

using ApplyFn = std::function<void(std::span<const std::string_view> args)>;

Result<LoadStats> LoadAof(Aof& aof, bool truncate_torn_tail, const ApplyFn& apply);

}  // namespace rill::persist
