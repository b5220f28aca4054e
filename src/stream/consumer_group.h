// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// stream/consumer_group.h: a consumer group of a stream: its position, its pending entries
// list (PEL) and its consumers.
//
//   group ── last_id, entries_read
//     ├─ pel:       id ─► PendingEntry { consumer, delivery time, delivery count }
//     └─ consumers: name ─► Consumer { seen/active time, pending: set of ids }
//
// Every id in a consumer's pending set is in the group's PEL with that consumer as owner,
// and every PEL entry is in its owner's set. The methods below keep both sides together;
// nothing else edits them. They also tell a FrozenGroup (a snapshot reading the PEL a slice
// at a time) about each entry before it changes, so it can keep the entry as it was.
//
// entries_read counts the entries the group has read from the stream's first-ever entry;
// it drives lag (Stream::Lag) and is kInvalidEntriesRead when it cannot be known (after
// XGROUP SETID without ENTRIESREAD, or reads across deleted entries), as in Redis 7.
// Threading: owned by its Stream.
#pragma once

#include <absl/container/btree_map.h>
#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_map.h>
#include <absl/functional/function_ref.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stream/stream_id.h"

namespace rill::stream {

constexpr int64_t kInvalidEntriesRead = -1;

struct Consumer {
  std::string name;
  int64_t seen_time_ms = 0;     // last XREADGROUP/XCLAIM/XAUTOCLAIM attempt, Unix ms
  int64_t active_time_ms = -1;  // last delivery or claim that moved entries; -1 = never
  absl::btree_set<StreamId> pending;
};

struct PendingEntry {
  Consumer* consumer = nullptr;
  int64_t delivery_time_ms = 0;  // Unix ms of the last delivery (XCLAIM IDLE/TIME may set it)
  uint64_t delivery_count = 0;   // deliveries; XCLAIM without JUSTID adds one
};

class FrozenGroup;

class ConsumerGroup {
 public:
  using Pel = absl::btree_map<StreamId, PendingEntry>;

  ConsumerGroup(StreamId last_id, int64_t entries_read)
      : last_id_(last_id), entries_read_(entries_read) {}
  ~ConsumerGroup();
  ConsumerGroup(const ConsumerGroup&) = delete;
  ConsumerGroup& operator=(const ConsumerGroup&) = delete;

  StreamId last_id() const { return last_id_; }
  void set_last_id(StreamId id) { last_id_ = id; }
  int64_t entries_read() const { return entries_read_; }
  void set_entries_read(int64_t n) { entries_read_ = n; }

  const Pel& pel() const { return pel_; }
  // For iterators to pass to the methods below; change entries only through those.
  Pel& pel() { return pel_; }
  // By name; the map's order (bytewise) is the order XINFO CONSUMERS lists them in.
  const std::map<std::string, std::unique_ptr<Consumer>, std::less<>>& consumers() const {
    return consumers_;
  }

  Consumer* FindConsumer(std::string_view name);
  // Creates a consumer; nullptr if it exists.
  Consumer* CreateConsumer(std::string_view name, int64_t now_ms);
  // *created (when given) tells whether it had to be created.
  Consumer* FindOrCreateConsumer(std::string_view name, int64_t now_ms, bool* created = nullptr);
  // Deletes a consumer and its pending entries. Returns how many were pending, -1 if absent.
  int64_t DeleteConsumer(std::string_view name);

  // Records a delivery of id to c: a new PEL entry, or an existing one moved to c, either
  // way with delivery count 1 and time now (Redis's rule for XREADGROUP ">").
  void Deliver(StreamId id, Consumer* c, int64_t now_ms);
  // Moves a PEL entry to c (XCLAIM, XAUTOCLAIM). The entry may have no owner yet: XCLAIM
  // FORCE creates the record (InsertPending) just before transferring it.
  void Transfer(Pel::iterator it, Consumer* c);
  // An ownerless record for id, or the existing one (XCLAIM FORCE).
  Pel::iterator InsertPending(StreamId id);
  // The entry at it, to change its delivery time or count in place.
  PendingEntry& Touch(Pel::iterator it);
  // Removes id from the PEL. Returns false if it was not pending.
  bool Ack(StreamId id);
  Pel::iterator Erase(Pel::iterator it);

  // Deep copy; consumers are re-created, not shared.
  std::unique_ptr<ConsumerGroup> Clone() const;
  // The group as it is now, to be read while it goes on changing (a snapshot). It costs a
  // copy of the consumers and nothing per pending entry (see FrozenGroup).
  // REQUIRES: no other FrozenGroup of this group is alive.
  std::unique_ptr<FrozenGroup> Freeze();
  size_t MemoryUsage() const;

 private:
  friend class FrozenGroup;
  // Before the PEL entry of id is added, changed or removed.
  void BeforeChange(StreamId id);

  StreamId last_id_;
  int64_t entries_read_;
  Pel pel_;
  std::map<std::string, std::unique_ptr<Consumer>, std::less<>> consumers_;
  FrozenGroup* frozen_ = nullptr;  // reading this group as it was, if any
};

// A consumer group as it was at one moment (ConsumerGroup::Freeze), its PEL read a slice at a
// time while the live group goes on changing: the PEL counterpart of FrozenStream. Freezing
// copies the position and the consumers (few); the PEL is read from the live group in id
// order, and before the live group first adds, changes or removes an entry the frozen one
// has not read yet, it saves that entry as it was (or that it was absent). A live group
// destroyed first hands over its PEL.
// Threading: the live group's shard only. Ownership: linked until either dies; not movable.
class FrozenGroup {
 public:
  struct FrozenConsumer {
    std::string name;
    int64_t seen_time_ms;
    int64_t active_time_ms;
  };
  struct Pending {
    StreamId id;
    uint32_t consumer;  // index in consumers()
    int64_t delivery_time_ms;
    uint64_t delivery_count;
  };

  ~FrozenGroup();
  FrozenGroup(const FrozenGroup&) = delete;
  FrozenGroup& operator=(const FrozenGroup&) = delete;

  StreamId last_id() const { return last_id_; }
  int64_t entries_read() const { return entries_read_; }
  const std::vector<FrozenConsumer>& consumers() const { return consumers_; }  // name order
  uint64_t pel_size() const { return pel_size_; }
  // Calls fn for the pending entries not read yet, in id order, until fn returns false (it
  // wants to stop after that one), or after kMaxSkips entries added since the freeze were
  // skipped in a row. Returns true once every entry was read.
  bool ReadPel(absl::FunctionRef<bool(const Pending&)> fn);
  static constexpr int kMaxSkips = 4096;

 private:
  friend class ConsumerGroup;
  explicit FrozenGroup(ConsumerGroup* live);
  // Whether the entry of id may be one to read: ids above the last pending at the freeze
  // cannot be (deliveries since: nothing to save).
  bool Wants(StreamId id) const {
    return last_.has_value() && id <= *last_ && (!read_.has_value() || id > *read_) &&
           !saved_.contains(id);
  }
  Pending PendingOf(StreamId id, const PendingEntry& pe) const;

  ConsumerGroup* live_;
  ConsumerGroup::Pel orphan_;  // the live group's PEL, once it was destroyed
  // Entries not read yet as they were before they changed; nullopt: absent then.
  absl::btree_map<StreamId, std::optional<Pending>> saved_;
  // The consumers' index by address (an address is only looked up, never followed: an
  // entry not changed since the freeze still belongs to a consumer of then).
  absl::flat_hash_map<const Consumer*, uint32_t> index_;
  std::optional<StreamId> read_;
  std::optional<StreamId> last_;  // the last id pending at the freeze
  StreamId last_id_;
  int64_t entries_read_;
  uint64_t pel_size_;
  std::vector<FrozenConsumer> consumers_;
};

}  // namespace rill::stream
