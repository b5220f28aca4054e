// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "persist/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace rill::persist {
namespace {

Status IoError(std::string_view what, const std::string& path, int err) {
  return Status(ErrorCode::kIoError,
                std::string(what) + " " + path + ": " + std::string(strerror(err)));
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

Status SyncDir(const std::string& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return IoError("open", dir, errno);
  }
  const int rc = fsync(fd);
  const int err = errno;
  close(fd);
  return rc == 0 ? Status::Ok() : IoError("fsync", dir, err);
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override { close(fd_); }

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      const ssize_t n = write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        return IoError("write", path_, errno);
      }
      size_ += static_cast<uint64_t>(n);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Status Sync() override {
    return fdatasync(fd_) == 0 ? Status::Ok() : IoError("fdatasync", path_, errno);
  }

  Status Truncate(uint64_t size) override {
    if (ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return IoError("ftruncate", path_, errno);
    }
    size_ = size;
    return Status::Ok();
  }

  uint64_t size() const override { return size_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { close(fd_); }

  Result<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      const ssize_t r = read(fd_, buf, n);
      if (r >= 0) {
        return static_cast<size_t>(r);
      }
      if (errno != EINTR) {
        return IoError("read", path_, errno);
      }
    }
  }

 private:
  std::string path_;
  int fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> OpenAppend(const std::string& path) override {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
      return IoError("open", path, errno);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      const int err = errno;
      close(fd);
      return IoError("stat", path, err);
    }
    return std::unique_ptr<WritableFile>(
        new PosixWritableFile(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  Result<std::unique_ptr<SequentialFile>> OpenRead(const std::string& path) override {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return IoError("open", path, errno);
    }
    return std::unique_ptr<SequentialFile>(new PosixSequentialFile(path, fd));
  }

  Status WriteAtomically(const std::string& path, std::string_view data) override {
    const std::string tmp = path + ".tmp";
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      return IoError("open", tmp, errno);
    }
    PosixWritableFile f(tmp, fd, 0);
    Status s = f.Append(data);
    if (s.ok()) {
      s = f.Sync();
    }
    if (s.ok() && rename(tmp.c_str(), path.c_str()) != 0) {
      s = IoError("rename", tmp, errno);
    }
    if (!s.ok()) {
      unlink(tmp.c_str());
      return s;
    }
    return SyncDir(DirOf(path));
  }

  Result<std::string> ReadSmallFile(const std::string& path) override {
    Result<std::unique_ptr<SequentialFile>> f = OpenRead(path);
    if (!f.ok()) {
      return f.status();
    }
    std::string out;
    char buf[4096];
    for (;;) {
      Result<size_t> n = (*f)->Read(buf, sizeof(buf));
      if (!n.ok()) {
        return n.status();
      }
      if (*n == 0) {
        return out;
      }
      out.append(buf, *n);
    }
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (rename(from.c_str(), to.c_str()) != 0) {
      return IoError("rename", from, errno);
    }
    return SyncDir(DirOf(to));
  }

  Status Remove(const std::string& path) override {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return IoError("unlink", path, errno);
    }
    return Status::Ok();
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    return truncate(path.c_str(), static_cast<off_t>(size)) == 0 ? Status::Ok()
                                                                 : IoError("truncate", path, errno);
  }

  Status MakeDir(const std::string& path) override {
    return mkdir(path.c_str(), 0755) == 0 || errno == EEXIST ? Status::Ok()
                                                             : IoError("mkdir", path, errno);
  }

  bool Exists(const std::string& path) override { return access(path.c_str(), F_OK) == 0; }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      return IoError("stat", path, errno);
    }
    return static_cast<uint64_t>(st.st_size);
  }
};

}  // namespace

FileSystem* FileSystem::Default() {
  static PosixFileSystem fs;
  return &fs;
}

Result<std::unique_ptr<WritableFile>> OpenEmpty(FileSystem* fs, const std::string& path) {
  Result<std::unique_ptr<WritableFile>> f = fs->OpenAppend(path);
  if (f.ok() && (*f)->size() > 0) {
    if (Status s = (*f)->Truncate(0); !s.ok()) {
      return s;
    }
  }
  return f;
}

Status RemoveGradually(FileSystem* fs, const std::string& path) {
  Result<uint64_t> size = fs->FileSize(path);
  for (uint64_t left = size.ok() ? *size : 0; left > kRemoveChunkBytes;) {
    left -= kRemoveChunkBytes;
    if (Status s = fs->Truncate(path, left); !s.ok()) {
      break;  // the unlink below may still work
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return fs->Remove(path);
}

}  // namespace rill::persist
