// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/bench/keyspace_bench.cc: the cost of shard::Keyspace operations behind SET and GET.
//
// Keys are pre-formatted outside the timed loop ("key:<n>"), so the numbers are the
// keyspace's own: index probe, slot reuse, value move, LRU touch. The argument is the number
// of distinct keys, which decides whether the index fits in cache (1 Ki) or not (1 Mi).
//
//  * BM_KeyspaceSet:         SET over existing and new keys, cycling through the key set.
//  * BM_KeyspaceGetHit:      FindRead of present keys (counts a hit, touches LRU data).
//  * BM_KeyspaceGetMiss:     FindRead of absent keys in a populated database.
//  * BM_KeyspaceExpireCycle: one ActiveExpireCycle over a database whose volatile keys are
//                            {keys, percent already expired}. Time comes from a ManualClock,
//                            so "expired" is exact and no wall-clock sleep is involved; the
//                            refill between cycles is not timed. Reports expired keys/s:
//                            at 100% a cycle empties the database, at 25% it stops after
//                            the first sample, as Redis's does.
//  * BM_KeySlot:             the hash slot of a key shaped like redis-benchmark's -r keys
//                            ("s:" and 12 digits): what every request pays at shards 2
//                            and more to find its owner.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/slot.h"
#include "shard/keyspace.h"

namespace rill::shard {
namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;  // a fixed "now", in Unix ms

std::vector<std::string> MakeKeys(int64_t n, const char* prefix) {
  std::vector<std::string> keys;
  keys.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; i++) {
    keys.push_back(prefix + std::to_string(i));
  }
  return keys;
}

void Fill(Keyspace& ks, const std::vector<std::string>& keys) {
  for (const std::string& k : keys) {
    ks.Set(0, k, Value::String("value"));
  }
}

void BM_KeyspaceSet(benchmark::State& state) {
  const std::vector<std::string> keys = MakeKeys(state.range(0), "key:");
  ManualClock clock(kStartMs);
  Keyspace ks(1, &clock);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ks.Set(0, keys[i], Value::String("value")));
    i = i + 1 == keys.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyspaceSet)->Arg(1 << 10)->Arg(1 << 20);

void BM_KeyspaceGetHit(benchmark::State& state) {
  const std::vector<std::string> keys = MakeKeys(state.range(0), "key:");
  ManualClock clock(kStartMs);
  Keyspace ks(1, &clock);
  Fill(ks, keys);
  size_t i = 0;
  for (auto _ : state) {
    Entry* e = ks.FindRead(0, keys[i]);
    benchmark::DoNotOptimize(e);
    if (e == nullptr) {
      state.SkipWithError("a stored key was not found");
      break;
    }
    i = i + 1 == keys.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyspaceGetHit)->Arg(1 << 10)->Arg(1 << 20);

void BM_KeyspaceGetMiss(benchmark::State& state) {
  const std::vector<std::string> keys = MakeKeys(state.range(0), "key:");
  const std::vector<std::string> absent = MakeKeys(state.range(0), "nokey:");
  ManualClock clock(kStartMs);
  Keyspace ks(1, &clock);
  Fill(ks, keys);
  size_t i = 0;
  for (auto _ : state) {
    Entry* e = ks.FindRead(0, absent[i]);
    benchmark::DoNotOptimize(e);
    if (e != nullptr) {
      state.SkipWithError("an absent key was found");
      break;
    }
    i = i + 1 == absent.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyspaceGetMiss)->Arg(1 << 10)->Arg(1 << 20);

// Sets every key again that is missing (deleted by expiry) with the TTL its position gives
// it: the first expired_pct of every 100 keys are already expired, the rest live an hour.
void RefillVolatile(Keyspace& ks, const std::vector<std::string>& keys, int64_t expired_pct) {
  for (size_t i = 0; i < keys.size(); i++) {
    if (ks.db(0).Find(keys[i]) != nullptr) {
      continue;
    }
    Entry* e = ks.Set(0, keys[i], Value::String("value"));
    const bool expired = static_cast<int64_t>(i % 100) < expired_pct;
    ks.SetExpire(0, e, expired ? kStartMs - 1 : kStartMs + 3'600'000);
  }
}

// Args: {volatile keys, percent of them already expired}. Between cycles the deleted keys
// are put back (untimed) once a tenth of the expired ones are gone, so every cycle sees
// close to the stated fraction without refilling after each short cycle.
void BM_KeyspaceExpireCycle(benchmark::State& state) {
  const int64_t n = state.range(0);
  const int64_t expired_pct = state.range(1);
  const std::vector<std::string> keys = MakeKeys(n, "key:");
  const uint64_t expired_at_fill = static_cast<uint64_t>(n * expired_pct / 100);
  ManualClock clock(kStartMs);
  Keyspace ks(1, &clock);
  RefillVolatile(ks, keys, expired_pct);
  constexpr int64_t kBudgetUs = 25'000;  // Redis's slow cycle: 25% of a 100 ms cron tick
  uint64_t expired_total = 0;
  uint64_t expired_since_fill = 0;
  for (auto _ : state) {
    const uint64_t before = ks.stats().expired_keys;
    ks.ActiveExpireCycle(kBudgetUs);
    const uint64_t expired = ks.stats().expired_keys - before;
    expired_total += expired;
    expired_since_fill += expired;
    if (expired_since_fill * 10 >= expired_at_fill) {
      state.PauseTiming();
      RefillVolatile(ks, keys, expired_pct);
      expired_since_fill = 0;
      state.ResumeTiming();
    }
  }
  state.counters["expired/s"] =
      benchmark::Counter(static_cast<double>(expired_total), benchmark::Counter::kIsRate);
  state.counters["expired/cycle"] =
      benchmark::Counter(static_cast<double>(expired_total), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_KeyspaceExpireCycle)
    ->Args({10'000, 100})
    ->Args({100'000, 25})
    ->ArgNames({"keys", "expired_pct"})
    ->Unit(benchmark::kMicrosecond);

void BM_KeySlot(benchmark::State& state) {
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; i++) {
    std::string digits = std::to_string(i);
    keys.push_back("s:" + std::string(12 - digits.size(), '0') + digits);
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(KeySlot(keys[i]));
    i = i + 1 == keys.size() ? 0 : i + 1;
  }
}
BENCHMARK(BM_KeySlot);

}  // namespace
}  // namespace rill::shard
