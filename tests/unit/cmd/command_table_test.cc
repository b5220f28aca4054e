// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "cmd/command_table.h"

#include <gtest/gtest.h>

#include "cmd/families.h"
#include "tests/support/command_harness.h"

namespace rill::cmd {
namespace {

TEST(CommandTableTest, EveryRowIsComplete) {
  const CommandTable t = BuildCommandTable();
  for (const CommandSpec& c : t.commands()) {
    EXPECT_FALSE(c.summary.empty()) << c.name;
    EXPECT_FALSE(c.since.empty()) << c.name;
    EXPECT_FALSE(c.group.empty()) << c.name;
    EXPECT_NE(c.arity, 0) << c.name;
    EXPECT_TRUE(c.handler != nullptr || c.is_container()) << c.name;
    for (const CommandSpec& s : c.subcommands) {
      EXPECT_EQ(s.name.rfind(c.name + "|", 0), 0u) << s.name;
      EXPECT_TRUE(s.handler != nullptr) << s.name;
      EXPECT_NE(s.arity, 0) << s.name;
    }
  }
}

TEST(CommandTableTest, LookupIsCaseInsensitive) {
  const CommandTable t = BuildCommandTable();
  ASSERT_NE(t.Find("gEt"), nullptr);
  EXPECT_EQ(t.Find("gEt")->name, "get");
  EXPECT_EQ(t.Find("nosuch"), nullptr);
  EXPECT_EQ(t.Find(std::string(100, 'x')), nullptr);
  const CommandSpec* config = t.Find("CONFIG");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CommandTable::FindSub(*config, "get")->FullName(), "CONFIG GET");
}

TEST(CommandTableTest, KeyPositions) {
  const CommandTable t = BuildCommandTable();
  EXPECT_EQ(KeyPositions(*t.Find("mset"), 5), (std::vector<size_t>{1, 3}));
  EXPECT_EQ(KeyPositions(*t.Find("del"), 4), (std::vector<size_t>{1, 2, 3}));
  EXPECT_TRUE(KeyPositions(*t.Find("ping"), 1).empty());
}

}  // namespace
}  // namespace rill::cmd

namespace rill::test {
namespace {

TEST(CommandCommandTest, CountListInfoGetKeys) {
  CommandHarness h;
  const size_t n = cmd::BuildCommandTable().commands().size();
  EXPECT_EQ(h.Run({"COMMAND", "COUNT"}), ":" + std::to_string(n) + "\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "LIST"}).substr(0, 1 + std::to_string(n).size()),
            "*" + std::to_string(n));
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "client|k*"}),
            "*1\r\n$11\r\nclient|kill\r\n");
  const std::string get = h.Run({"COMMAND", "INFO", "get", "nosuch"});
  EXPECT_EQ(get.rfind("*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n", 0), 0u)
      << get;
  EXPECT_NE(get.find("*-1\r\n"), std::string::npos);
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"}),
            "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "PING"}), "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "GET"}),
            "-ERR Invalid number of arguments specified for command\r\n");
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "NOPE", "x"}), "-ERR Invalid command specified\r\n");
  EXPECT_EQ(h.Run({"COMMAND"}).substr(0, 1 + std::to_string(n).size()), "*" + std::to_string(n));
}

}  // namespace
}  // namespace rill::test
