// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/snapshot_view.h: the keyspace as it was at one moment, read a slice at a time while
// the shard goes on serving writes. This is how Rill snapshots without fork().
//
// A view begins between two commands (the consistent point P). It reads each database's
// slots in order (slot numbers are stable, see keyspace.h), so "read" is just "below the
// cursor". Everything that could change an unread entry keeps it as it was first:
//
//   write command  ──► Keyspace::BeforeWrite(key) ──► Database::Keep (a copy,  ┐
//                                                      a stream is frozen)       │
//   expiry, eviction, DEL, overwrite ──► Database::Erase (the value is moved)  ├─► kept[slot]
//   FLUSHDB/FLUSHALL ──► Database::Clear (every unread entry is moved)          ┘
//   a key created after P ──► Database::Insert marks its slot born: skipped
//
// SWAPDB swaps Database objects, and each carries its own FrozenDb, so the view still
// reads every database under the number it had at P. The cost of a write during a view is
// one copy of each string it is the first to change (a stream: its groups, then each node it
// changes); entries already read cost nothing.
//
// Invariant: Next() visits every key that was live at P exactly once, with its value and
// expiry time at P, and nothing created after P.
// Threading: shard-confined, like the keyspace. Ownership: the view must be destroyed
// before its Keyspace; destroying it early (an aborted save) leaves the keyspace as it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "shard/keyspace.h"

namespace rill::shard {

class SnapshotView {
 public:
  struct Item {
    int db;
    const std::string& key;
    const Value& value;  // empty when frozen is set
    int64_t expire_at_ms;
    // A stream that changed since the view began, as it was then (FrozenEntry::stream).
    // fn may take it (it is read a node at a time); otherwise it dies with the item.
    mutable std::unique_ptr<stream::FrozenStream> frozen;
  };

  explicit SnapshotView(Keyspace& ks);
  ~SnapshotView();
  SnapshotView(const SnapshotView&) = delete;
  SnapshotView& operator=(const SnapshotView&) = delete;

  // Calls fn for the view's entries, in database order, until deadline_us (MonotonicUs)
  // passes, max_slots slots were looked at, or fn returns false (it wants to stop after that
  // entry); returns true once every entry was visited. The item's references die when fn
  // returns. fn must not change the keyspace.
  bool Next(int64_t deadline_us, const std::function<bool(const Item&)>& fn,
            size_t max_slots = SIZE_MAX);
  // Entries copied or moved aside because they changed while the view was read.
  uint64_t kept() const;
  // Counts what f holds aside (as the view counts its kept values) while f lives.
  // REQUIRES: f dies before the view.
  void Account(stream::FrozenStream& f) { f.set_account(&kept_bytes_); }

 private:
  Keyspace& ks_;
  std::vector<std::pair<Database*, std::unique_ptr<FrozenDb>>> dbs_;
  uint64_t kept_bytes_ = 0;  // of the values kept aside now (Keyspace::snapshot_bytes)
  size_t current_ = 0;       // index in dbs_ being read
};

}  // namespace rill::shard
