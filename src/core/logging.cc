// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/logging.h"

#include <execinfo.h>
#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "core/check.h"

namespace rill {
namespace logging {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kNotice)};
std::atomic<int> g_fd{STDOUT_FILENO};
thread_local int t_shard = -1;

constexpr char kLevelChars[] = {'.', '-', '*', '#'};

}  // namespace

void SetLevel(LogLevel level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }

LogLevel level() { return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed)); }

bool SetFile(std::string_view path) {
  int fd = STDOUT_FILENO;
  if (!path.empty()) {
    fd = open(std::string(path).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
      return false;
    }
  }
  const int old = g_fd.exchange(fd);
  if (old != STDOUT_FILENO && old != fd) {
    // A line being written by another thread at this moment may be lost; log files change
    // only at start-up in practice.
    close(old);
  }
  return true;
}

void SetThreadShard(int shard_id) { t_shard = shard_id; }

void Write(LogLevel lvl, const char* fmt, ...) {
  char buf[1024];
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm tm_now;
  localtime_r(&tv.tv_sec, &tm_now);
  int n;
  if (t_shard >= 0) {
    n = snprintf(buf, sizeof(buf), "%d:M%d ", static_cast<int>(getpid()), t_shard);
  } else {
    n = snprintf(buf, sizeof(buf), "%d:M ", static_cast<int>(getpid()));
  }
  n += static_cast<int>(strftime(buf + n, sizeof(buf) - n, "%d %b %Y %H:%M:%S.", &tm_now));
  n += snprintf(buf + n, sizeof(buf) - n, "%03d %c ", static_cast<int>(tv.tv_usec / 1000),
                kLevelChars[static_cast<int>(lvl) & 3]);
  va_list ap;
  va_start(ap, fmt);
  const int m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
  va_end(ap);
  n = (m < 0) ? n : std::min<int>(n + m, sizeof(buf) - 2);
  buf[n++] = '\n';
  const ssize_t w = write(g_fd.load(std::memory_order_relaxed), buf, n);
  (void)w;
}

}  // namespace logging

void CheckFailed(const char* cond, const char* file, int line) {
  logging::Write(LogLevel::kWarning, "CHECK failed: %s at %s:%d; this is a bug in Rill, aborting",
                 cond, file, line);
  void* frames[64];
  const int depth = backtrace(frames, 64);
  backtrace_symbols_fd(frames, depth, STDERR_FILENO);
  abort();
}

}  // namespace rill
