// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/consumer_group.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

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

}  // namespace
}  // namespace rill::stream
