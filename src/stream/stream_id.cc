// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/stream_id.h"

#include <array>

namespace rill::stream {

std::optional<StreamId> StreamId::Next() const {
  if (seq != UINT64_MAX) {
    return StreamId{ms, seq + 1};
  }
  if (ms != UINT64_MAX) {
    return StreamId{ms + 1, 0};
  }
  return std::nullopt;
}

std::optional<StreamId> StreamId::Prev() const {
  if (seq != 0) {
    return StreamId{ms, seq - 1};
  }
  if (ms != 0) {
    return StreamId{ms - 1, UINT64_MAX};
  }
  return std::nullopt;
}

namespace {

// Decimal formatting for ids, which every stream reply and effect carries (XRANGE of ten
// entries formats ten). A millisecond time has 13 digits: it is cut into 32-bit pieces (a
// leading one of up to 10 digits, then exactly 8 each), each written two digits per table
// lookup, which costs about half the instructions of std::to_chars on the 64-bit value.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> t{};
  for (int i = 0; i < 100; i++) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

void PutPair(char* p, uint32_t v) {  // REQUIRES: v < 100
  p[0] = kDigitPairs[2 * v];
  p[1] = kDigitPairs[2 * v + 1];
}

// Exactly 8 digits, leading zeros included. REQUIRES: v < 10^8.
void PutEight(char* p, uint32_t v) {
  const uint32_t high = v / 10000;
  const uint32_t low = v % 10000;
  PutPair(p, high / 100);
  PutPair(p + 2, high % 100);
  PutPair(p + 4, low / 100);
  PutPair(p + 6, low % 100);
}

// v without leading zeros; returns the end.
char* Put32(char* p, uint32_t v) {
  int n = 1;
  for (uint32_t bound = 10; n < 10 && v >= bound; bound *= 10) {
    n++;
  }
  char* end = p + n;
  char* q = end;
  while (v >= 100) {
    q -= 2;
    PutPair(q, v % 100);
    v /= 100;
  }
  if (v >= 10) {
    PutPair(q - 2, v);
  } else {
    q[-1] = static_cast<char>('0' + v);
  }
  return end;
}

char* Put64(char* p, uint64_t v) {
  constexpr uint64_t k8 = 100000000;
  if (v <= UINT32_MAX) {
    return Put32(p, static_cast<uint32_t>(v));
  }
  if (v < k8 * k8) {
    p = Put32(p, static_cast<uint32_t>(v / k8));
    PutEight(p, static_cast<uint32_t>(v % k8));
    return p + 8;
  }
  p = Put32(p, static_cast<uint32_t>(v / (k8 * k8)));
  v %= k8 * k8;
  PutEight(p, static_cast<uint32_t>(v / k8));
  PutEight(p + 8, static_cast<uint32_t>(v % k8));
  return p + 16;
}

}  // namespace

size_t FormatIdTo(char* buf, StreamId id) {
  char* p = Put64(buf, id.ms);
  *p++ = '-';
  p = Put64(p, id.seq);
  return static_cast<size_t>(p - buf);
}

void AppendId(std::string* out, StreamId id) {
  char buf[kMaxIdText];
  out->append(buf, FormatIdTo(buf, id));
}

std::string FormatId(StreamId id) {
  std::string s;
  AppendId(&s, id);
  return s;
}

bool ParseIdPart(std::string_view s, uint64_t* out) {
  if (s.empty()) {
    return false;
  }
  uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) {
      return false;
    }
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

std::optional<StreamId> ParseId(std::string_view s, uint64_t missing_seq, bool allow_special) {
  if (allow_special && s.size() == 1) {
    if (s[0] == '-') {
      return StreamId::Min();
    }
    if (s[0] == '+') {
      return StreamId::Max();
    }
  }
  StreamId id;
  const size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseIdPart(s, &id.ms)) {
      return std::nullopt;
    }
    id.seq = missing_seq;
    return id;
  }
  if (!ParseIdPart(s.substr(0, dash), &id.ms) || !ParseIdPart(s.substr(dash + 1), &id.seq)) {
    return std::nullopt;
  }
  return id;
}

std::optional<StreamId> ParseRangeBound(std::string_view s, bool is_start, std::string* error) {
  const uint64_t missing_seq = is_start ? 0 : UINT64_MAX;
  if (s.size() > 1 && s[0] == '(') {
    // Redis accepts no "-" or "+" after "(".
    const std::optional<StreamId> id = ParseId(s.substr(1), missing_seq, false);
    if (!id) {
      *error = std::string(kInvalidIdError);
      return std::nullopt;
    }
    std::optional<StreamId> moved = is_start ? id->Next() : id->Prev();
    if (!moved) {
      *error = is_start ? "ERR invalid start ID for the interval"
                        : "ERR invalid end ID for the interval";
    }
    return moved;
  }
  std::optional<StreamId> id = ParseId(s, missing_seq, true);
  if (!id) {
    *error = std::string(kInvalidIdError);
  }
  return id;
}

std::optional<AddIdSpec> ParseAddId(std::string_view s) {
  AddIdSpec spec;
  if (s == "*") {
    return spec;
  }
  if (s.size() > 2 && s.substr(s.size() - 2) == "-*") {
    if (!ParseIdPart(s.substr(0, s.size() - 2), &spec.id.ms)) {
      return std::nullopt;
    }
    spec.kind = AddIdSpec::Kind::kAutoSeq;
    return spec;
  }
  const std::optional<StreamId> id = ParseId(s, 0, false);
  if (!id) {
    return std::nullopt;
  }
  spec.kind = AddIdSpec::Kind::kExplicit;
  spec.id = *id;
  return spec;
}

}  // namespace rill::stream
