// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "cmd/command_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "cmd/command_docs.h"
#include "cmd/families.h"
#include "tests/support/command_harness.h"
#include "tests/support/mini_json.h"

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
  using Args = std::vector<std::string_view>;
  EXPECT_EQ(KeyPositions(*t.Find("mset"), Args{"mset", "a", "1", "b", "2"}),
            (std::vector<size_t>{1, 3}));
  EXPECT_EQ(KeyPositions(*t.Find("del"), Args{"del", "a", "b", "c"}),
            (std::vector<size_t>{1, 2, 3}));
  EXPECT_TRUE(KeyPositions(*t.Find("ping"), Args{"ping"}).empty());
  // Movable keys: the first half of what follows STREAMS.
  EXPECT_EQ(
      KeyPositions(*t.Find("xread"), Args{"xread", "COUNT", "2", "streams", "a", "b", "0", "0"}),
      (std::vector<size_t>{4, 5}));
  EXPECT_EQ(KeyPositions(*t.Find("xreadgroup"),
                         Args{"xreadgroup", "GROUP", "streams", "c", "STREAMS", "s", ">"}),
            (std::vector<size_t>{5}));
}

}  // namespace
}  // namespace rill::cmd

namespace rill::test {
namespace {

TEST(CommandCommandTest, CountListInfoGetKeys) {
  CommandHarness h;
  const size_t n = cmd::BuildCommandTable().commands().size();
  EXPECT_EQ(h.Run({"COMMAND", "COUNT"}), ":" + std::to_string(n) + "\r\n");
  const size_t all = cmd::Dispatcher(cmd::BuildCommandTable()).table().all().size();
  EXPECT_EQ(h.Run({"COMMAND", "LIST"}).substr(0, 1 + std::to_string(all).size()),
            "*" + std::to_string(all));  // subcommands included, as in Redis
  EXPECT_EQ(h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "client|k*"}),
            "*1\r\n$11\r\nclient|kill\r\n");
  const std::string get = h.Run({"COMMAND", "INFO", "get", "nosuch"});
  EXPECT_EQ(get.rfind("*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n", 0), 0u)
      << get;
  EXPECT_EQ(get.substr(get.size() - 5), "$-1\r\n");
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

namespace rill::cmd {
namespace {

// Where Redis 7.2 differs from the Redis 7.0 that produced commands.json (the snapshot
// comes from Debian's redis-server): name -> the 7.2 arity.
const std::map<std::string, int> kRedis72Arity = {{"command|getkeys", -3},
                                                  {"command|getkeysandflags", -3}};

std::vector<std::string> SortedFlagNames(uint32_t flags) {
  const std::vector<std::string_view> names = CommandFlagNames(flags);
  std::vector<std::string> out(names.begin(), names.end());
  std::sort(out.begin(), out.end());
  return out;
}

// Arity, flags and key positions of every command both have match Redis's own COMMAND
// INFO, so clients (and cluster routers) that read the table see what Redis would say.
TEST(CommandTableTest, MatchesRedisSnapshot) {
  std::ifstream in(std::string(RILL_SOURCE_DIR) + "/redis-compat/commands.json");
  std::stringstream ss;
  ss << in.rdbuf();
  std::optional<test::Json> snap = test::JsonReader::Parse(ss.str());
  ASSERT_TRUE(snap.has_value() && snap->kind == test::Json::kObject);
  const CommandTable t = BuildCommandTable();
  size_t compared = 0;
  for (const CommandSpec* c : [&] {
         CommandTable copy = BuildCommandTable();
         copy.Finish();
         std::vector<const CommandSpec*> v;
         for (const CommandSpec& top : t.commands()) {
           v.push_back(&top);
           for (const CommandSpec& s : top.subcommands) v.push_back(&s);
         }
         return v;
       }()) {
    auto it = snap->o.find(c->name);
    if (it == snap->o.end()) {
      continue;  // newer than the snapshot's Redis (CLIENT SETINFO is 7.2)
    }
    compared++;
    const test::Json& r = it->second;
    const auto arity72 = kRedis72Arity.find(c->name);
    EXPECT_EQ(c->arity, arity72 != kRedis72Arity.end() ? arity72->second : r.o.at("arity").i)
        << c->name;
    EXPECT_EQ(c->first_key, r.o.at("first_key").i) << c->name;
    EXPECT_EQ(c->last_key, r.o.at("last_key").i) << c->name;
    EXPECT_EQ(c->key_step, r.o.at("step").i) << c->name;
    std::vector<std::string> want;
    for (const test::Json& f : r.o.at("flags").a) want.push_back(f.s);
    std::sort(want.begin(), want.end());
    EXPECT_EQ(SortedFlagNames(c->flags), want) << c->name;
  }
  EXPECT_GT(compared, 100u);
}

}  // namespace
}  // namespace rill::cmd
