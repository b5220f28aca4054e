// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "persist/aof_loader.h"

#include <vector>

#include "core/clock.h"
#include "core/logging.h"
#include "core/strings.h"
#include "net/resp_parser.h"
#include "persist/snapshot.h"

namespace rill::persist {
namespace {

constexpr size_t kReadSize = 1 << 20;
constexpr uint64_t kProgressEvery = 64ULL << 20;  // bytes between progress lines in the log

std::string Where(const std::string& path, uint64_t offset) {
  return "Bad file format reading the append only file " + path + " at offset " +
         std::to_string(offset);
}

std::string Advice(const std::string& manifest) {
  return "; make a backup of the file, then run: rill-check-aof --fix " + manifest;
}

}  // namespace

namespace internal {

// One file: commands are applied as they are read; a transaction when its EXEC is read.
// Step() reads and applies one chunk, so a caller can interleave loading with its loop.
class FileLoader {
 public:
  FileLoader(const ApplyFn& apply, LoadStats* stats, std::string path, std::string manifest)
      : apply_(apply), stats_(stats), path_(std::move(path)), manifest_(std::move(manifest)) {
    limits_.max_bulk_len = INT64_MAX;
  }

  Status Open(FileSystem* fs) {
    Result<std::unique_ptr<SequentialFile>> file = fs->OpenRead(path_);
    if (!file.ok()) {
      return file.status();
    }
    file_ = std::move(*file);
    return Status::Ok();
  }

  // Applies commands until deadline_us (MonotonicUs) passes or the file ends (*done),
  // reading 1 MiB whenever the buffer holds no whole command. valid_end() is the offset
  // after the last whole record (also after an error); torn() whether bytes follow it.
  Status Step(int64_t deadline_us, bool* done) {
    *done = false;
    if (need_read_) {
      if (pos_ > 0 && pos_ * 2 >= buf_.size()) {
        buf_.erase(0, pos_);
        buf_start_ += pos_;
        pos_ = 0;
      }
      const size_t old = buf_.size();
      buf_.resize(old + kReadSize);
      Result<size_t> n = file_->Read(buf_.data() + old, kReadSize);
      if (!n.ok()) {
        return n.status();
      }
      buf_.resize(old + *n);
      stats_->bytes += *n;
      if (*n == 0) {
        *done = true;
        return Status::Ok();
      }
      need_read_ = false;
    }
    for (int n = 0; pos_ < buf_.size(); n++) {
      if ((n & 63) == 63 && MonotonicUs() >= deadline_us) {
        return Status::Ok();
      }
      const uint64_t offset = buf_start_ + pos_;
      if (buf_[pos_] != '*') {
        return Status(ErrorCode::kIoError,
                      Where(path_, offset) + ": not a RESP command" + Advice(manifest_));
      }
      size_t consumed = 0;
      const net::RespParser::State st =
          parser_.Parse(buf_.data() + pos_, buf_.size() - pos_, limits_, &args_, &consumed);
      if (st == net::RespParser::State::kIncomplete) {
        break;
      }
      if (st == net::RespParser::State::kError || args_.empty() || !Terminated()) {
        const std::string why = st == net::RespParser::State::kError ? parser_.error()
                                : args_.empty()                      ? "empty command"
                                                : "a bulk string not followed by CRLF";
        return Status(ErrorCode::kIoError, Where(path_, offset) + ": " + why + Advice(manifest_));
      }
      if (Status s = Take(); !s.ok()) {
        return Status(ErrorCode::kIoError,
                      Where(path_, offset) + ": " + s.message() + Advice(manifest_));
      }
      pos_ += consumed;
      if (!in_multi_) {
        record_end_ = buf_start_ + pos_;
      }
    }
    need_read_ = true;
    return Status::Ok();
  }

  uint64_t valid_end() const { return record_end_; }
  bool torn() const { return in_multi_ || pos_ < buf_.size(); }
  const std::string& path() const { return path_; }

 private:
  // Whether every argument is followed by CRLF. The protocol parser skips those two bytes
  // unread, as Redis does for clients; a journal is checked harder.
  bool Terminated() const {
    for (std::string_view a : args_) {
      if (a.data()[a.size()] != '\r' || a.data()[a.size() + 1] != '\n') {
        return false;
      }
    }
    return true;
  }

  // A whole command: apply it, or keep it for its transaction's EXEC. A transaction's
  // failure is reported at the offset of its EXEC.
  Status Take() {
    const std::string_view name = args_[0];
    if (EqualsIgnoreCase(name, "MULTI")) {
      in_multi_ = true;
      queued_.clear();
      return Status::Ok();
    }
    if (in_multi_ && !EqualsIgnoreCase(name, "EXEC")) {
      queued_.emplace_back(args_.begin(), args_.end());
      return Status::Ok();
    }
    if (in_multi_) {
      in_multi_ = false;
      static constexpr std::string_view kMulti[] = {"MULTI"};
      if (Status s = apply_(kMulti); !s.ok()) {
        return s;
      }
      for (const std::vector<std::string>& q : queued_) {
        const std::vector<std::string_view> views(q.begin(), q.end());
        if (Status s = apply_(views); !s.ok()) {
          return s;
        }
      }
      stats_->commands += queued_.size() + 1;
    }
    stats_->commands++;
    return apply_(args_);
  }

  const ApplyFn& apply_;
  LoadStats* stats_;
  std::string path_;
  std::string manifest_;
  std::unique_ptr<SequentialFile> file_;
  net::ParserLimits limits_;
  net::RespParser parser_;
  std::vector<std::string_view> args_;
  std::string buf_;
  size_t pos_ = 0;          // next command in buf_
  bool need_read_ = true;   // buf_ holds no whole command after pos_
  uint64_t buf_start_ = 0;  // file offset of buf_[0]
  bool in_multi_ = false;
  std::vector<std::vector<std::string>> queued_;
  uint64_t record_end_ = 0;  // offset after the last whole record
};

}  // namespace internal

using internal::FileLoader;

FileCheck CheckAofFile(FileSystem* fs, const std::string& path) {
  FileCheck check;
  LoadStats stats;
  const ApplyFn ignore = [](std::span<const std::string_view>) { return Status::Ok(); };
  FileLoader loader(ignore, &stats, path, path);
  check.error = loader.Open(fs);
  for (bool done = false; check.error.ok() && !done;) {
    check.error = loader.Step(INT64_MAX, &done);
  }
  check.valid_end = loader.valid_end();
  check.torn = check.error.ok() && loader.torn();
  Result<uint64_t> size = fs->FileSize(path);
  check.size = size.ok() ? *size : 0;
  return check;
}

AofLoader::AofLoader(Aof& aof, bool truncate_torn_tail, ApplyFn apply, KeyspaceFor route)
    : aof_(aof),
      route_(std::move(route)),
      truncate_torn_tail_(truncate_torn_tail),
      apply_(std::move(apply)) {
  for (const AofFile& f : aof.manifest().Files()) {
    Result<uint64_t> size = aof.fs()->FileSize(aof.PathOf(f));
    total_bytes_ += size.ok() ? *size : 0;
  }
}

AofLoader::~AofLoader() = default;

Result<bool> AofLoader::Step(int64_t budget_us) {
  const std::vector<AofFile> files = aof_.manifest().Files();
  if (next_file_ < files.size() && files[next_file_].base) {
    return StepBase(files[next_file_], budget_us);
  }
  if (file_ == nullptr) {
    if (next_file_ == files.size()) {
      return true;
    }
    file_ = std::make_unique<FileLoader>(apply_, &stats_, aof_.PathOf(files[next_file_]),
                                         aof_.manifest_path());
    if (Status s = file_->Open(aof_.fs()); !s.ok()) {
      return s;
    }
  }
  bool done = false;
  if (Status s = file_->Step(MonotonicUs() + budget_us, &done); !s.ok()) {
    return s;
  }
  const uint64_t progress = stats_.bytes;
  if (progress / kProgressEvery != logged_ / kProgressEvery) {
    RILL_LOG(kNotice, "Loading the append only file: %llu MB of %llu, %llu commands",
             static_cast<unsigned long long>(progress >> 20),
             static_cast<unsigned long long>(total_bytes_ >> 20),
             static_cast<unsigned long long>(stats_.commands));
  }
  logged_ = progress;
  if (!done) {
    return false;
  }
  if (Status s = FinishFile(next_file_ + 1 == files.size()); !s.ok()) {
    return s;
  }
  file_.reset();
  next_file_++;
  return next_file_ == files.size();
}

Result<bool> AofLoader::StepBase(const AofFile& f, int64_t budget_us) {
  const std::string path = aof_.PathOf(f);
  if (base_ == nullptr) {
    if (route_(std::string_view()) == nullptr) {
      return Status(ErrorCode::kIoError, path + ": this tool cannot load a base snapshot");
    }
    base_ = std::make_unique<SnapshotLoader>(aof_.fs(), path, route_);
    if (Status s = base_->Open(); !s.ok()) {
      return s;
    }
  }
  const uint64_t before = base_->bytes_read();
  Result<bool> done = base_->Step(MonotonicUs() + budget_us);
  stats_.bytes += base_->bytes_read() - before;
  if (!done.ok()) {
    return Status(ErrorCode::kIoError, done.status().message() + Advice(aof_.manifest_path()));
  }
  if (!*done) {
    return false;
  }
  RILL_LOG(kNotice, "Loaded the AOF base %s: %llu keys", f.name.c_str(),
           static_cast<unsigned long long>(base_->keys()));
  base_.reset();
  next_file_++;
  return next_file_ == aof_.manifest().Files().size();
}

Status AofLoader::FinishFile(bool last) {
  if (!file_->torn()) {
    return Status::Ok();
  }
  const std::string& path = file_->path();
  const uint64_t valid_end = file_->valid_end();
  Result<uint64_t> size = aof_.fs()->FileSize(path);
  const uint64_t dropped = size.ok() ? *size - valid_end : 0;
  if (!last || !truncate_torn_tail_) {
    return Status(ErrorCode::kIoError,
                  Where(path, valid_end) + ": the file ends in the middle of a command (" +
                      std::to_string(dropped) + " bytes)" +
                      (last ? "; set aof-load-truncated yes to cut it off" : "") +
                      Advice(aof_.manifest_path()));
  }
  if (Status s = aof_.TruncateLast(valid_end); !s.ok()) {
    return s;
  }
  RILL_LOG(kWarning,
           "The append only file %s ended in the middle of a command: %llu bytes cut off "
           "at offset %llu (aof-load-truncated yes)",
           path.c_str(), static_cast<unsigned long long>(dropped),
           static_cast<unsigned long long>(valid_end));
  return Status::Ok();
}

Result<LoadStats> LoadAof(Aof& aof, bool truncate_torn_tail, const ApplyFn& apply,
                          KeyspaceFor route) {
  AofLoader loader(aof, truncate_torn_tail, apply, std::move(route));
  for (;;) {
    Result<bool> done = loader.Step(INT64_MAX / 2);
    if (!done.ok()) {
      return done.status();
    }
    if (*done) {
      return loader.stats();
    }
  }
}

}  // namespace rill::persist
