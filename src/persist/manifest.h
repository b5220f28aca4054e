// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// persist/manifest.h: the list of files that make up the append-only journal.
//
// Under `dir`/`appenddirname`, Redis 7's multi-part layout: one manifest names the files,
// in load order, one per line:
//
//   file appendonly.aof.1.base.rill seq 1 type b     (at most one base: a snapshot)
//   file appendonly.aof.1.incr.aof seq 1 type i      (increments: RESP commands)
//   file appendonly.aof.2.incr.aof seq 2 type i
//
// Only the manifest says which files are live: a file it does not name is garbage (for
// example, the half-written base of a rewrite that crashed). The manifest is replaced
// atomically (FileSystem::WriteAtomically), so after a crash it names either the old set
// or the new one. The last increment is the one being appended to.
// Threading: a value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rill::persist {

struct AofFile {
  std::string name;  // relative to the manifest's directory
  uint64_t seq = 0;
  bool base = false;  // type b (snapshot) or i (increment)
};

struct Manifest {
  std::optional<AofFile> base;
  std::vector<AofFile> incrs;  // in load order, seq increasing

  // The files to load, base first.
  std::vector<AofFile> Files() const;
  std::string Encode() const;
  // Parses a manifest; errors name the line.
  static Result<Manifest> Parse(std::string_view text);

  // Appends a new, empty increment named after prefix (appendfilename); returns its name.
  const AofFile& AddIncrement(const std::string& prefix);
  // The name and seq of the next base (BGREWRITEAOF): prefix.<seq>.base.rill.
  AofFile NextBase(const std::string& prefix) const;
  // The manifest after a rewrite: base, then the increments from first_incr_seq on.
  Manifest WithBase(AofFile new_base, uint64_t first_incr_seq) const;
};

}  // namespace rill::persist
