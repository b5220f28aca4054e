// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include <gtest/gtest.h>

#include "tests/support/command_harness.h"

namespace rill::test {
namespace {

TEST(PubSubFamilyTest, SubscribePublishUnsubscribeResp2) {
  CommandHarness h;
  const size_t sub = h.NewClient();
  EXPECT_EQ(h.Run({"SUBSCRIBE", "a", "b"}, sub),
            "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
  EXPECT_EQ(h.Run({"PUBLISH", "a", "hello"}), ":1\r\n");
  EXPECT_EQ(h.Take(sub), "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
  EXPECT_EQ(h.Run({"GET", "x"}, sub),
            "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\r\n");
  EXPECT_EQ(h.Run({"PING"}, sub), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}, sub).substr(0, 24), "*3\r\n$11\r\nunsubscribe\r\n$1");
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}, sub), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  EXPECT_EQ(h.Run({"PUBLISH", "a", "x"}), ":0\r\n");
}

TEST(PubSubFamilyTest, PatternsAndResp3Push) {
  CommandHarness h;
  const size_t sub = h.NewClient();
  h.Run({"HELLO", "3"}, sub);
  EXPECT_EQ(h.Run({"PSUBSCRIBE", "news.*"}, sub),
            ">3\r\n$10\r\npsubscribe\r\n$6\r\nnews.*\r\n:1\r\n");
  EXPECT_EQ(h.Run({"PUBLISH", "news.x", "m"}), ":1\r\n");
  EXPECT_EQ(h.Take(sub), ">4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$6\r\nnews.x\r\n$1\r\nm\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}, sub), "_\r\n");  // RESP3 subscribers may run anything
  EXPECT_EQ(h.Run({"PUBSUB", "NUMPAT"}), ":1\r\n");
}

TEST(PubSubFamilyTest, PubSubIntrospection) {
  CommandHarness h;
  const size_t s1 = h.NewClient();
  const size_t s2 = h.NewClient();
  h.Run({"SUBSCRIBE", "x", "y"}, s1);
  h.Run({"SUBSCRIBE", "x"}, s2);
  EXPECT_EQ(h.Run({"PUBSUB", "NUMSUB", "x", "y", "z"}),
            "*6\r\n$1\r\nx\r\n:2\r\n$1\r\ny\r\n:1\r\n$1\r\nz\r\n:0\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "CHANNELS", "y*"}), "*1\r\n$1\r\ny\r\n");
  EXPECT_EQ(h.Run({"PUBLISH", "x", "m"}), ":2\r\n");
}

TEST(PubSubFamilyTest, SlowSubscriberIsCutOffByItsLimit) {
  CommandHarness h("client-output-buffer-limit pubsub 1mb 0 0\n");
  const size_t sub = h.NewClient();
  h.Run({"SUBSCRIBE", "c"}, sub);
  const std::string big(100 * 1024, 'x');
  int delivered = 0;
  for (int i = 0; i < 20 && !h.client(sub).conn->closed(); i++) {
    // Nothing drains the output here (no event loop runs), like a subscriber that stopped
    // reading: the buffer grows until the hard limit closes the client.
    delivered += h.Run({"PUBLISH", "c", big}) == ":1\r\n" ? 1 : 0;
  }
  EXPECT_TRUE(h.client(sub).conn->closed());
  EXPECT_LE(delivered, 11);
  EXPECT_EQ(h.shard().stats().output_limit_disconnections, 1u);
  EXPECT_EQ(h.Run({"PUBLISH", "c", "x"}), ":0\r\n");  // its subscription went with it
}

}  // namespace
}  // namespace rill::test
