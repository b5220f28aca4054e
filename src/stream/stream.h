// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// stream/stream.h: the in-memory stream value.
//
// A Stream is an append-only log keyed by StreamId. Entries are packed into compact nodes
// (stream/node.h) indexed by each node's first id in a B-tree, so a range read is one seek
// plus a scan:
//
//   index: master id ─► Node [e e e e ... e]   (≤ max entries / ≈ max bytes each)
//          master id ─► Node [e e x e ... e]   x = tombstone
//          master id ─► Node [e e e]           the tail: the only node that grows
//
// Invariants:
//  * ids strictly increase; last_id() never moves backwards, even after XDEL/XTRIM, and
//    ids chosen for "*" stay above it when the clock steps back.
//  * length() never counts tombstones; a node whose entries are all deleted is freed.
//  * first_id() is the first live entry (0-0 when empty); max_deleted_id() the largest id
//    ever deleted by XDEL; entries_added() counts every entry ever added. With the group
//    counters these drive Redis 7's lag arithmetic (Lag()).
// Threading: owned by one shard; only that shard's thread may touch it.
// Ownership: owns its nodes and groups; iterators borrow and die on any mutation.
#pragma once

#include <absl/container/btree_map.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "stream/consumer_group.h"
#include "stream/node.h"
#include "stream/stream_id.h"

namespace rill::stream {

// stream-node-max-bytes / stream-node-max-entries; 0 = no limit.
struct NodeLimits {
  int64_t max_bytes = 4096;
  int64_t max_entries = 100;
};

struct TrimSpec {
  enum class Strategy : uint8_t { kNone, kMaxLen, kMinId };
  Strategy strategy = Strategy::kNone;
  uint64_t maxlen = 0;
  StreamId minid;
  bool approx = false;  // "~": remove whole nodes only
  int64_t limit = 0;    // most entries to remove; 0 = no limit
};

struct FrozenStream;

class Stream {
 public:
  using Index = absl::btree_map<StreamId, Node>;
  using Groups = std::map<std::string, std::unique_ptr<ConsumerGroup>, std::less<>>;

  Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  std::unique_ptr<Stream> Clone() const;
  // The stream as it is now, to be written out while it goes on changing: no index is
  // built, so it costs a pointer and a reference count per node (see FrozenStream).
  FrozenStream Freeze() const;

  uint64_t length() const { return length_; }
  StreamId last_id() const { return last_id_; }
  StreamId first_id() const { return first_id_; }
  StreamId max_deleted_id() const { return max_deleted_id_; }
  uint64_t entries_added() const { return entries_added_; }
  size_t node_count() const { return index_.size(); }
  // Estimated number of B-tree nodes of the index (XINFO's radix-tree-nodes).
  size_t index_tree_nodes() const;
  const Index& index() const { return index_; }

  // The id XADD would give spec now; errors carry Redis's XADD texts.
  Result<StreamId> NextId(const AddIdSpec& spec, int64_t now_ms) const;
  // Appends an entry. REQUIRES: id > last_id(); fv even and non-empty.
  void Append(StreamId id, std::span<const std::string_view> fv, const NodeLimits& limits);
  // XDEL of one id. Returns false if no live entry has it.
  bool Delete(StreamId id);
  // Removes entries from the head per spec (Redis's streamTrim). Returns how many.
  uint64_t Trim(const TrimSpec& spec);
  // Whether a live entry has id; fills *fv (borrowing the node) when given.
  bool Lookup(StreamId id, std::vector<std::string_view>* fv = nullptr) const;

  // Loading a snapshot: appends a node read from a file, after the nodes already there (a
  // node of tombstones only is dropped). Fails (a corrupt file) when its ids do not come
  // after theirs.
  Status LoadNode(Node node);

  // XSETID. REQUIRES: the caller checked Redis's preconditions.
  void SetLastId(StreamId id) { last_id_ = id; }
  void set_entries_added(uint64_t n) { entries_added_ = n; }
  void set_max_deleted_id(StreamId id) { max_deleted_id_ = id; }

  // --- Consumer groups ---
  const Groups& groups() const { return groups_; }
  ConsumerGroup* FindGroup(std::string_view name);
  // nullptr if a group of that name exists.
  ConsumerGroup* CreateGroup(std::string_view name, StreamId last_id, int64_t entries_read);
  bool DestroyGroup(std::string_view name);

  // Redis 7's logical read counter of id (streamEstimateDistanceFromFirstEverEntry), or
  // kInvalidEntriesRead when it cannot be known.
  int64_t EstimateEntriesRead(StreamId id) const;
  // Whether a tombstone may lie in [start, +inf) (streamRangeHasTombstones).
  bool RangeHasTombstones(StreamId start) const;
  // Entries the group has yet to read; nullopt when unknown (XINFO shows null).
  std::optional<int64_t> Lag(const ConsumerGroup& g) const;
  // Advances g past id after it read id with ">": keeps entries_read right.
  void MarkRead(ConsumerGroup& g, StreamId id) const;

  size_t MemoryUsage() const;

  // Iterates live entries with ids in [start, end], forward or backward.
  class Iterator {
   public:
    Iterator(const Stream& s, StreamId start, StreamId end, bool reverse);
    // Advances to the next live entry; false at the end.
    bool Next();
    StreamId id() const { return entry_.id; }
    const std::vector<std::string_view>& fv() const { return entry_.fv; }

   private:
    bool LoadNode();
    const Stream& s_;
    StreamId start_;
    StreamId end_;
    bool reverse_;
    bool done_ = false;
    Index::const_iterator node_;
    std::optional<Node::Cursor> cursor_;  // forward
    std::vector<Node::Entry> buffered_;   // reverse: one node's entries, walked back
    size_t pos_ = 0;
    Node::Entry entry_;
  };

 private:
  void RefreshFirstId();
  Index::iterator NodeFor(StreamId id);
  // Calls add(id, clone) for every node in order (clones share the nodes' bytes).
  template <typename F>
  void CloneNodes(F add) const;
  Groups CloneGroups() const;

  Index index_;
  uint64_t length_ = 0;
  StreamId last_id_;
  StreamId first_id_;
  StreamId max_deleted_id_;
  uint64_t entries_added_ = 0;
  Groups groups_;
};

// A stream frozen at one moment (Stream::Freeze) for a snapshot: its nodes in order,
// sharing their bytes with the live stream's (copy on write: a later XADD, XDEL or trim of
// the stream copies the node it changes first), its counters, and copies of its groups.
struct FrozenStream {
  std::vector<std::pair<StreamId, Node>> nodes;
  StreamId last_id;
  StreamId max_deleted_id;
  uint64_t entries_added = 0;
  Stream::Groups groups;
};

}  // namespace rill::stream
