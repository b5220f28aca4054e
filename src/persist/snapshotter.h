// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// persist/snapshotter.h: BGREWRITEAOF, BGSAVE, SAVE and their schedules, without fork().
//
// A job reads a SnapshotView (shard/snapshot_view.h) of the shard's keyspace a slice at a
// time from the shard's loop (Shard::SetBackgroundStep), encodes it (persist/snapshot.h),
// and hands the bytes to a writer thread, which appends, fdatasyncs and finally installs
// the file:
//
//   shard loop:  begin (P) ─ slice ─ slice ─ ... ─ last slice ──────────────── done ─► reply
//                   │          │ 1 MiB chunks        │ END + CRC                  ▲      state
//   writer:         open ─── append ─── append ─── append, fdatasync, install ───┘ (Post)
//
//   BGREWRITEAOF: at P the journal is rotated (Aof::Rotate), so the new increment holds
//   exactly the effects after P; install = Aof::InstallBase (manifest switched atomically).
//   BGSAVE:       the file is written as temp-<pid>.rill and renamed over dbfilename.
//
// No slice takes much more than kSliceUs of the loop, even for one huge stream: a stream of
// more than kBigStreamNodes nodes or kBigStreamPending pending entries, or one that changed
// since P, is frozen (which costs nothing per node, see stream::FrozenStream) and encoded a
// part at a time. If the writer falls more than kMaxQueuedBytes behind, the loop stops
// encoding until it catches up (the writer wakes it), so memory stays bounded whatever the
// disk's speed. SAVE runs the same job to the end inside the command, as Redis's SAVE
// blocks.
//
// One job at a time: BGREWRITEAOF during BGSAVE is scheduled (Redis's reply), BGSAVE during
// a rewrite is refused unless SCHEDULE is given. The cron starts scheduled jobs, the `save`
// points, and auto-aof-rewrite-percentage rewrites.
// Several shards: the control shard (shard 0) runs jobs; each slice parks the other shards
// under the coordination token, so the job reads every shard's view at one point in time;
// commands that use the snapshotter run as kAllShards (the others parked), so they touch
// its state with the control shard standing still.
// Threading: everything but the writer thread runs on the control shard's thread, or on a
// coordinator's while the control shard is parked.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "persist/aof.h"
#include "persist/snapshot.h"
#include "shard/persistence.h"
#include "shard/snapshot_view.h"

namespace rill::shard {
class Shard;
}

namespace rill::persist {

class Snapshotter final : public shard::Persistence {
 public:
  static constexpr int64_t kSliceUs = 2000;                            // loop time per slice
  static constexpr size_t kChunkBytes = SnapshotEncoder::kChunkBytes;  // handed over at a time
  static constexpr uint64_t kMaxQueuedBytes = 64 << 20;  // writer backlog that pauses encoding
  static constexpr int64_t kBgsaveRetryMs = 5000;        // after a failed BGSAVE (Redis's)
  static constexpr int64_t kRewriteRetryMs = 60000;      // after a failed automatic rewrite
  // Streams with more nodes (about 25,000 entries) are encoded across slices, frozen.
  static constexpr size_t kBigStreamNodes = 256;
  static constexpr size_t kBigStreamPending = 16384;    // pending entries, over all its groups
  static constexpr uint64_t kSyncEveryBytes = 4 << 20;  // Redis's REDIS_AUTOSYNC_BYTES

  // aof is null with appendonly no. now_ms is the start time (LASTSAVE's first value).
  Snapshotter(FileSystem* fs, Aof* aof, int64_t now_ms);
  ~Snapshotter() override;
  // The shard that runs jobs (shard 0); before the shards start.
  void set_control(shard::Shard& shard) { shard_ = &shard; }
  // Starts running jobs on the control shard. Its thread, or before it starts.
  void Attach();
  // Stops the writer thread; a job still running is abandoned (its file is never installed).
  void Stop();

  // shard::Persistence
  Result<std::string> StartRewrite(shard::Shard& shard) override;
  Result<std::string> StartBgSave(shard::Shard& shard, bool schedule) override;
  Status Save(shard::Shard& shard) override;
  Status SaveForShutdown(shard::Shard& shard, bool force) override;
  Status Reload(shard::Shard& shard) override;
  Status ReloadAof(shard::Shard& shard) override;
  shard::PersistenceInfo info(shard::Shard& shard) const override;
  void Cron(shard::Shard& shard) override;

 private:
  enum class Kind { kRewrite, kBgSave };
  struct Job;

  // The background step: begins a requested job, or encodes one slice of the running one.
  // With several shards it runs StepParked with the others parked, under the token.
  bool Step();
  bool StepParked();
  void Begin(Kind kind);
  // Encodes until deadline_us; true when the view was read to its end.
  bool Encode(int64_t deadline_us);
  void Finished(uint64_t job_id, Status s);  // shard thread, posted by the writer
  // Drops the running job: the writer skips what is queued for it; waits until it did.
  void Abandon();
  // Writer thread.
  void Run();
  // Queues a task that writes bytes; a null task ends the job whose id `bytes` carries.
  void Enqueue(std::function<Status()> task, uint64_t bytes);

  FileSystem* fs_;
  Aof* aof_;
  shard::Shard* shard_ = nullptr;
  std::unique_ptr<Job> job_;
  uint64_t job_id_ = 0;  // of the running job; a Finished() for another one is stale
  bool rewrite_requested_ = false;
  bool token_asked_ = false;    // Step() waits for the token (several shards)
  bool token_granted_ = false;  // ... and it came
  bool bgsave_requested_ = false;

  shard::PersistenceInfo info_;
  uint64_t dirty_at_save_ = 0;  // shard dirty counter covered by the last save
  int64_t last_bgsave_try_ms_ = 0;
  int64_t last_rewrite_fail_ms_ = 0;  // of the last failed rewrite (0 = none)
  uint64_t kept_total_ = 0;

  // Writer thread state.
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::function<Status()>, uint64_t>> tasks_;  // task, bytes it writes
  uint64_t queued_bytes_ = 0;
  bool waiting_for_writer_ = false;  // the loop paused encoding (backlog)
  bool stop_ = false;
  bool busy_ = false;  // the writer is running a task
  std::condition_variable idle_cv_;
  Status writer_error_;  // the job's first failure; later tasks are skipped
};

}  // namespace rill::persist
