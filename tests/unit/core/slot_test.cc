// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/slot.h"

#include <gtest/gtest.h>

namespace rill {
namespace {

TEST(SlotTest, Crc16IsTheXmodemVariant) {
  EXPECT_EQ(Crc16(""), 0);
  EXPECT_EQ(Crc16("123456789"), 0x31c3);  // the CRC-16/XMODEM check value
}

TEST(SlotTest, KeySlotMatchesRedisCluster) {
  // CLUSTER KEYSLOT's answers for these keys.
  EXPECT_EQ(KeySlot("foo"), 12182);
  EXPECT_EQ(KeySlot("bar"), 5061);
  EXPECT_EQ(KeySlot("somekey"), 11058);
  EXPECT_EQ(KeySlot(""), 0);
}

TEST(SlotTest, HashTagsFollowTheClusterSpecRules) {
  EXPECT_EQ(KeySlot("{user1000}.following"), KeySlot("{user1000}.followers"));
  EXPECT_EQ(HashedPart("{user1000}.following"), "user1000");
  EXPECT_EQ(HashedPart("foo{bar}{zap}"), "bar");      // the first tag only
  EXPECT_EQ(HashedPart("foo{{bar}}zap"), "{bar");     // from the first "{" to the next "}"
  EXPECT_EQ(HashedPart("foo{}{bar}"), "foo{}{bar}");  // an empty first tag: the whole key
  EXPECT_EQ(HashedPart("foo{bar"), "foo{bar");        // no closing brace
  EXPECT_EQ(HashedPart("foo}bar{"), "foo}bar{");
  EXPECT_EQ(KeySlot("a{bar}b"), 5061);
  EXPECT_EQ(KeySlot("foo{hash_tag}"), 2515);  // the example of the CLUSTER KEYSLOT page
}

}  // namespace
}  // namespace rill
