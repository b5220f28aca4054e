// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/clock.h"

#include <ctime>

namespace rill {

int64_t SystemClock::NowUs() const {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

const SystemClock& SystemClock::Get() {
  static const SystemClock clock;
  return clock;
}

#if defined(__x86_64__)
namespace {

// Ticks per microsecond, measured once against CLOCK_MONOTONIC over ~2 ms.
double TicksPerUs() {
  static const double kTicksPerUs = [] {
    const int64_t t0 = MonotonicUs();
    const uint64_t c0 = __rdtsc();
    while (MonotonicUs() - t0 < 2000) {
    }
    const int64_t t1 = MonotonicUs();
    const uint64_t c1 = __rdtsc();
    return static_cast<double>(c1 - c0) / static_cast<double>(t1 - t0);
  }();
  return kTicksPerUs;
}

}  // namespace

int64_t TicksToUs(int64_t ticks) {
  return static_cast<int64_t>(static_cast<double>(ticks) / TicksPerUs());
}
int64_t UsToTicks(int64_t us) {
  return static_cast<int64_t>(static_cast<double>(us) * TicksPerUs());
}
#else
int64_t TicksToUs(int64_t ticks) { return ticks; }
int64_t UsToTicks(int64_t us) { return us; }
#endif

int64_t MonotonicUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace rill
