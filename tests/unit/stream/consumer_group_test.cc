// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/consumer_group.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace rill::stream {
namespace {

// Both sides of the PEL agree: every entry is in its owner's set and nowhere else.
void ExpectConsistent(const ConsumerGroup& g) {
  size_t owned = 0;
  for (const auto& [name, c] : g.consumers()) {
    for (const StreamId id : c->pending) {
      auto it = g.pel().find(id);
      ASSERT_NE(it, g.pel().end());
      EXPECT_EQ(it->second.consumer, c.get());
    }
    owned += c->pending.size();
  }
  EXPECT_EQ(owned, g.pel().size());
}

TEST(ConsumerGroupTest, DeliverAckAndTransferKeepBothSidesInStep) {
  ConsumerGroup g(StreamId::Min(), 0);
  Consumer* a = g.CreateConsumer("a", 10);
  Consumer* b = g.FindOrCreateConsumer("b", 10);
  EXPECT_EQ(g.CreateConsumer("a", 10), nullptr);
  g.Deliver({1, 0}, a, 100);
  g.Deliver({2, 0}, a, 100);
  g.Deliver({2, 0}, b, 200);  // re-delivered to another consumer: moves, count back to 1
  EXPECT_EQ(g.pel().at({2, 0}).consumer, b);
  EXPECT_EQ(g.pel().at({2, 0}).delivery_count, 1u);
  EXPECT_EQ(a->pending.size(), 1u);
  g.Transfer(g.pel().find({1, 0}), b);
  EXPECT_TRUE(a->pending.empty());
  EXPECT_TRUE(g.Ack({1, 0}));
  EXPECT_FALSE(g.Ack({1, 0}));
  ExpectConsistent(g);
  auto forced = g.pel().try_emplace({9, 0}).first;  // XCLAIM FORCE: a record with no owner
  g.Transfer(forced, a);
  EXPECT_EQ(a->pending.count({9, 0}), 1u);
  EXPECT_TRUE(g.Ack({9, 0}));
  EXPECT_EQ(g.DeleteConsumer("b"), 1);
  EXPECT_EQ(g.DeleteConsumer("b"), -1);
  EXPECT_TRUE(g.pel().empty());
}

TEST(ConsumerGroupTest, RandomOperationsMatchAModel) {
  std::mt19937_64 rng(42);
  ConsumerGroup g(StreamId::Min(), 0);
  std::map<StreamId, std::string> model;  // id -> owner
  const char* names[] = {"a", "b", "c", "d"};
  for (int step = 0; step < 5000; step++) {
    const StreamId id{rng() % 200, 0};
    const std::string name = names[rng() % 4];
    switch (rng() % 4) {
      case 0:
      case 1:
        g.Deliver(id, g.FindOrCreateConsumer(name, 0), step);
        model[id] = name;
        break;
      case 2:
        EXPECT_EQ(g.Ack(id), model.erase(id) == 1);
        break;
      default:
        if (rng() % 20 == 0) {
          int64_t expect = -1;
          if (g.FindConsumer(name) != nullptr) {
            expect = 0;
            for (auto it = model.begin(); it != model.end();) {
              if (it->second == name) {
                expect++;
                it = model.erase(it);
              } else {
                ++it;
              }
            }
          }
          EXPECT_EQ(g.DeleteConsumer(name), expect);
        }
        break;
    }
  }
  ASSERT_EQ(g.pel().size(), model.size());
  for (const auto& [id, owner] : model) {
    EXPECT_EQ(g.pel().at(id).consumer->name, owner);
  }
  ExpectConsistent(g);
  auto copy = g.Clone();
  ExpectConsistent(*copy);
  EXPECT_EQ(copy->pel().size(), g.pel().size());
}

// The PEL as a FrozenGroup reports it: id, consumer name, time, count.
using PelState = std::vector<std::tuple<StreamId, std::string, int64_t, uint64_t>>;

PelState Snapshot(const ConsumerGroup& g) {
  PelState out;
  for (const auto& [id, pe] : g.pel()) {
    out.emplace_back(id, pe.consumer->name, pe.delivery_time_ms, pe.delivery_count);
  }
  return out;
}

// A frozen group reads the PEL exactly as it was at Freeze(), whatever the live group does
// between its reads: deliveries (new ids, ids read already, ids not read yet), claims,
// count changes, acks, consumer deletion, FORCE records, and the group's destruction.
TEST(ConsumerGroupTest, FrozenGroupReadsThePelAsItWasWhateverChangesBetweenReads) {
  for (uint64_t seed = 1; seed <= 30; seed++) {
    std::mt19937_64 rng(seed);
    auto g = std::make_unique<ConsumerGroup>(StreamId{500, 0}, 7);
    const std::vector<std::string> names = {"alice", "bob", "carol"};
    for (int i = 0; i < 300; i++) {
      Consumer* c = g->FindOrCreateConsumer(names[rng() % 3], 1);
      g->Deliver({rng() % 400, 0}, c, static_cast<int64_t>(i));
    }
    const PelState before = Snapshot(*g);
    std::unique_ptr<FrozenGroup> f = g->Freeze();
    ASSERT_EQ(f->pel_size(), before.size());
    PelState read;
    bool done = false;
    while (!done) {
      if (g != nullptr) {
        const StreamId id{rng() % 420, 0};
        switch (rng() % 7) {
          case 0:
            g->Deliver(id, g->FindOrCreateConsumer(rng() % 2 ? "dave" : "alice", 2), 9999);
            break;
          case 1:
            g->Ack(id);
            break;
          case 2:
            if (auto it = g->pel().find(id); it != g->pel().end()) {
              g->Transfer(it, g->FindOrCreateConsumer("erin", 3));
              g->Touch(it).delivery_count += 5;
            }
            break;
          case 3:
            if (auto it = g->pel().find(id); it != g->pel().end()) {
              g->Touch(it).delivery_time_ms = -1;
            } else {
              g->Transfer(g->InsertPending(id), g->FindOrCreateConsumer("bob", 4));
            }
            break;
          case 4:
            if (rng() % 8 == 0) {
              g->DeleteConsumer(names[rng() % 3]);
            }
            break;
          case 5:
            if (rng() % 20 == 0) {
              g.reset();  // XGROUP DESTROY while the snapshot reads it
            }
            break;
          default:
            break;
        }
      }
      size_t budget = 1 + rng() % 9;
      done = f->ReadPel([&](const FrozenGroup::Pending& p) {
        read.emplace_back(p.id, f->consumers()[p.consumer].name, p.delivery_time_ms,
                          p.delivery_count);
        return --budget > 0;
      });
    }
    ASSERT_EQ(read, before) << "seed " << seed;
    EXPECT_EQ(f->last_id(), (StreamId{500, 0}));
    EXPECT_EQ(f->entries_read(), 7);
    if (g != nullptr) {
      ExpectConsistent(*g);
    }
  }
}

// Records added since the freeze are skipped, a bounded number per call, so one call
// never walks an unbounded run of them (XCLAIM FORCE of many ids between two pending ones).
TEST(ConsumerGroupTest, FrozenGroupSkipsRecordsAddedSinceInBoundedSteps) {
  ConsumerGroup g(StreamId{}, 0);
  Consumer* c = g.CreateConsumer("c", 0);
  g.Deliver({0, 1}, c, 5);
  g.Deliver({0, 20000}, c, 6);
  std::unique_ptr<FrozenGroup> f = g.Freeze();
  for (uint64_t seq = 2; seq < 20000; seq++) {
    g.Transfer(g.InsertPending({0, seq}), c);
  }
  for (uint64_t seq = 20001; seq < 30000; seq++) {
    g.Deliver({0, seq}, c, 7);  // above the last pending at the freeze: nothing saved
  }
  std::vector<StreamId> read;
  int calls = 0;
  bool done = false;
  while (!done && calls < 100) {
    calls++;
    done = f->ReadPel([&](const FrozenGroup::Pending& p) {
      read.push_back(p.id);
      return true;
    });
  }
  EXPECT_EQ(read, (std::vector<StreamId>{{0, 1}, {0, 20000}}));
  EXPECT_GE(calls, 1 + 19998 / FrozenGroup::kMaxSkips);
  ExpectConsistent(g);
}

}  // namespace
}  // namespace rill::stream
