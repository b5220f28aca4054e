// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "cmd/command_docs.h"

#include <gtest/gtest.h>

#include "tests/support/command_harness.h"

namespace rill::cmd {
namespace {

TEST(CommandDocsTest, PlainArgumentsAndRepeats) {
  const std::vector<DocArg> a = ParseSyntax("key [key ...]");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].name, "key");
  EXPECT_EQ(a[0].type, "key");
  EXPECT_TRUE(a[0].multiple);
  EXPECT_FALSE(a[0].optional);
}

TEST(CommandDocsTest, RepeatedPairsBecomeABlock) {
  const std::vector<DocArg> a = ParseSyntax("key value [key value ...]");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].type, "block");
  EXPECT_TRUE(a[0].multiple);
  ASSERT_EQ(a[0].args.size(), 2u);
  EXPECT_EQ(a[0].args[1].name, "value");
}

TEST(CommandDocsTest, OptionalOneofWithTokens) {
  const std::vector<DocArg> a = ParseSyntax("key [NX|XX] [EX seconds|KEEPTTL]");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[1].type, "oneof");
  EXPECT_TRUE(a[1].optional);
  ASSERT_EQ(a[1].args.size(), 2u);
  EXPECT_EQ(a[1].args[0].type, "pure-token");
  EXPECT_EQ(a[1].args[0].token, "NX");
  EXPECT_EQ(a[2].args[0].name, "seconds");
  EXPECT_EQ(a[2].args[0].token, "EX");
  EXPECT_EQ(a[2].args[0].type, "integer");
  EXPECT_EQ(a[2].args[1].token, "KEEPTTL");
}

TEST(CommandDocsTest, TopLevelAlternativesAreOneRequiredOneof) {
  const std::vector<DocArg> a = ParseSyntax("ON|OFF|SKIP");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].type, "oneof");
  EXPECT_FALSE(a[0].optional);
  EXPECT_EQ(a[0].args.size(), 3u);
}

TEST(CommandDocsTest, NestedOptionalBlocks) {
  const std::vector<DocArg> a = ParseSyntax("[protover [AUTH username password] [SETNAME n]]");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].type, "block");
  EXPECT_TRUE(a[0].optional);
  ASSERT_EQ(a[0].args.size(), 3u);
  EXPECT_EQ(a[0].args[1].type, "block");
  EXPECT_EQ(a[0].args[1].args[0].token, "AUTH");
}

}  // namespace
}  // namespace rill::cmd

namespace rill::test {
namespace {

TEST(CommandDocsReplyTest, DocsForSetHaveArgumentsForRedisCliHints) {
  CommandHarness h;
  const std::string r = h.Run({"COMMAND", "DOCS", "set"});
  EXPECT_EQ(r.substr(0, 16), "*2\r\n$3\r\nset\r\n*10");  // a 5-field map
  EXPECT_NE(r.find("$9\r\narguments\r\n"), std::string::npos);
  EXPECT_NE(r.find("$5\r\ntoken\r\n$7\r\nKEEPTTL\r\n"), std::string::npos);
  const std::string cfg = h.Run({"COMMAND", "DOCS", "config"});
  EXPECT_NE(cfg.find("$11\r\nsubcommands\r\n"), std::string::npos);
  EXPECT_NE(cfg.find("$10\r\nconfig|get\r\n"), std::string::npos);
}

}  // namespace
}  // namespace rill::test
