// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "persist/aof.h"

#include <chrono>

#include "core/clock.h"
#include "core/logging.h"
#include "core/memory.h"
#include "net/reply_builder.h"

namespace rill::persist {
namespace {

int64_t NowMs() { return MonotonicUs() / 1000; }

std::string SelectCommand(int db) {
  std::string out;
  net::ReplyBuilder rb(&out, 2);
  rb.ArrayHeader(2);
  rb.Bulk("SELECT");
  rb.Bulk(std::to_string(db));
  return out;
}

}  // namespace

Result<std::unique_ptr<Aof>> Aof::Open(FileSystem* fs, Options opts) {
  std::unique_ptr<Aof> aof(new Aof(fs, std::move(opts)));
  aof->fsync_ = aof->opts_.fsync;
  if (Status s = fs->MakeDir(aof->opts_.dir); !s.ok()) {
    return s;
  }
  const std::string manifest_path = aof->manifest_path();
  if (fs->Exists(manifest_path)) {
    Result<std::string> text = fs->ReadSmallFile(manifest_path);
    if (!text.ok()) {
      return text.status();
    }
    Result<Manifest> m = Manifest::Parse(*text);
    if (!m.ok()) {
      return Status(ErrorCode::kIoError, manifest_path + ": " + m.status().message());
    }
    aof->manifest_ = std::move(*m);
  }
  if (aof->manifest_.incrs.empty()) {
    aof->manifest_.AddIncrement(aof->opts_.prefix);
    Result<std::unique_ptr<WritableFile>> f =
        fs->OpenAppend(aof->PathOf(aof->manifest_.incrs.back()));
    if (!f.ok()) {
      return f.status();
    }
    if (Status s = fs->WriteAtomically(manifest_path, aof->manifest_.Encode()); !s.ok()) {
      return s;
    }
  }
  for (const AofFile& f : aof->manifest_.Files()) {
    if (f.name == aof->manifest_.incrs.back().name) {
      continue;
    }
    Result<uint64_t> size = fs->FileSize(aof->PathOf(f));
    if (!size.ok()) {
      return size.status();
    }
    aof->earlier_files_size_ += *size;
  }
  Result<std::unique_ptr<WritableFile>> f =
      fs->OpenAppend(aof->PathOf(aof->manifest_.incrs.back()));
  if (!f.ok()) {
    return f.status();
  }
  aof->file_ = std::move(*f);
  aof->good_size_ = aof->file_->size();  // what is there was loaded: it counts as durable
  aof->file_size_ = aof->good_size_;
  aof->base_size_ = aof->earlier_files_size_ + aof->good_size_;
  return aof;
}

Aof::~Aof() {
  if (thread_.joinable()) {
    (void)Stop();
  }
}

Status Aof::TruncateLast(uint64_t size) {
  if (Status s = file_->Truncate(size); !s.ok()) {
    return s;
  }
  if (Status s = file_->Sync(); !s.ok()) {
    return s;
  }
  good_size_ = size;
  file_size_ = size;
  return Status::Ok();
}

void Aof::Start(std::function<void(uint64_t, uint64_t)> on_progress) {
  on_progress_ = std::move(on_progress);
  last_sync_ms_ = NowMs();
  syncer_ = std::thread([this] { RunSyncer(); });
  thread_ = std::thread([this] { Run(); });
}

Status Aof::Stop() {
  if (!thread_.joinable()) {
    return Status::Ok();  // never started (the load failed, or a stop came first)
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  durable_cv_.notify_all();  // an InstallBase waiting for a rotation gives up
  thread_.join();            // it leaves no background sync running (the last sync is its own)
  {
    std::lock_guard<std::mutex> lock(mu_);
    syncer_stop_ = true;
  }
  syncer_cv_.notify_one();
  syncer_.join();
  std::lock_guard<std::mutex> lock(mu_);
  return write_ok() ? Status::Ok() : Status(ErrorCode::kIoError, last_error_);
}

uint64_t Aof::Append(shard::Journal::Batch batch) {
  uint64_t end;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const size_t before = pending_.size();
    if (batch.first_db != current_db_) {
      pending_ += SelectCommand(batch.first_db);
    }
    if (pending_.empty()) {
      pending_ = std::move(batch.bytes);  // the writer took the last batch: no copy
    } else {
      pending_ += batch.bytes;
    }
    current_db_ = batch.last_db;
    appended_ += pending_.size() - before;
    end = appended_;
  }
  cv_.notify_one();
  return end;
}

uint64_t Aof::Rotate() {
  std::lock_guard<std::mutex> ml(manifest_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    // A rotation still pending (its rewrite failed or was abandoned) just moves: the bytes
    // in between stay in the old increment, which the new base covers.
    rotate_at_ = appended_;
    current_db_ = -1;  // the new increment starts with a SELECT
    install_cancelled_ = false;
  }
  cv_.notify_one();
  return manifest_.incrs.back().seq + 1;
}

AofFile Aof::NextBase() const {
  std::lock_guard<std::mutex> ml(manifest_mu_);
  return manifest_.NextBase(opts_.prefix);
}

void Aof::CancelInstall() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    install_cancelled_ = true;
  }
  durable_cv_.notify_all();
}

void Aof::set_rewriting(bool on) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    rewriting_ = on;
  }
  cv_.notify_one();  // a sync skipped meanwhile is due now
}

Status Aof::InstallBase(const AofFile& base, uint64_t first_incr_seq) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    durable_cv_.wait(lock, [&] { return !rotate_at_.has_value() || stop_ || install_cancelled_; });
    if (rotate_at_.has_value()) {
      return Status(ErrorCode::kIoError, "the AOF rotation did not finish (stopped or cancelled)");
    }
  }
  std::unique_lock<std::mutex> ml(manifest_mu_);
  const Manifest next = manifest_.WithBase(base, first_incr_seq);
  bool remove_old = true;
  if (Status s = fs_->WriteAtomically(manifest_path(), next.Encode()); !s.ok()) {
    // The rename may have happened with only the directory's fsync failing: then the new
    // manifest is in force (until a crash, maybe). Keep every file either could name.
    Result<std::string> now = fs_->ReadSmallFile(manifest_path());
    if (!now.ok() || *now != next.Encode()) {
      return s;
    }
    RILL_LOG(kWarning,
             "The new AOF manifest is in place but may not be durable (%s); "
             "keeping the files of the old one",
             s.message().c_str());
    remove_old = false;
  }
  std::vector<AofFile> gone;
  for (const AofFile& f : manifest_.Files()) {
    if ((f.base && f.name != base.name) || (!f.base && f.seq < first_incr_seq)) {
      gone.push_back(f);
    }
  }
  manifest_ = next;
  uint64_t earlier = 0;
  for (const AofFile& f : manifest_.Files()) {
    if (f.name != manifest_.incrs.back().name) {
      Result<uint64_t> size = fs_->FileSize(PathOf(f));
      earlier += size.ok() ? *size : 0;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    earlier_files_size_ = earlier;
    base_size_ = earlier + file_size_.load();
  }
  ml.unlock();  // the removal takes a while (see RemoveGradually)
  for (const AofFile& f : remove_old ? gone : std::vector<AofFile>{}) {
    if (Status s = RemoveGradually(fs_, PathOf(f)); !s.ok()) {
      RILL_LOG(kWarning, "Can't remove the old append only file: %s", s.message().c_str());
    }
  }
  return Status::Ok();
}

void Aof::set_fsync(config::AppendFsync policy) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    fsync_ = policy;
  }
  cv_.notify_one();  // a sync may be due under the new policy
}

void Aof::RequestSync(uint64_t offset) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    sync_requested_ = std::max(sync_requested_, offset);
  }
  cv_.notify_one();
}

bool Aof::WaitDurable(uint64_t offset, int64_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  sync_requested_ = std::max(sync_requested_, offset);
  cv_.notify_one();
  return durable_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                              [&] { return durable_ >= offset; });
}

std::string Aof::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

shard::JournalStats Aof::stats() const {
  shard::JournalStats st;
  std::lock_guard<std::mutex> lock(mu_);
  st.write_ok = write_ok();
  st.last_error = last_error_;
  st.current_size = earlier_files_size_ + file_size_.load(std::memory_order_relaxed);
  st.appended = appended_;
  st.durable = durable_;
  st.fsyncs = fsyncs_.load(std::memory_order_relaxed);
  return st;
}

void Aof::Run() {
  memory::RegisterThread();  // it frees the batches the shards allocated
  std::unique_lock<std::mutex> lock(mu_);
  int failures_at_stop = 0;
  for (;;) {
    if (bg_sync_ == BgSync::kDone) {
      FinishBackgroundSync(lock);
      continue;
    }
    const uint64_t pending_start = appended_ - pending_.size();  // journal offset of pending_[0]
    if (RotationDue()) {
      lock.unlock();
      const bool ok = SwitchIncrement();
      lock.lock();
      if (!ok) {
        cv_.wait_for(lock, std::chrono::milliseconds(kRetryMs));
      }
      continue;
    }
    const bool unsynced = written_ > durable_;
    const bool bg_idle = bg_sync_ == BgSync::kIdle;
    const int64_t next_sync_ms = last_sync_ms_ + 1000;
    const bool everysec = fsync_ == config::AppendFsync::kEverySec &&
                          !(rewriting_ && no_fsync_on_rewrite_);  // no-appendfsync-on-rewrite
    // Whether the writer wants its own fdatasync. A rotation syncs the old increment before
    // leaving it, except under `no` (see SwitchIncrement); under `no` only an explicit
    // request (WAITAOF) or the stop syncs.
    const bool want_sync = fsync_ == config::AppendFsync::kAlways || sync_requested_ > durable_ ||
                           stop_ || (rotate_at_.has_value() && fsync_ != config::AppendFsync::kNo);
    // It waits for a background sync in flight, writing meanwhile what it may.
    const bool sync = want_sync && bg_idle;
    // everysec's sync, on the syncer thread.
    const bool bg_due = everysec && !want_sync && bg_idle && NowMs() >= next_sync_ms;
    // What may be written now: under a rotation, only what precedes its point.
    const size_t writable = !rotate_at_.has_value()       ? pending_.size()
                            : *rotate_at_ > pending_start ? *rotate_at_ - pending_start
                                                          : 0;
    if (!bg_idle && writable == 0 && (want_sync || !pending_.empty())) {
      cv_.wait(lock);  // for the background sync, or for more to write
      continue;
    }
    if (pending_.empty()) {
      if (unsynced && bg_due) {
        StartBackgroundSync();
        continue;
      }
      if (!(unsynced && sync)) {
        if (stop_) {
          return;
        }
        if (unsynced && everysec && bg_idle) {
          cv_.wait_for(lock,
                       std::chrono::milliseconds(std::max<int64_t>(1, next_sync_ms - NowMs())));
        } else {
          cv_.wait(lock);
        }
        continue;
      }
    }
    std::string batch;
    uint64_t batch_end = appended_;
    if (rotate_at_.has_value()) {
      // Only what belongs to the old increment (maybe nothing: then this turn only syncs
      // it); what follows the point waits for the new one.
      batch = pending_.substr(0, writable);
      pending_.erase(0, writable);
      batch_end = pending_start + writable;
    } else {
      batch.swap(pending_);
    }
    // A background sync that fails needs every byte since the last good one, whatever the
    // policy became meanwhile.
    const bool retain = fsync_ != config::AppendFsync::kNo || !bg_idle;
    lock.unlock();
    const bool ok = WriteAndSync(std::move(batch), batch_end, sync, retain);
    lock.lock();
    if (ok && bg_due) {
      StartBackgroundSync();
    }
    if (!ok) {
      if (stop_ && ++failures_at_stop >= 10) {
        RILL_LOG(kWarning, "Giving up writing the AOF at shutdown: %s", last_error_.c_str());
        return;
      }
      cv_.wait_for(lock, std::chrono::milliseconds(kRetryMs));
    }
  }
}

void Aof::StartBackgroundSync() {
  bg_sync_ = BgSync::kRequested;
  bg_offset_ = written_;
  bg_file_size_ = good_size_;
  last_sync_ms_ = NowMs();
  syncer_cv_.notify_one();
}

void Aof::FinishBackgroundSync(std::unique_lock<std::mutex>& lock) {
  const Status s = std::move(bg_result_);
  bg_sync_ = BgSync::kIdle;
  if (s.ok()) {
    durable_ = std::max(durable_, bg_offset_);
  }
  lock.unlock();
  if (s.ok()) {
    // Bytes written since the sync began stay retained.
    const uint64_t retained_from = good_size_ - retained_.size();
    if (bg_file_size_ > retained_from) {
      retained_.erase(0, bg_file_size_ - retained_from);
    }
    Succeeded();
    durable_cv_.notify_all();
  } else {
    WriteUnsyncedAgain(s);
  }
  lock.lock();
  if (!s.ok()) {
    cv_.wait_for(lock, std::chrono::milliseconds(kRetryMs));
  }
}

void Aof::RunSyncer() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    syncer_cv_.wait(lock, [&] { return syncer_stop_ || bg_sync_ == BgSync::kRequested; });
    if (bg_sync_ != BgSync::kRequested) {
      return;
    }
    bg_sync_ = BgSync::kRunning;
    WritableFile* f = file_.get();  // not replaced while a background sync is not idle
    lock.unlock();
    Status s = f->Sync();
    fsyncs_++;
    lock.lock();
    bg_result_ = std::move(s);
    bg_sync_ = BgSync::kDone;
    cv_.notify_one();
  }
}

bool Aof::RotationDue() const {
  return rotate_at_.has_value() && appended_ - pending_.size() >= *rotate_at_ &&
         bg_sync_ == BgSync::kIdle && (written_ == durable_ || fsync_ == config::AppendFsync::kNo);
}

bool Aof::SwitchIncrement() {
  std::lock_guard<std::mutex> ml(manifest_mu_);
  {
    // Rotate() may have moved the point since Run() looked (it holds manifest_mu_, so not
    // any more): switch only if everything before the point is still written and synced.
    std::lock_guard<std::mutex> lock(mu_);
    if (!RotationDue()) {
      return true;  // Run() looks again
    }
    // Under `no` the old increment is not fsynced here: that could take seconds (the OS may
    // hold much of it unwritten), with every write waiting behind it; `no` promises nothing
    // after a crash of the machine, and the base that replaces it is fsynced before the
    // manifest names it.
  }
  Manifest next = manifest_;
  const AofFile& f = next.AddIncrement(opts_.prefix);
  // Empty: a file of that name may be left by a rewrite that crashed before its switch.
  Result<std::unique_ptr<WritableFile>> file = OpenEmpty(fs_, PathOf(f));
  Status s = file.ok() ? Status::Ok() : file.status();
  if (s.ok()) {
    s = fs_->WriteAtomically(manifest_path(), next.Encode());
  }
  if (!s.ok()) {
    Fail(s);
    return false;
  }
  manifest_ = std::move(next);
  {
    std::lock_guard<std::mutex> lock(mu_);
    earlier_files_size_ += good_size_;
    rotate_at_.reset();
  }
  file_ = std::move(*file);
  good_size_ = 0;
  file_size_ = 0;
  retained_.clear();
  Succeeded();
  durable_cv_.notify_all();
  RILL_LOG(kNotice, "Creating AOF incr file %s on background rewrite", f.name.c_str());
  return true;
}

bool Aof::WriteAndSync(std::string batch, uint64_t batch_end, bool force_sync, bool retain) {
  const auto requeue = [&](std::string bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.insert(0, bytes);
  };
  // A failed append may have left part of itself: cut back before writing again.
  Status s = file_->size() == good_size_ ? Status::Ok() : file_->Truncate(good_size_);
  if (s.ok()) {
    s = file_->Append(batch);
  }
  if (!s.ok()) {
    (void)file_->Truncate(good_size_);  // checked again before the next append
    requeue(std::move(batch));
    append_failed_ = true;
    Fail(s);
    return false;
  }
  append_failed_ = false;
  written_ = batch_end;
  good_size_ += batch.size();
  file_size_ = good_size_;
  if (retain) {
    retained_ += batch;
  } else {
    retained_.clear();  // no longer the file's suffix; `no` promises nothing after a crash
  }
  if (!force_sync) {
    Succeeded();
    return true;
  }
  s = file_->Sync();
  fsyncs_++;
  last_sync_ms_ = NowMs();
  if (!s.ok()) {
    WriteUnsyncedAgain(s);
    return false;
  }
  retained_.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    durable_ = written_;
  }
  Succeeded();
  durable_cv_.notify_all();  // after on_progress: a waiter sees the shards told
  return true;
}

void Aof::WriteUnsyncedAgain(const Status& s) {
  good_size_ -= retained_.size();
  (void)file_->Truncate(good_size_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.insert(0, retained_);
    written_ -= retained_.size();
  }
  retained_.clear();
  Fail(s);
}

void Aof::Succeeded() {
  // A background sync that worked does not end the error of a write still failing.
  if (!append_failed_ && !write_ok_.exchange(true)) {
    RILL_LOG(kWarning, "AOF write error resolved: the append only file is written again.");
  }
  if (on_progress_) {
    on_progress_(written_, durable_);  // only this thread writes durable_
  }
}

void Aof::Fail(const Status& s) {
  const bool was_ok = write_ok_.exchange(false);
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_error_ = s.message();
  }
  durable_cv_.notify_all();
  if (was_ok) {
    RILL_LOG(kWarning,
             "Error writing the append only file: %s. Writes are refused (-MISCONF) until "
             "it can be written again; retrying every %lld ms.",
             s.message().c_str(), static_cast<long long>(kRetryMs));
  }
}

}  // namespace rill::persist
