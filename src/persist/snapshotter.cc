// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "persist/snapshotter.h"

#include <unistd.h>

#include <atomic>

#include "core/check.h"
#include "core/clock.h"
#include "core/crc32c.h"
#include "core/logging.h"
#include "core/memory.h"
#include "persist/aof_loader.h"
#include "shard/shard.h"
#include "shard/shard_set.h"

namespace rill::persist {

namespace {

// Whether s takes more than a slice to encode in one go.
bool IsBig(const stream::Stream& s) {
  size_t pending = 0;
  for (const auto& [name, g] : s.groups()) {
    pending += g->pel().size();
  }
  return s.node_count() > Snapshotter::kBigStreamNodes || pending > Snapshotter::kBigStreamPending;
}

// Where SAVE and BGSAVE write before renaming over dbfilename (Redis's temp-<pid>.rdb).
std::string TempDumpName() { return "temp-" + std::to_string(getpid()) + ".rill"; }

}  // namespace

// The file a job writes; the writer thread alone touches it once the job began.
struct JobFile {
  std::unique_ptr<WritableFile> file;
  uint32_t crc = 0;  // CRC-32C of what was appended (the snapshot's checksum)
  // aof-rewrite-incremental-fsync, rdb-save-incremental-fsync: fdatasync every so many
  // bytes (0 = only at the end), so the kernel never holds much of the file unwritten and
  // the journal's own fsyncs do not wait behind one huge flush.
  uint64_t sync_every = 0;
  uint64_t unsynced = 0;
  // The install step may have made the file live (the manifest or dbfilename names it):
  // from then on nothing removes it. Read by the shard thread once the writer is idle.
  std::atomic<bool> installing{false};
};

struct Snapshotter::Job {
  Kind kind = Kind::kBgSave;
  // One view per shard, all begun at P, encoded one after the other; `view` is the one
  // being read (views[part]).
  std::vector<std::unique_ptr<shard::SnapshotView>> views;
  size_t part = 0;
  shard::SnapshotView* view = nullptr;
  std::unique_ptr<SnapshotEncoder> enc;
  std::unique_ptr<JobFile> out = std::make_unique<JobFile>();
  std::string path;        // where the bytes go
  std::string final_path;  // BGSAVE: renamed to this when complete
  AofFile base;            // BGREWRITEAOF: the new base and the first increment after P
  uint64_t first_incr_seq = 0;
  uint64_t dirty_at_start = 0;
  int64_t start_ms = 0;
  bool encoded = false;  // every byte is queued; the writer finishes the job
  // A big stream (or one that changed since P) being encoded across slices while the live
  // stream goes on changing (stream::FrozenStream).
  std::unique_ptr<stream::FrozenStream> big;  // after view: dies first (the view counts it)
  std::string big_key;
  int big_db = 0;
  int64_t big_expire = 0;
};

Snapshotter::Snapshotter(FileSystem* fs, Aof* aof, int64_t now_ms) : fs_(fs), aof_(aof) {
  info_.last_save_s = now_ms / 1000;  // as Redis: at start the data counts as saved
  thread_ = std::thread([this] { Run(); });
}

Snapshotter::~Snapshotter() { Stop(); }

void Snapshotter::Attach() {
  dirty_at_save_ = shard_->set().TotalDirty();
  if (aof_ != nullptr) {
    info_.aof_base_size = aof_->base_size();
  }
  shard_->SetBackgroundStep([this] { return Step(); });
}

void Snapshotter::Stop() {
  if (aof_ != nullptr) {
    aof_->CancelInstall();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
  }
}

Status Snapshotter::SaveForShutdown(shard::Shard& shard, bool force) {
  if (job_ != nullptr) {
    RILL_LOG(kWarning, "There is a background save or rewrite running: abandoning it");
    Abandon();
  }
  rewrite_requested_ = false;
  bgsave_requested_ = false;
  if (!force && shard.config().save.empty()) {
    return Status::Ok();
  }
  RILL_LOG(kNotice, "Saving the final snapshot before exiting.");
  return Save(shard);
}

Status Snapshotter::Reload(shard::Shard& shard) {
  if (Status s = Save(shard); !s.ok()) {
    return s;
  }
  shard::ShardSet& set = shard.set();
  for (int i = 0; i < set.size(); i++) {  // parked (DEBUG runs as kAllShards)
    set.shard(i).keyspace().FlushAll();
    set.shard(i).keyspace().set_loading(true);  // nothing expires halfway
  }
  Status s = LoadSnapshot(fs_, shard.config().dbfilename, ToItsShard(set));
  for (int i = 0; i < set.size(); i++) {
    set.shard(i).keyspace().set_loading(false);
  }
  if (!s.ok()) {
    RILL_LOG(kWarning, "DEBUG RELOAD could not load the snapshot it wrote: %s",
             s.message().c_str());
    return Status::Err("Error trying to load the RDB dump, check server logs.");
  }
  return Status::Ok();
}

Status Snapshotter::ReloadAof(shard::Shard& shard) {
  if (aof_ == nullptr) {
    return Status::Err("the append only file is off (appendonly no)");
  }
  if (job_ != nullptr || rewrite_requested_ || bgsave_requested_) {
    return Status::Err("Background save already in progress");
  }
  shard.HandOverJournal();  // this turn's earlier effects, not handed over yet
  if (!aof_->WaitDurable(aof_->stats().appended, 60000)) {
    return Status::Err("the append only file could not be fsynced: " + aof_->last_error());
  }
  shard::ShardSet& set = shard.set();
  for (int i = 0; i < set.size(); i++) {
    set.shard(i).keyspace().FlushAll();
  }
  shard.BeginReplay();
  shard.journal().set_enabled(false);  // what is replayed is in the journal already
  Result<LoadStats> st = LoadAof(
      *aof_, /*truncate_torn_tail=*/false,
      [&shard](std::span<const std::string_view> args) -> Status {
        if (shard.Replay(args) == shard::ReplayResult::kUnknownCommand) {
          return Status::Err("unknown command '" + std::string(args[0].substr(0, 128)) + "'");
        }
        return Status::Ok();
      },
      ToItsShard(set));
  shard.journal().set_enabled(true);
  shard.EndReplay(/*reset_stats=*/false);
  if (!st.ok()) {
    RILL_LOG(kWarning, "DEBUG LOADAOF: %s", st.status().message().c_str());
    return Status::Err("Error trying to load the AOF files, check server logs.");
  }
  return Status::Ok();
}

void Snapshotter::Abandon() {
  if (aof_ != nullptr) {
    aof_->CancelInstall();  // an install waiting for a rotation on a failing disk gives up
  }
  {
    std::unique_lock<std::mutex> lock(mu_);
    writer_error_ = Status(ErrorCode::kErr, "abandoned");
    idle_cv_.wait(lock, [&] { return (tasks_.empty() && !busy_) || stop_; });
  }
  if (job_->kind == Kind::kRewrite) {
    aof_->set_rewriting(false);
  }
  if (!job_->out->installing) {
    (void)fs_->Remove(job_->path);
  }
  job_.reset();
}

// --- Commands ---

Result<std::string> Snapshotter::StartRewrite(shard::Shard& shard) {
  if (aof_ == nullptr) {
    return Status::Err("the append only file is off (appendonly no): there is nothing to rewrite");
  }
  if (rewrite_requested_ || (job_ != nullptr && job_->kind == Kind::kRewrite)) {
    return Status::Err("Background append only file rewriting already in progress");
  }
  rewrite_requested_ = true;
  if (job_ != nullptr || bgsave_requested_) {
    return std::string("Background append only file rewriting scheduled");
  }
  shard_->WakeBackground();  // the control shard runs jobs (parked, or this one)
  return std::string("Background append only file rewriting started");
}

Result<std::string> Snapshotter::StartBgSave(shard::Shard& shard, bool schedule) {
  if (bgsave_requested_ || (job_ != nullptr && job_->kind == Kind::kBgSave)) {
    return Status::Err("Background save already in progress");
  }
  if (job_ != nullptr || rewrite_requested_) {
    if (!schedule) {
      return Status::Err(
          "An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE SCHEDULE in "
          "order to schedule a BGSAVE whenever possible.");
    }
    bgsave_requested_ = true;
    return std::string("Background saving scheduled");
  }
  bgsave_requested_ = true;
  shard_->WakeBackground();
  return std::string("Background saving started");
}

Status Snapshotter::Save(shard::Shard& shard) {
  if (job_ != nullptr || bgsave_requested_ || rewrite_requested_) {
    return Status::Err("Background save already in progress");
  }
  const std::string tmp = TempDumpName();
  const std::string& path = shard.config().dbfilename;
  Result<std::unique_ptr<WritableFile>> f = OpenEmpty(fs_, tmp);
  Status s = f.ok() ? Status::Ok() : f.status();
  {
    SnapshotEncoder enc(shard.clock().NowMs());
    shard::ShardSet& set = shard.set();
    for (int i = 0; i < set.size(); i++) {  // every shard's keys (parked: kAllShards)
      shard::SnapshotView view(set.shard(i).keyspace());
      view.Next(INT64_MAX, [&](const shard::SnapshotView::Item& it) {
        RILL_DCHECK(it.frozen == nullptr);  // nothing changes while SAVE reads the view
        enc.Add(it.db, it.key, it.value, it.expire_at_ms);
        if (s.ok() && enc.buffered() >= kChunkBytes) {
          s = (*f)->Append(enc.Take());
        }
        return true;
      });
    }
    if (s.ok()) {
      s = (*f)->Append(enc.Finish());
    }
  }
  if (s.ok()) {
    s = (*f)->Sync();
  }
  if (s.ok()) {
    f->reset();
    s = fs_->Rename(tmp, path);
  }
  if (!s.ok()) {
    (void)fs_->Remove(tmp);
    RILL_LOG(kWarning, "Failed saving the DB: %s", s.message().c_str());
    return Status(ErrorCode::kErr, "ERR " + s.message());
  }
  RILL_LOG(kNotice, "DB saved on disk");
  dirty_at_save_ = shard.set().TotalDirty();
  info_.last_save_s = shard.clock().NowMs() / 1000;
  info_.saves++;
  return Status::Ok();
}

shard::PersistenceInfo Snapshotter::info(shard::Shard& shard) const {
  shard::PersistenceInfo i = info_;
  const int64_t now = shard.clock().NowMs();
  const bool rewriting = job_ != nullptr && job_->kind == Kind::kRewrite;
  const bool saving = job_ != nullptr && job_->kind == Kind::kBgSave;
  i.rewrite_in_progress = rewriting || (rewrite_requested_ && job_ == nullptr);
  i.rewrite_scheduled = rewrite_requested_ && job_ != nullptr;
  i.bgsave_in_progress = saving || (bgsave_requested_ && job_ == nullptr);
  i.current_rewrite_time_s = rewriting ? (now - job_->start_ms) / 1000 : -1;
  i.current_save_time_s = saving ? (now - job_->start_ms) / 1000 : -1;
  i.changes_since_save = shard.set().TotalDirty() - dirty_at_save_;
  i.kept_entries = kept_total_;
  if (job_ != nullptr) {
    for (const auto& v : job_->views) {
      i.kept_entries += v != nullptr ? v->kept() : 0;
    }
  }
  return i;
}

void Snapshotter::Cron(shard::Shard& shard) {
  if (&shard != shard_ || job_ != nullptr || rewrite_requested_ || bgsave_requested_) {
    return;  // the control shard's cron decides
  }
  const config::Config& cfg = shard.config();
  const int64_t now = shard.clock().NowMs();
  const uint64_t changes = shard.set().TotalDirty() - dirty_at_save_;
  for (const config::Config::SavePoint& p : cfg.save) {
    if (changes >= static_cast<uint64_t>(p.changes) &&
        now - info_.last_save_s * 1000 >= p.seconds * 1000 &&
        (info_.last_bgsave_ok || now - last_bgsave_try_ms_ >= kBgsaveRetryMs)) {
      RILL_LOG(kNotice, "%lld changes in %lld seconds. Saving...",
               static_cast<long long>(p.changes), static_cast<long long>(p.seconds));
      bgsave_requested_ = true;
      shard.WakeBackground();
      return;
    }
  }
  if (aof_ == nullptr || cfg.auto_aof_rewrite_percentage <= 0 ||
      (last_rewrite_fail_ms_ > 0 && now - last_rewrite_fail_ms_ < kRewriteRetryMs)) {
    return;  // after a failure, automatic rewrites wait (Redis's aofRewriteLimited)
  }
  const uint64_t size = aof_->stats().current_size;
  const uint64_t base = std::max<uint64_t>(aof_->base_size(), 1);
  if (size < static_cast<uint64_t>(cfg.auto_aof_rewrite_min_size) || size <= base) {
    return;
  }
  const uint64_t growth = (size - base) * 100 / base;
  if (growth >= static_cast<uint64_t>(cfg.auto_aof_rewrite_percentage)) {
    RILL_LOG(kNotice, "Starting automatic rewriting of AOF on %llu%% growth",
             static_cast<unsigned long long>(growth));
    rewrite_requested_ = true;
    shard.WakeBackground();
  }
}

// --- The job, on the shard's loop ---

bool Snapshotter::Step() {
  // With several shards a slice reads the others' keyspaces: they are parked meanwhile.
  shard::ShardSet& set = shard_->set();
  if (set.size() == 1) {
    return StepParked();
  }
  bool work = job_ != nullptr ? !job_->encoded : rewrite_requested_ || bgsave_requested_;
  if (work && job_ != nullptr) {
    std::lock_guard<std::mutex> lock(mu_);
    if (queued_bytes_ > kMaxQueuedBytes) {
      waiting_for_writer_ = true;  // the writer wakes the loop when it caught up
      work = false;
    }
  }
  if (!work) {
    if (token_granted_) {  // granted for work that went away (abandoned) or must wait
      token_asked_ = token_granted_ = false;
      set.ReleaseToken();
    }
    return false;  // the writer posts Finished(), or wakes the loop
  }
  // The token in turn with the coordinators (a loop that polled for it could starve).
  if (!token_granted_) {
    if (!token_asked_) {
      token_asked_ = true;
      token_granted_ = set.AcquireToken(*shard_, [this] {
        token_granted_ = true;
        shard_->WakeBackground();
      });
    }
    if (!token_granted_) {
      return false;  // the grant wakes the loop
    }
  }
  token_asked_ = token_granted_ = false;
  set.PauseOthers(*shard_);
  const bool more = StepParked();
  set.ResumeOthers(*shard_);
  set.ReleaseToken();
  return more;
}

bool Snapshotter::StepParked() {
  if (job_ == nullptr) {
    if (rewrite_requested_) {
      rewrite_requested_ = false;
      Begin(Kind::kRewrite);
    } else if (bgsave_requested_) {
      bgsave_requested_ = false;
      Begin(Kind::kBgSave);
    } else {
      return false;
    }
  }
  if (job_->encoded) {
    return false;  // the writer posts Finished()
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queued_bytes_ > kMaxQueuedBytes) {
      waiting_for_writer_ = true;  // the writer wakes the loop when it caught up
      return false;
    }
  }
  return !Encode(MonotonicUs() + kSliceUs);
}

void Snapshotter::Begin(Kind kind) {
  auto job = std::make_unique<Job>();
  job->kind = kind;
  job->start_ms = shard_->clock().NowMs();
  job->dirty_at_start = shard_->set().TotalDirty();
  if (kind == Kind::kRewrite) {
    // The consistent point: the loop handed every earlier effect to the journal just
    // before this step, and no command runs until the view exists.
    job->base = aof_->NextBase();
    job->path = aof_->PathOf(job->base);
    job->first_incr_seq = aof_->Rotate();
    aof_->set_rewriting(true);
    job->out->sync_every = shard_->config().aof_rewrite_incremental_fsync ? kSyncEveryBytes : 0;
    RILL_LOG(kNotice, "Background append only file rewriting started");
  } else {
    job->path = TempDumpName();
    job->final_path = shard_->config().dbfilename;
    job->out->sync_every = shard_->config().rdb_save_incremental_fsync ? kSyncEveryBytes : 0;
    RILL_LOG(kNotice, "Background saving started");
  }
  for (int i = 0; i < shard_->set().size(); i++) {
    job->views.push_back(std::make_unique<shard::SnapshotView>(shard_->set().shard(i).keyspace()));
  }
  job->view = job->views[0].get();
  job->enc = std::make_unique<SnapshotEncoder>(job->start_ms, /*checksum=*/false);
  {
    std::lock_guard<std::mutex> lock(mu_);
    writer_error_ = Status::Ok();
  }
  job_id_++;
  Enqueue(
      [this, out = job->out.get(), path = job->path]() -> Status {
        Result<std::unique_ptr<WritableFile>> f = OpenEmpty(fs_, path);
        if (!f.ok()) {
          return f.status();
        }
        out->file = std::move(*f);
        return Status::Ok();
      },
      0);
  job_ = std::move(job);
}

bool Snapshotter::Encode(int64_t deadline_us) {
  Job& job = *job_;
  const auto flush = [&](std::string bytes) {
    const uint64_t n = bytes.size();
    Enqueue(
        [out = job.out.get(), b = std::move(bytes)]() {
          out->crc = crc32c::Extend(out->crc, b);
          Status s = out->file->Append(b);
          out->unsynced += b.size();
          if (s.ok() && out->sync_every > 0 && out->unsynced >= out->sync_every) {
            out->unsynced = 0;
            s = out->file->Sync();
          }
          return s;
        },
        n);
  };
  for (;;) {
    if (job.big != nullptr) {
      bool whole = false;
      do {
        whole =
            job.enc->AddStreamPart(job.big_db, job.big_key, *job.big, job.big_expire, deadline_us);
        if (job.enc->buffered() > 0) {
          flush(job.enc->Take());
        }
      } while (!whole && MonotonicUs() < deadline_us);
      if (!whole) {
        return false;
      }
      job.big.reset();
    }
    const bool done = job.view->Next(deadline_us, [&](const shard::SnapshotView::Item& it) {
      if (it.frozen != nullptr) {
        job.big = std::move(it.frozen);  // counted by the view already
      } else if (it.value.is_stream() && IsBig(*it.value.stream)) {
        job.big = it.value.stream->Freeze();
        job.view->Account(*job.big);
      }
      if (job.big != nullptr) {
        job.big_key = it.key;
        job.big_db = it.db;
        job.big_expire = it.expire_at_ms;
        return false;  // encoded over the next slices
      }
      job.enc->Add(it.db, it.key, it.value, it.expire_at_ms);
      if (job.enc->buffered() >= kChunkBytes) {
        flush(job.enc->Take());
      }
      return true;
    });
    if (job.big != nullptr && MonotonicUs() < deadline_us) {
      continue;
    }
    if (!done || job.big != nullptr) {
      return false;
    }
    // This shard's data at P is all encoded: its writes stop paying for copies.
    kept_total_ += job.view->kept();
    job.views[job.part].reset();
    if (++job.part < job.views.size()) {
      job.view = job.views[job.part].get();
      continue;
    }
    job.view = nullptr;
    break;
  }
  flush(job.enc->Finish());
  job.encoded = true;
  // The file is complete: fdatasync it, then make it the base (BGREWRITEAOF) or the dump
  // file (BGSAVE).
  std::function<Status()> install;
  if (job.kind == Kind::kRewrite) {
    install = [this, base = job.base, seq = job.first_incr_seq] {
      return aof_->InstallBase(base, seq);
    };
  } else {
    install = [this, from = job.path, to = job.final_path] { return fs_->Rename(from, to); };
  }
  Enqueue(
      [out = job.out.get(), install = std::move(install)]() -> Status {
        if (Status s = out->file->Append(SnapshotTrailer(out->crc)); !s.ok()) {
          return s;
        }
        if (Status s = out->file->Sync(); !s.ok()) {
          return s;
        }
        out->file.reset();
        out->installing = true;
        Status s = install();
        out->installing = s.ok();  // a failed install leaves the old files in force
        return s;
      },
      0);
  Enqueue(nullptr, job_id_);  // the end of the job: the writer posts Finished()
  return true;
}

void Snapshotter::Finished(uint64_t job_id, Status s) {
  if (job_ == nullptr || job_id != job_id_) {
    return;  // abandoned
  }
  Job& job = *job_;
  const int64_t now = shard_->clock().NowMs();
  const int64_t took_s = (now - job.start_ms) / 1000;
  if (!s.ok() && !job.out->installing) {
    (void)fs_->Remove(job.path);  // never named by the manifest or dbfilename
  }
  if (job.kind == Kind::kRewrite) {
    aof_->set_rewriting(false);
    info_.last_rewrite_ok = s.ok();
    info_.last_rewrite_time_s = took_s;
    if (s.ok()) {
      info_.rewrites++;
      info_.aof_base_size = aof_->base_size();
      RILL_LOG(kNotice, "Background AOF rewrite finished successfully");
    } else {
      last_rewrite_fail_ms_ = now;
      RILL_LOG(kWarning,
               "Background AOF rewrite failed: %s. The journal goes on in the new increment; "
               "run BGREWRITEAOF again once the cause is fixed.",
               s.message().c_str());
    }
  } else {
    info_.last_bgsave_ok = s.ok();
    info_.last_bgsave_time_s = took_s;
    if (s.ok()) {
      info_.saves++;
      info_.last_save_s = now / 1000;
      dirty_at_save_ = job.dirty_at_start;
      RILL_LOG(kNotice, "Background saving terminated with success");
    } else {
      last_bgsave_try_ms_ = now;
      RILL_LOG(kWarning, "Background saving error: %s", s.message().c_str());
    }
  }
  job_.reset();
  if (rewrite_requested_ || bgsave_requested_) {
    shard_->WakeBackground();
  }
}

// --- The writer thread ---

void Snapshotter::Enqueue(std::function<Status()> task, uint64_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (task != nullptr) {
      queued_bytes_ += bytes;
    }
    tasks_.emplace_back(std::move(task), bytes);
  }
  cv_.notify_one();
}

void Snapshotter::Run() {
  memory::RegisterThread();  // it frees the chunks the shard encoded
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
    if (stop_) {
      idle_cv_.notify_all();
      return;
    }
    auto [task, bytes] = std::move(tasks_.front());
    tasks_.pop_front();
    if (task == nullptr) {
      // The end of a job (bytes carries its id): report how it went.
      shard_->Post([this, id = bytes, result = writer_error_] { Finished(id, result); });
      idle_cv_.notify_all();
      continue;
    }
    const bool skip = !writer_error_.ok();
    busy_ = true;
    lock.unlock();
    Status s = skip ? Status::Ok() : task();
    lock.lock();
    busy_ = false;
    if (!s.ok() && writer_error_.ok()) {
      writer_error_ = s;
    }
    queued_bytes_ -= bytes;
    if (waiting_for_writer_ && queued_bytes_ <= kMaxQueuedBytes / 4) {
      waiting_for_writer_ = false;
      shard_->Post([this] { shard_->WakeBackground(); });
    }
    idle_cv_.notify_all();
  }
}

}  // namespace rill::persist
