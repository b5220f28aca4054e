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

// Polling stops while other threads want the CPU (the thread was preempted often in the
// last window) and starts again once a window passes without that.
TEST(ContentionTest, APreemptedWindowStopsPollingForTheNext) {
  constexpr int64_t kWindow = 100;
  Contention c;
  ASSERT_TRUE(c.Due(0));
  c.Update(0, kWindow, 7);
  EXPECT_FALSE(c.contended()) << "the first window has nothing to compare with";
  EXPECT_FALSE(c.Due(kWindow - 1));
  ASSERT_TRUE(c.Due(kWindow));
  c.Update(kWindow, kWindow, 7 + Contention::kMaxPreemptions + 1);
  EXPECT_TRUE(c.contended());
  EXPECT_FALSE(c.Due(2 * kWindow - 1));
  EXPECT_TRUE(c.contended()) << "until the window ends";
  ASSERT_TRUE(c.Due(2 * kWindow));
  c.Update(2 * kWindow, kWindow, 7 + Contention::kMaxPreemptions + 1);
  EXPECT_FALSE(c.contended());
  // The machine's own background, a preemption now and then, does not count.
  c.Update(3 * kWindow, kWindow, 7 + 2 * Contention::kMaxPreemptions + 1);
  EXPECT_FALSE(c.contended());
}

}  // namespace
}  // namespace rill::shard
