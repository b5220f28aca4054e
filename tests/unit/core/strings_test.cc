// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/strings.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rill {
namespace {

TEST(StringsTest, ParseInt64AcceptsRedisIntegers) {
  EXPECT_EQ(ParseInt64("0"), 0);
  EXPECT_EQ(ParseInt64("-42"), -42);
  EXPECT_EQ(ParseInt64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseInt64("-9223372036854775808"), INT64_MIN);
}

TEST(StringsTest, ParseInt64RejectsWhatRedisRejects) {
  for (const char* s :
       {"", "+1", " 1", "1 ", "01", "-0", "1.0", "9223372036854775808", "abc", "-", "1e3"}) {
    EXPECT_FALSE(ParseInt64(s).has_value()) << s;
  }
}

TEST(StringsTest, ParseDoubleRejectsNanAndSpaces) {
  EXPECT_DOUBLE_EQ(*ParseDouble("1.5"), 1.5);
  EXPECT_DOUBLE_EQ(*ParseDouble("-1e3"), -1000);
  EXPECT_TRUE(std::isinf(*ParseDouble("inf")));
  EXPECT_FALSE(ParseDouble("nan").has_value());
  EXPECT_FALSE(ParseDouble(" 1").has_value());
  EXPECT_FALSE(ParseDouble("1x").has_value());
  EXPECT_FALSE(ParseDouble("").has_value());
}

TEST(StringsTest, ParseMemoryUnderstandsRedisUnits) {
  EXPECT_EQ(ParseMemory("100"), 100);
  EXPECT_EQ(ParseMemory("1k"), 1000);
  EXPECT_EQ(ParseMemory("1kb"), 1024);
  EXPECT_EQ(ParseMemory("5MB"), 5 * 1024 * 1024);
  EXPECT_EQ(ParseMemory("1gb"), 1024LL * 1024 * 1024);
  EXPECT_EQ(ParseMemory("2g"), 2000000000LL);
  EXPECT_FALSE(ParseMemory("1tb").has_value());
  EXPECT_FALSE(ParseMemory("mb").has_value());
  EXPECT_FALSE(ParseMemory("99999999999999gb").has_value());
}

TEST(StringsTest, GlobMatchFollowsRedisRules) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
  EXPECT_TRUE(GlobMatch("MAXMEMORY*", "maxmemory-policy", /*nocase=*/true));
  EXPECT_FALSE(GlobMatch("abc", "abcd"));
}

TEST(StringsTest, GlobMatchSurvivesPathologicalPatterns) {
  const std::string pattern(200, '*');
  EXPECT_FALSE(GlobMatch(pattern + "b", std::string(200, 'a')));
}

TEST(StringsTest, SplitArgsHandlesQuotesLikeRedisCli) {
  auto w = SplitArgs("set \"a b\" 'c d' e\\x41");
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(*w, (std::vector<std::string>{"set", "a b", "c d", "e\\x41"}));
  w = SplitArgs("\"\\x41\\n\" ''");
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(*w, (std::vector<std::string>{"A\n", ""}));
  EXPECT_FALSE(SplitArgs("\"unterminated").has_value());
  EXPECT_FALSE(SplitArgs("\"a\"b").has_value());
  EXPECT_TRUE(SplitArgs("   ")->empty());
}

TEST(StringsTest, FormatDoubleIsShortestRoundTrip) {
  EXPECT_EQ(FormatDouble(3.141), "3.141");
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(-2), "-2");
  EXPECT_EQ(FormatDouble(1.0 / 0.0), "inf");
}

TEST(StringsTest, QuoteReprEscapesLikeRedis) {
  EXPECT_EQ(QuoteRepr("a\"b\n\x01"), "\"a\\\"b\\n\\x01\"");
}

}  // namespace
}  // namespace rill
