// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// persist/aof.h: the append-only file: where the process journal goes to disk.
//
// Shards hand their effects over with Append() (a JournalSink), which only copies them into
// the pending buffer and returns their journal offset. One writer thread does all the I/O,
// so no event loop ever waits for the disk:
//
//   shards ──Append──► pending ──writer thread──► write(2) ──► fdatasync (always)
//                                       │           └─ on_progress(written, durable) ─┘
//                                       └─ once a second (everysec) ──► syncer: fdatasync
//
// Shards hold each write's reply until on_progress says its effects are far enough
// (Shard::HoldUntilDurable): with appendfsync always, until an fdatasync covered them; with
// everysec and no, until they were written to the file, so a crash of the process (kill -9)
// never loses an acknowledged write, whatever the policy; only a crash of the machine can,
// within the policy's window (everysec syncs once a second; no leaves it to the OS).
// Group commit: while the writer writes and syncs one batch, the next one gathers; every
// client whose effects landed in the batch is released by the one write (and fdatasync)
// that covered it. everysec's fdatasync runs on a second thread (Redis's bio fsync) while
// the writer goes on writing, so replies held until written never wait behind a slow disk
// flush; every other sync (always, WAITAOF, a rotation, the stop) is the writer's own, and
// it first waits for a background sync in flight, so one sync's outcome is settled at a time.
//
// Failures: a failed or short write is cut off again (ftruncate back to the last good size)
// and its bytes stay queued; a failed fdatasync means the kernel may have dropped the
// pages, so the file is cut back to the last synced size and everything since is written
// again (all of it, unless the policy was `no` meanwhile: `no` keeps no copy). Meanwhile write_ok()
// is false (shards refuse writes with -MISCONF and INFO shows aof_last_write_status:err) and the
// writer retries every kRetryMs until the disk works. Nothing appended is dropped while the process
// lives, and nothing is reported durable that an fdatasync did not cover.
//
// Rewriting (BGREWRITEAOF, persist/snapshotter.h) happens in two steps. Rotate() marks the
// consistent point: the writer finishes the current increment up to there (written and
// fdatasynced), adds a new increment to the manifest and writes everything after the point
// there. InstallBase() then swaps in the base written for that point: the manifest becomes
// base + the increments from the rotation on, atomically, and the files it no longer names
// are removed. A crash before the switch loads the old base and every increment; after it,
// the new base and the new increments: the same data either way.
//
// Threading: Append, WaitDurable, Rotate, InstallBase and the accessors are thread-safe;
// Start/Stop belong to the main thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "config/config.h"
#include "persist/file.h"
#include "persist/manifest.h"
#include "shard/journal.h"

namespace rill::persist {

class Aof final : public shard::JournalSink {
 public:
  static constexpr int64_t kRetryMs = 100;

  struct Options {
    std::string dir;     // dir/appenddirname
    std::string prefix;  // appendfilename
    config::AppendFsync fsync = config::AppendFsync::kEverySec;
  };

  // Opens (creating when absent) the directory, the manifest and its last increment.
  static Result<std::unique_ptr<Aof>> Open(FileSystem* fs, Options opts);
  ~Aof() override;

  // The manifest. REQUIRES: the writer is not running (loading, tests).
  const Manifest& manifest() const { return manifest_; }
  std::string PathOf(const AofFile& f) const { return opts_.dir + "/" + f.name; }
  std::string manifest_path() const { return opts_.dir + "/" + opts_.prefix + ".manifest"; }
  // Cuts the last increment back to size (a torn tail found while loading). Before Start.
  Status TruncateLast(uint64_t size);
  FileSystem* fs() const { return fs_; }

  // Starts the writer; on_progress(written, durable) runs on the writer thread after each
  // write and each fdatasync, with the journal offsets they reached.
  void Start(std::function<void(uint64_t, uint64_t)> on_progress);
  // Writes and syncs what is pending, then stops the writer. Returns the last error, if
  // the disk still failed then.
  Status Stop();

  // shard::JournalSink
  uint64_t Append(shard::Journal::Batch batch) override;
  bool write_ok() const override { return write_ok_.load(std::memory_order_relaxed); }
  void RequestSync(uint64_t offset) override;
  std::string last_error() const override;
  void ApplyConfig(const config::Config& cfg) override {
    set_fsync(cfg.appendfsync);
    no_fsync_on_rewrite_ = cfg.no_appendfsync_on_rewrite;
  }
  shard::JournalStats stats() const override;

  void set_fsync(config::AppendFsync policy);

  // Starts a new increment at the current end of the journal (the caller has handed over
  // every effect before its consistent point). Returns the new increment's seq; the switch
  // itself happens on the writer thread.
  uint64_t Rotate();
  // The file a base for the point of the last Rotate() should be written to.
  AofFile NextBase() const;
  // Switches the manifest to base (complete and fsynced) plus the increments from
  // first_incr_seq on, once the rotation that started that increment is done; removes the
  // files no longer named. Blocks: call it off the loops. Fails if the manifest cannot be
  // written (the old one then stays in force).
  Status InstallBase(const AofFile& base, uint64_t first_incr_seq);
  // Makes an InstallBase that waits for its rotation give up (an abandoned rewrite, a
  // stop): the disk may be failing, and nothing may wait for it forever. Rotate() clears it.
  void CancelInstall();
  // Bytes in the files when the last rewrite finished (or at start): the reference for
  // auto-aof-rewrite-percentage.
  uint64_t base_size() const { return base_size_.load(std::memory_order_relaxed); }
  // While a rewrite writes its base, no-appendfsync-on-rewrite skips everysec's fsyncs (as in
  // Redis). It never applies to always, whose replies wait for an fsync.
  void set_rewriting(bool on);
  // Waits until the journal is durable up to offset (a sync is forced), or timeout_ms
  // passes, or the disk fails. Returns whether it is durable.
  bool WaitDurable(uint64_t offset, int64_t timeout_ms);

 private:
  Aof(FileSystem* fs, Options opts) : fs_(fs), opts_(std::move(opts)) {}
  void Run();
  // Writes batch, and fdatasyncs when force_sync; false when the disk failed (the bytes to
  // write again are back at the front of pending_). With retain, the bytes are kept until
  // a sync covers them, to be written again if it fails.
  bool WriteAndSync(std::string batch, uint64_t batch_end, bool force_sync, bool retain);
  // After a write (and maybe a sync) that worked: clears the error, reports progress.
  void Succeeded();
  void Fail(const Status& s);
  // After a failed fdatasync: the kernel may have dropped the unsynced pages, so the file
  // is cut back to its synced size and the retained bytes are queued to be written again.
  void WriteUnsyncedAgain(const Status& s);
  // Writer thread, mu_ held: hands everything written so far to the syncer thread.
  void StartBackgroundSync();
  // Writer thread, mu_ held (released meanwhile): takes in a finished background sync.
  void FinishBackgroundSync(std::unique_lock<std::mutex>& lock);
  // The syncer thread.
  void RunSyncer();
  // Writer thread: closes the current increment and opens the next one (Rotate()).
  bool SwitchIncrement();
  // Whether everything before the rotation point is written (and synced, unless the policy
  // is `no`), so the increments can be switched. REQUIRES: mu_ held.
  bool RotationDue() const;

  FileSystem* fs_;
  Options opts_;
  mutable std::mutex manifest_mu_;  // manifest_ once the writer runs; taken before mu_
  Manifest manifest_;
  std::unique_ptr<WritableFile>
      file_;  // the last increment; the writer, and the syncer while a background sync runs
  uint64_t earlier_files_size_ = 0;  // the manifest's other files
  std::function<void(uint64_t, uint64_t)> on_progress_;
  std::thread thread_;
  std::thread syncer_;

  mutable std::mutex mu_;
  std::condition_variable cv_;          // wakes the writer
  std::condition_variable durable_cv_;  // wakes WaitDurable and InstallBase
  std::condition_variable syncer_cv_;   // wakes the syncer
  std::optional<uint64_t> rotate_at_;   // journal offset where the next increment begins
  bool install_cancelled_ = false;
  std::string pending_;
  uint64_t appended_ = 0;  // journal offset after pending_
  int current_db_ = -1;    // selected at the end of the journal
  uint64_t durable_ = 0;
  uint64_t sync_requested_ = 0;  // WaitDurable wants a sync up to here
  config::AppendFsync fsync_;
  bool stop_ = false;
  bool syncer_stop_ = false;
  // The background sync: requested by the writer, run by the syncer, then taken in by the
  // writer. While it is not idle, file_ stays the same file.
  enum class BgSync : uint8_t { kIdle, kRequested, kRunning, kDone };
  BgSync bg_sync_ = BgSync::kIdle;
  uint64_t bg_offset_ = 0;     // journal offset it covers
  uint64_t bg_file_size_ = 0;  // file size it covers
  Status bg_result_;
  std::string last_error_;
  std::atomic<bool> write_ok_{true};
  std::atomic<uint64_t> file_size_{0};
  std::atomic<uint64_t> fsyncs_{0};
  std::atomic<uint64_t> base_size_{0};
  std::atomic<bool> rewriting_{false};
  std::atomic<bool> no_fsync_on_rewrite_{false};

  // Writer thread only.
  uint64_t written_ = 0;        // journal offset written to the file
  uint64_t good_size_ = 0;      // file size after the last whole append
  bool append_failed_ = false;  // the last append failed (its bytes are queued again)
  // The file's unsynced tail, kept to be written again if an fdatasync fails (the kernel
  // may have dropped those pages). Under `no` nothing is kept: that policy promises
  // nothing after a crash of the machine.
  std::string retained_;
  int64_t last_sync_ms_ = 0;
};

}  // namespace rill::persist
