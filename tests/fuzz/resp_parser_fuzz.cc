// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/fuzz/resp_parser_fuzz.cc: libFuzzer target for net::RespParser.
//
// The parser sees a client's byte stream the way net::Connection shows it: bytes arrive in
// reads of arbitrary size, complete requests are consumed from the front of the buffer, and
// the incomplete tail is kept and handed back, possibly at a new address, with more bytes
// behind it. This target replays the input in exactly that way and checks the contract
// from net/resp_parser.h on every call:
//
//  * kComplete: 0 < consumed <= bytes offered. Multibulk arguments lie inside the consumed
//    bytes; inline arguments (copied by the parser) total no more than the consumed bytes.
//  * kIncomplete: needed_hint() is 0 or more than the bytes offered.
//  * kError: error() is non-empty, and the caller stops: nothing after an error is parsed.
//  * The request sequence does not depend on how the stream was cut: the chunked replay
//    and a one-shot parse of the whole stream yield the same requests, the same verdict
//    (error or not) and, without an error, the same unparsed tail.
//
// Every buffer handed to Parse() is a fresh heap block of exactly the offered size, so
// AddressSanitizer reports any read past the end, and any use of an old buffer after the
// tail moved. Every argument byte is read, so a dangling string_view is reported too.
//
// Input layout (so mutations can change the limits and the chunking, not just the bytes):
//
//   byte 0: bit 0     1 = unauthenticated client (Redis's small pre-AUTH limits)
//           bit 1     1 = proto-max-bulk-len of (byte 1 + 1) bytes, to reach that error
//           bits 2-4  chunking: 0 = the whole stream in one read, 1 = one byte per read,
//                     n >= 2 = reads of 1 .. 4^n bytes, sizes drawn from a PRNG
//   byte 1: PRNG seed for the read sizes
//   rest:   the client's byte stream
// Threading: libFuzzer calls the entry point from one thread.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "net/resp_parser.h"
#include "tests/fuzz/fuzz_check.h"

namespace rill::net {
namespace {

struct Options {
  ParserLimits limits;
  int chunk_mode = 0;  // see the input layout above
  uint8_t seed = 0;
};

// What a whole replay produced; compared between the chunked and the one-shot replay.
struct Outcome {
  std::vector<std::vector<std::string>> requests;
  bool error = false;
  size_t tail_len = 0;  // bytes left unparsed at the end (only meaningful without an error)
};

// A heap block of exactly len bytes, so an overread is an ASan report, not slack capacity.
struct ExactBuffer {
  std::unique_ptr<char[]> bytes;
  size_t len = 0;
};

ExactBuffer Concat(const char* a, size_t a_len, const char* b, size_t b_len) {
  ExactBuffer out;
  out.len = a_len + b_len;
  out.bytes = std::make_unique<char[]>(out.len == 0 ? 1 : out.len);
  if (a_len > 0) {
    memcpy(out.bytes.get(), a, a_len);
  }
  if (b_len > 0) {
    memcpy(out.bytes.get() + a_len, b, b_len);
  }
  return out;
}

// Checks one completed request and returns a copy of its arguments.
std::vector<std::string> CheckComplete(const char* data, size_t len,
                                       const std::vector<std::string_view>& args, size_t consumed) {
  RILL_FUZZ_CHECK(consumed > 0);
  RILL_FUZZ_CHECK(consumed <= len);
  std::vector<std::string> copy;
  size_t total = 0;
  for (std::string_view a : args) {
    if (data[0] == '*') {
      RILL_FUZZ_CHECK(a.data() >= data);
      RILL_FUZZ_CHECK(a.size() <= consumed);
      RILL_FUZZ_CHECK(a.data() + a.size() <= data + consumed);
    }
    total += a.size();
    copy.emplace_back(a);  // reads every byte: ASan checks the view is alive
  }
  RILL_FUZZ_CHECK(total <= consumed);
  return copy;
}

// Parses as many requests as [data, data+len) holds. Returns the bytes consumed; sets
// out->error and stops at an error.
size_t ParseAvailable(RespParser& parser, const ExactBuffer& buf, const ParserLimits& limits,
                      Outcome* out) {
  std::vector<std::string_view> args;
  size_t pos = 0;
  while (pos < buf.len) {
    const char* data = buf.bytes.get() + pos;
    const size_t len = buf.len - pos;
    size_t consumed = 0;
    const RespParser::State st = parser.Parse(data, len, limits, &args, &consumed);
    if (st == RespParser::State::kIncomplete) {
      RILL_FUZZ_CHECK(parser.needed_hint() == 0 || parser.needed_hint() > len);
      break;
    }
    if (st == RespParser::State::kError) {
      RILL_FUZZ_CHECK(!parser.error().empty());
      out->error = true;
      break;
    }
    out->requests.push_back(CheckComplete(data, len, args, consumed));
    pos += consumed;
  }
  return pos;
}

size_t NextChunk(int mode, std::minstd_rand& rng) {
  if (mode == 1) {
    return 1;
  }
  const size_t max = size_t{1} << (2 * mode);  // 4^mode
  return 1 + rng() % max;
}

// Feeds stream to a fresh parser in reads sized by opts, like a connection would.
Outcome ReplayChunked(std::string_view stream, const Options& opts) {
  RespParser parser;
  Outcome out;
  std::minstd_rand rng(opts.seed + 1);
  ExactBuffer buf;
  size_t fed = 0;
  while (fed < stream.size() && !out.error) {
    size_t n = opts.chunk_mode == 0 ? stream.size() : NextChunk(opts.chunk_mode, rng);
    n = std::min(n, stream.size() - fed);
    // The kept tail moves to a new block on every read, as a compacting buffer may move it.
    buf = Concat(buf.bytes.get(), buf.len, stream.data() + fed, n);
    fed += n;
    const size_t used = ParseAvailable(parser, buf, opts.limits, &out);
    if (!out.error) {
      buf = Concat(buf.bytes.get() + used, buf.len - used, nullptr, 0);
    }
  }
  out.tail_len = buf.len;
  return out;
}

Options DecodeOptions(const uint8_t* data) {
  Options o;
  o.limits.authenticated = (data[0] & 1) == 0;
  if ((data[0] & 2) != 0) {
    o.limits.max_bulk_len = int64_t{data[1]} + 1;
  }
  o.chunk_mode = (data[0] >> 2) & 7;
  o.seed = data[1];
  return o;
}

}  // namespace
}  // namespace rill::net

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using rill::net::Outcome;
  if (size < 2) {
    return 0;
  }
  rill::net::Options opts = rill::net::DecodeOptions(data);
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Outcome chunked = rill::net::ReplayChunked(stream, opts);
  opts.chunk_mode = 0;
  const Outcome whole = rill::net::ReplayChunked(stream, opts);

  RILL_FUZZ_CHECK(chunked.requests == whole.requests);
  RILL_FUZZ_CHECK(chunked.error == whole.error);
  RILL_FUZZ_CHECK(chunked.error || chunked.tail_len == whole.tail_len);
  return 0;
}
