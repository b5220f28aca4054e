// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/clock.h: the time source, injectable so expiry can be tested without sleeping.
//
// Production code uses SystemClock (wall clock in ms/us since the epoch, as Redis's
// expiry and TIME use). Tests use ManualClock and move time by hand.
// Threading: SystemClock is stateless; a ManualClock belongs to one test.
#pragma once

#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace rill {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowUs() const = 0;  // microseconds since the Unix epoch
  int64_t NowMs() const { return NowUs() / 1000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowUs() const override;
  static const SystemClock& Get();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_ms) : now_us_(now_ms * 1000) {}
  int64_t NowUs() const override { return now_us_; }
  void AdvanceMs(int64_t ms) { now_us_ += ms * 1000; }
  void SetMs(int64_t ms) { now_us_ = ms * 1000; }

 private:
  int64_t now_us_;
};

// The time of the last Refresh(), read for free. A shard refreshes it once per batch of
// requests read from a socket and at every timer, the way Redis snapshots the time per
// command: reading the clock per access cost 15% of a pipelined GET's CPU (vDSO
// clock_gettime under virtualisation). All requests of one read batch see one "now".
class CachedClock final : public Clock {
 public:
  // REQUIRES: source outlives the cache.
  explicit CachedClock(const Clock* source) : source_(source), now_us_(source->NowUs()) {}
  void Refresh() { now_us_ = source_->NowUs(); }
  int64_t NowUs() const override { return now_us_; }

 private:
  const Clock* source_;
  int64_t now_us_;
};

// Monotonic microseconds, for measuring durations across calls.
int64_t MonotonicUs();

// A cheap timestamp for timing one command (commandstats, SLOWLOG): the CPU's time-stamp
// counter on x86-64 (invariant on every CPU Rill targets), MonotonicUs elsewhere. Convert a
// difference of two readings with TicksToUs.
inline int64_t TickCount() {
#if defined(__x86_64__)
  return static_cast<int64_t>(__rdtsc());
#else
  return MonotonicUs();
#endif
}
int64_t TicksToUs(int64_t ticks);
int64_t UsToTicks(int64_t us);

}  // namespace rill
