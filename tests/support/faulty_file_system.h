// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/support/faulty_file_system.h: the real file system with injected failures, for the
// persist/ file seam (persist/file.h): appends that fail with ENOSPC (optionally after
// writing half of their bytes: a short write) and fdatasyncs that fail with EIO, for a
// given number of calls, and appends or fdatasyncs held back (a slow disk). Heal() ends the
// failures.
// Threading: the knobs are thread-safe; the AOF's threads and the test may use them at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "persist/file.h"

namespace rill::test {

class FaultyFileSystem final : public persist::FileSystem {
 public:
  // The next n appends fail with ENOSPC; with half_written, each first writes half its bytes.
  void FailAppends(int n, bool half_written) {
    half_written_ = half_written;
    failing_appends_ = n;
  }
  // The next n fdatasyncs fail with EIO.
  void FailSyncs(int n) { failing_syncs_ = n; }
  void Heal() {
    failing_appends_ = 0;
    failing_syncs_ = 0;
  }
  int syncs() const { return syncs_; }
  // While held, fdatasyncs (appends) wait, before they fail or work, until released.
  void HoldSyncs() { SetHold(&hold_syncs_, true); }
  void ReleaseSyncs() { SetHold(&hold_syncs_, false); }
  void HoldAppends() { SetHold(&hold_appends_, true); }
  void ReleaseAppends() { SetHold(&hold_appends_, false); }
  // Calls waiting now.
  int held_syncs() const { return held_syncs_; }
  int held_appends() const { return held_appends_; }

  Result<std::unique_ptr<persist::WritableFile>> OpenAppend(const std::string& path) override;
  Result<std::unique_ptr<persist::SequentialFile>> OpenRead(const std::string& path) override {
    return real()->OpenRead(path);
  }
  Status WriteAtomically(const std::string& path, std::string_view data) override {
    return real()->WriteAtomically(path, data);
  }
  Result<std::string> ReadSmallFile(const std::string& path) override {
    return real()->ReadSmallFile(path);
  }
  Status Truncate(const std::string& path, uint64_t size) override {
    return real()->Truncate(path, size);
  }
  Status MakeDir(const std::string& path) override { return real()->MakeDir(path); }
  bool Exists(const std::string& path) override { return real()->Exists(path); }
  Result<uint64_t> FileSize(const std::string& path) override { return real()->FileSize(path); }
  Status Rename(const std::string& from, const std::string& to) override {
    return real()->Rename(from, to);
  }
  Status Remove(const std::string& path) override { return real()->Remove(path); }

 private:
  friend class FaultyWritableFile;
  static persist::FileSystem* real() { return persist::FileSystem::Default(); }

  std::atomic<int> failing_appends_{0};
  std::atomic<bool> half_written_{false};
  std::atomic<int> failing_syncs_{0};
  std::atomic<int> syncs_{0};
  void SetHold(bool* flag, bool on) {
    {
      std::lock_guard<std::mutex> lock(hold_mu_);
      *flag = on;
    }
    hold_cv_.notify_all();
  }
  // Waits while *flag is set, counting itself in *waiting.
  void WaitWhileHeld(const bool* flag, std::atomic<int>* waiting) {
    std::unique_lock<std::mutex> lock(hold_mu_);
    (*waiting)++;
    hold_cv_.wait(lock, [&] { return !*flag; });
    (*waiting)--;
  }

  std::mutex hold_mu_;
  std::condition_variable hold_cv_;
  bool hold_syncs_ = false;
  bool hold_appends_ = false;
  std::atomic<int> held_syncs_{0};
  std::atomic<int> held_appends_{0};
};

class FaultyWritableFile final : public persist::WritableFile {
 public:
  FaultyWritableFile(FaultyFileSystem* fs, std::unique_ptr<persist::WritableFile> inner)
      : fs_(fs), inner_(std::move(inner)) {}

  Status Append(std::string_view data) override {
    fs_->WaitWhileHeld(&fs_->hold_appends_, &fs_->held_appends_);
    if (fs_->failing_appends_.load() > 0) {
      fs_->failing_appends_--;
      if (fs_->half_written_) {
        (void)inner_->Append(data.substr(0, data.size() / 2));
      }
      return Status(ErrorCode::kIoError, "write (injected): No space left on device");
    }
    return inner_->Append(data);
  }
  Status Sync() override {
    fs_->WaitWhileHeld(&fs_->hold_syncs_, &fs_->held_syncs_);
    fs_->syncs_++;
    if (fs_->failing_syncs_.load() > 0) {
      fs_->failing_syncs_--;
      return Status(ErrorCode::kIoError, "fdatasync (injected): Input/output error");
    }
    return inner_->Sync();
  }
  Status Truncate(uint64_t size) override { return inner_->Truncate(size); }
  uint64_t size() const override { return inner_->size(); }

 private:
  FaultyFileSystem* fs_;
  std::unique_ptr<persist::WritableFile> inner_;
};

inline Result<std::unique_ptr<persist::WritableFile>> FaultyFileSystem::OpenAppend(
    const std::string& path) {
  Result<std::unique_ptr<persist::WritableFile>> f = real()->OpenAppend(path);
  if (!f.ok()) {
    return f.status();
  }
  return std::unique_ptr<persist::WritableFile>(new FaultyWritableFile(this, std::move(*f)));
}

}  // namespace rill::test
