// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "net/reply_builder.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "core/check.h"
#include "core/strings.h"

namespace rill::net {

namespace {

constexpr size_t kMaxHeader = 24;  // type, an int64 (20 characters at most), CRLF

// "<type><n>\r\n" into buf; returns its length.
size_t FormatHeader(char* buf, char type, int64_t n) {
  buf[0] = type;
  auto [ptr, ec] = std::to_chars(buf + 1, buf + kMaxHeader - 2, n);
  *ptr++ = '\r';
  *ptr++ = '\n';
  return static_cast<size_t>(ptr - buf);
}

}  // namespace

void ReplyBuilder::Header(char type, int64_t n) {
  char buf[kMaxHeader];
  out_->append(buf, FormatHeader(buf, type, n));
}

void ReplyBuilder::HeaderAt(size_t at, char type, int64_t n) {
  RILL_DCHECK(at <= out_->size());
  char buf[kMaxHeader];
  out_->insert(at, buf, FormatHeader(buf, type, n));
}

void ReplyBuilder::SimpleString(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Error(std::string_view line) {
  out_->push_back('-');
  const size_t start = out_->size();
  out_->append(line);
  for (size_t i = start; i < out_->size(); i++) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') {
      (*out_)[i] = ' ';
    }
  }
  out_->append("\r\n", 2);
}

void ReplyBuilder::Integer(int64_t v) { Header(':', v); }

void ReplyBuilder::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Null() {
  if (resp_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyBuilder::NullArray() {
  if (resp_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyBuilder::Double(double d) {
  const std::string s = FormatDouble(d);
  if (resp_ >= 3) {
    out_->push_back(',');
    out_->append(s);
    out_->append("\r\n", 2);
  } else {
    Bulk(s);
  }
}

void ReplyBuilder::BigNumber(std::string_view digits) {
  if (resp_ >= 3) {
    out_->push_back('(');
    out_->append(digits);
    out_->append("\r\n", 2);
  } else {
    Bulk(digits);
  }
}

void ReplyBuilder::Bool(bool b) {
  if (resp_ >= 3) {
    out_->append(b ? "#t\r\n" : "#f\r\n", 4);
  } else {
    Integer(b ? 1 : 0);
  }
}

void ReplyBuilder::Verbatim(std::string_view text) {
  if (resp_ >= 3) {
    Header('=', static_cast<int64_t>(text.size() + 4));
    out_->append("txt:", 4);
    out_->append(text);
    out_->append("\r\n", 2);
  } else {
    Bulk(text);
  }
}

void ReplyBuilder::ArrayHeader(int64_t n) { Header('*', n); }

void ReplyBuilder::MapHeader(int64_t n) {
  if (resp_ >= 3) {
    Header('%', n);
  } else {
    Header('*', n * 2);
  }
}

void ReplyBuilder::TruncateTo(size_t at) {
  RILL_DCHECK(at <= out_->size());
  out_->resize(at);
}

void ReplyBuilder::MoveTailTo(size_t at, size_t from) {
  RILL_DCHECK(at <= from && from <= out_->size());
  char* const data = out_->data();
  const size_t tail = out_->size() - from;
  char held[128];  // a head is a few headers and an id: set aside, then one memmove
  if (tail > sizeof(held)) {
    std::rotate(data + at, data + from, data + out_->size());
    return;
  }
  memcpy(held, data + from, tail);
  memmove(data + at + tail, data + at, from - at);
  memcpy(data + at, held, tail);
}

void ReplyBuilder::MapHeaderAt(size_t at, int64_t n) {
  if (resp_ >= 3) {
    HeaderAt(at, '%', n);
  } else {
    HeaderAt(at, '*', n * 2);
  }
}

void ReplyBuilder::SetHeader(int64_t n) { Header(resp_ >= 3 ? '~' : '*', n); }

void ReplyBuilder::PushHeader(int64_t n) { Header(resp_ >= 3 ? '>' : '*', n); }

}  // namespace rill::net
