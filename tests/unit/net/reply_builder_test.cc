// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "net/reply_builder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace rill::net {
namespace {

std::string Build(int resp, void (*fn)(ReplyBuilder&)) {
  std::string out;
  ReplyBuilder rb(&out, resp);
  fn(rb);
  return out;
}

TEST(ReplyBuilderTest, ScalarsInBothProtocols) {
  auto scalars = [](ReplyBuilder& rb) {
    rb.Ok();
    rb.Integer(-5);
    rb.Bulk("ab");
    rb.Null();
    rb.NullArray();
    rb.Double(1.5);
    rb.Bool(true);
    rb.BigNumber("12345678901234567890");
  };
  EXPECT_EQ(Build(2, scalars),
            "+OK\r\n:-5\r\n$2\r\nab\r\n$-1\r\n*-1\r\n$3\r\n1.5\r\n:1\r\n"
            "$20\r\n12345678901234567890\r\n");
  EXPECT_EQ(Build(3, scalars),
            "+OK\r\n:-5\r\n$2\r\nab\r\n_\r\n_\r\n,1.5\r\n#t\r\n(12345678901234567890\r\n");
}

TEST(ReplyBuilderTest, AggregatesInBothProtocols) {
  auto aggregates = [](ReplyBuilder& rb) {
    rb.MapHeader(2);
    rb.SetHeader(1);
    rb.PushHeader(3);
    rb.ArrayHeader(0);
  };
  EXPECT_EQ(Build(2, aggregates), "*4\r\n*1\r\n*3\r\n*0\r\n");
  EXPECT_EQ(Build(3, aggregates), "%2\r\n~1\r\n>3\r\n*0\r\n");
}

TEST(ReplyBuilderTest, HeadersGoInFrontOfElementsWrittenFirst) {
  auto nested = [](ReplyBuilder& rb) {
    rb.Ok();  // an earlier reply in the buffer stays where it is
    const size_t outer = rb.size();
    rb.Bulk("k");
    const size_t inner = rb.size();
    for (int i = 0; i < 12; i++) {
      rb.Integer(i);
    }
    rb.ArrayHeaderAt(inner, 12);
    rb.MapHeaderAt(outer, 1);
    rb.ArrayHeaderAt(rb.size(), 0);  // at the end: the same as ArrayHeader
  };
  const std::string ints =
      ":0\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n:6\r\n:7\r\n:8\r\n:9\r\n:10\r\n:11\r\n";
  EXPECT_EQ(Build(2, nested), "+OK\r\n*2\r\n$1\r\nk\r\n*12\r\n" + ints + "*0\r\n");
  EXPECT_EQ(Build(3, nested), "+OK\r\n%1\r\n$1\r\nk\r\n*12\r\n" + ints + "*0\r\n");
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.ArrayHeaderAt(0, INT64_MIN); }),
            "*-9223372036854775808\r\n");
}

TEST(ReplyBuilderTest, ATailWrittenLastMovesInFrontOfTheElements) {
  auto cursor_last = [](ReplyBuilder& rb) {
    rb.Ok();  // an earlier reply in the buffer stays where it is
    const size_t elements = rb.size();
    rb.Bulk("a");
    rb.Bulk("bc");
    const size_t head = rb.size();
    rb.ArrayHeader(3);
    rb.Bulk("0-0");
    rb.ArrayHeader(2);
    rb.MoveTailTo(elements, head);
    rb.ArrayHeader(0);  // what follows goes after, as usual
  };
  EXPECT_EQ(Build(2, cursor_last), "+OK\r\n*3\r\n$3\r\n0-0\r\n*2\r\n$1\r\na\r\n$2\r\nbc\r\n*0\r\n");
  auto nothing_between = [](ReplyBuilder& rb) {
    const size_t at = rb.size();
    rb.Integer(1);
    rb.MoveTailTo(at, at);  // the whole buffer is the tail: nothing moves
    rb.MoveTailTo(rb.size(), rb.size());
  };
  EXPECT_EQ(Build(2, nothing_between), ":1\r\n");
  auto long_tail = [](ReplyBuilder& rb) {  // longer than MoveTailTo's stack buffer
    rb.Bulk("a");
    const size_t head = rb.size();
    rb.Bulk(std::string(300, 'h'));
    rb.MoveTailTo(0, head);
  };
  EXPECT_EQ(Build(2, long_tail), "$300\r\n" + std::string(300, 'h') + "\r\n$1\r\na\r\n");
}

TEST(ReplyBuilderTest, ErrorsStayOnOneLine) {
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.Error("ERR bad\r\nthing"); }),
            "-ERR bad  thing\r\n");
}

TEST(ReplyBuilderTest, VerbatimIsBulkInResp2) {
  EXPECT_EQ(Build(2, [](ReplyBuilder& rb) { rb.Verbatim("hi"); }), "$2\r\nhi\r\n");
  EXPECT_EQ(Build(3, [](ReplyBuilder& rb) { rb.Verbatim("hi"); }), "=6\r\ntxt:hi\r\n");
}

}  // namespace
}  // namespace rill::net
