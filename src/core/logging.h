// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/logging.h: printf-style log lines in Redis's format.
//
//   <pid>:<role><shard> <dd Mon yyyy hh:mm:ss.mmm> <level char> <message>
//   4711:M0 24 Nov 2026 10:00:00.123 * Ready to accept connections tcp
//
// The level check runs before any formatting. Each line is formatted into a thread-local
// buffer and written with one write(2), so shard threads never share a lock. The sink (a
// file descriptor) and the level are process settings that the server sets at start-up
// and on CONFIG SET; both are atomics. Never log secrets.
#pragma once

#include <atomic>
#include <string_view>

namespace rill {

enum class LogLevel : int { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3, kNothing = 4 };

namespace logging {
// The minimum level that is written.
void SetLevel(LogLevel level);
LogLevel level();
// Where lines go: a path (appended to, created if missing) or "" for stdout.
// Returns false and leaves the sink unchanged when the file cannot be opened.
bool SetFile(std::string_view path);
// The shard id printed after the role; -1 for the main thread. Thread-local.
void SetThreadShard(int shard_id);
void Write(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
}  // namespace logging

}  // namespace rill

#define RILL_LOG(lvl, ...)                                        \
  do {                                                            \
    if (::rill::LogLevel::lvl >= ::rill::logging::level()) {      \
      ::rill::logging::Write(::rill::LogLevel::lvl, __VA_ARGS__); \
    }                                                             \
  } while (0)
