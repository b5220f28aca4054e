// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/stream_id.h"

#include <charconv>

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

size_t FormatIdTo(char* buf, StreamId id) {
  char* p = std::to_chars(buf, buf + 20, id.ms).ptr;
  *p++ = '-';
  p = std::to_chars(p, p + 20, id.seq).ptr;
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
