// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "shard/busy_board.h"

#include <gtest/gtest.h>

namespace rill::shard {
namespace {

constexpr int64_t kCutoff = 1000;

TEST(BusyBoardTest, EveryShardStartsAwakeAndBusy) {
  BusyBoard board(3);
  EXPECT_EQ(board.Busy(5000, kCutoff), 3);
}

// A shard that sleeps between two bursts is still busy: the other shards must not take
// its core for a free one.
TEST(BusyBoardTest, AShortSleepKeepsAShardBusy) {
  BusyBoard board(2);
  board.Asleep(1, 5000);
  EXPECT_EQ(board.Busy(5000, kCutoff), 2);
  EXPECT_EQ(board.Busy(5000 + kCutoff - 1, kCutoff), 2);
}

TEST(BusyBoardTest, ASleepPastTheCutoffFreesTheCore) {
  BusyBoard board(2);
  board.Asleep(1, 5000);
  EXPECT_EQ(board.Busy(5000 + kCutoff, kCutoff), 1);
  board.Awake(1);
  EXPECT_EQ(board.Busy(5000 + kCutoff, kCutoff), 2);
}

// An idle shard that woke for a timer goes back to sleep idle, not busy for another cutoff.
TEST(BusyBoardTest, AnIdleSleepFreesTheCoreAtOnce) {
  BusyBoard board(2);
  board.AsleepIdle(0);
  EXPECT_EQ(board.Busy(5000, kCutoff), 1);
  board.AsleepIdle(1);
  EXPECT_EQ(board.Busy(5000, kCutoff), 0);
}

}  // namespace
}  // namespace rill::shard
