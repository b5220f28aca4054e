// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/journal.h: the effects of one shard's writes, as RESP commands, on their way to the
// process journal (the append-only file today, replicas later).
//
// Every change to the dataset is recorded as a deterministic command: one that, replayed
// on the state before it, gives the state after it. Most commands are their own effect
// (SET, DEL, XACK); the others are rewritten: XADD carries the id it got, relative
// expirations become PEXPIREAT, a delivery by XREADGROUP becomes XCLAIM ... FORCE JUSTID
// LASTID plus XGROUP SETID ... ENTRIESREAD, a key deleted by expiry or eviction becomes DEL.
// Handlers append effects here while they run (Redis's "propagate").
//
// Atomic records: the dispatcher opens a scope around each command (and EXEC around its
// queued commands). When a scope emitted more than one effect, its effects are wrapped in
// MULTI/EXEC, so a replay (or a torn tail cut at a record boundary) never applies half of
// one command or one transaction.
//
// Databases: SELECT is written when the database changes within the buffer. The buffer is
// handed over as a Batch that says which database its first effect assumes; the sink,
// which knows what the process journal last selected, adds a SELECT in front if needed.
//
// Offsets: produced() counts every byte this shard ever appended, so "the effects of this
// command" is a number that only grows; the shard maps it to journal offsets when it hands
// a batch over (see Shard::HandOverJournal).
// Threading: one per shard, used only on its thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "config/config.h"

namespace rill::shard {

class Journal {
 public:
  struct Batch {
    std::string bytes;
    int first_db = 0;  // the database the first effect in bytes runs in
    int last_db = 0;   // the database selected after the last one
  };

  // A disabled journal (no AOF, no replicas) ignores Append, so writes cost nothing extra.
  void set_enabled(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }

  // Appends one effect: a command that runs in database db.
  void Append(int db, std::span<const std::string_view> args);
  void Append(int db, std::initializer_list<std::string_view> args) {
    Append(db, std::span<const std::string_view>(args.begin(), args.size()));
  }

  // A command or transaction: scopes nest; the outermost one wraps its effects in
  // MULTI/EXEC when there is more than one.
  void BeginScope();
  void EndScope();

  // Bytes ever appended (handed over or not).
  uint64_t produced() const { return handed_over_ + buf_.size(); }
  bool empty() const { return buf_.empty(); }
  // Takes what was appended since the last call. REQUIRES: no open scope, or only one that
  // has emitted nothing yet (DEBUG LOADAOF hands the journal over from inside its command).
  Batch Take();

 private:
  void AppendCommand(std::span<const std::string_view> args);

  bool enabled_ = false;
  std::string buf_;
  uint64_t handed_over_ = 0;
  int first_db_ = -1;  // of buf_; -1 while buf_ is empty
  int db_ = -1;        // selected at the end of buf_
  int depth_ = 0;
  size_t scope_start_ = 0;  // offset in buf_ where the outermost scope began
  int scope_effects_ = 0;
};

// What INFO persistence shows of the journal's files.
struct JournalStats {
  bool write_ok = true;
  std::string last_error;
  uint64_t current_size = 0;  // bytes in the files
  uint64_t appended = 0;      // journal offset handed over
  uint64_t durable = 0;       // journal offset covered by an fsync
  uint64_t fsyncs = 0;
};

// Where shards hand their batches over: the process journal (persist::Aof). A sink that
// makes effects durable reports how far with Shard::NotifyJournal.
class JournalSink {
 public:
  virtual ~JournalSink() = default;
  // Appends one shard's batch to the journal and returns the journal offset just past it.
  // Thread-safe.
  virtual uint64_t Append(Journal::Batch batch) = 0;
  // False while the journal cannot be written: writes are then refused with -MISCONF.
  virtual bool write_ok() const = 0;
  virtual std::string last_error() const = 0;
  // Asks for an fsync covering the journal up to offset soon, whatever the policy (WAITAOF).
  // Thread-safe.
  virtual void RequestSync(uint64_t offset) = 0;
  // A new config snapshot was installed (appendfsync may have changed). Thread-safe.
  virtual void ApplyConfig(const config::Config& cfg) = 0;
  virtual JournalStats stats() const = 0;
};

}  // namespace rill::shard
