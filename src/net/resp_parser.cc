// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "net/resp_parser.h"

#include <cstring>

#include "core/strings.h"

namespace rill::net {
namespace {

// Parses the decimal between data[from] and the '\r' at cr with Redis's string2ll rules
// (optional '-', no leading zeros). Lengths are short, so this inline loop beats the
// general ParseInt64 on the hot path; anything unusual falls back to it.
bool ParseLength(const char* data, size_t from, size_t cr, int64_t* out) {
  const size_t n = cr - from;
  if (n > 0 && n <= 18 && data[from] >= '1' && data[from] <= '9') {
    int64_t v = 0;
    for (size_t i = from; i < cr; i++) {
      const unsigned d = static_cast<unsigned char>(data[i]) - '0';
      if (d > 9) {
        return false;
      }
      v = v * 10 + d;
    }
    *out = v;
    return true;
  }
  const std::optional<int64_t> v = ParseInt64(std::string_view(data + from, n));
  if (!v) {
    return false;
  }
  *out = *v;
  return true;
}

// Reads "<digits>\r\n" at *p, up to end: 1 to 9 digits with no leading zero, or "0".
// Anything else (a sign, a longer number, a missing byte) returns false for the general
// path to judge.
bool ReadShortLength(const char** p, const char* end, int64_t* out) {
  const char* q = *p;
  const char* const last = end - q > 9 ? q + 9 : end;
  int64_t v = 0;
  for (; q != last; q++) {
    const unsigned d = static_cast<unsigned char>(*q) - '0';
    if (d > 9) {
      break;
    }
    v = v * 10 + d;
  }
  const size_t digits = q - *p;
  if (digits == 0 || (digits > 1 && **p == '0') || end - q < 2 || q[0] != '\r' || q[1] != '\n') {
    return false;
  }
  *p = q + 2;
  *out = v;
  return true;
}

constexpr const char* kInvalidMultibulk = "Protocol error: invalid multibulk length";
constexpr const char* kInvalidBulk = "Protocol error: invalid bulk length";

// The limits on a request's argument count and on an argument's length, kept in one place
// for both paths: the error a length n breaks them with, or nullptr.
const char* MultibulkLimitError(int64_t n, const ParserLimits& limits) {
  if (n > limits.max_multibulk_len) {
    return kInvalidMultibulk;
  }
  if (n > RespParser::kUnauthMultibulk && !limits.authenticated) {
    return "Protocol error: unauthenticated multibulk length";
  }
  return nullptr;
}

const char* BulkLimitError(int64_t n, const ParserLimits& limits) {
  if (n < 0 || n > limits.max_bulk_len) {
    return kInvalidBulk;
  }
  if (n > RespParser::kUnauthBulk && !limits.authenticated) {
    return "Protocol error: unauthenticated bulk length";
  }
  return nullptr;
}

}  // namespace

bool RespParser::ParseWhole(const char* data, size_t len, const ParserLimits& limits,
                            std::vector<std::string_view>* args, size_t* consumed) {
  const char* p = data + 1;
  const char* const end = data + len;
  int64_t argc = 0;
  if (!ReadShortLength(&p, end, &argc) || MultibulkLimitError(argc, limits) != nullptr) {
    return false;
  }
  args->clear();
  for (int64_t i = 0; i < argc; i++) {
    if (p == end || *p != '$') {
      return false;
    }
    p++;
    int64_t n = 0;
    if (!ReadShortLength(&p, end, &n) || BulkLimitError(n, limits) != nullptr || end - p < n + 2) {
      return false;
    }
    args->emplace_back(p, static_cast<size_t>(n));
    p += n + 2;
  }
  *consumed = p - data;
  return true;
}

void RespParser::Reset() {
  argc_ = -1;
  pos_ = 0;
  bulk_len_ = -1;
  spans_.clear();
  needed_hint_ = 0;
}

RespParser::State RespParser::Fail(std::string text) {
  error_ = std::move(text);
  Reset();
  return State::kError;
}

RespParser::State RespParser::Parse(const char* data, size_t len, const ParserLimits& limits,
                                    std::vector<std::string_view>* args, size_t* consumed) {
  needed_hint_ = 0;
  if (argc_ < 0 && pos_ == 0) {
    if (len == 0) {
      return State::kIncomplete;
    }
    if (data[0] != '*') {
      return ParseInline(data, len, args, consumed);
    }
    if (ParseWhole(data, len, limits, args, consumed)) {
      return State::kComplete;
    }
  }
  if (argc_ < 0) {
    const char* cr = static_cast<const char*>(memchr(data, '\r', len));
    if (cr == nullptr) {
      if (len > kInlineMax) {
        return Fail("Protocol error: too big mbulk count string");
      }
      return State::kIncomplete;
    }
    const size_t cr_off = cr - data;
    if (cr_off + 1 >= len) {
      return State::kIncomplete;  // need the '\n'
    }
    int64_t n = 0;
    const char* error =
        ParseLength(data, 1, cr_off, &n) ? MultibulkLimitError(n, limits) : kInvalidMultibulk;
    if (error != nullptr) {
      return Fail(error);
    }
    pos_ = cr_off + 2;
    if (n <= 0) {
      *consumed = pos_;
      args->clear();
      Reset();
      return State::kComplete;
    }
    argc_ = n;
    spans_.clear();
    spans_.reserve(n < 1024 ? n : 1024);
  }
  while (static_cast<int64_t>(spans_.size()) < argc_) {
    if (bulk_len_ < 0) {
      if (pos_ >= len) {
        return State::kIncomplete;
      }
      if (data[pos_] != '$') {
        return Fail(std::string("Protocol error: expected '$', got '") + data[pos_] + "'");
      }
      const char* cr = static_cast<const char*>(memchr(data + pos_, '\r', len - pos_));
      if (cr == nullptr) {
        if (len - pos_ > kInlineMax) {
          return Fail("Protocol error: too big bulk count string");
        }
        return State::kIncomplete;
      }
      const size_t cr_off = cr - data;
      if (cr_off + 1 >= len) {
        return State::kIncomplete;
      }
      int64_t blen = 0;
      const char* error =
          ParseLength(data, pos_ + 1, cr_off, &blen) ? BulkLimitError(blen, limits) : kInvalidBulk;
      if (error != nullptr) {
        return Fail(error);
      }
      bulk_len_ = blen;
      pos_ = cr_off + 2;
    }
    const size_t need = pos_ + static_cast<size_t>(bulk_len_) + 2;
    if (len < need) {
      needed_hint_ = need;
      return State::kIncomplete;
    }
    spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ = need;
    bulk_len_ = -1;
  }
  args->clear();
  for (const auto& [off, n] : spans_) {
    args->emplace_back(data + off, n);
  }
  *consumed = pos_;
  Reset();
  return State::kComplete;
}

RespParser::State RespParser::ParseInline(const char* data, size_t len,
                                          std::vector<std::string_view>* args, size_t* consumed) {
  const char* nl = static_cast<const char*>(memchr(data, '\n', len));
  if (nl == nullptr) {
    if (len > kInlineMax) {
      return Fail("Protocol error: too big inline request");
    }
    return State::kIncomplete;
  }
  size_t line_len = nl - data;
  if (line_len > kInlineMax) {
    return Fail("Protocol error: too big inline request");
  }
  if (line_len > 0 && data[line_len - 1] == '\r') {
    line_len--;
  }
  std::optional<std::vector<std::string>> words = SplitArgs(std::string_view(data, line_len));
  if (!words) {
    return Fail("Protocol error: unbalanced quotes in request");
  }
  inline_words_ = std::move(*words);
  args->clear();
  for (const std::string& w : inline_words_) {
    args->emplace_back(w);
  }
  *consumed = (nl - data) + 1;
  return State::kComplete;
}

}  // namespace rill::net
