// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "shard/keyspace.h"

#include <gtest/gtest.h>

#include <set>

#include "core/memory.h"

namespace rill::shard {
namespace {

class KeyspaceTest : public ::testing::Test {
 protected:
  KeyspaceTest() : clock_(1000000), ks_(16, &clock_) {}

  Entry* Put(std::string_view key, std::string value, int db = 0) {
    return ks_.Set(db, key, Value::String(std::move(value)));
  }
  void UsePolicy(config::EvictionPolicy p) {
    config::Config c;
    c.maxmemory_policy = p;
    c.maxmemory_samples = 64;
    c.lfu_log_factor = 10;
    c.lfu_decay_time = 1;
    ks_.set_policy(c);
  }

  ManualClock clock_;
  Keyspace ks_;
};

TEST_F(KeyspaceTest, SetFindDelete) {
  Put("a", "1");
  ASSERT_NE(ks_.FindRead(0, "a"), nullptr);
  EXPECT_EQ(ks_.FindRead(0, "a")->value.str, "1");
  EXPECT_EQ(ks_.FindRead(1, "a"), nullptr);
  EXPECT_TRUE(ks_.Delete(0, "a"));
  EXPECT_FALSE(ks_.Delete(0, "a"));
  EXPECT_EQ(ks_.db(0).size(), 0u);
  EXPECT_EQ(ks_.stats().keyspace_hits, 2u);
  EXPECT_EQ(ks_.stats().keyspace_misses, 1u);
}

// Regression: libstdc++'s move-assignment of a short string into a long one keeps the long
// one's buffer, so deleted or overwritten big values used to stay allocated.
TEST_F(KeyspaceTest, DeletingOrOverwritingABigValueFreesIt) {
  const uint64_t before = memory::UsedMemory();
  Put("big", std::string(8 << 20, 'x'));
  EXPECT_GE(memory::UsedMemory(), before + (8 << 20));
  Put("big", "small");
  EXPECT_LT(memory::UsedMemory(), before + (1 << 20));
  Put("big", std::string(8 << 20, 'y'));
  EXPECT_TRUE(ks_.Delete(0, "big"));
  EXPECT_LT(memory::UsedMemory(), before + (1 << 20));
}

TEST_F(KeyspaceTest, StringEncodingFollowsRedis) {
  EXPECT_EQ(Value::String("12345").encoding, StringEncoding::kInt);
  EXPECT_EQ(Value::String("012").encoding, StringEncoding::kEmbStr);
  EXPECT_EQ(Value::String(std::string(44, 'x')).encoding, StringEncoding::kEmbStr);
  EXPECT_EQ(Value::String(std::string(45, 'x')).encoding, StringEncoding::kRaw);
}

TEST_F(KeyspaceTest, ExpiredKeysVanishOnAccess) {
  Entry* e = Put("k", "v");
  ks_.SetExpire(0, e, clock_.NowMs() + 100);
  clock_.AdvanceMs(99);
  EXPECT_NE(ks_.FindRead(0, "k"), nullptr);
  clock_.AdvanceMs(1);
  EXPECT_EQ(ks_.FindRead(0, "k"), nullptr);
  EXPECT_EQ(ks_.db(0).size(), 0u);
  EXPECT_EQ(ks_.db(0).expires_size(), 0u);
  EXPECT_EQ(ks_.stats().expired_keys, 1u);
}

TEST_F(KeyspaceTest, SetClearsTtlUnlessKept) {
  ks_.SetExpire(0, Put("k", "v"), clock_.NowMs() + 100);
  Put("k", "w");
  EXPECT_EQ(ks_.FindRead(0, "k")->expire_at_ms, kNoExpire);
  ks_.SetExpire(0, ks_.FindRead(0, "k"), clock_.NowMs() + 100);
  ks_.Set(0, "k", Value::String("x"), /*keep_ttl=*/true);
  EXPECT_EQ(ks_.FindRead(0, "k")->expire_at_ms, clock_.NowMs() + 100);
}

TEST_F(KeyspaceTest, ActiveExpiryRemovesKeysNobodyReads) {
  for (int i = 0; i < 1000; i++) {
    ks_.SetExpire(0, Put("k" + std::to_string(i), "v"), clock_.NowMs() + (i < 900 ? 10 : 100000));
  }
  clock_.AdvanceMs(20);
  for (int i = 0; i < 50 && ks_.db(0).size() > 100; i++) {
    ks_.ActiveExpireCycle(1000000);
  }
  EXPECT_EQ(ks_.db(0).size(), 100u);
  EXPECT_EQ(ks_.stats().expired_keys, 900u);
}

TEST_F(KeyspaceTest, ScanReturnsEveryKeyPresentThroughout) {
  std::set<std::string> stable;
  for (int i = 0; i < 5000; i++) {
    Put("s" + std::to_string(i), "v");
    stable.insert("s" + std::to_string(i));
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int round = 0;
  do {
    cursor = ks_.db(0).Scan(cursor, 100, [&](Entry& e) { seen.insert(e.key); });
    // Churn between calls: other keys come and go (reusing freed slots), and the index
    // grows by 20 keys a round, so it rehashes several times during the walk.
    for (int j = 0; j < 120; j++) {
      Put("t" + std::to_string(round * 120 + j), "v");
    }
    for (int j = 0; j < 100; j++) {
      ks_.Delete(0, "t" + std::to_string(round * 120 + j));
    }
    round++;
  } while (cursor != 0);
  for (const std::string& k : stable) {
    ASSERT_TRUE(seen.count(k)) << k;
  }
}

TEST_F(KeyspaceTest, RandomEntryFindsSparseKeys) {
  for (int i = 0; i < 3000; i++) {
    Put("r" + std::to_string(i), "v");
  }
  for (int i = 0; i < 3000; i++) {
    if (i != 1234) ks_.Delete(0, "r" + std::to_string(i));
  }
  std::mt19937_64 rng(1);
  ASSERT_NE(ks_.db(0).RandomEntry(rng), nullptr);
  EXPECT_EQ(ks_.db(0).RandomEntry(rng)->key, "r1234");
}

TEST_F(KeyspaceTest, WatchFlagsChangesDeletesExpiryAndFlush) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool>& dirty = *flag;
  ks_.Watch(0, "w", flag);
  Put("other", "1");
  EXPECT_FALSE(dirty);
  Put("w", "1");
  EXPECT_TRUE(dirty);
  dirty = false;
  ks_.SetExpire(0, ks_.FindWrite(0, "w"), clock_.NowMs() + 5);
  EXPECT_TRUE(dirty);
  dirty = false;
  clock_.AdvanceMs(10);
  EXPECT_EQ(ks_.FindRead(0, "w"), nullptr);  // expiry is a change too
  EXPECT_TRUE(dirty);
  dirty = false;
  ks_.FlushDb(0);  // the key no longer exists: nothing to tell
  EXPECT_FALSE(dirty);
  Put("w", "2");
  dirty = false;
  ks_.FlushAll();
  EXPECT_TRUE(dirty);
  ks_.Unwatch(0, "w", flag.get());
  dirty = false;
  Put("w", "3");
  EXPECT_FALSE(dirty);
}

TEST_F(KeyspaceTest, SwapDbTellsWatchersOfBothDatabases) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  const std::atomic<bool>& dirty = *flag;
  ks_.Watch(1, "k", flag);
  Put("k", "in0", 0);
  ks_.SwapDb(0, 1);
  EXPECT_TRUE(dirty);
  EXPECT_EQ(ks_.FindRead(1, "k")->value.str, "in0");
}

TEST_F(KeyspaceTest, NoEvictionNeverDeletes) {
  UsePolicy(config::EvictionPolicy::kNoEviction);
  Put("a", "1");
  EXPECT_FALSE(ks_.EvictUntil(10, [] { return uint64_t{100}; }));
  EXPECT_EQ(ks_.db(0).size(), 1u);
}

TEST_F(KeyspaceTest, VolatilePoliciesEvictOnlyKeysWithTtl) {
  UsePolicy(config::EvictionPolicy::kVolatileLru);
  for (int i = 0; i < 10; i++) {
    Put("p" + std::to_string(i), "v");
  }
  ks_.SetExpire(0, Put("t", "v"), clock_.NowMs() + 100000);
  const auto used = [this] { return static_cast<uint64_t>(ks_.TotalKeys()); };
  EXPECT_FALSE(ks_.EvictUntil(5, used));  // only one candidate, then nothing more allowed
  EXPECT_EQ(ks_.TotalKeys(), 10u);
  EXPECT_EQ(ks_.FindRead(0, "t"), nullptr);
  EXPECT_EQ(ks_.stats().evicted_keys, 1u);
}

TEST_F(KeyspaceTest, AllKeysLruEvictsTheIdlest) {
  UsePolicy(config::EvictionPolicy::kAllKeysLru);
  Put("old", "v");
  clock_.AdvanceMs(100000);
  for (int i = 0; i < 5; i++) {
    Put("new" + std::to_string(i), "v");
  }
  EXPECT_TRUE(ks_.EvictUntil(5, [this] { return static_cast<uint64_t>(ks_.TotalKeys()); }));
  EXPECT_EQ(ks_.FindRead(0, "old"), nullptr);
}

TEST_F(KeyspaceTest, VolatileTtlEvictsTheNearestExpiry) {
  UsePolicy(config::EvictionPolicy::kVolatileTtl);
  ks_.SetExpire(0, Put("soon", "v"), clock_.NowMs() + 1000);
  ks_.SetExpire(0, Put("late", "v"), clock_.NowMs() + 900000);
  EXPECT_TRUE(ks_.EvictUntil(1, [this] { return static_cast<uint64_t>(ks_.TotalKeys()); }));
  EXPECT_EQ(ks_.FindRead(0, "soon"), nullptr);
  EXPECT_NE(ks_.FindRead(0, "late"), nullptr);
}

TEST_F(KeyspaceTest, LfuCounterGrowsWithHitsAndDecaysWithTime) {
  UsePolicy(config::EvictionPolicy::kAllKeysLfu);
  Put("hot", "v");
  const uint8_t start = ks_.LfuCounter(*ks_.Peek(0, "hot"));
  EXPECT_EQ(start, 5);  // new keys start at Redis's LFU_INIT_VAL
  for (int i = 0; i < 1000; i++) {
    ks_.FindRead(0, "hot");
  }
  const uint8_t hot = ks_.LfuCounter(*ks_.Peek(0, "hot"));
  EXPECT_GT(hot, start);
  clock_.AdvanceMs(3 * 60000);
  EXPECT_EQ(ks_.LfuCounter(*ks_.Peek(0, "hot")), hot - 3);
}

}  // namespace
}  // namespace rill::shard
