// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include <gtest/gtest.h>

#include "tests/support/command_harness.h"

namespace rill::test {
namespace {

class TransactionTest : public ::testing::Test {
 protected:
  CommandHarness h_;
};

TEST_F(TransactionTest, QueuesAndExecutes) {
  EXPECT_EQ(h_.Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(h_.Run({"SET", "a", "1"}), "+QUEUED\r\n");
  EXPECT_EQ(h_.Run({"INCR", "a"}), "+QUEUED\r\n");
  EXPECT_EQ(h_.Run({"GET", "a"}), "+QUEUED\r\n");
  EXPECT_EQ(h_.Run({"EXEC"}), "*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n");
  EXPECT_EQ(h_.Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(h_.Run({"DISCARD"}), "-ERR DISCARD without MULTI\r\n");
}

TEST_F(TransactionTest, RuntimeErrorsDoNotAbort) {
  h_.Run({"SET", "s", "notanumber"});
  h_.Run({"MULTI"});
  h_.Run({"INCR", "s"});
  h_.Run({"SET", "b", "2"});
  EXPECT_EQ(h_.Run({"EXEC"}), "*2\r\n-ERR value is not an integer or out of range\r\n+OK\r\n");
}

TEST_F(TransactionTest, QueueingErrorsAbortWithExecAbort) {
  h_.Run({"MULTI"});
  EXPECT_EQ(h_.Run({"SET", "a"}), "-ERR wrong number of arguments for 'set' command\r\n");
  EXPECT_EQ(h_.Run({"NOSUCHCMD"}),
            "-ERR unknown command 'NOSUCHCMD', with args beginning with: \r\n");
  h_.Run({"SET", "b", "1"});
  EXPECT_EQ(h_.Run({"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.\r\n");
  EXPECT_EQ(h_.Run({"EXISTS", "b"}), ":0\r\n");
}

TEST_F(TransactionTest, NestingAndForbiddenCommands) {
  h_.Run({"MULTI"});
  EXPECT_EQ(h_.Run({"MULTI"}), "-ERR MULTI calls can not be nested\r\n");
  EXPECT_EQ(h_.Run({"WATCH", "x"}), "-ERR WATCH inside MULTI is not allowed\r\n");
  EXPECT_EQ(h_.Run({"MONITOR"}), "+QUEUED\r\n");
  EXPECT_EQ(h_.Run({"EXEC"}), "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
  EXPECT_FALSE(h_.client(0).monitor);
}

TEST_F(TransactionTest, WatchedKeyChangedByAnotherClientAbortsExec) {
  const size_t other = h_.NewClient();
  h_.Run({"SET", "w", "1"});
  EXPECT_EQ(h_.Run({"WATCH", "w"}), "+OK\r\n");
  h_.Run({"SET", "w", "2"}, other);
  h_.Run({"MULTI"});
  h_.Run({"SET", "w", "3"});
  EXPECT_EQ(h_.Run({"EXEC"}), "*-1\r\n");
  EXPECT_EQ(h_.Run({"GET", "w"}), "$1\r\n2\r\n");
  // The watch is gone after EXEC: the next transaction runs.
  h_.Run({"MULTI"});
  h_.Run({"SET", "w", "3"});
  EXPECT_EQ(h_.Run({"EXEC"}), "*1\r\n+OK\r\n");
}

TEST_F(TransactionTest, WatchedKeyExpiringAbortsExec) {
  h_.Run({"SET", "w", "1", "PX", "10"});
  h_.Run({"WATCH", "w"});
  h_.clock().AdvanceMs(20);
  EXPECT_EQ(h_.Run({"GET", "w"}), "$-1\r\n");
  h_.Run({"MULTI"});
  h_.Run({"GET", "w"});
  EXPECT_EQ(h_.Run({"EXEC"}), "*-1\r\n");
}

TEST_F(TransactionTest, UnwatchAndUntouchedWatchesSucceed) {
  const size_t other = h_.NewClient();
  h_.Run({"WATCH", "a", "b"});
  h_.Run({"SET", "c", "x"}, other);
  h_.Run({"MULTI"});
  h_.Run({"PING"});
  EXPECT_EQ(h_.Run({"EXEC"}), "*1\r\n+PONG\r\n");
  h_.Run({"WATCH", "a"});
  EXPECT_EQ(h_.Run({"UNWATCH"}), "+OK\r\n");
  h_.Run({"SET", "a", "x"}, other);
  h_.Run({"MULTI"});
  EXPECT_EQ(h_.Run({"EXEC"}), "*0\r\n");
}

TEST_F(TransactionTest, FlushAllTouchesWatchedKeys) {
  h_.Run({"SET", "w", "1"});
  h_.Run({"WATCH", "w"});
  h_.Run({"FLUSHALL"}, h_.NewClient());
  h_.Run({"MULTI"});
  EXPECT_EQ(h_.Run({"EXEC"}), "*-1\r\n");
}

TEST_F(TransactionTest, TenThousandCommandTransaction) {
  h_.Run({"MULTI"});
  for (int i = 0; i < 10000; i++) {
    ASSERT_EQ(h_.Run({"INCR", "n"}), "+QUEUED\r\n");
  }
  const std::string r = h_.Run({"EXEC"});
  EXPECT_EQ(r.substr(0, 8), "*10000\r\n");
  EXPECT_EQ(r.substr(r.size() - 8), ":10000\r\n");
  EXPECT_EQ(h_.Run({"GET", "n"}), "$5\r\n10000\r\n");
}

}  // namespace
}  // namespace rill::test
