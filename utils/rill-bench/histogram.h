// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// utils/rill-bench/histogram.h: a latency histogram with bounded relative error.
//
// Values (nanoseconds) go into log-linear buckets: each power of two is split into
// kSubBuckets equal buckets, so a bucket is at most 1/kSubBuckets (1.6%) of its values wide
// and a percentile read from it is within that of the truth, from 1 ns to 2^63 ns, in a
// fixed 30 KiB. Values below kSubBuckets are exact. Percentiles answer the bucket's upper
// bound (never an optimistic figure); the maximum is kept exactly.
//
// Threading: none; each thread records into its own histogram and Merge() joins them.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace rill::bench {

class Histogram {
 public:
  static constexpr int kSubBits = 6;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBits;

  void Record(uint64_t v) {
    counts_[Index(v)]++;
    count_++;
    max_ = std::max(max_, v);
  }

  void Merge(const Histogram& o) {
    for (size_t i = 0; i < counts_.size(); i++) {
      counts_[i] += o.counts_[i];
    }
    count_ += o.count_;
    max_ = std::max(max_, o.max_);
  }

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }

  // The smallest bucket bound at or below which a fraction q (0 < q <= 1) of the values
  // lie; 0 when empty.
  uint64_t Percentile(double q) const {
    if (count_ == 0) {
      return 0;
    }
    const uint64_t rank =
        std::max<uint64_t>(1, static_cast<uint64_t>(q * static_cast<double>(count_) + 0.5));
    uint64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); i++) {
      seen += counts_[i];
      if (seen >= rank) {
        return std::min(UpperBound(i), max_);
      }
    }
    return max_;
  }

  // Calls f(bound, count) for every bucket that holds values, in increasing order: count
  // values lie in the bucket whose upper bound is bound (the maximum for the last one). The
  // cumulative sums of count give the distribution function at those bounds.
  template <typename F>
  void ForEachBucket(F f) const {
    for (size_t i = 0; i < counts_.size(); i++) {
      if (counts_[i] != 0) {
        f(std::min(UpperBound(i), max_), counts_[i]);
      }
    }
  }

 private:
  // Values below kSubBuckets index themselves; above, a value with its top bit at position
  // b >= kSubBits lands in group b - kSubBits + 1, sub-bucket given by the kSubBits bits
  // below the top one.
  static size_t Index(uint64_t v) {
    if (v < kSubBuckets) {
      return static_cast<size_t>(v);
    }
    const int top = 63 - std::countl_zero(v);
    const int shift = top - kSubBits;
    const uint64_t sub = (v >> shift) & (kSubBuckets - 1);
    return static_cast<size_t>((static_cast<uint64_t>(shift + 1) << kSubBits) + sub);
  }
  static uint64_t UpperBound(size_t i) {
    if (i < kSubBuckets) {
      return i;
    }
    const int shift = static_cast<int>(i >> kSubBits) - 1;
    const uint64_t sub = i & (kSubBuckets - 1);
    const uint64_t low = (kSubBuckets + sub) << shift;
    return low + ((uint64_t{1} << shift) - 1);
  }

  std::array<uint64_t, (64 - kSubBits + 1) * kSubBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace rill::bench
