// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "utils/rill-bench/histogram.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace rill::bench {
namespace {

TEST(HistogramTest, EmptyAnswersZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(0.5), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(HistogramTest, SmallValuesAreExact) {
  Histogram h;
  for (uint64_t v = 1; v <= 50; v++) {
    h.Record(v);
  }
  EXPECT_EQ(h.Percentile(0.5), 25u);
  EXPECT_EQ(h.Percentile(0.9), 45u);
  EXPECT_EQ(h.Percentile(1.0), 50u);
  EXPECT_EQ(h.max(), 50u);
}

// A percentile is never below the true value and at most one bucket (1/64) above it.
TEST(HistogramTest, LargeValuesAreWithinTheResolution) {
  for (const uint64_t v : {uint64_t{65}, uint64_t{1000}, uint64_t{123456789}, uint64_t{1} << 40,
                           (uint64_t{1} << 62) + 12345}) {
    Histogram h;
    h.Record(1);
    h.Record(v);
    EXPECT_EQ(h.Percentile(1.0), v) << "the maximum is kept exactly";
    Histogram many;
    for (int i = 0; i < 10; i++) {
      many.Record(v);
    }
    many.Record(v + v / 2);
    const uint64_t p50 = many.Percentile(0.5);
    EXPECT_GE(p50, v);
    EXPECT_LE(p50 - v, v / Histogram::kSubBuckets) << v;
  }
}

TEST(HistogramTest, TheLargestValueFits) {
  Histogram h;
  h.Record(UINT64_MAX);
  h.Record(0);
  EXPECT_EQ(h.max(), UINT64_MAX);
  EXPECT_EQ(h.Percentile(1.0), UINT64_MAX);
  EXPECT_EQ(h.Percentile(0.5), 0u);
}

TEST(HistogramTest, MergeAddsCountsAndKeepsTheMaximum) {
  Histogram a;
  Histogram b;
  for (int i = 0; i < 99; i++) {
    a.Record(10);
  }
  b.Record(5000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_EQ(a.max(), 5000u);
  EXPECT_EQ(a.Percentile(0.99), 10u);
  EXPECT_GE(a.Percentile(1.0), 5000u);
}

TEST(HistogramTest, ForEachBucketListsTheDistributionInOrder) {
  Histogram h;
  for (int i = 0; i < 3; i++) {
    h.Record(7);
  }
  h.Record(1000);
  h.Record(1001);
  h.Record(900000);
  std::vector<std::pair<uint64_t, uint64_t>> seen;
  h.ForEachBucket([&](uint64_t bound, uint64_t count) { seen.emplace_back(bound, count); });
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_pair(uint64_t{7}, uint64_t{3}));
  EXPECT_GE(seen[1].first, 1001u);
  EXPECT_LE(seen[1].first - 1001, 1001 / Histogram::kSubBuckets);
  EXPECT_EQ(seen[1].second, 2u);
  EXPECT_EQ(seen[2], std::make_pair(uint64_t{900000}, uint64_t{1})) << "capped at the maximum";
}

}  // namespace
}  // namespace rill::bench
