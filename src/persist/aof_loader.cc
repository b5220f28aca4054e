// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "persist/aof_loader.h"

#include <vector>

#include "core/logging.h"
#include "core/strings.h"
#include "net/resp_parser.h"

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

// One file: commands are applied as they are read; a transaction when its EXEC is read.
class FileLoader {
 public:
  FileLoader(const ApplyFn& apply, LoadStats* stats) : apply_(apply), stats_(stats) {}

  // Loads path. *valid_end is the offset after the last whole record (also on an error)
  // and, on success, *torn whether bytes follow it.
  Status Load(FileSystem* fs, const std::string& path, const std::string& manifest,
              uint64_t* valid_end, bool* torn) {
    Result<std::unique_ptr<SequentialFile>> file = fs->OpenRead(path);
    if (!file.ok()) {
      return file.status();
    }
    std::string buf;
    size_t pos = 0;          // next command in buf
    uint64_t buf_start = 0;  // file offset of buf[0]
    net::ParserLimits limits;
    limits.max_bulk_len = INT64_MAX;
    for (;;) {
      if (pos > 0 && pos * 2 >= buf.size()) {
        buf.erase(0, pos);
        buf_start += pos;
        pos = 0;
      }
      const size_t old = buf.size();
      buf.resize(old + kReadSize);
      Result<size_t> n = (*file)->Read(buf.data() + old, kReadSize);
      if (!n.ok()) {
        return n.status();
      }
      buf.resize(old + *n);
      const bool eof = *n == 0;
      while (pos < buf.size()) {
        const uint64_t offset = buf_start + pos;
        if (buf[pos] != '*') {
          *valid_end = record_end_;
          return Status(ErrorCode::kIoError,
                        Where(path, offset) + ": not a RESP command" + Advice(manifest));
        }
        size_t consumed = 0;
        const net::RespParser::State st =
            parser_.Parse(buf.data() + pos, buf.size() - pos, limits, &args_, &consumed);
        if (st == net::RespParser::State::kIncomplete) {
          break;
        }
        if (st == net::RespParser::State::kError || args_.empty() || !Terminated()) {
          *valid_end = record_end_;
          const std::string why = st == net::RespParser::State::kError ? parser_.error()
                                  : args_.empty()                      ? "empty command"
                                                  : "a bulk string not followed by CRLF";
          return Status(ErrorCode::kIoError, Where(path, offset) + ": " + why + Advice(manifest));
        }
        if (Status s = Take(); !s.ok()) {
          *valid_end = record_end_;
          return Status(ErrorCode::kIoError,
                        Where(path, offset) + ": " + s.message() + Advice(manifest));
        }
        pos += consumed;
        if (!in_multi_) {
          record_end_ = buf_start + pos;
        }
      }
      const uint64_t progress = buf_start + pos;
      if (progress / kProgressEvery != last_progress_ / kProgressEvery) {
        RILL_LOG(kNotice, "Loading %s: %llu MB, %llu commands", path.c_str(),
                 static_cast<unsigned long long>(progress >> 20),
                 static_cast<unsigned long long>(stats_->commands));
      }
      last_progress_ = progress;
      if (eof) {
        stats_->bytes += buf_start + pos;
        *valid_end = record_end_;
        *torn = in_multi_ || pos < buf.size();
        return Status::Ok();
      }
    }
  }

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
  net::RespParser parser_;
  std::vector<std::string_view> args_;
  bool in_multi_ = false;
  uint64_t record_end_ = 0;  // offset after the last whole record
  std::vector<std::vector<std::string>> queued_;
  uint64_t last_progress_ = 0;
};

}  // namespace

FileCheck CheckAofFile(FileSystem* fs, const std::string& path) {
  FileCheck check;
  LoadStats stats;
  const ApplyFn ignore = [](std::span<const std::string_view>) { return Status::Ok(); };
  FileLoader loader(ignore, &stats);
  check.error = loader.Load(fs, path, path, &check.valid_end, &check.torn);
  Result<uint64_t> size = fs->FileSize(path);
  check.size = size.ok() ? *size : 0;
  return check;
}

Result<LoadStats> LoadAof(Aof& aof, bool truncate_torn_tail, const ApplyFn& apply) {
  LoadStats stats;
  const Manifest& m = aof.manifest();
  const std::string manifest_path = aof.manifest_path();
  if (m.base) {
    return Status(ErrorCode::kIoError, aof.PathOf(*m.base) +
                                           ": base snapshots are not supported by this "
                                           "version of Rill");
  }
  const std::vector<AofFile> files = m.Files();
  for (size_t i = 0; i < files.size(); i++) {
    const std::string path = aof.PathOf(files[i]);
    const bool last = i + 1 == files.size();
    uint64_t valid_end = 0;
    bool torn = false;
    FileLoader loader(apply, &stats);
    if (Status s = loader.Load(aof.fs(), path, manifest_path, &valid_end, &torn); !s.ok()) {
      return s;
    }
    if (!torn) {
      continue;
    }
    Result<uint64_t> size = aof.fs()->FileSize(path);
    const uint64_t dropped = size.ok() ? *size - valid_end : 0;
    if (!last || !truncate_torn_tail) {
      return Status(ErrorCode::kIoError,
                    Where(path, valid_end) + ": the file ends in the middle of a command (" +
                        std::to_string(dropped) + " bytes)" +
                        (last ? "; set aof-load-truncated yes to cut it off" : "") +
                        Advice(manifest_path));
    }
    if (Status s = aof.TruncateLast(valid_end); !s.ok()) {
      return s;
    }
    stats.truncated_bytes = dropped;
    RILL_LOG(kWarning,
             "The append only file %s ended in the middle of a command: %llu bytes cut off "
             "at offset %llu (aof-load-truncated yes)",
             path.c_str(), static_cast<unsigned long long>(dropped),
             static_cast<unsigned long long>(valid_end));
  }
  return stats;
}

}  // namespace rill::persist
