// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/node.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace rill::stream {
namespace {

std::vector<Node::Entry> DecodeAll(const Node& n) {
  std::vector<Node::Entry> out;
  Node::Cursor c(n);
  Node::Entry e;
  while (c.Next(&e)) {
    out.push_back(e);
  }
  EXPECT_FALSE(c.corrupt());
  return out;
}

TEST(NodeTest, EntryWithMasterFieldsCostsFlagsLengthAndValue) {
  const std::vector<std::string_view> fv = {"f", "0123456789abcdef"};
  Node n({100, 0}, fv);
  n.Append({100, 0}, fv);
  const size_t after_first = n.size();
  n.Append({100, 1}, fv);
  EXPECT_EQ(n.size() - after_first, 18u);  // flags + length + 16 bytes
  n.Append({101, 0}, fv);                  // a new millisecond: ms delta and seq
  EXPECT_EQ(n.size() - after_first, 18u + 20u);
}

TEST(NodeTest, DecodesIdsFieldsAndTombstones) {
  Node n({5, 0}, std::vector<std::string_view>{"a", "1", "b", "2"});
  n.Append({5, 0}, std::vector<std::string_view>{"a", "1", "b", "2"});
  n.Append({5, 9}, std::vector<std::string_view>{"x", "y"});
  n.Append({7, 2}, std::vector<std::string_view>{"a", "3", "b", "4"});
  auto all = DecodeAll(n);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].id, (StreamId{5, 9}));
  EXPECT_EQ(all[1].fv, (std::vector<std::string_view>{"x", "y"}));
  EXPECT_EQ(all[2].id, (StreamId{7, 2}));
  EXPECT_EQ(all[2].fv, (std::vector<std::string_view>{"a", "3", "b", "4"}));
  EXPECT_TRUE(n.MarkDeleted(all[1].offset));
  EXPECT_FALSE(n.MarkDeleted(all[1].offset));
  EXPECT_EQ(n.live(), 2u);
  EXPECT_TRUE(DecodeAll(n)[1].deleted);
}

TEST(NodeTest, RoundTripsThroughBytesAndRejectsEveryTruncation) {
  std::mt19937_64 rng(7);
  std::vector<std::string_view> fv = {"field", "value"};
  Node n({1, 1}, fv);
  StreamId id{1, 1};
  for (int i = 0; i < 50; i++) {
    n.Append(id, fv);
    id = rng() % 3 == 0 ? StreamId{id.ms + 1 + rng() % 1000, rng() % 5}
                        : StreamId{id.ms, id.seq + 1};
  }
  auto copy = Node::FromBytes(n.master_id(), n.bytes());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->entries(), n.entries());
  EXPECT_EQ(copy->last_id(), n.last_id());
  const std::string bytes(n.bytes());
  for (size_t len = 0; len < bytes.size(); len++) {
    auto cut = Node::FromBytes(n.master_id(), std::string_view(bytes).substr(0, len));
    // A cut exactly at an entry boundary is a valid shorter node; anything else is corrupt.
    if (cut.ok()) {
      EXPECT_LT(cut->entries(), n.entries());
    }
  }
}

TEST(NodeTest, RejectsGarbage) {
  EXPECT_FALSE(Node::FromBytes({1, 0}, "").ok());
  EXPECT_FALSE(Node::FromBytes({1, 0}, std::string("\x01\x01"
                                                   "f"
                                                   "\xff",
                                                   4))
                   .ok());
  EXPECT_FALSE(Node::FromBytes({1, 0}, std::string("\x01\x01"
                                                   "f"
                                                   "\x02\x01v",
                                                   6))
                   .ok());
}

TEST(NodeTest, CloneIsIndependent) {
  std::vector<std::string_view> fv = {"f", "v"};
  Node n({1, 0}, fv);
  n.Append({1, 0}, fv);
  n.Append({1, 1}, fv);
  Node c = n.Clone();
  EXPECT_TRUE(n.MarkDeleted(DecodeAll(n)[0].offset));
  EXPECT_EQ(c.deleted(), 0u);
  EXPECT_FALSE(DecodeAll(c)[0].deleted);
}

TEST(NodeTest, ClonesShareBytesUntilEitherChanges) {
  std::vector<std::string_view> fv = {"f", "v"};
  auto n = std::make_unique<Node>(StreamId{1, 0}, fv);
  n->Append({1, 0}, fv);
  n->Append({1, 1}, fv);
  Node c = n->Clone();
  EXPECT_TRUE(n->shared());
  EXPECT_EQ(c.bytes().data(), n->bytes().data());  // no copy
  n->Append({1, 2}, fv);                           // copies first
  EXPECT_FALSE(n->shared());
  EXPECT_FALSE(c.shared());
  EXPECT_EQ(c.entries(), 2u);
  EXPECT_EQ(DecodeAll(c).size(), 2u);
  EXPECT_EQ(n->entries(), 3u);

  Node d = c.Clone();
  EXPECT_TRUE(d.MarkDeleted(DecodeAll(d)[1].offset));
  EXPECT_FALSE(DecodeAll(c)[1].deleted);
  Node e = c.Clone();
  n.reset();
  c = Node(StreamId{9, 0}, fv);  // drops c's reference: e alone holds the block now
  EXPECT_FALSE(e.shared());
  EXPECT_EQ(DecodeAll(e).size(), 2u);
  e.Append({1, 5}, fv);  // sole owner: appends in place
  EXPECT_EQ(DecodeAll(e).size(), 3u);
}

}  // namespace
}  // namespace rill::stream
