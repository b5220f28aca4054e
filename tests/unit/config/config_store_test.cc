// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "config/config_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rill::config {
namespace {

class ConfigStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rill-config-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  static std::string Get(const ConfigStore& s, std::string_view name) {
    auto v = s.Get({name});
    return v.empty() ? "<none>" : v[0].second;
  }

  std::string dir_;
};

TEST_F(ConfigStoreTest, ParsesQuotesUnitsAndComments) {
  ConfigStore s;
  ASSERT_TRUE(s.LoadText("# comment\n  maxmemory 5mb\nrequirepass \"a b\"\n\n"
                         "client-output-buffer-limit pubsub 1mb 512kb 10\n",
                         "t")
                  .ok());
  EXPECT_EQ(Get(s, "maxmemory"), "5242880");
  EXPECT_EQ(Get(s, "requirepass"), "a b");
  EXPECT_EQ(Get(s, "client-output-buffer-limit"),
            "normal 0 0 0 replica 268435456 67108864 60 pubsub 1048576 524288 10");
}

TEST_F(ConfigStoreTest, UnknownDirectiveNamesFileAndLine) {
  ConfigStore s;
  const Status st = s.LoadText("port 7000\nno-such-thing 1\n", "x.conf");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("x.conf:2:"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("Bad directive"), std::string::npos) << st.message();
}

TEST_F(ConfigStoreTest, InvalidValueNamesFileLineAndReason) {
  ConfigStore s;
  const Status st = s.LoadText("\n\nport 99999\n", "y.conf");
  EXPECT_NE(st.message().find("y.conf:3:"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("between 0 and 65535"), std::string::npos) << st.message();
  EXPECT_FALSE(s.LoadText("timeout 1 2\n", "z").ok());
  EXPECT_FALSE(s.LoadText("requirepass \"open\n", "z").ok());
}

TEST_F(ConfigStoreTest, IncludeReadsAnotherFileInPlace) {
  const std::string inc = Write("inc.conf", "maxclients 77\n");
  ConfigStore s;
  ASSERT_TRUE(s.LoadText("maxclients 5\ninclude " + inc + "\n", "main").ok());
  EXPECT_EQ(Get(s, "maxclients"), "77");
  const std::string loop = Write("loop.conf", "include " + dir_ + "/loop.conf\n");
  EXPECT_FALSE(s.LoadText("include " + loop + "\n", "main").ok());
}

TEST_F(ConfigStoreTest, CommandLineOverridesTheFile) {
  const std::string conf = Write("r.conf", "port 7000\ndir /tmp\n");
  ConfigStore s;
  ASSERT_TRUE(s.LoadFromArgs({"rill-server", conf, "--port", "7001", "--requirepass", ""}).ok());
  EXPECT_EQ(Get(s, "port"), "7001");
  EXPECT_EQ(Get(s, "dir"), "/tmp");
  EXPECT_EQ(Get(s, "requirepass"), "");
  EXPECT_EQ(s.config_file(), std::filesystem::canonical(conf).string());
}

// Redis's rule for save: at start (the file, then the command line) each line adds its
// points, save "" clears them; CONFIG SET replaces.
TEST_F(ConfigStoreTest, SaveLinesAddUpAtStart) {
  ConfigStore s;
  ASSERT_TRUE(s.LoadText("save 900 1\nsave 300 10\n", "a.conf").ok());
  EXPECT_EQ(Get(s, "save"), "900 1 300 10");
  ASSERT_TRUE(s.LoadText("save \"\"\nsave 60 2\n", "b.conf").ok());
  EXPECT_EQ(Get(s, "save"), "60 2");
  ASSERT_TRUE(s.LoadText("save \"\"\n", "c.conf").ok());
  EXPECT_EQ(Get(s, "save"), "");
  ASSERT_TRUE(s.Set({{"save", "30 3"}}).ok());
  ASSERT_TRUE(s.Set({{"save", "40 4"}}).ok());
  EXPECT_EQ(Get(s, "save"), "40 4");

  const std::string conf = Write("save.conf", "save 900 1\n");
  ConfigStore t;
  ASSERT_TRUE(t.LoadFromArgs({"rill-server", conf, "--save", "60 2"}).ok());
  EXPECT_EQ(Get(t, "save"), "900 1 60 2");
  ConfigStore u;  // a file without save keeps the default
  ASSERT_TRUE(u.LoadText("port 7000\n", "d.conf").ok());
  EXPECT_EQ(Get(u, "save"), "3600 1 300 100 60 10000");
}

TEST_F(ConfigStoreTest, SetIsAllOrNothing) {
  ConfigStore s;
  EXPECT_TRUE(s.Set({{"maxmemory", "1mb"}, {"timeout", "5"}}).ok());
  EXPECT_EQ(Get(s, "timeout"), "5");
  const Status st = s.Set({{"maxmemory", "2mb"}, {"timeout", "-1"}});
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message(),
            "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be "
            "between 0 and 2147483647 inclusive");
  EXPECT_EQ(Get(s, "maxmemory"), "1048576");
}

TEST_F(ConfigStoreTest, SetRefusesImmutableUnknownAndDuplicates) {
  ConfigStore s;
  EXPECT_EQ(s.Set({{"port", "1"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable "
            "config");
  EXPECT_EQ(s.Set({{"nope", "1"}}).message(),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nope'");
  EXPECT_FALSE(s.Set({{"timeout", "1"}, {"TIMEOUT", "2"}}).ok());
}

TEST_F(ConfigStoreTest, GetMatchesGlobsCaseInsensitively) {
  ConfigStore s;
  const auto v = s.Get({"MAXMEMORY*"});
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].first, "maxmemory");
  EXPECT_EQ(v[1].first, "maxmemory-policy");
}

TEST_F(ConfigStoreTest, RewriteKeepsCommentsAndWritesChanges) {
  const std::string conf = Write("w.conf", "# my comment\ntimeout 10\nport 7000\n");
  ConfigStore s;
  ASSERT_TRUE(s.LoadFromArgs({"rill-server", conf}).ok());
  ASSERT_TRUE(s.Set({{"timeout", "20"}, {"maxmemory", "1gb"}}).ok());
  ASSERT_TRUE(s.Rewrite().ok());
  std::ifstream in(conf);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(),
            "# my comment\ntimeout 20\nport 7000\n# Generated by CONFIG REWRITE\nmaxmemory 1gb\n");
  ConfigStore again;
  ASSERT_TRUE(again.LoadFromArgs({"rill-server", conf}).ok());
  EXPECT_EQ(Get(again, "maxmemory"), "1073741824");
}

TEST_F(ConfigStoreTest, RewriteWithoutFileFails) {
  ConfigStore s;
  EXPECT_FALSE(s.Rewrite().ok());
}

}  // namespace
}  // namespace rill::config
