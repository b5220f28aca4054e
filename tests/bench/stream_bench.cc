// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/bench/stream_bench.cc: the cost of the stream operations behind XADD, XRANGE,
// XREVRANGE, XREADGROUP and XACK, measured on stream::Stream and stream::ConsumerGroup
// directly (no parsing, no reply), so the numbers are the data structures' own.
//
// Entries are what a queue producer typically sends: one field "f" with a 16-byte value.
// Ids come from NextId("*") with a fake clock that advances one ms every 64 entries, so
// nodes see both id codes a busy stream produces (next seq, and a new ms). Every benchmark
// reports items/s, where an item is one entry appended, returned or acknowledged.
//
//  * BM_StreamAppend:           XADD: NextId + Append, default node limits {4096 B, 100}.
//                               The stream is dropped (untimed) every 1 Mi entries, so
//                               memory stays bounded on long runs.
//  * BM_StreamAppendMaxLen:     XADD MAXLEN ~ 1000: Append, then an approximate trim with
//                               Redis's default LIMIT (100 x node entries = 10000). Whole
//                               nodes go, so the stream hovers between 1000 and 1100.
//  * BM_StreamRangeScan:        XRANGE <random id> + COUNT 10 on a 1 Mi-entry stream: one
//                               index seek, then a forward decode of up to 10 entries.
//  * BM_StreamRangeScanReverse: XREVRANGE <random id> - COUNT 10 on the same stream; the
//                               reverse iterator decodes each node it enters in full.
//  * BM_PelDeliver:             XREADGROUP ">" bookkeeping: ConsumerGroup::Deliver of
//                               increasing ids to 10 consumers; the PEL grows to 1 Mi, then
//                               the group is replaced (untimed) and it grows again.
//  * BM_PelAck:                 a worker pool in steady state: Deliver the next id, Ack the
//                               oldest pending one, with ~100 Ki entries pending. One item is
//                               one Deliver + Ack pair.
//  * BM_StreamIdFormat:         FormatIdTo of ids as "*" gives them (a 13-digit ms, a small
//                               seq), which every entry of a reply and every effect carries.
//                               One item is one id formatted.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stream/consumer_group.h"
#include "stream/stream.h"
#include "stream/stream_id.h"

namespace rill::stream {
namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;  // a fixed "now", in Unix ms
constexpr uint64_t kEntriesPerMs = 64;           // the fake clock's rate
constexpr uint64_t kResetEvery = 1 << 20;        // entries before a growing structure is reset
constexpr std::string_view kValue = "0123456789abcdef";  // 16 bytes

const std::vector<std::string_view>& EntryFields() {
  static const std::vector<std::string_view> fv = {"f", kValue};
  return fv;
}

int64_t FakeNowMs(uint64_t n) { return kStartMs + static_cast<int64_t>(n / kEntriesPerMs); }

// XADD key * f <value>, as OpXAdd does it. Returns false if NextId refused.
bool XAdd(Stream& s, uint64_t n, const NodeLimits& limits) {
  const Result<StreamId> id = s.NextId(AddIdSpec{}, FakeNowMs(n));
  if (!id.ok()) {
    return false;
  }
  s.Append(*id, EntryFields(), limits);
  return true;
}

// A cheap deterministic PRNG (xorshift64), so every run scans the same ids.
uint64_t NextRandom(uint64_t* state) {
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}

void BM_StreamAppend(benchmark::State& state) {
  const NodeLimits limits;  // {4096, 100}
  auto s = std::make_unique<Stream>();
  uint64_t n = 0;
  for (auto _ : state) {
    if (!XAdd(*s, n, limits)) {
      state.SkipWithError("NextId refused an id");
      break;
    }
    if (++n == kResetEvery) {
      state.PauseTiming();
      s = std::make_unique<Stream>();
      n = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamAppend);

void BM_StreamAppendMaxLen(benchmark::State& state) {
  const NodeLimits limits;
  TrimSpec trim;
  trim.strategy = TrimSpec::Strategy::kMaxLen;
  trim.maxlen = 1000;
  trim.approx = true;
  trim.limit = 100 * limits.max_entries;  // Redis's default LIMIT for "~"
  Stream s;
  uint64_t n = 0;
  for (auto _ : state) {
    if (!XAdd(s, n++, limits)) {
      state.SkipWithError("NextId refused an id");
      break;
    }
    benchmark::DoNotOptimize(s.Trim(trim));
  }
  state.counters["length"] = static_cast<double>(s.length());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamAppendMaxLen);

// The 1 Mi-entry stream both range benchmarks read; built once, on first use.
const Stream& ScanStream() {
  static const std::unique_ptr<Stream> s = [] {
    auto built = std::make_unique<Stream>();
    const NodeLimits limits;
    for (uint64_t n = 0; n < kResetEvery; n++) {
      XAdd(*built, n, limits);
    }
    return built;
  }();
  return *s;
}

// The id the n-th entry of ScanStream() has.
StreamId ScanId(uint64_t n) { return {static_cast<uint64_t>(FakeNowMs(n)), n % kEntriesPerMs}; }

void RangeScan(benchmark::State& state, bool reverse) {
  constexpr int kCount = 10;
  const Stream& s = ScanStream();
  uint64_t rng = 0x9e3779b97f4a7c15;
  uint64_t returned = 0;
  for (auto _ : state) {
    const StreamId at = ScanId(NextRandom(&rng) % s.length());
    Stream::Iterator it(s, reverse ? StreamId::Min() : at, reverse ? at : StreamId::Max(), reverse);
    int got = 0;
    while (got < kCount && it.Next()) {
      benchmark::DoNotOptimize(it.fv().data());
      got++;
    }
    returned += static_cast<uint64_t>(got);
  }
  state.SetItemsProcessed(static_cast<int64_t>(returned));
}

void BM_StreamRangeScan(benchmark::State& state) { RangeScan(state, /*reverse=*/false); }
BENCHMARK(BM_StreamRangeScan);

void BM_StreamRangeScanReverse(benchmark::State& state) { RangeScan(state, /*reverse=*/true); }
BENCHMARK(BM_StreamRangeScanReverse);

void BM_StreamIdFormat(benchmark::State& state) {
  char buf[kMaxIdText];
  uint64_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(FormatIdTo(buf, ScanId(n++)));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
}
BENCHMARK(BM_StreamIdFormat);

// A group with 10 consumers, as a pool of 10 XREADGROUP workers would create.
struct Group {
  static constexpr int kConsumers = 10;
  ConsumerGroup group{StreamId::Min(), 0};
  std::vector<Consumer*> consumers;

  Group() {
    for (int i = 0; i < kConsumers; i++) {
      consumers.push_back(group.CreateConsumer("worker-" + std::to_string(i), kStartMs));
    }
  }
  void Deliver(uint64_t n) { group.Deliver(ScanId(n), consumers[n % kConsumers], FakeNowMs(n)); }
};

void BM_PelDeliver(benchmark::State& state) {
  auto g = std::make_unique<Group>();
  uint64_t n = 0;
  for (auto _ : state) {
    g->Deliver(n);
    if (++n == kResetEvery) {
      state.PauseTiming();
      g = std::make_unique<Group>();
      n = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PelDeliver);

void BM_PelAck(benchmark::State& state) {
  constexpr uint64_t kPending = 100'000;
  Group g;
  for (uint64_t n = 0; n < kPending; n++) {
    g.Deliver(n);
  }
  uint64_t next = kPending;  // the next id to deliver
  uint64_t oldest = 0;       // the oldest pending id
  for (auto _ : state) {
    g.Deliver(next++);
    if (!g.group.Ack(ScanId(oldest++))) {
      state.SkipWithError("the oldest delivered id was not pending");
      break;
    }
  }
  state.counters["pending"] = static_cast<double>(g.group.pel().size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PelAck);

}  // namespace
}  // namespace rill::stream
