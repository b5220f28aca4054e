// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// net/resp_parser.h: an incremental parser for client requests (RESP multibulk and inline).
//
// Multibulk:  *<argc>\r\n  then argc times  $<len>\r\n<len bytes>\r\n
// Inline:     words separated by spaces, ended by \n (an optional \r before it), quoted
//             like redis-cli input ("a b" 'c'), at most 64 KiB.
//
// Zero copy on the fast path: Parse() returns arguments as string_views into the caller's
// buffer. The caller must keep those bytes unchanged until it has used the arguments.
// Inline requests are the exception: their unquoted words are copied into the parser.
//
// Incremental: when a request is incomplete the parser remembers how far it got, as
// offsets from the request's first byte, so a 100 MB bulk arriving in 16 KiB reads or a
// 10,000-argument request is scanned once, not once per read. The caller passes the same
// request start again (it may have moved the bytes, e.g. compacted its buffer).
//
// Errors are Redis's texts ("Protocol error: invalid bulk length", ...). After an error
// the connection must reply once and close: the stream cannot be resynchronised.
// Threading: one parser per connection, used on that connection's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rill::net {

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  int64_t max_multibulk_len = INT32_MAX;       // most arguments in one request
  bool authenticated = true;                   // unauthenticated clients get Redis's tiny limits
};

class RespParser {
 public:
  enum class State { kComplete, kIncomplete, kError };

  static constexpr size_t kInlineMax = 64 * 1024;  // Redis's PROTO_INLINE_MAX_SIZE
  static constexpr int64_t kUnauthMultibulk = 10;  // Redis's limits before AUTH
  static constexpr int64_t kUnauthBulk = 16384;

  // Parses one request starting at data[0]. On kComplete, *args holds the arguments (may
  // be empty: an empty inline line or *0) and *consumed the request's byte length.
  State Parse(const char* data, size_t len, const ParserLimits& limits,
              std::vector<std::string_view>* args, size_t* consumed);

  // After kIncomplete: total bytes the request needs, when known (a large bulk), so the
  // caller can size its buffer once. 0 when unknown.
  size_t needed_hint() const { return needed_hint_; }
  // After kError: Redis's error text, without "ERR ".
  const std::string& error() const { return error_; }
  // Forgets a partial request; the next Parse starts a new one.
  void Reset();

 private:
  // The common case in one pass, keeping no state: a whole multibulk request of short
  // arguments already in the buffer. False, with only *args changed, on anything else
  // (incomplete, an unusual or too-long length, a limit passed): Parse() then starts over
  // on the general path, which keeps its progress across reads and words the errors.
  bool ParseWhole(const char* data, size_t len, const ParserLimits& limits,
                  std::vector<std::string_view>* args, size_t* consumed);
  State ParseInline(const char* data, size_t len, std::vector<std::string_view>* args,
                    size_t* consumed);
  State Fail(std::string text);

  // Partial multibulk progress, relative to the request start.
  int64_t argc_ = -1;      // -1 = header not read yet
  size_t pos_ = 0;         // next byte to scan
  int64_t bulk_len_ = -1;  // length of the bulk being read; -1 = its header not read yet
  std::vector<std::pair<size_t, size_t>> spans_;  // (offset, length) of finished args
  size_t needed_hint_ = 0;
  std::vector<std::string> inline_words_;
  std::string error_;
};

}  // namespace rill::net
