// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// persist/: the manifest, the writer thread against injected disk failures (ENOSPC, short
// writes, fdatasync errors), and the loader's handling of torn and corrupt files.
#include "persist/aof.h"

#include <absl/cleanup/cleanup.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "persist/aof_loader.h"
#include "persist/manifest.h"
#include "persist/snapshot.h"
#include "tests/support/faulty_file_system.h"

namespace rill::persist {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Resp(std::initializer_list<std::string_view> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n" + std::string(a) + "\r\n";
  }
  return out;
}

shard::Journal::Batch Batch(std::string bytes, int db = 0) {
  return shard::Journal::Batch{std::move(bytes), db, db};
}

class AofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rill-aof-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Aof> Open(config::AppendFsync policy, FileSystem* fs = nullptr) {
    Result<std::unique_ptr<Aof>> aof =
        Aof::Open(fs != nullptr ? fs : &faulty_, {dir_ + "/aofdir", "appendonly.aof", policy});
    EXPECT_TRUE(aof.ok()) << aof.status().message();
    return std::move(*aof);
  }
  std::string Incr(int n = 1) {
    return ReadFile(dir_ + "/aofdir/appendonly.aof." + std::to_string(n) + ".incr.aof");
  }
  // Loads the journal; returns the commands applied, one line each.
  Result<std::string> Load(Aof& aof, bool truncate) {
    std::string applied;
    Result<LoadStats> st = LoadAof(
        aof, truncate,
        [&](std::span<const std::string_view> args) -> Status {
          if (args[0] == "GETX") {
            return Status::Err("unknown command 'GETX'");
          }
          for (size_t i = 0; i < args.size(); i++) {
            applied += (i > 0 ? " " : "") + std::string(args[i]);
          }
          applied += "\n";
          return Status::Ok();
        },
        nullptr);
    if (!st.ok()) {
      return st.status();
    }
    return applied;
  }

  // Starts aof's writer; written_ and durable_ follow its progress.
  void StartAndTrack(Aof& aof) {
    aof.Start([this](uint64_t w, uint64_t d) {
      written_ = w;
      durable_ = d;
    });
  }

  std::string dir_;
  test::FaultyFileSystem faulty_;
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> durable_{0};
};

TEST(ManifestTest, EncodesParsesAndRejectsDamage) {
  Manifest m;
  m.AddIncrement("appendonly.aof");
  m.AddIncrement("appendonly.aof");
  const std::string text = m.Encode();
  EXPECT_EQ(text,
            "file appendonly.aof.1.incr.aof seq 1 type i\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
  Result<Manifest> back = Manifest::Parse(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->Encode(), text);
  EXPECT_FALSE(Manifest::Parse("file a seq 1 type x\n").ok());
  EXPECT_FALSE(Manifest::Parse("file a seq 2 type i\nfile b seq 1 type i\n").ok());
  EXPECT_FALSE(Manifest::Parse("file ../a seq 1 type i\n").ok());
  Result<Manifest> bad = Manifest::Parse("file a seq 1 type i\nnonsense\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
}

TEST_F(AofTest, WritesBatchesWithSelectAndReportsThemDurable) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  std::atomic<uint64_t> reported{0};
  aof->Start([&](uint64_t, uint64_t durable) { reported = durable; });
  const std::string set = Resp({"SET", "k", "v"});
  aof->Append(Batch(set, 0));
  const uint64_t end = aof->Append(Batch(set, 3));
  EXPECT_TRUE(aof->WaitDurable(end, 5000));
  EXPECT_GE(reported.load(), end);
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(), Resp({"SELECT", "0"}) + set + Resp({"SELECT", "3"}) + set);
  EXPECT_EQ(end, Incr().size());
}

TEST_F(AofTest, ShortWriteOnAFullDiskIsCutBackAndRetriedUntilTheDiskWorks) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  aof->Start(nullptr);
  const std::string set = Resp({"SET", "key", std::string(1000, 'x')});
  faulty_.FailAppends(1000000, /*half_written=*/true);
  const uint64_t end = aof->Append(Batch(set));
  EXPECT_FALSE(aof->WaitDurable(end, 300)) << "reported durable on a full disk";
  EXPECT_FALSE(aof->write_ok());
  EXPECT_NE(aof->last_error().find("No space left on device"), std::string::npos);
  const uint64_t end2 = aof->Append(Batch(Resp({"DEL", "key"})));
  faulty_.Heal();
  EXPECT_TRUE(aof->WaitDurable(end2, 5000));
  EXPECT_TRUE(aof->write_ok());
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(), Resp({"SELECT", "0"}) + set + Resp({"DEL", "key"}));
}

TEST_F(AofTest, FailedFsyncWritesTheUnsyncedBytesAgain) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  aof->Start(nullptr);
  const std::string a = Resp({"SET", "a", "1"});
  const uint64_t first = aof->Append(Batch(a));
  ASSERT_TRUE(aof->WaitDurable(first, 5000));
  faulty_.FailSyncs(3);
  const std::string b = Resp({"SET", "b", "2"});
  const uint64_t second = aof->Append(Batch(b));
  EXPECT_TRUE(aof->WaitDurable(second, 5000)) << "not retried";
  EXPECT_GE(faulty_.syncs(), 5);
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(), Resp({"SELECT", "0"}) + a + b);  // written again, not twice
}

// Polls until done() or 5 s pass; returns done().
template <typename F>
bool Eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

// everysec's fdatasync runs beside the writer: while it is stuck on a slow disk, later
// writes still reach the file (and their held replies go out), and nothing is reported
// durable that the sync did not cover.
TEST_F(AofTest, EverysecWritesGoOnWhileTheFsyncIsSlow) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kEverySec);
  StartAndTrack(*aof);
  faulty_.HoldSyncs();
  const absl::Cleanup release = [&] { faulty_.ReleaseSyncs(); };  // before Stop, if it fails
  const std::string a = Resp({"SET", "a", "1"});
  const uint64_t end_a = aof->Append(Batch(a));
  ASSERT_TRUE(Eventually([&] { return faulty_.held_syncs() == 1; }));  // within a second
  const std::string b = Resp({"SET", "b", "2"});
  const uint64_t end_b = aof->Append(Batch(b));
  EXPECT_TRUE(Eventually([&] { return written_.load() >= end_b; })) << "waited for the fsync";
  EXPECT_LT(durable_.load(), end_a);
  faulty_.ReleaseSyncs();
  EXPECT_TRUE(Eventually([&] { return durable_.load() >= end_a; }));
  ASSERT_TRUE(aof->WaitDurable(end_b, 5000));
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(), Resp({"SELECT", "0"}) + a + b);
}

// A background fdatasync that fails: what it covered and what was written meanwhile is
// cut off and written again, once.
TEST_F(AofTest, FailedBackgroundFsyncWritesTheUnsyncedBytesAgain) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kEverySec);
  StartAndTrack(*aof);
  faulty_.HoldSyncs();
  const absl::Cleanup release = [&] { faulty_.ReleaseSyncs(); };
  faulty_.FailSyncs(1);
  const std::string a = Resp({"SET", "a", "1"});
  aof->Append(Batch(a));
  ASSERT_TRUE(Eventually([&] { return faulty_.held_syncs() == 1; }));
  const std::string b = Resp({"SET", "b", "2"});
  const uint64_t end_b = aof->Append(Batch(b));
  ASSERT_TRUE(Eventually([&] { return written_.load() >= end_b; }));
  faulty_.ReleaseSyncs();
  ASSERT_TRUE(Eventually([&] { return !aof->write_ok(); })) << "the failure went unnoticed";
  EXPECT_NE(aof->last_error().find("Input/output error"), std::string::npos);
  ASSERT_TRUE(aof->WaitDurable(end_b, 5000));
  EXPECT_TRUE(aof->write_ok());
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(), Resp({"SELECT", "0"}) + a + b);
}

// A WAITAOF (the writer's own sync) while the background sync is stuck waits for it, but
// writing goes on meanwhile.
TEST_F(AofTest, AnOwnSyncWaitingForTheBackgroundOneStillLetsWritesThrough) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kEverySec);
  StartAndTrack(*aof);
  faulty_.HoldSyncs();
  const absl::Cleanup release = [&] { faulty_.ReleaseSyncs(); };
  const uint64_t end_a = aof->Append(Batch(Resp({"SET", "a", "1"})));
  ASSERT_TRUE(Eventually([&] { return faulty_.held_syncs() == 1; }));
  aof->RequestSync(end_a);
  // Let the writer wait first: a wait for the background sync alone once kept b out.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const uint64_t end_b = aof->Append(Batch(Resp({"SET", "b", "2"})));
  EXPECT_TRUE(Eventually([&] { return written_.load() >= end_b; }));
  faulty_.ReleaseSyncs();
  EXPECT_TRUE(aof->WaitDurable(end_b, 5000));
  ASSERT_TRUE(aof->Stop().ok());
}

// A background sync that works while an append keeps failing (a full disk) does not end
// the error: writes stay refused until the append itself works.
TEST_F(AofTest, ABackgroundSyncDoesNotClearAFailingAppend) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kEverySec);
  aof->Start(nullptr);
  faulty_.HoldSyncs();
  const absl::Cleanup release = [&] { faulty_.ReleaseSyncs(); };
  const std::string a = Resp({"SET", "a", "1"});
  aof->Append(Batch(a));
  ASSERT_TRUE(Eventually([&] { return faulty_.held_syncs() == 1; }));
  faulty_.FailAppends(1000000, /*half_written=*/false);
  const std::string b = Resp({"SET", "b", "2"});
  const uint64_t end_b = aof->Append(Batch(b));
  ASSERT_TRUE(Eventually([&] { return !aof->write_ok(); }));
  // The sync ends; the writer's next append attempt is held: the state in between shows.
  faulty_.HoldAppends();
  const absl::Cleanup release_appends = [&] { faulty_.ReleaseAppends(); };
  faulty_.ReleaseSyncs();
  ASSERT_TRUE(Eventually([&] { return faulty_.held_appends() == 1; }));
  EXPECT_FALSE(aof->write_ok()) << "reported ok while appends fail";
  faulty_.Heal();
  faulty_.ReleaseAppends();
  EXPECT_TRUE(aof->WaitDurable(end_b, 5000));
  EXPECT_TRUE(aof->write_ok());
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(), Resp({"SELECT", "0"}) + a + b);
}

TEST_F(AofTest, RemoveGraduallyRemovesFilesOfAnySize) {
  FileSystem* fs = FileSystem::Default();
  for (uint64_t size : {uint64_t{0}, uint64_t{100}, 3 * kRemoveChunkBytes + 5}) {
    const std::string path = dir_ + "/f" + std::to_string(size);
    ASSERT_TRUE(OpenEmpty(fs, path).ok());
    ASSERT_TRUE(fs->Truncate(path, size).ok());  // sparse: no disk needed
    ASSERT_EQ(*fs->FileSize(path), size);
    EXPECT_TRUE(RemoveGradually(fs, path).ok());
    EXPECT_FALSE(fs->Exists(path));
  }
  EXPECT_TRUE(RemoveGradually(fs, dir_ + "/missing").ok());
}

// Switching policy keeps what was written under the old one (a switch from `no` to
// `always` once cut the file back to the last fsync, dropping acknowledged writes).
TEST_F(AofTest, PolicySwitchesKeepEverythingWritten) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  aof->Start(nullptr);
  const std::string incr = Resp({"INCR", "n"});
  uint64_t end = 0;
  for (config::AppendFsync p : {config::AppendFsync::kNo, config::AppendFsync::kEverySec,
                                config::AppendFsync::kNo, config::AppendFsync::kAlways}) {
    aof->set_fsync(p);
    for (int i = 0; i < 10; i++) {
      end = aof->Append(Batch(incr));
    }
    // Written under this policy before the next switch.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (aof->stats().current_size < end && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    ASSERT_GE(aof->stats().current_size, end);
  }
  ASSERT_TRUE(aof->WaitDurable(end, 5000));
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr().size(), Resp({"SELECT", "0"}).size() + 40 * incr.size());
}

TEST_F(AofTest, StopWritesAndSyncsWhatIsPendingUnderEverysec) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kEverySec);
  aof->Start(nullptr);
  for (int i = 0; i < 100; i++) {
    aof->Append(Batch(Resp({"INCR", "n"})));
  }
  const int syncs_before = faulty_.syncs();
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(faulty_.syncs(), syncs_before + 1);
  EXPECT_EQ(Incr().size(), Resp({"SELECT", "0"}).size() + 100 * Resp({"INCR", "n"}).size());
}

TEST_F(AofTest, ReopeningAppendsToTheLastIncrement) {
  {
    std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
    aof->Start(nullptr);
    aof->Append(Batch(Resp({"SET", "a", "1"})));
    ASSERT_TRUE(aof->Stop().ok());
  }
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  Result<std::string> loaded = Load(*aof, false);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(*loaded, "SELECT 0\nSET a 1\n");
  aof->Start(nullptr);
  aof->Append(Batch(Resp({"SET", "b", "2"})));
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(), Resp({"SELECT", "0"}) + Resp({"SET", "a", "1"}) + Resp({"SELECT", "0"}) +
                        Resp({"SET", "b", "2"}));
}

TEST_F(AofTest, LoaderAppliesTransactionsWholeAndCutsATornOne) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  const std::string good =
      Resp({"SET", "a", "1"}) + Resp({"MULTI"}) + Resp({"INCR", "a"}) + Resp({"EXEC"});
  const std::string torn = Resp({"MULTI"}) + Resp({"INCR", "a"});  // the crash came here
  std::ofstream(dir_ + "/aofdir/appendonly.aof.1.incr.aof", std::ios::binary) << good + torn;
  Result<std::string> strict = Load(*aof, false);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("at offset " + std::to_string(good.size())),
            std::string::npos)
      << strict.status().message();
  std::unique_ptr<Aof> again = Open(config::AppendFsync::kAlways);
  Result<std::string> loaded = Load(*again, true);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(*loaded, "SET a 1\nMULTI\nINCR a\nEXEC\n");
  EXPECT_EQ(Incr(), good);
}

TEST_F(AofTest, LoaderRejectsDamageBeforeTheTailWithFileAndOffset) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  const std::string first = Resp({"SET", "a", "1"});
  for (const std::string& damage :
       {std::string("garbage\r\n"), std::string("*2\r\n$3\r\nGET\r\n$x\r\n"),
        std::string("*1\r\n$3\r\nGETX\r\n"), std::string("*1\r\n$4\r\nGETX\r\n")}) {
    std::ofstream(dir_ + "/aofdir/appendonly.aof.1.incr.aof", std::ios::binary | std::ios::trunc)
        << first + damage + Resp({"SET", "b", "2"});
    Result<std::string> loaded = Load(*aof, true);
    ASSERT_FALSE(loaded.ok()) << damage;
    SCOPED_TRACE(damage);
    EXPECT_NE(loaded.status().message().find("appendonly.aof.1.incr.aof at offset " +
                                             std::to_string(first.size())),
              std::string::npos)
        << loaded.status().message();
    EXPECT_NE(loaded.status().message().find("rill-check-aof --fix"), std::string::npos);
  }
}

}  // namespace
}  // namespace rill::persist

namespace rill::persist {
namespace {

// BGREWRITEAOF's two steps: the rotation at the consistent point, then the base.
TEST_F(AofTest, RotationPutsEverythingAfterThePointInANewIncrement) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kEverySec);
  const std::string a = Resp({"SET", "a", "1"});
  const std::string b = Resp({"SET", "b", "2"});
  aof->Append(Batch(a, 0));
  EXPECT_EQ(aof->Rotate(), 2u);
  const uint64_t end = aof->Append(Batch(b, 0));
  aof->Start(nullptr);
  EXPECT_TRUE(aof->WaitDurable(end, 5000));
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(1), Resp({"SELECT", "0"}) + a);
  EXPECT_EQ(Incr(2), Resp({"SELECT", "0"}) + b) << "the new increment must select its db";
  EXPECT_EQ(ReadFile(dir_ + "/aofdir/appendonly.aof.manifest"),
            "file appendonly.aof.1.incr.aof seq 1 type i\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
}

// Regression: with the old increment written but not yet fsynced (everysec), the writer took
// everything pending, the bytes after the point too, into the old increment, which the
// base install then deleted (PersistenceTest.RestartFromBaseAndIncrementGivesBackEveryEntry).
TEST_F(AofTest, RotationAfterAnUnsyncedWriteKeepsLaterBytesForTheNewIncrement) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kEverySec);
  StartAndTrack(*aof);
  const std::string a = Resp({"SET", "a", "1"});
  const std::string b = Resp({"SET", "b", "2"});
  const uint64_t end_a = aof->Append(Batch(a, 0));
  for (int i = 0; i < 5000 && written_ < end_a; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(written_.load(), end_a);
  EXPECT_LT(aof->stats().durable, end_a) << "the test needs the write not yet fsynced";
  aof->Rotate();
  const uint64_t end_b = aof->Append(Batch(b, 0));
  EXPECT_TRUE(aof->WaitDurable(end_b, 5000));
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(1), Resp({"SELECT", "0"}) + a);
  EXPECT_EQ(Incr(2), Resp({"SELECT", "0"}) + b);
}

// A second Rotate() before the first switch happened (its rewrite was abandoned) moves the
// point: the new increment starts at the later one, as the later base expects.
TEST_F(AofTest, ASecondRotationBeforeTheSwitchMovesThePoint) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  const std::string a = Resp({"SET", "a", "1"});
  const std::string b = Resp({"SET", "b", "2"});
  const std::string c = Resp({"SET", "c", "3"});
  aof->Append(Batch(a));
  EXPECT_EQ(aof->Rotate(), 2u);
  aof->Append(Batch(b));
  EXPECT_EQ(aof->Rotate(), 2u);
  const uint64_t end = aof->Append(Batch(c));
  aof->Start(nullptr);
  ASSERT_TRUE(aof->WaitDurable(end, 5000));
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(1), Resp({"SELECT", "0"}) + a + Resp({"SELECT", "0"}) + b);
  EXPECT_EQ(Incr(2), Resp({"SELECT", "0"}) + c);
}

TEST_F(AofTest, AnInstallWaitingForARotationOnAFailingDiskCanBeCancelled) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  aof->Start(nullptr);
  faulty_.FailAppends(1000000, /*half_written=*/false);
  aof->Append(Batch(Resp({"SET", "a", "1"})));
  const AofFile base = aof->NextBase();
  const uint64_t seq = aof->Rotate();
  std::atomic<bool> returned{false};
  Status result;
  std::thread installer([&] {
    result = aof->InstallBase(base, seq);
    returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(returned.load()) << "the rotation cannot finish while the disk fails";
  aof->CancelInstall();
  installer.join();
  EXPECT_FALSE(result.ok());
  faulty_.Heal();
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(ReadFile(dir_ + "/aofdir/appendonly.aof.manifest"),
            "file appendonly.aof.1.incr.aof seq 1 type i\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
}

TEST_F(AofTest, RotationWaitsForAFailingDiskAndLosesNothing) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  aof->Start(nullptr);
  const std::string a = Resp({"SET", "a", std::string(100, 'x')});
  faulty_.FailAppends(1000000, /*half_written=*/true);
  aof->Append(Batch(a));
  aof->Rotate();
  const uint64_t end = aof->Append(Batch(Resp({"DEL", "a"})));
  EXPECT_FALSE(aof->WaitDurable(end, 200));
  faulty_.Heal();
  EXPECT_TRUE(aof->WaitDurable(end, 5000));
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(Incr(1), Resp({"SELECT", "0"}) + a);
  EXPECT_EQ(Incr(2), Resp({"SELECT", "0"}) + Resp({"DEL", "a"}));
}

TEST_F(AofTest, InstalledBaseReplacesTheOldFilesAndLoadsBeforeTheIncrements) {
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  aof->Start(nullptr);
  aof->Append(Batch(Resp({"SET", "old", "1"})));
  const AofFile base = aof->NextBase();
  EXPECT_EQ(base.name, "appendonly.aof.1.base.rill");
  const uint64_t seq = aof->Rotate();
  const uint64_t end = aof->Append(Batch(Resp({"SET", "new", "2"})));
  ASSERT_TRUE(aof->WaitDurable(end, 5000));
  // The base for the point: what the first increment held, as a snapshot.
  ManualClock clock(1000);
  shard::Keyspace ks(16, &clock);
  ks.Set(0, "old", shard::Value::String("1"));
  SnapshotEncoder enc(0);
  enc.Add(0, "old", ks.FindRead(0, "old")->value, shard::kNoExpire);
  std::ofstream(aof->PathOf(base), std::ios::binary) << enc.Finish();
  ASSERT_TRUE(aof->InstallBase(base, seq).ok());
  ASSERT_TRUE(aof->Stop().ok());
  EXPECT_EQ(ReadFile(dir_ + "/aofdir/appendonly.aof.manifest"),
            "file appendonly.aof.1.base.rill seq 1 type b\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/aofdir/appendonly.aof.1.incr.aof"));

  std::unique_ptr<Aof> reopened = Open(config::AppendFsync::kAlways);
  shard::Keyspace loaded(16, &clock);
  std::string applied;
  Result<LoadStats> st = LoadAof(
      *reopened, true,
      [&](std::span<const std::string_view> args) -> Status {
        applied += std::string(args[0]) + " " + std::string(args.back()) + "\n";
        return Status::Ok();
      },
      &loaded);
  ASSERT_TRUE(st.ok()) << st.status().message();
  ASSERT_NE(loaded.FindRead(0, "old"), nullptr);
  EXPECT_EQ(applied, "SELECT 0\nSET 2\n");
  EXPECT_EQ(reopened->stats().current_size,
            std::filesystem::file_size(reopened->PathOf(base)) + Incr(2).size());
}

TEST_F(AofTest, ABaseWithoutAKeyspaceToLoadIntoIsAnError) {
  {
    std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
    aof->Start(nullptr);
    const AofFile base = aof->NextBase();
    const uint64_t seq = aof->Rotate();
    ASSERT_TRUE(aof->WaitDurable(aof->Append(Batch(Resp({"SET", "k", "v"}))), 5000));
    std::ofstream(aof->PathOf(base), std::ios::binary) << SnapshotEncoder(0).Finish();
    ASSERT_TRUE(aof->InstallBase(base, seq).ok());
    ASSERT_TRUE(aof->Stop().ok());
  }
  std::unique_ptr<Aof> aof = Open(config::AppendFsync::kAlways);
  const Result<LoadStats> st = LoadAof(
      *aof, true, [](std::span<const std::string_view>) { return Status::Ok(); }, nullptr);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("base"), std::string::npos);
}

}  // namespace
}  // namespace rill::persist
