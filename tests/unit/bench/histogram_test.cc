// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "utils/rill-bench/histogram.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace rill::bench
