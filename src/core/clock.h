// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/clock.h: the time source, injectable so expiry can be tested without sleeping.
//
// Production code uses SystemClock (wall clock in ms/us since the epoch, as Redis's
// expiry and TIME use). Tests use ManualClock and move time by hand.
// Threading: SystemClock is stateless; a ManualClock belongs to one test.
#pragma once

#include <cstdint>

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

// Monotonic microseconds, for measuring durations (SLOWLOG, latency).
int64_t MonotonicUs();

}  // namespace rill
