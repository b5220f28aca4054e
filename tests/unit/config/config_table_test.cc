// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "config/config_table.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "config/config_store.h"
#include "core/strings.h"

namespace rill::config {
namespace {

TEST(ConfigTableTest, DefaultsParse) {
  Config c;
  for (const ConfigDef& d : ConfigTable()) {
    const std::string text = d.default_value == "\"\"" ? "" : d.default_value;
    EXPECT_TRUE(d.set(c, text).ok()) << d.name;
  }
}

TEST(ConfigTableTest, NamesAreUniqueLowerCaseAndDocumented) {
  std::set<std::string_view> seen;
  for (const ConfigDef& d : ConfigTable()) {
    EXPECT_TRUE(seen.insert(d.name).second) << d.name;
    EXPECT_EQ(ToLower(d.name), d.name);
    EXPECT_FALSE(d.doc.empty()) << d.name;
    EXPECT_TRUE(d.set && d.get && d.rewrite) << d.name;
  }
}

TEST(ConfigTableTest, RejectsOutOfBoundsWithRedisText) {
  Config c = DefaultConfig();
  const Status s = FindConfig("port")->set(c, "70000");
  EXPECT_EQ(s.message(), "argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(FindConfig("port")->set(c, "x").message(),
            "argument couldn't be parsed into an integer");
  EXPECT_NE(FindConfig("maxmemory-policy")->set(c, "lru").message().find("noeviction"),
            std::string::npos);
}

// conf/rill.conf must document every directive, at its default, and nothing else.
TEST(ConfigTableTest, ConfMatchesTable) {
  const std::string path = std::string(RILL_SOURCE_DIR) + "/conf/rill.conf";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();

  ConfigStore store;
  ASSERT_TRUE(store.LoadText(text, path).ok());  // unknown directives would fail here
  const Config loaded = *store.snapshot();
  const Config defaults = DefaultConfig();

  std::map<std::string, int> lines;  // directive -> uncommented lines naming it
  std::istringstream ls(text);
  std::string line;
  while (std::getline(ls, line)) {
    std::optional<std::vector<std::string>> w = SplitArgs(line);
    if (!line.empty() && line[0] != '#' && w && !w->empty()) {
      lines[(*w)[0]]++;
    }
  }
  for (const ConfigDef& d : ConfigTable()) {
    EXPECT_GT(lines[std::string(d.name)], 0) << d.name << " is not in conf/rill.conf";
    EXPECT_EQ(d.get(loaded), d.get(defaults)) << d.name << " differs from its default";
    const std::string paragraph = "\n" + std::string(d.name) + " ";
    const size_t at = text.find(paragraph);
    ASSERT_NE(at, std::string::npos) << d.name;
    EXPECT_EQ(text.rfind("\n#", at), text.rfind('\n', at - 1))
        << d.name << " has no comment paragraph right above it";
  }
}

}  // namespace
}  // namespace rill::config
