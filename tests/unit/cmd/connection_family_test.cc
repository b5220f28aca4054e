// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include <gtest/gtest.h>

#include "tests/support/command_harness.h"

namespace rill::test {
namespace {

TEST(ConnectionFamilyTest, PingEcho) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.Run({"PING", "hi"}), "$2\r\nhi\r\n");
  EXPECT_EQ(h.Run({"PING", "a", "b"}), "-ERR wrong number of arguments for 'ping' command\r\n");
  EXPECT_EQ(h.Run({"ECHO", "x y"}), "$3\r\nx y\r\n");
}

TEST(ConnectionFamilyTest, UnknownCommandPreviewsArguments) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"FOO", "a", "b"}),
            "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n");
  const std::string longarg(300, 'x');
  const std::string r = h.Run({"FOO", longarg});
  EXPECT_EQ(r, "-ERR unknown command 'FOO', with args beginning with: '" + std::string(128, 'x') +
                   "' \r\n");
  EXPECT_EQ(h.Run({"EVAL", "return 1", "0"}),
            "-ERR unknown command 'EVAL', with args beginning with: 'return 1' '0' \r\n");
}

TEST(ConnectionFamilyTest, HelloSwitchesProtocol) {
  CommandHarness h;
  const std::string r = h.Run({"HELLO", "3", "SETNAME", "me"});
  EXPECT_EQ(r.substr(0, 4), "%7\r\n");
  EXPECT_NE(r.find("$7\r\nversion\r\n$5\r\n7.2.4\r\n"), std::string::npos);
  EXPECT_NE(r.find("$5\r\nproto\r\n:3\r\n"), std::string::npos);
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), "$2\r\nme\r\n");
  EXPECT_EQ(h.Run({"HELLO", "2"}).substr(0, 5), "*14\r\n");
  EXPECT_EQ(h.Run({"HELLO", "4"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(h.Run({"HELLO", "3", "BOGUS"}), "-ERR Syntax error in HELLO option 'BOGUS'\r\n");
}

TEST(ConnectionFamilyTest, RequirePassGatesEverythingButAuth) {
  CommandHarness h("requirepass secret\n");
  EXPECT_EQ(h.Run({"GET", "k"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(h.Run({"AUTH", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(h.Run({"HELLO", "3"}).substr(0, 40), "-NOAUTH HELLO must be called with the cl");
  EXPECT_EQ(h.Run({"AUTH", "secret"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}), "$-1\r\n");
  const size_t c2 = h.NewClient();
  EXPECT_EQ(h.Run({"HELLO", "3", "AUTH", "default", "secret"}, c2).substr(0, 4), "%7\r\n");
  EXPECT_EQ(h.Run({"AUTH", "bob", "secret"}, c2),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(h.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}), "-NOAUTH Authentication required.\r\n");
}

TEST(ConnectionFamilyTest, AuthWithoutPasswordConfigured) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"AUTH", "x"}),
            "-ERR AUTH <password> called without any password configured for the default "
            "user. Are you sure your configuration is correct?\r\n");
  EXPECT_EQ(h.Run({"AUTH", "default", "x"}), "+OK\r\n");  // nopass default user, as Redis
}

TEST(ConnectionFamilyTest, ResetRestoresDefaults) {
  CommandHarness h;
  h.Run({"SELECT", "3"});
  h.Run({"HELLO", "3"});
  h.Run({"MULTI"});
  EXPECT_EQ(h.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(h.Run({"SET", "k", "v"}), "+OK\r\n");  // not queued: MULTI is gone
  EXPECT_EQ(h.Run({"GET", "nokey"}), "$-1\r\n");   // RESP2 again
  EXPECT_EQ(h.Run({"CLIENT", "INFO"}).find("db=0") != std::string::npos, true);
}

TEST(ConnectionFamilyTest, ClientNamesAndInfo) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "a b"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETNAME", "worker-1"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "SETINFO", "BAD", "x"}), "-ERR Unrecognized option 'BAD'\r\n");
  const std::string info = h.Run({"CLIENT", "INFO"});
  EXPECT_NE(info.find("name=worker-1 "), std::string::npos) << info;
  EXPECT_NE(info.find("lib-name=redis-py "), std::string::npos) << info;
  EXPECT_NE(info.find("cmd=client|info "), std::string::npos) << info;  // the running one
  EXPECT_EQ(h.Run({"CLIENT", "ID"}), ":" + std::to_string(h.client(0).id) + "\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "NOPE"}), "-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n");
}

TEST(ConnectionFamilyTest, ClientListFiltersAndKill) {
  CommandHarness h;
  const size_t other = h.NewClient();
  h.Run({"SUBSCRIBE", "c"}, other);
  const std::string all = h.Run({"CLIENT", "LIST"});
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 4);  // bulk header, 2 lines, bulk end
  const std::string pubsub = h.Run({"CLIENT", "LIST", "TYPE", "pubsub"});
  EXPECT_NE(pubsub.find("flags=P"), std::string::npos);
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "bogus"}), "-ERR Unknown client type 'bogus'\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "LIST", "TYPE", "normal", "ID", "1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "TYPE", "bogus"}), "-ERR Unknown client type 'bogus'\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "MAXAGE", "1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", std::to_string(h.client(other).id)}), ":1\r\n");
  EXPECT_TRUE(h.client(other).conn->closing());
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "ID", std::to_string(h.client(0).id)}), ":0\r\n");  // SKIPME
  EXPECT_EQ(h.Run({"CLIENT", "KILL", "1.2.3.4:5"}), "-ERR No such client\r\n");
}

TEST(ConnectionFamilyTest, ClientReplyOffAndSkip) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(h.Run({"SET", "a", "1"}), "");
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "ON"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(h.Run({"GET", "a"}), "");
  EXPECT_EQ(h.Run({"GET", "a"}), "$1\r\n1\r\n");
}

TEST(ConnectionFamilyTest, ClientPauseHoldsWritesUntilUnpause) {
  CommandHarness h;
  const size_t writer = h.NewClient();
  EXPECT_EQ(h.Run({"CLIENT", "PAUSE", "100000", "WRITE"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}, writer), "$-1\r\n");  // reads go on
  EXPECT_EQ(h.Run({"SET", "k", "v"}, writer), "<held>");
  EXPECT_EQ(h.Run({"CLIENT", "PAUSE", "x"}), "-ERR timeout is not an integer or out of range\r\n");
  EXPECT_EQ(h.Run({"CLIENT", "UNPAUSE"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"SET", "k", "v"}, writer), "+OK\r\n");
}

TEST(ConnectionFamilyTest, ClientPauseWriteHoldsExecOnlyWhenItWrites) {
  CommandHarness h;
  const size_t reader = h.NewClient();
  const size_t writer = h.NewClient();
  h.Run({"MULTI"}, reader);
  h.Run({"GET", "k"}, reader);
  h.Run({"MULTI"}, writer);
  h.Run({"SET", "k", "v"}, writer);
  h.Run({"CLIENT", "PAUSE", "100000", "WRITE"});
  EXPECT_EQ(h.Run({"EXEC"}, reader), "*1\r\n$-1\r\n");
  EXPECT_EQ(h.Run({"EXEC"}, writer), "<held>");
  h.Run({"CLIENT", "PAUSE", "100000", "ALL"});
  EXPECT_EQ(h.Run({"GET", "k"}, reader), "<held>");
}

TEST(ConnectionFamilyTest, SelectValidates) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"SELECT", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(h.Run({"SELECT", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(h.Run({"SELECT", "15"}), "+OK\r\n");
}

TEST(ConnectionFamilyTest, QuitRepliesThenCloses) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"QUIT"}), "<closed>");  // the reply was flushed, then the socket closed
  EXPECT_EQ(h.ReadPeer(0), "+OK\r\n");
}

}  // namespace
}  // namespace rill::test
