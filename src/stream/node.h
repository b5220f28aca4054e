// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// stream/node.h: one compact node of a stream: a run of consecutive entries in one block.
//
// A node is one malloc'd byte block. It starts with the master fields (the field names of
// the node's first entry); each entry then stores its id as a delta from the previous
// entry's id (the master id for the first) and, when its field names equal the master's,
// only its values:
//
//   ┌────────── master fields ──────────┐┌─────────── entry ───────────┐┌── entry ──...
//   [n v] ([len v][name])×n               [flags] [id delta?] [body]
//
//   flags   bit 0     deleted (a tombstone left by XDEL or an exact trim)
//           bit 1     same field names as the master: the body is ([len v][value])×n
//                     otherwise the body is [n v] ([len v][name][len v][value])×n
//           bits 2-3  id, relative to the previous entry's id p:
//                       0  (p.ms, p.seq + 1)                   no bytes
//                       1  (p.ms, p.seq + d)                   [d v]
//                       2  (p.ms + d, s)                       [d v][s v]
//                       3  p itself (the first entry only)     no bytes
//   v = unsigned LEB128 varint (core/coding.h)
//
// With ids from "*" most entries use code 0, so an entry of one 16-byte value costs 18
// bytes (Redis's listpack entry: about 31). Entries are only appended, so a cursor decodes
// forward; reverse iteration decodes a node forward once and walks the positions back.
// A node holds at most stream-node-max-entries entries (tombstones count, as in Redis) and
// about stream-node-max-bytes bytes; the stream starts a new node when either would be
// exceeded.
//
// Clone() is cheap: clones share the byte block (a non-atomic reference count at its
// start, so nodes and their clones must stay on one shard) until one of them changes it,
// which first copies it (Append, MarkDeleted). COPY and a snapshot's saved nodes
// (FrozenStream) use it.
//
// Decoding is bounds-checked everywhere (Cursor reports corrupt input instead of reading
// past the block), because nodes will also come from snapshot files. FromBytes() checks a
// whole block.
// Threading: plain data, owned by its Stream.
#pragma once

#include <absl/container/inlined_vector.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "stream/stream_id.h"

namespace rill::stream {

class Node {
 public:
  // A node whose master fields are the names in fv (field, value, field, value...).
  // REQUIRES: fv has an even, non-zero size.
  Node(StreamId first_id, std::span<const std::string_view> fv);
  ~Node();
  Node(Node&& other) noexcept;
  Node& operator=(Node&& other) noexcept;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // A node sharing this one's bytes until either changes.
  Node Clone() const;
  // Whether a clone shares the bytes.
  bool shared() const;
  // Starts fetching the block's first cache line (Clone() is about to touch it).
  void Prefetch() const { __builtin_prefetch(buf_ - 8, 1); }

  // A node decoded from an encoded block (as bytes() returns it); checks every entry.
  static Result<Node> FromBytes(StreamId master_id, std::string_view bytes);

  StreamId master_id() const { return master_; }
  StreamId last_id() const { return last_; }   // of the last entry, deleted or not
  uint32_t entries() const { return count_; }  // including tombstones
  uint32_t deleted() const { return deleted_; }
  uint32_t live() const { return count_ - deleted_; }
  size_t size() const { return size_; }      // encoded bytes
  size_t allocated() const { return cap_; }  // of the block, shared or not
  std::string_view bytes() const { return {buf_, size_}; }

  // Bytes that Append(id, fv) would add.
  size_t EncodedSize(StreamId id, std::span<const std::string_view> fv) const;
  // REQUIRES: id > last_id(); fv even and non-empty.
  void Append(StreamId id, std::span<const std::string_view> fv);
  // Marks the entry whose flags byte is at offset deleted. Returns false if it already was.
  bool MarkDeleted(uint32_t offset);
  // Gives back unused capacity (the stream calls it when the node stops being the tail).
  void ShrinkToFit();

  // One decoded entry; the views borrow the node and die with any change to it.
  struct Entry {
    StreamId id;
    uint32_t offset = 0;  // of the flags byte, for MarkDeleted()
    bool deleted = false;
    std::vector<std::string_view> fv;  // field, value, field, value...
  };

  // Forward decoder. Next() fills e and returns true, or returns false at the end or on
  // corrupt bytes (then corrupt() is true). Entries come with tombstones; callers skip.
  class Cursor {
   public:
    explicit Cursor(const Node& node);
    bool Next(Entry* e);
    bool corrupt() const { return corrupt_; }

   private:
    bool Fail();
    const char* base_;
    const char* p_;
    const char* end_;
    StreamId prev_;
    bool first_ = true;
    bool corrupt_ = false;
    absl::InlinedVector<std::string_view, 4> master_;  // field names, views into the node
  };

 private:
  Node() = default;
  // Makes the block hold at least need bytes and belong to this node alone.
  void Reserve(size_t need);
  void Release();
  // EncodedSize() once it is known whether fv's names are the master's.
  size_t EncodedSize(StreamId id, std::span<const std::string_view> fv, bool same) const;
  char* AppendBody(char* p, std::span<const std::string_view> fv, bool same) const;
  bool SameFieldsAsMaster(std::span<const std::string_view> fv) const;

  char* buf_ = nullptr;
  uint32_t size_ = 0;
  uint32_t cap_ = 0;
  uint32_t count_ = 0;
  uint32_t deleted_ = 0;
  uint32_t master_bytes_ = 0;  // length of the master fields block at the start
  StreamId master_;
  StreamId last_;
};

}  // namespace rill::stream
