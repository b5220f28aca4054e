// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/busy_board.h: which shards are busy, for busy polling (Shard::Loop).
//
// A shard polls its sockets instead of sleeping only while fewer shards than cores are
// busy: with every core taken, a polling shard would steal the core another shard (or
// the clients) needs. Under load a shard still sleeps now and then, for a few
// microseconds between two bursts; if it stopped counting as busy for those, the other
// shards would see a free core that is not free and poll against it (at shards 2 on two
// cores, XADD over 1000 streams lost a tenth of its throughput that way). So a shard
// counts as busy while it is awake and while its current sleep is younger than the
// cutoff; only a shard that has slept longer (its clients went quiet or moved away), or
// that goes back to sleep idle (it woke for a timer), leaves its core to the others.
//
// Threading: each shard writes only its own slot, at every sleep and wake-up; any shard
// reads them all. Each slot has a cache line of its own. A Contention belongs to one
// shard's thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace rill::shard {

class BusyBoard {
 public:
  explicit BusyBoard(int shards) : shards_(shards), slots_(new Slot[shards]) {}

  // A shard starts awake. It goes to sleep busy (`now` in TickCount() units) or idle.
  void Asleep(int shard, int64_t now) { slots_[shard].asleep_since.store(now, kOrder); }
  void AsleepIdle(int shard) { slots_[shard].asleep_since.store(kIdle, kOrder); }
  void Awake(int shard) { slots_[shard].asleep_since.store(kAwake, kOrder); }

  // Shards awake, or asleep busy for less than cutoff ticks.
  int Busy(int64_t now, int64_t cutoff) const {
    int n = 0;
    for (int i = 0; i < shards_; i++) {
      const int64_t since = slots_[i].asleep_since.load(kOrder);
      n += since == kAwake || (since != kIdle && now - since < cutoff) ? 1 : 0;
    }
    return n;
  }

 private:
  static constexpr int64_t kAwake = -1;
  static constexpr int64_t kIdle = -2;
  // A hint for a heuristic: nothing else is published through it.
  static constexpr std::memory_order kOrder = std::memory_order_relaxed;
  struct alignas(64) Slot {
    std::atomic<int64_t> asleep_since{kAwake};
  };
  int shards_;
  std::unique_ptr<Slot[]> slots_;
};

// The board knows the shards, not the rest of the machine: a benchmark or an application
// with a dozen threads on the same cores makes a polling shard steal their CPU (rill-bench
// at 4 producers and 8 consumers on two cores: end-to-end p99 1.18x Redis's with polling,
// 0.87x without). The kernel says when that happens: a thread that wants its CPU back gets
// it by preempting this one, an involuntary context switch. A shard preempted more than
// kMaxPreemptions times in the last window does not poll in the next one; the threshold
// keeps the machine's own background (about 1.4 preemptions per 10 ms window beside one
// redis-benchmark thread, against 90 to 170 beside rill-bench's twelve) from turning
// polling off. One getrusage(2) per window.
class Contention {
 public:
  // Whether the window has ended at now (TickCount() units): the caller then reads the
  // thread's involuntary switches so far (getrusage's ru_nivcsw) and calls Update.
  bool Due(int64_t now) const { return now >= window_end_; }
  // Starts a window of `window` ticks at now.
  void Update(int64_t now, int64_t window, long involuntary) {
    contended_ = started_ && involuntary - involuntary_ > kMaxPreemptions;
    started_ = true;
    involuntary_ = involuntary;
    window_end_ = now + window;
  }
  // Whether the thread was preempted more than kMaxPreemptions times in the last window
  // that ended.
  bool contended() const { return contended_; }

  static constexpr long kMaxPreemptions = 5;

 private:
  int64_t window_end_ = 0;
  long involuntary_ = 0;
  bool started_ = false;
  bool contended_ = false;
};

}  // namespace rill::shard
