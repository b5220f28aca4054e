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
#include <absl/functional/function_ref.h>

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

class FrozenStream;

class Stream {
 public:
  using Index = absl::btree_map<StreamId, Node>;
  using Groups = std::map<std::string, std::unique_ptr<ConsumerGroup>, std::less<>>;

  Stream() = default;
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  // A copy sharing the nodes' bytes (COPY): it costs the index, a pointer per node.
  std::unique_ptr<Stream> Clone() const;
  // The stream as it is now, to be read while it goes on changing (a snapshot). It costs
  // a copy of the groups' consumers, and nothing per node or pending entry (FrozenStream).
  // REQUIRES: no other FrozenStream of this stream, nor FrozenGroup of its groups, is
  // alive (after an XSETID unlinked the stream, its groups may still be linked).
  std::unique_ptr<FrozenStream> Freeze();

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

  // XSETID. REQUIRES: the caller checked Redis's preconditions. It may lower last_id()
  // (below a deleted tail): a FrozenStream, which tells old nodes from new by that id, then
  // takes its unread nodes at once (a clone of each) and lets go.
  void SetLastId(StreamId id);
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
  friend class FrozenStream;
  void RefreshFirstId();
  Index::iterator NodeFor(StreamId id);
  // Before node n changes in place, or is removed from the index: a FrozenStream that has
  // yet to read it gets its state as it is now (a clone, or the node itself).
  void BeforeChange(const Node& n);
  void BeforeRemove(Node& n);
  // Hands the FrozenStream every node it has yet to read, and unlinks it.
  void HandOverAll();

  Index index_;
  uint64_t length_ = 0;
  StreamId last_id_;
  StreamId first_id_;
  StreamId max_deleted_id_;
  uint64_t entries_added_ = 0;
  Groups groups_;
  FrozenStream* frozen_ = nullptr;  // reading this stream as it was, if any
};

// A stream as it was at one moment (Stream::Freeze), read a node at a time while the live
// stream goes on changing: how a snapshot writes a 10-million-entry stream without stopping
// the shard. Freezing does nothing per node (nor per pending entry: its groups are frozen
// the same way, see FrozenGroup). The frozen stream reads the live stream's
// nodes lazily, in order, and before the live stream first changes or removes a node the
// frozen one has not read yet, it hands over that node's state (a clone sharing its bytes,
// or the node itself when it goes):
//
//   live index   n1 n2 │ n3 n4 ... nk │ nk+1 ...   nodes above last_id() came later: skipped
//                read ─┘      ▲
//   saved               n3' ──┘ n3 as it was: read instead of the live n3
//
// A live stream that is destroyed first hands over its whole index. What the frozen stream
// holds that the live one no longer does (nodes it was handed, the old blocks of nodes
// changed since) is added to an account, if one is set: a snapshot leaves it out of the
// maxmemory check, as it does the values it keeps aside.
// Threading: the live stream's shard only. Ownership: the two are linked until either
// dies; a FrozenStream stays where it was created (it is not movable).
class FrozenStream {
 public:
  ~FrozenStream();
  FrozenStream(const FrozenStream&) = delete;
  FrozenStream& operator=(const FrozenStream&) = delete;

  // Calls fn(node) for the nodes not read yet, in order, until fn returns false (it wants
  // to stop after that node). Returns true once every node was read. The node dies when fn
  // returns. fn must not change the stream.
  bool Read(absl::FunctionRef<bool(const Node&)> fn);

  StreamId last_id() const { return last_id_; }
  StreamId max_deleted_id() const { return max_deleted_id_; }
  uint64_t entries_added() const { return entries_added_; }
  using Groups = std::vector<std::pair<std::string, std::unique_ptr<FrozenGroup>>>;
  const Groups& groups() const { return groups_; }  // in name order

  // Keeps *account up to date with the bytes held() (until this dies). REQUIRES: account
  // outlives this.
  void set_account(uint64_t* account);
  uint64_t held() const { return held_; }

 private:
  friend class Stream;
  explicit FrozenStream(Stream* live);
  // Counts the bytes of a node's block taken (into saved_ or orphan_) or let go.
  void Hold(const Node& n);
  void Release(const Node& n);
  // Whether the node whose master id is m is one this stream has yet to read.
  bool Wants(StreamId m) const {
    return (!read_.has_value() || m > *read_) && m <= last_id_ && !saved_.contains(m);
  }

  Stream* live_;
  Stream::Index orphan_;  // the live stream's unread nodes, once it was destroyed
  Stream::Index saved_;   // nodes not read yet, as they were before they changed
  uint64_t held_ = 0;     // bytes of the blocks in saved_ and orphan_
  uint64_t* account_ = nullptr;
  std::optional<StreamId> read_;  // the master id of the last node read
  StreamId last_id_;
  StreamId max_deleted_id_;
  uint64_t entries_added_;
  Groups groups_;
};

}  // namespace rill::stream
