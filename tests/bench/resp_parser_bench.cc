// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/bench/resp_parser_bench.cc: how fast net::RespParser turns bytes into arguments.
//
// The parser runs once per request on every connection, so its per-request cost bounds
// pipelined throughput. Each benchmark parses a buffer prepared outside the timed loop,
// the way Connection::ProcessRequests does (parse, consume, parse the rest), and reports
// bytes/s and requests/s ("items"):
//
//  * BM_RespParseSmallCommand: one "SET key value" multibulk, the common case.
//  * BM_RespParsePipeline16:   16 small commands in one read (redis-benchmark -P 16).
//  * BM_RespParseLargeBulk:    one SET with a large value, either already whole in the
//                              buffer or arriving in 16 KiB reads. The value is not
//                              scanned (zero copy), so 1 KiB and 1 MiB cost the same, and
//                              the incremental parser does not rescan what it already saw,
//                              so 64 partial reads cost a few ns each.
//  * BM_RespParseInline:       telnet-style "SET key value\r\n", which copies its words.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "net/resp_parser.h"

namespace rill::net {
namespace {

std::string Multibulk(const std::vector<std::string_view>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out.append(a);
    out += "\r\n";
  }
  return out;
}

// Parses every complete request in buf; returns how many there were.
int ParseAll(RespParser& parser, std::string_view buf, std::vector<std::string_view>& args) {
  const ParserLimits limits;
  int requests = 0;
  size_t pos = 0;
  while (pos < buf.size()) {
    size_t consumed = 0;
    if (parser.Parse(buf.data() + pos, buf.size() - pos, limits, &args, &consumed) !=
        RespParser::State::kComplete) {
      break;
    }
    pos += consumed;
    requests++;
  }
  return requests;
}

void RunParse(benchmark::State& state, const std::string& buf, int expected_requests) {
  RespParser parser;
  std::vector<std::string_view> args;
  for (auto _ : state) {
    const int n = ParseAll(parser, buf, args);
    benchmark::DoNotOptimize(args.data());
    if (n != expected_requests) {
      state.SkipWithError("parser did not return the expected requests");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buf.size()));
  state.SetItemsProcessed(state.iterations() * expected_requests);
}

void BM_RespParseSmallCommand(benchmark::State& state) {
  RunParse(state, Multibulk({"SET", "key:000000001", "value"}), 1);
}
BENCHMARK(BM_RespParseSmallCommand);

void BM_RespParsePipeline16(benchmark::State& state) {
  std::string buf;
  for (int i = 0; i < 8; i++) {
    buf += Multibulk({"SET", "key:00000000" + std::to_string(i), "value"});
    buf += Multibulk({"GET", "key:00000000" + std::to_string(i)});
  }
  RunParse(state, buf, 16);
}
BENCHMARK(BM_RespParsePipeline16);

// Args: {value bytes, read size in bytes; 0 = the whole request is already buffered}.
void BM_RespParseLargeBulk(benchmark::State& state) {
  const std::string value(static_cast<size_t>(state.range(0)), 'v');
  const std::string buf = Multibulk({"SET", "key", value});
  const size_t read_bytes = state.range(1) == 0 ? buf.size() : static_cast<size_t>(state.range(1));
  const ParserLimits limits;
  RespParser parser;
  std::vector<std::string_view> args;
  for (auto _ : state) {
    // Offer a growing prefix, as a connection does while reads arrive.
    RespParser::State st = RespParser::State::kIncomplete;
    size_t consumed = 0;
    size_t have = 0;
    do {
      have = std::min(have + read_bytes, buf.size());
      st = parser.Parse(buf.data(), have, limits, &args, &consumed);
    } while (st == RespParser::State::kIncomplete && have < buf.size());
    if (st != RespParser::State::kComplete || args.size() != 3) {
      state.SkipWithError("parser did not return the request");
      break;
    }
    benchmark::DoNotOptimize(args.data());
  }
  // No bytes/s here: the payload is returned as a view, never scanned, so time does not
  // grow with the value (that is the property this guards).
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RespParseLargeBulk)
    ->Args({1 << 10, 0})
    ->Args({1 << 20, 0})
    ->Args({1 << 20, 16 << 10})
    ->ArgNames({"bytes", "read"});

void BM_RespParseInline(benchmark::State& state) {
  RunParse(state, "SET key:000000001 value\r\n", 1);
}
BENCHMARK(BM_RespParseInline);

}  // namespace
}  // namespace rill::net
