// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// persist/file.h: the file-system seam. Everything persist/ does to files goes through a
// FileSystem, so tests can inject short writes, ENOSPC and fsync failures (FaultyFileSystem
// in tests/support) and check that no write is acknowledged that did not reach the disk.
//
// Errors are Status{kIoError, "<what> <path>: <strerror>"}; the text is what INFO and the
// MISCONF reply show, so it names the cause the operator has to fix.
// Threading: a WritableFile is used by one thread at a time, except that Sync() may run on
// a second thread while the first appends or truncates (the AOF's background fdatasync);
// FileSystem is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rill::persist {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all of data, or fails having appended a prefix of it (size() tells how much).
  virtual Status Append(std::string_view data) = 0;
  // fdatasync: everything appended so far is on the disk when this returns OK.
  virtual Status Sync() = 0;
  // Cuts the file back to size bytes (after a failed append, to drop its partial tail).
  virtual Status Truncate(uint64_t size) = 0;
  virtual uint64_t size() const = 0;
};

class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to n bytes; 0 at the end of the file.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens path for appending, creating it if absent.
  virtual Result<std::unique_ptr<WritableFile>> OpenAppend(const std::string& path) = 0;
  virtual Result<std::unique_ptr<SequentialFile>> OpenRead(const std::string& path) = 0;
  // Replaces path with data atomically: a temporary file, fsync, rename, fsync of the
  // directory. After a crash, path holds either the old or the new contents.
  virtual Status WriteAtomically(const std::string& path, std::string_view data) = 0;
  virtual Result<std::string> ReadSmallFile(const std::string& path) = 0;
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  // Creates the directory if it does not exist.
  virtual Status MakeDir(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // Renames from to to (replacing to), then fsyncs the directory: after a crash the
  // name refers to the new file or the old one, never to nothing.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Unlinks path; a missing file is not an error.
  virtual Status Remove(const std::string& path) = 0;

  // The real (POSIX) file system.
  static FileSystem* Default();
};

// Opens path for writing from its start: created if absent, emptied if not (a file left by
// a job that crashed halfway).
Result<std::unique_ptr<WritableFile>> OpenEmpty(FileSystem* fs, const std::string& path);

// Removes path like FileSystem::Remove, but cuts a big file down kRemoveChunkBytes at a time
// first, pausing between cuts. Unlinking a big file frees all its blocks in one file-system
// transaction, which every fsync on that disk then waits for: on ext4 an fdatasync of the
// journal stalled 65-73 ms behind the unlink of a 750 MB file, and at most 5.4 ms with 16 MB
// cuts 2 ms apart. Blocks for about 2 ms per cut: call it off the loops.
inline constexpr uint64_t kRemoveChunkBytes = 16 << 20;
Status RemoveGradually(FileSystem* fs, const std::string& path);

}  // namespace rill::persist
