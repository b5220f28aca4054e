// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/bench/reply_builder_bench.cc: the cost of writing replies with net::ReplyBuilder.
//
// Every reply goes through the builder into the connection's output string, so these are
// per-reply costs with a warm buffer (cleared, capacity kept, as after a flush):
//
//  * BM_ReplyBuilderOk / Integer:  the replies of SET and INCR.
//  * BM_ReplyBuilderBulk:          GET's reply, by value size.
//  * BM_ReplyBuilderArray16:       a 16-element array of short bulks (MGET, LRANGE).
//  * BM_ReplyBuilderMap8:          an 8-pair map in RESP2 (flattened array) and RESP3 ("%").
//  * BM_ReplyBuilderDouble:        shortest round-trip formatting (ZSCORE, INCRBYFLOAT).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "net/reply_builder.h"

namespace rill::net {
namespace {

void BM_ReplyBuilderOk(benchmark::State& state) {
  std::string out;
  ReplyBuilder rb(&out, 2);
  for (auto _ : state) {
    out.clear();
    rb.Ok();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReplyBuilderOk);

void BM_ReplyBuilderInteger(benchmark::State& state) {
  std::string out;
  ReplyBuilder rb(&out, 2);
  int64_t v = 1'234'567'890;
  for (auto _ : state) {
    out.clear();
    rb.Integer(v++);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReplyBuilderInteger);

void BM_ReplyBuilderBulk(benchmark::State& state) {
  const std::string value(static_cast<size_t>(state.range(0)), 'v');
  std::string out;
  ReplyBuilder rb(&out, 2);
  for (auto _ : state) {
    out.clear();
    rb.Bulk(value);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * value.size()));
}
BENCHMARK(BM_ReplyBuilderBulk)->Arg(16)->Arg(1 << 10)->Arg(64 << 10);

void BM_ReplyBuilderArray16(benchmark::State& state) {
  std::string out;
  ReplyBuilder rb(&out, 2);
  for (auto _ : state) {
    out.clear();
    rb.ArrayHeader(16);
    for (int i = 0; i < 16; i++) {
      rb.Bulk("value:0000000001");
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReplyBuilderArray16);

// Arg: the protocol version, 2 or 3.
void BM_ReplyBuilderMap8(benchmark::State& state) {
  std::string out;
  ReplyBuilder rb(&out, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    out.clear();
    rb.MapHeader(8);
    for (int i = 0; i < 8; i++) {
      rb.Bulk("field");
      rb.Integer(i);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReplyBuilderMap8)->Arg(2)->Arg(3)->ArgName("resp");

void BM_ReplyBuilderDouble(benchmark::State& state) {
  std::string out;
  ReplyBuilder rb(&out, 3);
  double d = 3.141592653589793;
  for (auto _ : state) {
    out.clear();
    rb.Double(d);
    d += 0.001;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReplyBuilderDouble);

}  // namespace
}  // namespace rill::net
