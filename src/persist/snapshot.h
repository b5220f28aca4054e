// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// persist/snapshot.h: the snapshot file: the whole dataset at one point, in binary.
//
// The same format serves as the AOF base (appenddirname/<appendfilename>.<seq>.base.rill,
// written by BGREWRITEAOF) and as the dump file (dbfilename, written by SAVE/BGSAVE and the
// `save` schedule). It is Rill's own format, not Redis's RDB: a stream is stored as its raw
// node blocks (stream/node.h), so writing and loading one costs a memcpy per node.
//
//   ┌──────────────────────────── header: 24 bytes ────────────────────────────┐
//   │ "RILLSNAP" │ version u32 LE │ flags u32 LE (0) │ created, Unix ms, u64 LE │
//   └──────────────────────────────────────────────────────────────────────────┘
//   record*           one type byte, then its body:
//     0x01 SELECTDB      db                                 (the records below go there)
//     0x02 STRING        key, expire, value
//     0x03 STREAM_NODES  key, n, (master ms, master seq, block)×n     (about 1 MiB a record)
//     0x04 STREAM        key, expire, last id, max deleted id, entries added, groups:
//                          n, (name, last id, entries read + 1, consumers, pending)×n
//                          consumers: n, (name, seen ms z, active ms + 1)×n
//                          pending:   n, (id, consumer index, delivery ms z, count)×n
//   0xFF END, then the CRC-32C (u32 LE) of every byte before it, header included.
//
//   integers are varints (core/coding.h); "z" ones zig-zag encoded (they may be negative);
//   strings and blocks are a varint length then the bytes; an expire is 0 for none, else
//   the Unix ms + 1; an id is ms then seq.
//
// A stream's STREAM_NODES records (none when it is empty) come right before its STREAM
// record, which completes it. Keys are stored with their expiry even when it has passed:
// a base is followed by increments that were journalled while those keys still existed,
// so the loader keeps them and lets expiry remove them after the load, as the AOF does.
//
// Versioning: a reader refuses a version it does not know, with a message that names it;
// a change of format bumps kVersion and keeps a reader of the old one, with a test.
// Corruption (a bad length, an unknown record, a node that does not decode, a wrong CRC)
// stops the load with the file and the offset.
// Threading: an encoder or loader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "persist/file.h"
#include "shard/keyspace.h"
#include "shard/shard_set.h"

namespace rill::persist {

constexpr std::string_view kSnapshotMagic = "RILLSNAP";
constexpr uint32_t kSnapshotVersion = 1;
constexpr size_t kSnapshotHeaderSize = 24;

// Turns entries into snapshot bytes. Take() hands over what is encoded so far (a writer
// thread appends it to the file), Finish() the rest with the END record and checksum.
class SnapshotEncoder {
 public:
  // With checksum false the bytes handed out carry no checksum: Finish() ends with the
  // END record, and whoever writes the file appends SnapshotTrailer() of the CRC-32C of
  // everything it wrote (the snapshotter's writer thread does, so the loop never spends
  // its time on the checksum).
  explicit SnapshotEncoder(int64_t created_ms, bool checksum = true);
  void Add(int db, std::string_view key, const shard::Value& value, int64_t expire_at_ms);
  // A frozen stream written a part at a time (a big one, across several slices of the
  // loop): its nodes, then its STREAM record with its groups' pending entries, until
  // deadline_us (MonotonicUs) passes or about kChunkBytes are buffered (the caller hands
  // them over). Returns true when the stream is complete.
  // REQUIRES: nothing else is added meanwhile.
  bool AddStreamPart(int db, std::string_view key, stream::FrozenStream& s, int64_t expire_at_ms,
                     int64_t deadline_us);
  static constexpr size_t kChunkBytes = 1 << 20;
  size_t buffered() const { return buf_.size(); }
  std::string Take();
  std::string Finish();
  uint64_t keys() const { return keys_; }

 private:
  void SelectDb(int db);
  // Adds node to the open STREAM_NODES record of key, opening one if none is; CloseNodes()
  // ends the record.
  void AddNode(std::string_view key, const stream::Node& node);
  void CloseNodes();
  // The STREAM record's parts: its head, each group's head (then its consumers and its
  // PEL's size), each consumer, each pending entry.
  void PutStreamHead(std::string_view key, int64_t expire_at_ms, stream::StreamId last_id,
                     stream::StreamId max_deleted_id, uint64_t entries_added, size_t groups);
  void PutGroupHead(std::string_view name, stream::StreamId last_id, int64_t entries_read,
                    size_t consumers);
  void PutConsumer(std::string_view name, int64_t seen_time_ms, int64_t active_time_ms);
  void PutPending(stream::StreamId id, uint64_t consumer, int64_t delivery_time_ms,
                  uint64_t delivery_count);

  std::string buf_;
  bool checksum_;
  uint32_t crc_ = 0;  // of the bytes taken so far (when checksum_)
  int db_ = 0;
  uint64_t keys_ = 0;
  // The open STREAM_NODES record: where it starts, where its node count goes, and the count.
  size_t nodes_start_ = 0;
  size_t nodes_count_pos_ = 0;
  size_t nodes_count_ = 0;
  // How far AddStreamPart got into the STREAM record: its head is written, the groups
  // before group_ are, and the head of group_.
  bool record_open_ = false;
  size_t group_ = 0;
  bool group_open_ = false;
};

namespace internal {
class SnapshotParser;
}

// Where a loaded key goes: with several shards, the keyspace of the key's shard.
using KeyspaceFor = std::function<shard::Keyspace*(std::string_view key)>;
// Every key to ks (null: none, the file is only checked).
KeyspaceFor AllTo(shard::Keyspace* ks);
// Every key to its shard's keyspace. REQUIRES: set outlives the loading.
KeyspaceFor ToItsShard(shard::ShardSet& set);

// Loads a snapshot file into a keyspace a step at a time (between steps the shard answers
// -LOADING). The keyspaces must be loading (no expiry) and should be empty. Without a
// keyspace (null) the file is only checked.
class SnapshotLoader {
 public:
  SnapshotLoader(FileSystem* fs, std::string path, shard::Keyspace* ks)
      : SnapshotLoader(fs, std::move(path), AllTo(ks)) {}
  SnapshotLoader(FileSystem* fs, std::string path, KeyspaceFor route);
  ~SnapshotLoader();
  Status Open();
  // Loads until deadline_us (MonotonicUs) passes; true once the file was loaded and its
  // checksum matched.
  Result<bool> Step(int64_t deadline_us);
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t keys() const;

 private:
  FileSystem* fs_;
  std::string path_;
  std::unique_ptr<SequentialFile> file_;
  std::unique_ptr<internal::SnapshotParser> parser_;
  uint64_t bytes_read_ = 0;
  size_t read_size_ = 1 << 20;  // grows while one record does not fit what was read
};

// The 4 bytes that close a snapshot file: crc, the CRC-32C of every byte before them.
std::string SnapshotTrailer(uint32_t crc);

// Loads a whole snapshot file at once (tests, DEBUG RELOAD); with ks null, only checks it
// (rill-check-aof).
Status LoadSnapshot(FileSystem* fs, const std::string& path, shard::Keyspace* ks);
Status LoadSnapshot(FileSystem* fs, const std::string& path, const KeyspaceFor& route);
// Whether the file starts like a snapshot (its magic).
bool IsSnapshotFile(FileSystem* fs, const std::string& path);

}  // namespace rill::persist
