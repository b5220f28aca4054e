// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/clock.h"

#include <gtest/gtest.h>

namespace rill {
namespace {

TEST(ClockTest, CachedClockMovesOnlyOnRefresh) {
  ManualClock source(1000);
  CachedClock cached(&source);
  source.AdvanceMs(5);
  EXPECT_EQ(cached.NowMs(), 1000);
  cached.Refresh();
  EXPECT_EQ(cached.NowMs(), 1005);
}

TEST(ClockTest, TicksMeasureElapsedTime) {
  const int64_t t0 = MonotonicUs();
  const int64_t k0 = TickCount();
  while (MonotonicUs() - t0 < 20000) {
  }
  const int64_t us = TicksToUs(TickCount() - k0);
  EXPECT_GE(us, 19000);
  EXPECT_LT(us, 200000);  // generous: the machine may be busy
}

}  // namespace
}  // namespace rill
