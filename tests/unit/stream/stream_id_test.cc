// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "stream/stream_id.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace rill::stream {
namespace {

TEST(StreamIdTest, OrdersAsPairs) {
  EXPECT_LT((StreamId{1, 5}), (StreamId{2, 0}));
  EXPECT_LT((StreamId{1, 5}), (StreamId{1, 6}));
  EXPECT_EQ((StreamId{3, 4}), (StreamId{3, 4}));
}

TEST(StreamIdTest, NextAndPrevCrossMillisecondsAndStopAtEnds) {
  EXPECT_EQ((StreamId{1, UINT64_MAX}.Next()), (StreamId{2, 0}));
  EXPECT_EQ((StreamId{2, 0}.Prev()), (StreamId{1, UINT64_MAX}));
  EXPECT_FALSE(StreamId::Max().Next().has_value());
  EXPECT_FALSE(StreamId::Min().Prev().has_value());
}

TEST(StreamIdTest, FormatsAsMsDashSeq) {
  EXPECT_EQ(FormatId({1700000000000, 3}), "1700000000000-3");
  EXPECT_EQ(FormatId(StreamId::Max()), "18446744073709551615-18446744073709551615");
}

// FormatIdTo cuts each number into 32-bit pieces: every length and every piece boundary
// (10^8, 2^32, 10^16) must read as std::to_string does.
TEST(StreamIdTest, FormatsEveryLengthAndPieceBoundary) {
  std::vector<uint64_t> values = {0,          UINT32_MAX,    uint64_t{UINT32_MAX} + 1,
                                  UINT64_MAX, 1700000000000, 1000000000000000000};
  for (uint64_t p = 1; p <= 10000000000000000000u; p *= 10) {
    values.insert(values.end(), {p - 1, p, p + 1});
    if (p == 10000000000000000000u) {
      break;  // 2p and 9p would wrap
    }
    values.insert(values.end(), {2 * p - 1, 9 * p});
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; i++) {
    values.push_back(rng() >> (rng() % 64));
  }
  for (const uint64_t v : values) {
    const StreamId id{v, values[v % values.size()]};
    EXPECT_EQ(FormatId(id), std::to_string(id.ms) + "-" + std::to_string(id.seq)) << v;
  }
}

TEST(StreamIdTest, IdTextHoldsTheSameTextAsFormatId) {
  for (const StreamId id : {StreamId{0, 0}, StreamId{1700000000000, 3},
                            StreamId{1700000000000, 12345}, StreamId::Max()}) {
    EXPECT_EQ(IdText(id).view(), FormatId(id));
  }
}

TEST(StreamIdTest, ParsesCompleteIncompleteAndSpecialIds) {
  EXPECT_EQ(ParseId("5-3", 0, false), (StreamId{5, 3}));
  EXPECT_EQ(ParseId("5", 7, false), (StreamId{5, 7}));
  EXPECT_EQ(ParseId("0005-007", 0, false), (StreamId{5, 7}));  // leading zeros, as Redis
  EXPECT_EQ(ParseId("-", 0, true), StreamId::Min());
  EXPECT_EQ(ParseId("+", 0, true), StreamId::Max());
  EXPECT_FALSE(ParseId("-", 0, false).has_value());
  EXPECT_EQ(ParseId("18446744073709551615-18446744073709551615", 0, false), StreamId::Max());
}

TEST(StreamIdTest, RejectsMalformedIds) {
  for (const char* bad :
       {"", "abc", "1-", "-1", "1-2-3", "1.5", "18446744073709551616", "1--2", " 1", "1-x", "+1"}) {
    EXPECT_FALSE(ParseId(bad, 0, false).has_value()) << bad;
  }
}

TEST(StreamIdTest, ExclusiveRangeBoundsMoveOneStep) {
  std::string error;
  EXPECT_EQ(ParseRangeBound("(5-3", true, &error), (StreamId{5, 4}));
  EXPECT_EQ(ParseRangeBound("(5-3", false, &error), (StreamId{5, 2}));
  EXPECT_EQ(ParseRangeBound("(5", true, &error), (StreamId{5, 1}));  // 5-0 excluded
  EXPECT_EQ(ParseRangeBound("5", false, &error), (StreamId{5, UINT64_MAX}));
  EXPECT_FALSE(ParseRangeBound("(0-0", false, &error).has_value());
  EXPECT_EQ(error, "ERR invalid end ID for the interval");
  EXPECT_FALSE(
      ParseRangeBound("(18446744073709551615-18446744073709551615", true, &error).has_value());
  EXPECT_EQ(error, "ERR invalid start ID for the interval");
  EXPECT_FALSE(ParseRangeBound("(-", true, &error).has_value());
  EXPECT_EQ(error, kInvalidIdError);
}

TEST(StreamIdTest, ParsesXaddIdForms) {
  EXPECT_EQ(ParseAddId("*")->kind, AddIdSpec::Kind::kAuto);
  const auto auto_seq = ParseAddId("12-*");
  ASSERT_TRUE(auto_seq.has_value());
  EXPECT_EQ(auto_seq->kind, AddIdSpec::Kind::kAutoSeq);
  EXPECT_EQ(auto_seq->id.ms, 12u);
  const auto exp = ParseAddId("12-3");
  ASSERT_TRUE(exp.has_value());
  EXPECT_EQ(exp->kind, AddIdSpec::Kind::kExplicit);
  EXPECT_EQ(exp->id, (StreamId{12, 3}));
  EXPECT_FALSE(ParseAddId("-*").has_value());
  EXPECT_FALSE(ParseAddId("*-1").has_value());
  EXPECT_FALSE(ParseAddId("x").has_value());
}

}  // namespace
}  // namespace rill::stream
