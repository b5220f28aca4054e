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
// nothing else edits them.
//
// entries_read counts the entries the group has read from the stream's first-ever entry;
// it drives lag (Stream::Lag) and is kInvalidEntriesRead when it cannot be known (after
// XGROUP SETID without ENTRIESREAD, or reads across deleted entries), as in Redis 7.
// Threading: owned by its Stream.
#pragma once

#include <absl/container/btree_map.h>
#include <absl/container/btree_set.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

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

class ConsumerGroup {
 public:
  using Pel = absl::btree_map<StreamId, PendingEntry>;

  ConsumerGroup(StreamId last_id, int64_t entries_read)
      : last_id_(last_id), entries_read_(entries_read) {}

  StreamId last_id() const { return last_id_; }
  void set_last_id(StreamId id) { last_id_ = id; }
  int64_t entries_read() const { return entries_read_; }
  void set_entries_read(int64_t n) { entries_read_ = n; }

  const Pel& pel() const { return pel_; }
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
  // FORCE creates the record (consumer nullptr) just before transferring it.
  void Transfer(Pel::iterator it, Consumer* c);
  // Removes id from the PEL. Returns false if it was not pending.
  bool Ack(StreamId id);
  Pel::iterator Erase(Pel::iterator it);

  // Deep copy; consumers are re-created, not shared.
  std::unique_ptr<ConsumerGroup> Clone() const;
  size_t MemoryUsage() const;

 private:
  StreamId last_id_;
  int64_t entries_read_;
  Pel pel_;
  std::map<std::string, std::unique_ptr<Consumer>, std::less<>> consumers_;
};

}  // namespace rill::stream
