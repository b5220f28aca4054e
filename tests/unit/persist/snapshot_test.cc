// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// persist/snapshot: a keyspace written and read back is the same keyspace (strings and
// their encodings, expiry times, databases, streams with tombstones, groups, consumers and
// pending entries); damage anywhere in the file is found; a newer version is refused.
#include "persist/snapshot.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "shard/snapshot_view.h"

namespace rill::persist {
namespace {

using shard::Entry;
using shard::Keyspace;
using shard::Value;
using stream::StreamId;

std::string Describe(Keyspace& ks) {
  std::ostringstream out;
  for (int db = 0; db < ks.databases(); db++) {
    std::map<std::string, std::string> keys;
    uint64_t cursor = 0;
    do {
      cursor = ks.db(db).Scan(cursor, 100, [&](Entry& e) {
        std::ostringstream k;
        k << "ttl=" << e.expire_at_ms << " ";
        if (!e.value.is_stream()) {
          k << "str[" << shard::EncodingName(e.value) << "]=" << e.value.str;
        } else {
          const stream::Stream& s = *e.value.stream;
          k << "len=" << s.length() << " last=" << stream::FormatId(s.last_id())
            << " first=" << stream::FormatId(s.first_id())
            << " maxdel=" << stream::FormatId(s.max_deleted_id()) << " added=" << s.entries_added()
            << " entries:";
          stream::Stream::Iterator it(s, StreamId::Min(), StreamId::Max(), false);
          while (it.Next()) {
            k << " " << stream::FormatId(it.id());
            for (std::string_view f : it.fv()) {
              k << "," << f;
            }
          }
          for (const auto& [name, g] : s.groups()) {
            k << " group " << name << " last=" << stream::FormatId(g->last_id())
              << " read=" << g->entries_read();
            for (const auto& [cname, c] : g->consumers()) {
              k << " consumer " << cname << " seen=" << c->seen_time_ms
                << " active=" << c->active_time_ms << " pending=" << c->pending.size();
            }
            for (const auto& [id, pe] : g->pel()) {
              k << " pel " << stream::FormatId(id) << ":" << pe.consumer->name << ":"
                << pe.delivery_time_ms << ":" << pe.delivery_count;
            }
          }
        }
        keys[e.key] = k.str();
      });
    } while (cursor != 0);
    for (const auto& [k, v] : keys) {
      out << db << " " << k << " " << v << "\n";
    }
  }
  return out.str();
}

class SnapshotTest : public ::testing::Test {
 protected:
  SnapshotTest() : clock_(1700000000000), ks_(16, &clock_), back_(16, &clock_) {
    char tmpl[] = "/tmp/rill-snapshot-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/dump.rdb";
    ks_.set_loading(true);  // nothing expires on its own in these tests
    back_.set_loading(true);
  }
  ~SnapshotTest() override { std::filesystem::remove_all(dir_); }

  stream::Stream& NewStream(int db, const std::string& key) {
    return *ks_.Add(db, key, Value::NewStream())->value.stream;
  }
  static void Add(stream::Stream& s, StreamId id, std::vector<std::string> fv) {
    std::vector<std::string_view> views(fv.begin(), fv.end());
    s.Append(id, views, stream::NodeLimits{4096, 100});
  }
  // Writes ks_ to path_ through a SnapshotView, in one go.
  std::string Write() {
    SnapshotEncoder enc(clock_.NowMs());
    std::string bytes;
    shard::SnapshotView view(ks_);
    EXPECT_TRUE(view.Next(INT64_MAX, [&](const shard::SnapshotView::Item& it) {
      enc.Add(it.db, it.key, it.value, it.expire_at_ms);
      bytes += enc.Take();
      return true;
    }));
    bytes += enc.Finish();
    WriteFile(bytes);
    return bytes;
  }
  void WriteFile(const std::string& bytes) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  }
  Status Load() {
    back_.FlushAll();
    return LoadSnapshot(FileSystem::Default(), path_, &back_);
  }

  ManualClock clock_;
  Keyspace ks_;
  Keyspace back_;
  std::string dir_;
  std::string path_;
};

TEST_F(SnapshotTest, EmptyKeyspaceRoundTrips) {
  const std::string bytes = Write();
  EXPECT_EQ(bytes.size(), kSnapshotHeaderSize + 1 + 4);
  EXPECT_EQ(bytes.substr(0, 8), "RILLSNAP");
  ASSERT_TRUE(Load().ok());
  EXPECT_EQ(back_.TotalKeys(), 0u);
}

TEST_F(SnapshotTest, StringsExpiryAndDatabasesRoundTrip) {
  ks_.Set(0, "int", Value::String("12345"));
  ks_.Set(0, "emb", Value::String("short"));
  ks_.Set(0, "raw", Value::String(std::string(5000, 'r')));
  ks_.Set(0, "binary", Value::String(std::string("a\0b\r\n\xff", 6)));
  ks_.Set(0, "", Value::String(""));
  Entry* e = ks_.Set(3, "ttl", Value::String("v"));
  ks_.SetExpire(3, e, clock_.NowMs() + 5000);
  e = ks_.Set(15, "expired", Value::String("still there"));
  ks_.SetExpire(15, e, clock_.NowMs() - 5000);  // kept: the journal after a base may use it
  Write();
  ASSERT_TRUE(Load().ok());
  EXPECT_EQ(Describe(back_), Describe(ks_));
  EXPECT_EQ(back_.db(0).size(), 5u);
}

TEST_F(SnapshotTest, StreamsWithTombstonesGroupsConsumersAndPendingEntriesRoundTrip) {
  stream::Stream& s = NewStream(0, "s");
  for (uint64_t i = 1; i <= 500; i++) {
    Add(s, {1000 + i, i % 3}, {"field", "value" + std::to_string(i), "n", std::to_string(i)});
  }
  Add(s, {5000, 0}, {"other", "shape"});
  ASSERT_TRUE(s.Delete({1010, 1}));
  ASSERT_TRUE(s.Delete({1200, 2}));
  s.set_max_deleted_id({1200, 2});
  stream::ConsumerGroup* g = s.CreateGroup("g", {1100, 1}, 100);
  stream::Consumer* alice = g->CreateConsumer("alice", 111);
  alice->active_time_ms = 222;
  g->CreateConsumer("idle", 333);  // a consumer with an empty pending list
  stream::Consumer* bob = g->CreateConsumer("bob", 444);
  g->Deliver({1002, 2}, alice, 555);
  g->Deliver({1003, 0}, bob, -7);  // XCLAIM TIME may set any time
  g->pel().find({1003, 0})->second.delivery_count = 9;
  s.CreateGroup("unknown-lag", {1050, 2}, stream::kInvalidEntriesRead);
  NewStream(2, "empty").CreateGroup("g2", {0, 0}, 0);  // XGROUP CREATE ... MKSTREAM
  Entry* e = ks_.FindWrite(2, "empty");
  ks_.SetExpire(2, e, clock_.NowMs() + 1);
  Write();
  ASSERT_TRUE(Load().ok());
  EXPECT_EQ(Describe(back_), Describe(ks_));
  EXPECT_NE(Describe(back_).find("consumer idle seen=333 active=-1 pending=0"), std::string::npos);
}

TEST_F(SnapshotTest, AStreamLargerThanAReadAndARecordRoundTrips) {
  stream::Stream& s = NewStream(0, "big");
  const std::string payload(100, 'p');
  for (uint64_t i = 1; i <= 40000; i++) {  // about 4.5 MB: several records and reads
    Add(s, {i, 0}, {"payload", payload + std::to_string(i)});
  }
  ks_.Set(0, "after", Value::String("x"));
  const std::string bytes = Write();
  EXPECT_GT(bytes.size(), 3u << 20);
  ASSERT_TRUE(Load().ok());
  EXPECT_EQ(Describe(back_), Describe(ks_));
}

// A big stream is written a part at a time (a deadline already passed stops it every 16
// nodes), frozen, while the original goes on changing between the parts.
TEST_F(SnapshotTest, AStreamWrittenInPartsFromAFrozenCopyRoundTrips) {
  stream::Stream& s = NewStream(4, "parts");
  for (uint64_t i = 1; i <= 5000; i++) {
    Add(s, {i, 0}, {"n", std::to_string(i)});
  }
  s.CreateGroup("g", {10, 0}, 10);
  ks_.Set(4, "next", Value::String("after the stream"));
  const std::string expected = Describe(ks_);
  const std::unique_ptr<stream::FrozenStream> frozen = s.Freeze();
  SnapshotEncoder enc(0);
  int parts = 1;
  uint64_t id = 5000;
  while (!enc.AddStreamPart(4, "parts", *frozen, shard::kNoExpire, 0)) {
    parts++;
    Add(s, {++id, 0}, {"n", "later"});
    ASSERT_TRUE(s.Delete({5000 - static_cast<uint64_t>(parts) * 40, 0}));  // not written yet
  }
  EXPECT_GT(parts, 2);
  enc.Add(4, "next", ks_.FindRead(4, "next")->value, shard::kNoExpire);
  WriteFile(enc.Finish());
  ASSERT_TRUE(Load().ok());
  EXPECT_EQ(Describe(back_), expected);
}

// A stream with a big PEL: the pending entries are written a part at a time too, while
// deliveries, acks, claims and a consumer's deletion change the group between the parts.
TEST_F(SnapshotTest, APelWrittenInPartsWhileTheGroupChangesRoundTrips) {
  stream::Stream& s = NewStream(2, "queue");
  for (uint64_t i = 1; i <= 3000; i++) {
    Add(s, {i, 0}, {"n", std::to_string(i)});
  }
  stream::ConsumerGroup* g = s.CreateGroup("g", {2500, 0}, 2500);
  stream::Consumer* a = g->CreateConsumer("a", 10);
  stream::Consumer* b = g->CreateConsumer("b", 11);
  for (uint64_t i = 1; i <= 2500; i++) {
    g->Deliver({i, 0}, i % 3 == 0 ? b : a, static_cast<int64_t>(i));
  }
  const std::string expected = Describe(ks_);
  const std::unique_ptr<stream::FrozenStream> frozen = s.Freeze();
  SnapshotEncoder enc(0);
  int parts = 1;
  uint64_t next = 2501;
  while (!enc.AddStreamPart(2, "queue", *frozen, shard::kNoExpire, 0)) {
    parts++;
    g->Deliver({next++, 0}, a, 99);
    g->Ack({2500 - static_cast<uint64_t>(parts), 0});  // ahead of the reader (b's go below)
    if (auto it = g->pel().find({2400 - static_cast<uint64_t>(parts), 0}); it != g->pel().end()) {
      g->Transfer(it, a);
    }
    if (parts == 20) {
      g->DeleteConsumer("b");
    }
  }
  EXPECT_GT(parts, 40);
  WriteFile(enc.Finish());
  ASSERT_TRUE(Load().ok());
  EXPECT_EQ(Describe(back_), expected);
}

TEST_F(SnapshotTest, EveryDamagedByteAndEveryTruncationIsFound) {
  ks_.Set(0, "k", Value::String("v"));
  Entry* e = ks_.Set(1, "ttl", Value::String("w"));
  ks_.SetExpire(1, e, clock_.NowMs() + 5000);
  stream::Stream& s = NewStream(0, "s");
  Add(s, {1, 1}, {"f", "v"});
  Add(s, {2, 1}, {"f", "w"});
  stream::ConsumerGroup* g = s.CreateGroup("g", {1, 1}, 1);
  g->Deliver({1, 1}, g->CreateConsumer("c", 5), 0);
  const std::string good = Write();
  ASSERT_TRUE(Load().ok());
  for (size_t i = 0; i < good.size(); i++) {
    std::string bad = good;
    bad[i] ^= 0x20;
    WriteFile(bad);
    const Status st = Load();
    EXPECT_FALSE(st.ok()) << "a flipped byte at " << i << " went unnoticed";
    EXPECT_NE(st.message().find(path_), std::string::npos) << st.message();
  }
  for (size_t n = 0; n < good.size(); n++) {
    WriteFile(good.substr(0, n));
    EXPECT_FALSE(Load().ok()) << "a file cut at " << n << " loaded";
  }
  WriteFile(good + "x");
  EXPECT_FALSE(Load().ok());
}

TEST_F(SnapshotTest, AnotherVersionIsRefusedByName) {
  std::string bytes = Write();
  bytes[8] = 2;
  WriteFile(bytes);
  const Status st = Load();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("version 2 is not supported"), std::string::npos) << st.message();
  WriteFile("REDIS0011 is not ours");
  EXPECT_NE(Load().message().find("bad magic"), std::string::npos);
}

TEST_F(SnapshotTest, ADatabaseBeyondTheConfiguredCountIsAnError) {
  ks_.Set(15, "k", Value::String("v"));
  Write();
  Keyspace small(4, &clock_);
  const Status st = LoadSnapshot(FileSystem::Default(), path_, &small);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("database 15 is out of range"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace rill::persist
