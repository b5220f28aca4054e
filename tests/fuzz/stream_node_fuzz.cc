// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/fuzz/stream_node_fuzz.cc: libFuzzer target for stream::Node::FromBytes and
// Node::Cursor, the decoder that will read node blocks back from snapshot files.
//
// Any bytes may be offered. FromBytes must either refuse them with an error or return a
// node on which every reader agrees. For a node it accepts, this target checks:
//
//  * the node is the input: bytes() equals the block, master_id() the given id;
//  * a Cursor walks it to the end without reporting corruption; the first id is the
//    master id and ids strictly increase; entry offsets increase and stay inside the
//    block; every entry has a non-empty, even field/value list whose views point into the
//    block (so a view can never outlive the node's bytes);
//  * the counts agree: entries() is the number the Cursor yields, deleted() the number of
//    tombstones among them, live() + deleted() == entries(), last_id() the last id;
//  * decoding is stable: FromBytes of the node's own bytes gives the same entries;
//  * re-encoding round-trips: a new Node built with the constructor and Append() from the
//    decoded entries (with MarkDeleted() for the tombstones) yields the same entries and
//    counts, grows by exactly EncodedSize() per Append, and its bytes decode again with
//    FromBytes to the same entries. The bytes themselves may differ (the input may use
//    other master fields or non-minimal varints), so content is compared, not bytes;
//  * MarkDeleted() on every entry of a copy returns true exactly for the live ones and
//    leaves ids and fields untouched.
//
// The DCHECKs inside node.cc stay on (fuzz builds are Debug), so an accepted block that
// breaks Append()'s REQUIRES (ids out of order) is reported too.
//
// Input layout (so mutations reach the id arithmetic near UINT64_MAX, not just the bytes):
//
//   bytes 0-7:   master id ms, little-endian
//   bytes 8-15:  master id seq, little-endian
//   rest:        the node block handed to FromBytes
//
// Seeds in corpus/stream_node_fuzz/ are valid blocks written by Node::Append, in this layout.
// Threading: libFuzzer calls the entry point from one thread.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stream/node.h"
#include "stream/stream_id.h"
#include "tests/fuzz/fuzz_check.h"

namespace rill::stream {
namespace {

constexpr size_t kHeaderBytes = 16;  // the master id in front of the block

// A decoded entry that owns its strings, so entries of different nodes can be compared.
struct OwnedEntry {
  StreamId id;
  bool deleted = false;
  std::vector<std::string> fv;
  friend bool operator==(const OwnedEntry&, const OwnedEntry&) = default;
};

uint64_t LoadLittleEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) {
    v = (v << 8) | p[i];
  }
  return v;
}

bool InsideBlock(std::string_view block, std::string_view s) {
  const auto begin = reinterpret_cast<uintptr_t>(block.data());
  const auto data = reinterpret_cast<uintptr_t>(s.data());
  return data >= begin && data + s.size() <= begin + block.size();
}

// Checks one entry the Cursor produced, given the one before it (nullptr for the first).
void CheckEntry(const Node& node, const Node::Entry& e, const Node::Entry* prev) {
  if (prev == nullptr) {
    RILL_FUZZ_CHECK(e.id == node.master_id());
  } else {
    RILL_FUZZ_CHECK(e.id > prev->id);
    RILL_FUZZ_CHECK(e.offset > prev->offset);
  }
  RILL_FUZZ_CHECK(e.offset < node.size());
  RILL_FUZZ_CHECK(!e.fv.empty() && e.fv.size() % 2 == 0);
  for (const std::string_view s : e.fv) {
    RILL_FUZZ_CHECK(InsideBlock(node.bytes(), s));
  }
}

// Walks node with a Cursor to the end, checking every entry and the node's counts.
std::vector<OwnedEntry> WalkAndCheck(const Node& node) {
  std::vector<OwnedEntry> out;
  Node::Cursor c(node);
  Node::Entry e;
  Node::Entry prev;
  uint32_t deleted = 0;
  while (c.Next(&e)) {
    CheckEntry(node, e, out.empty() ? nullptr : &prev);
    out.push_back({e.id, e.deleted, std::vector<std::string>(e.fv.begin(), e.fv.end())});
    deleted += e.deleted ? 1 : 0;
    prev = e;
  }
  RILL_FUZZ_CHECK(!c.corrupt());
  RILL_FUZZ_CHECK(!out.empty());
  RILL_FUZZ_CHECK(node.entries() == out.size());
  RILL_FUZZ_CHECK(node.deleted() == deleted);
  RILL_FUZZ_CHECK(node.live() + node.deleted() == node.entries());
  RILL_FUZZ_CHECK(node.last_id() == out.back().id);
  return out;
}

std::vector<uint32_t> Offsets(const Node& node) {
  std::vector<uint32_t> offsets;
  Node::Cursor c(node);
  Node::Entry e;
  while (c.Next(&e)) {
    offsets.push_back(e.offset);
  }
  RILL_FUZZ_CHECK(!c.corrupt());
  return offsets;
}

// Builds a node with the public write path from decoded entries.
Node Reencode(const std::vector<OwnedEntry>& entries) {
  std::vector<std::string_view> fv(entries[0].fv.begin(), entries[0].fv.end());
  Node node(entries[0].id, fv);
  for (const OwnedEntry& oe : entries) {
    fv.assign(oe.fv.begin(), oe.fv.end());
    const size_t before = node.size();
    const size_t predicted = node.EncodedSize(oe.id, fv);
    node.Append(oe.id, fv);
    RILL_FUZZ_CHECK(node.size() - before == predicted);
  }
  const std::vector<uint32_t> offsets = Offsets(node);
  RILL_FUZZ_CHECK(offsets.size() == entries.size());
  for (size_t i = 0; i < entries.size(); i++) {
    if (entries[i].deleted) {
      RILL_FUZZ_CHECK(node.MarkDeleted(offsets[i]));
    }
  }
  return node;
}

// Tombstones every entry of a copy of node; only the live ones may report a change.
void CheckMarkAllDeleted(const Node& node, const std::vector<OwnedEntry>& entries) {
  Node copy = node.Clone();
  const std::vector<uint32_t> offsets = Offsets(copy);
  RILL_FUZZ_CHECK(offsets.size() == entries.size());
  for (size_t i = 0; i < entries.size(); i++) {
    RILL_FUZZ_CHECK(copy.MarkDeleted(offsets[i]) == !entries[i].deleted);
  }
  RILL_FUZZ_CHECK(copy.live() == 0);
  std::vector<OwnedEntry> after = WalkAndCheck(copy);
  for (size_t i = 0; i < after.size(); i++) {
    RILL_FUZZ_CHECK(after[i].deleted);
    after[i].deleted = entries[i].deleted;
  }
  RILL_FUZZ_CHECK(after == entries);
}

// FromBytes(master, bytes) must succeed and decode to entries.
void CheckDecodesTo(StreamId master, std::string_view bytes,
                    const std::vector<OwnedEntry>& entries) {
  Result<Node> again = Node::FromBytes(master, bytes);
  RILL_FUZZ_CHECK(again.ok());
  RILL_FUZZ_CHECK(again->bytes() == bytes);
  RILL_FUZZ_CHECK(WalkAndCheck(*again) == entries);
}

void CheckNode(StreamId master, std::string_view block) {
  Result<Node> decoded = Node::FromBytes(master, block);
  if (!decoded.ok()) {
    return;
  }
  const Node& node = *decoded;
  RILL_FUZZ_CHECK(node.master_id() == master);
  RILL_FUZZ_CHECK(node.bytes() == block);
  const std::vector<OwnedEntry> entries = WalkAndCheck(node);
  CheckDecodesTo(master, node.bytes(), entries);

  const Node rebuilt = Reencode(entries);
  RILL_FUZZ_CHECK(rebuilt.master_id() == master);
  RILL_FUZZ_CHECK(rebuilt.entries() == node.entries());
  RILL_FUZZ_CHECK(rebuilt.deleted() == node.deleted());
  RILL_FUZZ_CHECK(rebuilt.last_id() == node.last_id());
  RILL_FUZZ_CHECK(WalkAndCheck(rebuilt) == entries);
  CheckDecodesTo(master, rebuilt.bytes(), entries);

  CheckMarkAllDeleted(node, entries);
}

}  // namespace
}  // namespace rill::stream

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using rill::stream::kHeaderBytes;
  if (size < kHeaderBytes) {
    return 0;
  }
  const rill::stream::StreamId master{rill::stream::LoadLittleEndian64(data),
                                      rill::stream::LoadLittleEndian64(data + 8)};
  const std::string_view block(reinterpret_cast<const char*>(data) + kHeaderBytes,
                               size - kHeaderBytes);
  rill::stream::CheckNode(master, block);
  return 0;
}
