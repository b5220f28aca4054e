// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// net/reply_builder.h: writes RESP2 or RESP3 replies into a connection's output buffer.
//
// Callers say what a reply means (a map, a set, a null, a double) and the builder picks
// the wire form of the client's protocol: after HELLO 3 a map is "%", a set "~", a double
// ",", a null "_", a push ">"; in RESP2 they fall back to "*" arrays (maps flattened),
// bulk strings and "$-1"/"*-1", exactly as Redis does.
// Threading: a builder borrows the buffer; both belong to the connection's thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rill::net {

class ReplyBuilder {
 public:
  // REQUIRES: out outlives the builder.
  ReplyBuilder(std::string* out, int resp) : out_(out), resp_(resp) {}

  int resp() const { return resp_; }
  std::string* buffer() { return out_; }

  void SimpleString(std::string_view s);  // +s
  void Ok() { out_->append("+OK\r\n", 5); }
  // `line` is the full error text without '-', e.g. "ERR syntax error". Newlines in it are
  // replaced by spaces so the reply stays one line.
  void Error(std::string_view line);
  void Integer(int64_t v);
  void Bulk(std::string_view s);
  void Null();       // RESP2 $-1, RESP3 _
  void NullArray();  // RESP2 *-1, RESP3 _
  void Double(double d);
  void BigNumber(std::string_view digits);
  void Bool(bool b);
  void Verbatim(std::string_view text);  // RESP3 =txt:, RESP2 bulk
  void ArrayHeader(int64_t n);
  void MapHeader(int64_t n);  // n pairs; RESP2 writes *2n
  void SetHeader(int64_t n);
  void PushHeader(int64_t n);  // pub/sub messages; RESP2 writes *n
  // Bytes already in RESP form (used by MONITOR and EXEC).
  void Raw(std::string_view bytes) { out_->append(bytes); }

  // An aggregate whose length is known only once its elements are written: note size()
  // before writing them, then put the header in front of them with ArrayHeaderAt or
  // MapHeaderAt. The elements move up by the header's few bytes inside the one buffer,
  // instead of being built in a second buffer and copied over. TruncateTo takes back what
  // was written since. MoveTailTo is for a head of several elements that depends on the
  // ones after it (XAUTOCLAIM's next cursor): write the head last, from size() at `from`,
  // and it moves to `at`, in front of what was written in between.
  // REQUIRES: at and from were taken from size() during the same command (net/connection.h:
  // nothing is sent from the buffer meanwhile), and at <= from <= size().
  size_t size() const { return out_->size(); }
  void ArrayHeaderAt(size_t at, int64_t n) { HeaderAt(at, '*', n); }
  void MapHeaderAt(size_t at, int64_t n);  // n pairs; RESP2 writes *2n
  void TruncateTo(size_t at);
  void MoveTailTo(size_t at, size_t from);

 private:
  void Header(char type, int64_t n);
  void HeaderAt(size_t at, char type, int64_t n);

  std::string* out_;
  int resp_;
};

}  // namespace rill::net
