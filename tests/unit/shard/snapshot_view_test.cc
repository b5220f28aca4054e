// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// SnapshotView against a model: random writes, deletes, expiries, flushes and swaps run
// between small slices of the view, and what the view returns must be exactly the keyspace
// at the moment it began.
#include "shard/snapshot_view.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace rill::shard {
namespace {

using State = std::map<std::pair<int, std::string>, std::string>;

std::string Describe(const Value& v, int64_t expire) {
  std::string out = std::to_string(expire) + ":";
  if (!v.is_stream()) {
    return out + v.str;
  }
  stream::Stream::Iterator it(*v.stream, stream::StreamId::Min(), stream::StreamId::Max(), false);
  while (it.Next()) {
    out += stream::FormatId(it.id()) + "=" + std::string(it.fv()[1]) + ",";
  }
  return out + "last=" + stream::FormatId(v.stream->last_id());
}

// Describe() of a stream kept frozen because it changed after the view began.
std::string Describe(stream::FrozenStream& f, int64_t expire) {
  std::string out = std::to_string(expire) + ":";
  EXPECT_TRUE(f.Read([&](const stream::Node& n) {
    stream::Node::Cursor c(n);
    stream::Node::Entry e;
    while (c.Next(&e)) {
      if (!e.deleted) {
        out += stream::FormatId(e.id) + "=" + std::string(e.fv[1]) + ",";
      }
    }
    return true;
  }));
  return out + "last=" + stream::FormatId(f.last_id());
}

State Current(Keyspace& ks) {
  State s;
  for (int db = 0; db < ks.databases(); db++) {
    uint64_t cursor = 0;
    do {
      cursor = ks.db(db).Scan(cursor, 100, [&](Entry& e) {
        s[{db, e.key}] = Describe(e.value, e.expire_at_ms);
      });
    } while (cursor != 0);
  }
  return s;
}

class SnapshotViewTest : public ::testing::Test {
 protected:
  SnapshotViewTest() : clock_(1000000), ks_(4, &clock_) {}

  void PutString(int db, const std::string& key, const std::string& v) {
    ks_.Set(db, key, Value::String(v));
  }
  void AppendToStream(int db, const std::string& key, uint64_t ms) {
    ks_.BeforeWrite(key);
    Entry* e = ks_.FindWrite(db, key);
    if (e == nullptr) {
      e = ks_.Add(db, key, Value::NewStream());
    }
    if (!e->value.is_stream()) {
      return;
    }
    const std::string v = std::to_string(ms);
    const std::string_view fv[] = {"f", v};
    const stream::StreamId id{std::max(ms, e->value.stream->last_id().ms + 1), 0};
    e->value.stream->Append(id, fv, stream::NodeLimits{256, 4});
  }

  ManualClock clock_;
  Keyspace ks_;
};

TEST_F(SnapshotViewTest, ReadsTheKeyspaceAsItWasWhateverChangesMeanwhile) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 40; round++) {
    ks_.FlushAll();
    for (int i = 0; i < 300; i++) {
      const int db = static_cast<int>(rng() % 4);
      const std::string key = "k" + std::to_string(rng() % 400);
      if (rng() % 5 == 0) {
        for (int n = 0, count = 1 + static_cast<int>(rng() % 12); n < count; n++) {
          AppendToStream(db, "s" + key, 1000 + i * 100 + n);
        }
      } else {
        PutString(db, key, "v" + std::to_string(i));
      }
      if (rng() % 4 == 0) {
        if (Entry* e = ks_.FindWrite(db, key); e != nullptr) {
          ks_.SetExpire(db, e, clock_.NowMs() + static_cast<int64_t>(rng() % 5000));
        }
      }
    }
    // Free slots at the moment the view begins: keys created later reuse them.
    for (int i = 0; i < 60; i++) {
      ks_.Delete(static_cast<int>(rng() % 4), "k" + std::to_string(rng() % 400));
    }
    const State at_start = Current(ks_);
    State seen;
    {
      SnapshotView view(ks_);
      bool done = false;
      while (!done) {
        const int db = static_cast<int>(rng() % 4);
        const std::string key = "k" + std::to_string(rng() % 500);
        switch (rng() % 12) {
          case 0:
          case 1:
            PutString(db, key, "new" + std::to_string(rng()));
            break;
          case 2:
            ks_.Delete(db, key);
            break;
          case 3:
            AppendToStream(db, "s" + key, 900000 + rng() % 1000);
            break;
          case 4:
            if (Entry* e = ks_.FindWrite(db, key); e != nullptr) {
              ks_.SetExpire(db, e, clock_.NowMs() + 10);
            }
            break;
          case 5:
            if (Entry* e = ks_.FindWrite(db, key); e != nullptr) {
              ks_.Persist(db, e);
            }
            break;
          case 6:
            // An in-place change, as a command makes one after the dispatcher's BeforeWrite.
            ks_.BeforeWrite(key);
            if (Entry* e = ks_.FindWrite(db, key); e != nullptr && !e->value.is_stream()) {
              e->value.str += "+";
            }
            break;
          case 7:
            clock_.AdvanceMs(static_cast<int64_t>(rng() % 300));
            (void)ks_.FindRead(db, key);  // lazy expiry deletes it
            break;
          case 8:
            if (rng() % 8 == 0) {
              ks_.FlushDb(db);
            }
            break;
          case 9:
            if (rng() % 4 == 0) {
              ks_.SwapDb(db, static_cast<int>(rng() % 4));
            }
            break;
          case 10:
            // XDEL: a tombstone in a node the view may not have read yet.
            ks_.BeforeWrite("s" + key);
            if (Entry* e = ks_.FindWrite(db, "s" + key); e != nullptr && e->value.is_stream()) {
              e->value.stream->Delete(e->value.stream->first_id());
            }
            break;
          default:
            break;
        }
        done = view.Next(
            INT64_MAX,
            [&](const SnapshotView::Item& it) {
              const bool fresh =
                  seen.emplace(std::make_pair(it.db, it.key),
                               it.frozen != nullptr ? Describe(*it.frozen, it.expire_at_ms)
                                                    : Describe(it.value, it.expire_at_ms))
                      .second;
              EXPECT_TRUE(fresh) << "visited twice: " << it.key;
              return rng() % 8 != 0;  // sometimes stop after an entry, as for a big stream
            },
            1 + rng() % 6);
      }
    }
    ASSERT_EQ(seen, at_start) << "round " << round;
  }
}

TEST_F(SnapshotViewTest, CostsNothingOnceDestroyed) {
  PutString(0, "a", "1");
  {
    SnapshotView view(ks_);
    EXPECT_TRUE(ks_.frozen());
    PutString(0, "a", "2");
    EXPECT_EQ(view.kept(), 1u);
  }
  EXPECT_FALSE(ks_.frozen());
  EXPECT_EQ(ks_.db(0).frozen(), nullptr);
  PutString(0, "a", "3");
  EXPECT_EQ(ks_.FindRead(0, "a")->value.str, "3");
}

// What a view keeps aside is counted apart (the maxmemory check leaves it out), and
// released as the view reads it.
TEST_F(SnapshotViewTest, CountsTheMemoryItKeepsAside) {
  PutString(0, "big", std::string(100000, 'x'));
  PutString(0, "small", "v");
  SnapshotView view(ks_);
  EXPECT_EQ(ks_.snapshot_bytes(), 0u);
  ks_.Delete(0, "big");  // unread: its value moves aside, nothing is freed
  EXPECT_GE(ks_.snapshot_bytes(), 100000u);
  ASSERT_TRUE(view.Next(INT64_MAX, [](const SnapshotView::Item&) { return true; }));
  EXPECT_EQ(ks_.snapshot_bytes(), 0u);
}

// A command deleting an unread stream: the dispatcher's BeforeWrite freezes it, then the
// stream goes; what the frozen stream holds instead is counted too.
TEST_F(SnapshotViewTest, CountsTheStreamsItHoldsAside) {
  for (uint64_t ms = 1; ms <= 2000; ms++) {
    AppendToStream(0, "s", ms);
  }
  SnapshotView view(ks_);
  ks_.BeforeWrite("s");
  ASSERT_TRUE(ks_.Delete(0, "s"));
  EXPECT_GE(ks_.snapshot_bytes(), 2000u * 4);
  ASSERT_TRUE(view.Next(INT64_MAX, [](const SnapshotView::Item& it) {
    EXPECT_NE(it.frozen, nullptr);
    return true;
  }));
  EXPECT_EQ(ks_.snapshot_bytes(), 0u);
}

TEST_F(SnapshotViewTest, KeysReadAlreadyAreNotCopiedAgain) {
  for (int i = 0; i < 100; i++) {
    PutString(0, "k" + std::to_string(i), "v");
  }
  SnapshotView view(ks_);
  size_t visited = 0;
  ASSERT_TRUE(view.Next(INT64_MAX, [&](const SnapshotView::Item&) {
    visited++;
    return true;
  }));
  EXPECT_EQ(visited, 100u);
  for (int i = 0; i < 100; i++) {
    PutString(0, "k" + std::to_string(i), "w");
  }
  EXPECT_EQ(view.kept(), 0u);
}

}  // namespace
}  // namespace rill::shard
