// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/slot.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace rill {
namespace {

TEST(SlotTest, Crc16IsTheXmodemVariant) {
  EXPECT_EQ(Crc16(""), 0);
  EXPECT_EQ(Crc16("123456789"), 0x31c3);  // the CRC-16/XMODEM check value
}

// The CRC one bit at a time, as its definition reads: the reference for the fast one.
uint16_t BitwiseCrc16(std::string_view data) {
  uint16_t crc = 0;
  for (const char c : data) {
    crc ^= static_cast<uint16_t>(static_cast<uint8_t>(c) << 8);
    for (int bit = 0; bit < 8; bit++) {
      crc = static_cast<uint16_t>((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
  }
  return crc;
}

TEST(SlotTest, Crc16MatchesTheBitwiseDefinitionAtEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::string buf(80, '\0');
  for (char& c : buf) {
    c = static_cast<char>(rng());
  }
  for (size_t start = 0; start < 4; start++) {
    for (size_t len = 0; start + len <= buf.size(); len++) {
      const std::string_view data(buf.data() + start, len);
      ASSERT_EQ(Crc16(data), BitwiseCrc16(data)) << "start " << start << " length " << len;
    }
  }
  EXPECT_EQ(Crc16(std::string(1000, '\xff')), BitwiseCrc16(std::string(1000, '\xff')));
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
