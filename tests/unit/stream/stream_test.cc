// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/stream.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace rill::stream {
namespace {

using Fields = std::vector<std::string>;
using Model = std::map<StreamId, Fields>;

std::vector<std::string_view> Views(const Fields& f) { return {f.begin(), f.end()}; }

StreamId AddAuto(Stream& s, const Fields& f, int64_t now_ms, const NodeLimits& limits = {}) {
  auto id = s.NextId(AddIdSpec{}, now_ms);
  EXPECT_TRUE(id.ok());
  s.Append(*id, Views(f), limits);
  return *id;
}

std::vector<std::pair<StreamId, Fields>> Range(const Stream& s, StreamId a, StreamId b, bool rev,
                                               size_t count = SIZE_MAX) {
  std::vector<std::pair<StreamId, Fields>> out;
  Stream::Iterator it(s, a, b, rev);
  while (out.size() < count && it.Next()) {
    out.emplace_back(it.id(), Fields(it.fv().begin(), it.fv().end()));
  }
  return out;
}

std::vector<std::pair<StreamId, Fields>> ModelRange(const Model& m, StreamId a, StreamId b,
                                                    bool rev, size_t count = SIZE_MAX) {
  std::vector<std::pair<StreamId, Fields>> out;
  if (a > b) {
    return out;
  }
  if (!rev) {
    for (auto it = m.lower_bound(a); it != m.end() && it->first <= b && out.size() < count; ++it) {
      out.emplace_back(*it);
    }
  } else {
    auto it = m.upper_bound(b);
    while (it != m.begin() && out.size() < count) {
      --it;
      if (it->first < a) {
        break;
      }
      out.emplace_back(*it);
    }
  }
  return out;
}

TEST(StreamTest, AutoIdsUseTheClockAndNeverGoBack) {
  Stream s;
  EXPECT_EQ(AddAuto(s, {"f", "v"}, 1000), (StreamId{1000, 0}));
  EXPECT_EQ(AddAuto(s, {"f", "v"}, 1000), (StreamId{1000, 1}));
  EXPECT_EQ(AddAuto(s, {"f", "v"}, 900), (StreamId{1000, 2}));  // the clock stepped back
  EXPECT_EQ(AddAuto(s, {"f", "v"}, 1001), (StreamId{1001, 0}));
}

TEST(StreamTest, XaddIdErrorsMatchRedis) {
  Stream s;
  AddAuto(s, {"f", "v"}, 5);
  auto equal = s.NextId(AddIdSpec{AddIdSpec::Kind::kExplicit, {5, 0}}, 0);
  ASSERT_FALSE(equal.ok());
  EXPECT_EQ(equal.status().message(),
            "ERR The ID specified in XADD is equal or smaller than the target stream top item");
  auto zero = Stream().NextId(AddIdSpec{AddIdSpec::Kind::kExplicit, {0, 0}}, 0);
  EXPECT_EQ(zero.status().message(), "ERR The ID specified in XADD must be greater than 0-0");
  EXPECT_EQ(*s.NextId(AddIdSpec{AddIdSpec::Kind::kAutoSeq, {5, 0}}, 0), (StreamId{5, 1}));
  EXPECT_EQ(*s.NextId(AddIdSpec{AddIdSpec::Kind::kAutoSeq, {6, 0}}, 0), (StreamId{6, 0}));
  EXPECT_FALSE(s.NextId(AddIdSpec{AddIdSpec::Kind::kAutoSeq, {4, 0}}, 0).ok());
  s.SetLastId(StreamId::Max());
  EXPECT_EQ(s.NextId(AddIdSpec{}, 0).status().message(),
            "ERR The stream has exhausted the last possible ID, unable to add more items");
}

TEST(StreamTest, NodesRespectEntryAndByteLimits) {
  Stream s;
  const NodeLimits by_count{0, 10};
  for (int i = 0; i < 95; i++) {
    AddAuto(s, {"f", "v"}, 1, by_count);
  }
  EXPECT_EQ(s.node_count(), 10u);
  Stream b;
  const NodeLimits by_bytes{200, 0};
  for (int i = 0; i < 100; i++) {
    AddAuto(b, {"f", std::string(30, 'x')}, 1, by_bytes);
  }
  for (const auto& [id, node] : b.index()) {
    EXPECT_LE(node.size(), 200u);
  }
  EXPECT_GT(b.node_count(), 10u);
}

TEST(StreamTest, DeletingEveryEntryOfANodeFreesIt) {
  Stream s;
  std::vector<StreamId> ids;
  for (int i = 0; i < 30; i++) {
    ids.push_back(AddAuto(s, {"f", "v"}, 1, {0, 10}));
  }
  ASSERT_EQ(s.node_count(), 3u);
  for (int i = 10; i < 20; i++) {
    EXPECT_TRUE(s.Delete(ids[i]));
  }
  EXPECT_FALSE(s.Delete(ids[10]));
  EXPECT_EQ(s.node_count(), 2u);
  EXPECT_EQ(s.length(), 20u);
  EXPECT_EQ(s.max_deleted_id(), ids[19]);
  EXPECT_TRUE(s.Delete(ids[0]));
  EXPECT_EQ(s.first_id(), ids[1]);
}

TEST(StreamTest, ApproximateTrimRemovesWholeNodesOnly) {
  Stream s;
  for (int i = 0; i < 100; i++) {
    AddAuto(s, {"f", "v"}, 1, {0, 10});
  }
  TrimSpec spec{TrimSpec::Strategy::kMaxLen, 55, {}, true, 0};
  EXPECT_EQ(s.Trim(spec), 40u);  // a fifth node would leave 50 < 55
  EXPECT_EQ(s.length(), 60u);
  spec.approx = false;
  EXPECT_EQ(s.Trim(spec), 5u);
  EXPECT_EQ(s.length(), 55u);
  spec.maxlen = 0;
  spec.approx = true;
  spec.limit = 25;  // the partial node (5 live) and two whole ones fit exactly; a fourth not
  EXPECT_EQ(s.Trim(spec), 25u);
  EXPECT_EQ(s.length(), 30u);
}

TEST(StreamTest, MinIdTrimStopsAtTheId) {
  Stream s;
  std::vector<StreamId> ids;
  for (int i = 0; i < 50; i++) {
    ids.push_back(AddAuto(s, {"f", "v"}, i, {0, 10}));
  }
  EXPECT_EQ(s.Trim(TrimSpec{TrimSpec::Strategy::kMinId, 0, ids[23], false, 0}), 23u);
  EXPECT_EQ(s.first_id(), ids[23]);
  EXPECT_EQ(s.Trim(TrimSpec{TrimSpec::Strategy::kMinId, 0, ids[45], true, 0}), 17u);
  EXPECT_EQ(s.first_id(), ids[40]);
}

// Random appends, deletes, trims and range reads, checked against a std::map after each step.
TEST(StreamTest, MatchesReferenceModelUnderRandomOperations) {
  for (uint64_t seed = 1; seed <= 6; seed++) {
    std::mt19937_64 rng(seed);
    Stream s;
    Model m;
    const NodeLimits limits{static_cast<int64_t>(rng() % 300), static_cast<int64_t>(rng() % 12)};
    int64_t now = 1000;
    for (int step = 0; step < 3000; step++) {
      const int op = static_cast<int>(rng() % 100);
      if (op < 55) {
        Fields f;
        const int nf = 1 + static_cast<int>(rng() % 3);
        for (int i = 0; i < nf; i++) {
          f.push_back(rng() % 4 == 0 ? "g" + std::to_string(i) : "f" + std::to_string(i));
          f.push_back(std::string(rng() % 40, static_cast<char>('a' + rng() % 26)));
        }
        now += static_cast<int64_t>(rng() % 3) - 1;  // the clock may step back
        AddIdSpec spec;
        if (rng() % 4 == 0) {
          spec = {AddIdSpec::Kind::kExplicit, {s.last_id().ms + rng() % 3, rng() % 1000}};
        }
        auto id = s.NextId(spec, now);
        if (!id.ok()) {
          continue;
        }
        s.Append(*id, Views(f), limits);
        m[*id] = f;
      } else if (op < 70 && !m.empty()) {
        auto it = m.begin();
        std::advance(it, static_cast<long>(rng() % m.size()));
        const StreamId id = rng() % 5 == 0 ? StreamId{it->first.ms, it->first.seq + 7} : it->first;
        EXPECT_EQ(s.Delete(id), m.erase(id) == 1);
      } else if (op < 75) {
        TrimSpec spec;
        spec.approx = rng() % 2 == 0;
        spec.limit = spec.approx ? static_cast<int64_t>(rng() % 30) : 0;
        if (rng() % 2 == 0) {
          spec.strategy = TrimSpec::Strategy::kMaxLen;
          spec.maxlen = m.size() - std::min<size_t>(m.size(), rng() % 20);
        } else {
          spec.strategy = TrimSpec::Strategy::kMinId;
          spec.minid = m.empty() ? StreamId{} : std::next(m.begin(), rng() % m.size())->first;
        }
        const uint64_t removed = s.Trim(spec);
        // Trimming removes the oldest entries: exactly `removed` of them.
        ASSERT_LE(removed, m.size());
        for (uint64_t i = 0; i < removed; i++) {
          m.erase(m.begin());
        }
        if (!spec.approx && spec.strategy == TrimSpec::Strategy::kMaxLen) {
          EXPECT_LE(m.size(), spec.maxlen);
        }
      } else {
        const StreamId a{s.last_id().ms - std::min<uint64_t>(s.last_id().ms, rng() % 5),
                         rng() % 50};
        const StreamId b{a.ms + rng() % 5, rng() % 2 == 0 ? UINT64_MAX : rng() % 50};
        const bool rev = rng() % 2 == 0;
        const size_t count = rng() % 3 == 0 ? SIZE_MAX : rng() % 20;
        ASSERT_EQ(Range(s, a, b, rev, count), ModelRange(m, a, b, rev, count)) << "seed " << seed;
      }
      ASSERT_EQ(s.length(), m.size());
      ASSERT_EQ(s.first_id(), m.empty() ? StreamId{} : m.begin()->first);
    }
    EXPECT_EQ(Range(s, StreamId::Min(), StreamId::Max(), false),
              ModelRange(m, StreamId::Min(), StreamId::Max(), false));
    EXPECT_EQ(Range(s, StreamId::Min(), StreamId::Max(), true),
              ModelRange(m, StreamId::Min(), StreamId::Max(), true));
    for (const auto& [id, node] : s.index()) {
      EXPECT_GT(node.live(), 0u);  // empty nodes are freed
    }
    auto copy = s.Clone();
    EXPECT_EQ(Range(*copy, StreamId::Min(), StreamId::Max(), false),
              ModelRange(m, StreamId::Min(), StreamId::Max(), false));
  }
}

// A clone is the stream at the moment it was taken, however the original changes after:
// appends (into a shared tail node), XDEL tombstones, trimming.
TEST(StreamTest, CloneStaysAsItWasWhileTheOriginalChanges) {
  Stream s;
  for (int i = 0; i < 1000; i++) {
    AddAuto(s, {"f", std::to_string(i)}, 1);
  }
  const auto before = Range(s, StreamId::Min(), StreamId::Max(), false);
  const std::unique_ptr<Stream> copy = s.Clone();
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2000; i++) {
    switch (rng() % 3) {
      case 0:
        AddAuto(s, {"f", "new"}, 1);
        break;
      case 1: {
        Stream::Iterator it(s, StreamId::Min(), StreamId::Max(), false);
        for (uint64_t skip = rng() % 50; it.Next() && skip > 0; skip--) {
        }
        s.Delete(it.id());
        break;
      }
      default:
        if (rng() % 50 == 0) {
          TrimSpec t;
          t.strategy = TrimSpec::Strategy::kMaxLen;
          t.maxlen = s.length() / 2;
          s.Trim(t);
        }
    }
  }
  EXPECT_EQ(Range(*copy, StreamId::Min(), StreamId::Max(), false), before);
  EXPECT_EQ(copy->length(), 1000u);
}

// The nodes of s as they are now: master id and bytes.
std::vector<std::pair<StreamId, std::string>> NodeBytes(const Stream& s) {
  std::vector<std::pair<StreamId, std::string>> out;
  for (const auto& [id, node] : s.index()) {
    out.emplace_back(id, node.bytes());
  }
  return out;
}

// A frozen stream reads the nodes exactly as they were at Freeze(), whatever the live
// stream does between its reads: appends into the tail it has not read, XDEL and trims of
// nodes it has or has not read, and the live stream's destruction.
TEST(StreamTest, FrozenStreamReadsTheNodesAsTheyWereWhateverChangesBetweenReads) {
  for (uint64_t seed = 1; seed <= 30; seed++) {
    std::mt19937_64 rng(seed);
    auto s = std::make_unique<Stream>();
    const NodeLimits limits{0, 1 + static_cast<int64_t>(rng() % 8)};
    for (int i = 0; i < 200; i++) {
      AddAuto(*s, {"f", std::to_string(i)}, static_cast<int64_t>(i / 3), limits);
    }
    for (int i = 0; i < 30; i++) {
      s->Delete({rng() % 70, rng() % 3});
    }
    s->CreateGroup("g", StreamId::Min(), 0);
    const auto nodes_before = NodeBytes(*s);
    const StreamId last = s->last_id();
    const uint64_t added = s->entries_added();
    const StreamId max_deleted = s->max_deleted_id();
    std::unique_ptr<FrozenStream> f = s->Freeze();

    std::vector<std::pair<StreamId, std::string>> read;
    bool done = false;
    while (!done) {
      if (s != nullptr) {
        switch (rng() % 6) {
          case 0:
          case 1:
            AddAuto(*s, {"f", "later"}, 1000, limits);
            break;
          case 2:
            s->Delete({rng() % 80, rng() % 3});
            break;
          case 3: {
            TrimSpec t;
            t.strategy = rng() % 2 == 0 ? TrimSpec::Strategy::kMaxLen : TrimSpec::Strategy::kMinId;
            t.maxlen = s->length() - std::min<uint64_t>(s->length(), rng() % 20);
            t.minid = {rng() % 80, rng() % 3};
            t.approx = rng() % 2 == 0;
            s->Trim(t);
            break;
          }
          case 4:
            if (rng() % 10 == 0) {
              s.reset();  // DEL while the snapshot is still reading it
            }
            break;
          default:
            s->DestroyGroup("g");
        }
      }
      size_t budget = 1 + rng() % 5;
      done = f->Read([&](const Node& n) {
        read.emplace_back(n.master_id(), n.bytes());
        return --budget > 0;
      });
    }
    ASSERT_EQ(read, nodes_before) << "seed " << seed;
    EXPECT_EQ(f->last_id(), last);
    EXPECT_EQ(f->entries_added(), added);
    EXPECT_EQ(f->max_deleted_id(), max_deleted);
    EXPECT_EQ(f->groups().size(), 1u);
    EXPECT_TRUE(f->Read([](const Node&) { return true; }));  // nothing more
  }
}

// Freezing costs nothing per node: the live stream's blocks are not shared until it
// changes one the frozen stream has not read, and the frozen stream can die first.
TEST(StreamTest, FreezingSharesNoNodeUntilOneChanges) {
  Stream s;
  for (int i = 0; i < 100; i++) {
    AddAuto(s, {"f", std::to_string(i)}, 1, NodeLimits{0, 10});
  }
  {
    std::unique_ptr<FrozenStream> f = s.Freeze();
    for (const auto& [id, node] : s.index()) {
      EXPECT_FALSE(node.shared());
    }
    AddAuto(s, {"f", "x"}, 1, NodeLimits{0, 10});  // a new node: nothing to hand over
    EXPECT_TRUE(s.Delete(s.first_id()));           // the first node is handed over
    size_t nodes = 0;
    EXPECT_TRUE(f->Read([&](const Node&) {
      nodes++;
      return true;
    }));
    EXPECT_EQ(nodes, 10u);
  }
  EXPECT_TRUE(s.Delete(s.first_id()));  // no frozen stream: nothing kept
  std::unique_ptr<FrozenStream> again = s.Freeze();
  EXPECT_NE(again, nullptr);
}

// XSETID may lower the last id (below a deleted tail); nodes added after that start at or
// below the frozen last id, and must still not be read as if they were there at the freeze.
TEST(StreamTest, FrozenStreamSkipsNodesAddedAfterTheLastIdWasLowered) {
  Stream s;
  const std::vector<std::string_view> fv = {"f", "v"};
  for (uint64_t seq = 1; seq <= 30; seq++) {
    s.Append({5, seq}, fv, NodeLimits{0, 10});
  }
  for (uint64_t seq = 21; seq <= 30; seq++) {
    ASSERT_TRUE(s.Delete({5, seq}));  // the tail node goes
  }
  const auto nodes_before = NodeBytes(s);
  std::unique_ptr<FrozenStream> f = s.Freeze();
  std::vector<std::pair<StreamId, std::string>> read;
  ASSERT_FALSE(f->Read([&](const Node& n) {
    read.emplace_back(n.master_id(), n.bytes());
    return false;  // one node, then the rest later
  }));
  s.SetLastId({5, 20});                      // XSETID down to the last live entry
  s.Append({5, 21}, fv, NodeLimits{0, 10});  // a new node, below the frozen last id 5-30
  ASSERT_TRUE(s.Delete({5, 12}));
  ASSERT_TRUE(f->Read([&](const Node& n) {
    read.emplace_back(n.master_id(), n.bytes());
    return true;
  }));
  EXPECT_EQ(read, nodes_before);
  EXPECT_EQ(f->last_id(), (StreamId{5, 30}));
}

// What a frozen stream holds that the live one let go of is counted in its account, and
// released as it reads it or dies.
TEST(StreamTest, FrozenStreamCountsWhatItHoldsAside) {
  auto s = std::make_unique<Stream>();
  for (int i = 0; i < 100; i++) {
    AddAuto(*s, {"f", std::to_string(i)}, 1, NodeLimits{0, 10});
  }
  uint64_t account = 0;
  std::unique_ptr<FrozenStream> f = s->Freeze();
  f->set_account(&account);
  EXPECT_EQ(account, 0u);  // nothing changed yet: nothing held
  ASSERT_TRUE(s->Delete(s->first_id()));
  const uint64_t one_node = account;
  EXPECT_GT(one_node, 0u);
  int n = 0;
  ASSERT_FALSE(f->Read([&](const Node&) { return ++n < 3; }));
  EXPECT_EQ(account, 0u);  // the saved first node was read and let go
  s.reset();               // DEL: the 7 unread nodes are the frozen stream's now
  EXPECT_GE(account, 7 * one_node / 2);
  EXPECT_EQ(account, f->held());
  const uint64_t seven = account;
  ASSERT_FALSE(f->Read([&](const Node&) { return false; }));
  EXPECT_LT(account, seven);  // read from the handed-over index: let go
  EXPECT_EQ(account, f->held());
  f.reset();
  EXPECT_EQ(account, 0u);
}

// Regression: an exact MINID trim that tombstoned the last live entries of a node whose
// other entries were XDELed left a node of tombstones only (and its snapshot failed to load).
TEST(StreamTest, ExactTrimFreesANodeLeftWithTombstonesOnly) {
  Stream s;
  const std::vector<std::string_view> fv = {"f", "v"};
  for (uint64_t seq = 1; seq <= 3; seq++) {
    s.Append({1, seq}, fv, NodeLimits{});
  }
  ASSERT_TRUE(s.Delete({1, 3}));
  TrimSpec t;
  t.strategy = TrimSpec::Strategy::kMinId;
  t.minid = {1, 3};
  EXPECT_EQ(s.Trim(t), 2u);
  EXPECT_EQ(s.length(), 0u);
  EXPECT_EQ(s.node_count(), 0u);
  for (const auto& [id, node] : s.index()) {
    EXPECT_GT(node.live(), 0u);
  }
}

TEST(StreamTest, LagFollowsRedisArithmetic) {
  Stream s;
  std::vector<StreamId> ids;
  for (int i = 0; i < 5; i++) {
    ids.push_back(AddAuto(s, {"f", "v"}, 1));
  }
  ConsumerGroup* g = s.CreateGroup("g", StreamId::Min(), kInvalidEntriesRead);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(s.CreateGroup("g", StreamId::Min(), 0), nullptr);
  EXPECT_EQ(s.Lag(*g), 5);
  s.MarkRead(*g, ids[0]);
  s.MarkRead(*g, ids[1]);
  EXPECT_EQ(g->entries_read(), 2);
  EXPECT_EQ(s.Lag(*g), 3);
  // A deletion ahead of the group makes the counter unknowable...
  EXPECT_TRUE(s.Delete(ids[3]));
  EXPECT_FALSE(s.Lag(*g).has_value());
  // ...until the group reads past it: at the last id the counter is exact again.
  s.MarkRead(*g, ids[2]);
  s.MarkRead(*g, ids[4]);
  EXPECT_EQ(g->entries_read(), 5);
  EXPECT_EQ(s.Lag(*g), 0);
}

}  // namespace
}  // namespace rill::stream
