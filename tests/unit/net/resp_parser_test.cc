// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "net/resp_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

namespace rill::net {
namespace {

struct Parsed {
  RespParser::State state;
  std::vector<std::string> args;
  size_t consumed = 0;
};

Parsed ParseOne(RespParser& p, std::string_view data, ParserLimits limits = {}) {
  std::vector<std::string_view> args;
  Parsed r;
  r.state = p.Parse(data.data(), data.size(), limits, &args, &r.consumed);
  r.args.assign(args.begin(), args.end());
  return r;
}

TEST(RespParserTest, ParsesMultibulk) {
  RespParser p;
  const std::string in = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*1\r\n";
  Parsed r = ParseOne(p, in);
  ASSERT_EQ(r.state, RespParser::State::kComplete);
  EXPECT_EQ(r.args, (std::vector<std::string>{"SET", "k", "hello"}));
  EXPECT_EQ(r.consumed, in.size() - 4);
}

TEST(RespParserTest, ArgumentsPointIntoTheBuffer) {
  RespParser p;
  const std::string in = "*1\r\n$4\r\nPING\r\n";
  std::vector<std::string_view> args;
  size_t consumed = 0;
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}, &args, &consumed), RespParser::State::kComplete);
  EXPECT_EQ(args[0].data(), in.data() + 8);  // no copy on the fast path
}

TEST(RespParserTest, ResumesByteByByte) {
  const std::string in = "*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\n";
  RespParser p;
  for (size_t n = 1; n < in.size(); n++) {
    EXPECT_EQ(ParseOne(p, in.substr(0, n)).state, RespParser::State::kIncomplete) << n;
  }
  Parsed r = ParseOne(p, in);
  ASSERT_EQ(r.state, RespParser::State::kComplete);
  EXPECT_EQ(r.args, (std::vector<std::string>{"ECHO", "hello world"}));
}

TEST(RespParserTest, HintsTheSizeOfALargeBulk) {
  RespParser p;
  EXPECT_EQ(ParseOne(p, "*1\r\n$1000000\r\nabc").state, RespParser::State::kIncomplete);
  EXPECT_EQ(p.needed_hint(), 4u + 10u + 1000000u + 2u);
}

TEST(RespParserTest, ParsesInlineWithQuotes) {
  RespParser p;
  Parsed r = ParseOne(p, "set  \"a b\" 'c'\r\n");
  ASSERT_EQ(r.state, RespParser::State::kComplete);
  EXPECT_EQ(r.args, (std::vector<std::string>{"set", "a b", "c"}));
  r = ParseOne(p, "PING\n");
  EXPECT_EQ(r.args, (std::vector<std::string>{"PING"}));
  EXPECT_EQ(r.consumed, 5u);
  r = ParseOne(p, "\r\n");
  ASSERT_EQ(r.state, RespParser::State::kComplete);
  EXPECT_TRUE(r.args.empty());
}

TEST(RespParserTest, ZeroLengthBulkAndLongestFastLength) {
  RespParser p;
  Parsed r = ParseOne(p, "*2\r\n$0\r\n\r\n$3\r\nabc\r\n");
  ASSERT_EQ(r.state, RespParser::State::kComplete);
  EXPECT_EQ(r.args, (std::vector<std::string>{"", "abc"}));
  // 18 digits, the most the general path's digit loop takes: a length, then over the limit.
  EXPECT_EQ(ParseOne(p, "*1\r\n$100000000000000000\r\n").state, RespParser::State::kError);
  EXPECT_EQ(p.error(), "Protocol error: invalid bulk length");
}

TEST(RespParserTest, EmptyAndNegativeMultibulkAreSkipped) {
  RespParser p;
  Parsed r = ParseOne(p, "*0\r\n");
  ASSERT_EQ(r.state, RespParser::State::kComplete);
  EXPECT_TRUE(r.args.empty());
  EXPECT_EQ(r.consumed, 4u);
  EXPECT_EQ(ParseOne(p, "*-1\r\n").state, RespParser::State::kComplete);
}

// Parses `in` whole with a fresh parser, or offers it growing one byte at a time (the way a
// slow client's reads arrive) until the parser decides. Each offer is a heap block of
// exactly its size, so that under AddressSanitizer a read past the end is reported.
Parsed ParseWholeOrGrowing(std::string_view in, const ParserLimits& limits, bool growing,
                           std::string* error) {
  RespParser p;
  Parsed r;
  for (size_t n = growing ? 1 : in.size(); n <= in.size(); n++) {
    const auto exact = std::make_unique<char[]>(n);
    std::copy_n(in.data(), n, exact.get());
    r = ParseOne(p, std::string_view(exact.get(), n), limits);
    if (r.state != RespParser::State::kIncomplete) {
      break;
    }
  }
  *error = p.error();
  return r;
}

// A whole request in the buffer takes the one-pass path; a request that arrives in pieces
// takes the general one. Both must give the same arguments, length and error text for
// every input, including those the one-pass path hands on (the arguments are only
// defined once a request is complete).
TEST(RespParserTest, WholeAndGrowingBuffersAgree) {
  ParserLimits unauthenticated;
  unauthenticated.authenticated = false;
  ParserLimits four_args;
  four_args.max_multibulk_len = 4;
  ParserLimits two_bytes;
  two_bytes.max_bulk_len = 2;
  std::string eleven_args = "*11\r\n";
  for (int i = 0; i < 11; i++) {
    eleven_args += "$1\r\na\r\n";
  }
  const std::string big(16385, 'x');
  const std::vector<std::pair<std::string, ParserLimits>> cases = {
      {"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*1\r\n", {}},
      {"*2\r\n$0\r\n\r\n$10\r\n0123456789\r\n", {}},
      {"*0\r\n*1\r\n", {}},
      {"*-1\r\n", {}},
      {"*01\r\n$1\r\na\r\n", {}},
      {"*1\r\n$01\r\na\r\n", {}},
      {"*1\r\n$-1\r\n\r\n", {}},
      {"*1\r\n$+1\r\na\r\n", {}},
      {"*2\r\n$3\r\nGET\r\n:1\r\n", {}},
      {"*1\r\n$1000000000\r\n", {}},
      {"*1\r\n$3\rxabc\r\n", {}},
      {"*1\r\n$3x\nabc\r\n", {}},
      {"*\r\n", {}},
      {"*1\r\n$\r\n\r\n", {}},
      {"*1\r\n:1\r\nx\r\n", {}},
      {"*1\r\n$18446744073709551619\r\nabc\r\n", {}},
      {"*1\r\n$3\r\nabc\r\n", two_bytes},
      {"*1\r\n$2\r\nab\r\n", two_bytes},
      {eleven_args, unauthenticated},
      {eleven_args, {}},
      {"*1\r\n$16385\r\n" + big + "\r\n", unauthenticated},
      {"*1\r\n$16385\r\n" + big + "\r\n", {}},
      {"*11\r\n" + std::string(11 * 7, ' '), unauthenticated},
      {"*5\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n", four_args},
  };
  for (const auto& [in, limits] : cases) {
    std::string whole_error;
    std::string growing_error;
    const Parsed whole = ParseWholeOrGrowing(in, limits, false, &whole_error);
    const Parsed growing = ParseWholeOrGrowing(in, limits, true, &growing_error);
    EXPECT_EQ(whole.state, growing.state) << in;
    if (whole.state == RespParser::State::kComplete) {
      EXPECT_EQ(whole.args, growing.args) << in;
      EXPECT_EQ(whole.consumed, growing.consumed) << in;
    }
    EXPECT_EQ(whole_error, growing_error) << in;
  }
}

struct ErrorCase {
  std::string input;
  std::string error;
};

class RespParserErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RespParserErrorTest, ReportsRedisText) {
  RespParser p;
  ParserLimits limits;
  limits.max_bulk_len = 1024 * 1024;
  Parsed r = ParseOne(p, GetParam().input, limits);
  ASSERT_EQ(r.state, RespParser::State::kError);
  EXPECT_EQ(p.error(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, RespParserErrorTest,
    ::testing::Values(
        ErrorCase{"*x\r\n", "Protocol error: invalid multibulk length"},
        ErrorCase{"*3000000000\r\n", "Protocol error: invalid multibulk length"},
        ErrorCase{"*1\r\n:1\r\n", "Protocol error: expected '$', got ':'"},
        ErrorCase{"*1\r\n$-1\r\n", "Protocol error: invalid bulk length"},
        ErrorCase{"*1\r\n$abc\r\n", "Protocol error: invalid bulk length"},
        // Lengths the one-pass digit reader hands on to the general path.
        ErrorCase{"*1\r\n$12a\r\n", "Protocol error: invalid bulk length"},
        ErrorCase{"*1\r\n$007\r\n", "Protocol error: invalid bulk length"},
        ErrorCase{"*1\r\n$+3\r\n", "Protocol error: invalid bulk length"},
        ErrorCase{"*1\r\n$1234567890123456789\r\n", "Protocol error: invalid bulk length"},
        ErrorCase{"*12345678901234567890\r\n", "Protocol error: invalid multibulk length"},
        ErrorCase{"*2 \r\n", "Protocol error: invalid multibulk length"},
        ErrorCase{"*1\r\n$2000000\r\n", "Protocol error: invalid bulk length"},
        ErrorCase{"*1" + std::string(70000, '1'), "Protocol error: too big mbulk count string"},
        ErrorCase{"*1\r\n$1" + std::string(70000, '1'),
                  "Protocol error: too big bulk count string"},
        ErrorCase{std::string(70000, 'a'), "Protocol error: too big inline request"},
        ErrorCase{"set \"a\n", "Protocol error: unbalanced quotes in request"}));

TEST(RespParserTest, UnauthenticatedClientsGetSmallLimits) {
  ParserLimits limits;
  limits.authenticated = false;
  RespParser p;
  ParseOne(p, "*11\r\n", limits);
  EXPECT_EQ(p.error(), "Protocol error: unauthenticated multibulk length");
  RespParser q;
  ParseOne(q, "*1\r\n$16385\r\n", limits);
  EXPECT_EQ(q.error(), "Protocol error: unauthenticated bulk length");
}

TEST(RespParserTest, MultibulkLimitIsConfigurable) {
  ParserLimits limits;
  limits.max_multibulk_len = 4;
  RespParser p;
  EXPECT_EQ(ParseOne(p, "*5\r\n", limits).state, RespParser::State::kError);
}

}  // namespace
}  // namespace rill::net
