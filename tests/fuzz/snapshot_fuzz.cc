// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/fuzz/snapshot_fuzz.cc: libFuzzer target for the snapshot loader (persist/snapshot.h),
// which reads dump files and AOF bases from disk at start.
//
// Any bytes may be offered as a snapshot file. Loading must either fail with a Status that
// names the file, or succeed; nothing may crash, leak or trip a sanitizer. For a file it
// accepts, this target checks that the loaded keyspace is stable: written again through a
// SnapshotView and loaded a second time, it describes the same (every key, its type, its
// expiry, its length, and a stream's last id, groups and pending counts). The check-only
// mode (no keyspace, what rill-check-aof uses) must agree with the loading one.
//
// The file is served from memory by a FileSystem of this target's own, so no disk is used.
// Seeds in corpus/snapshot_fuzz/ are snapshots written by SAVE: an empty one, and one with
// strings (one with an expiry), a stream with a deleted entry, two groups, consumers and
// pending entries, and a second database.
// Threading: libFuzzer calls the entry point from one thread.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "persist/snapshot.h"
#include "shard/snapshot_view.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using rill::Result;
using rill::Status;
using rill::persist::FileSystem;
using rill::persist::SequentialFile;
using rill::persist::WritableFile;

constexpr const char* kPath = "fuzz.rdb";

class MemoryFile final : public SequentialFile {
 public:
  explicit MemoryFile(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buf, size_t n) override {
    n = std::min(n, data_.size());
    memcpy(buf, data_.data(), n);
    data_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view data_;
};

// Serves one file from memory; everything else is refused.
class MemoryFileSystem final : public FileSystem {
 public:
  std::string data;

  Result<std::unique_ptr<WritableFile>> OpenAppend(const std::string&) override {
    return Refused();
  }
  Result<std::unique_ptr<SequentialFile>> OpenRead(const std::string& path) override {
    if (path != kPath) {
      return Refused();
    }
    return std::unique_ptr<SequentialFile>(std::make_unique<MemoryFile>(data));
  }
  Status WriteAtomically(const std::string&, std::string_view) override { return Refused(); }
  Result<std::string> ReadSmallFile(const std::string&) override { return Refused(); }
  Status Truncate(const std::string&, uint64_t) override { return Refused(); }
  Status MakeDir(const std::string&) override { return Refused(); }
  bool Exists(const std::string& path) override { return path == kPath; }
  Result<uint64_t> FileSize(const std::string&) override { return uint64_t{data.size()}; }
  Status Rename(const std::string&, const std::string&) override { return Refused(); }
  Status Remove(const std::string&) override { return Refused(); }

 private:
  static Status Refused() { return Status(rill::ErrorCode::kIoError, "not in this fuzz target"); }
};

std::string Describe(rill::shard::Keyspace& ks) {
  std::map<std::pair<int, std::string>, std::string> keys;
  for (int db = 0; db < ks.databases(); db++) {
    uint64_t cursor = 0;
    do {
      cursor = ks.db(db).Scan(cursor, 100, [&](rill::shard::Entry& e) {
        std::string d = std::to_string(e.expire_at_ms) + " ";
        if (!e.value.is_stream()) {
          d += "string " + std::to_string(e.value.str.size());
        } else {
          const rill::stream::Stream& s = *e.value.stream;
          d += "stream " + std::to_string(s.length()) + " " + rill::stream::FormatId(s.last_id()) +
               " " + std::to_string(s.entries_added());
          for (const auto& [name, g] : s.groups()) {
            d += " " + name + ":" + std::to_string(g->pel().size()) + ":" +
                 std::to_string(g->consumers().size());
          }
        }
        keys[{db, e.key}] = d;
      });
    } while (cursor != 0);
  }
  std::string out;
  for (const auto& [k, v] : keys) {
    out += std::to_string(k.first) + " " + k.second + " " + v + "\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MemoryFileSystem fs;
  fs.data.assign(reinterpret_cast<const char*>(data), size);
  rill::ManualClock clock(1700000000000);
  rill::shard::Keyspace ks(16, &clock);
  ks.set_loading(true);
  const Status loaded = rill::persist::LoadSnapshot(&fs, kPath, &ks);
  const Status checked = rill::persist::LoadSnapshot(&fs, kPath, nullptr);
  if (!loaded.ok()) {
    RILL_FUZZ_CHECK(loaded.message().find(kPath) != std::string::npos);
    // Checking alone cannot see a database beyond the keyspace's 16 or a key stored twice;
    // otherwise both modes judge a file alike.
    RILL_FUZZ_CHECK(!checked.ok() || loaded.message().find("out of range") != std::string::npos ||
                    loaded.message().find("duplicate key") != std::string::npos);
    return 0;
  }
  RILL_FUZZ_CHECK(checked.ok());
  rill::persist::SnapshotEncoder enc(0);
  {
    rill::shard::SnapshotView view(ks);
    view.Next(INT64_MAX, [&](const rill::shard::SnapshotView::Item& it) {
      enc.Add(it.db, it.key, it.value, it.expire_at_ms);
      return true;
    });
  }
  fs.data = enc.Take() + enc.Finish();
  rill::shard::Keyspace again(16, &clock);
  again.set_loading(true);
  const Status reloaded = rill::persist::LoadSnapshot(&fs, kPath, &again);
  RILL_FUZZ_CHECK(reloaded.ok());
  RILL_FUZZ_CHECK(Describe(again) == Describe(ks));
  return 0;
}
