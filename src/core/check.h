// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/check.h: RILL_CHECK for our own bugs.
//
// A failed check logs the condition and where it failed, prints a stack trace and aborts.
// Nothing a client, a file or a peer sends may reach a check: validate and return a Status.
// RILL_CHECK is always on; RILL_DCHECK only in builds without NDEBUG.
#pragma once

namespace rill {
[[noreturn]] void CheckFailed(const char* cond, const char* file, int line);
}  // namespace rill

#define RILL_CHECK(cond)                              \
  do {                                                \
    if (__builtin_expect(!(cond), 0)) {               \
      ::rill::CheckFailed(#cond, __FILE__, __LINE__); \
    }                                                 \
  } while (0)

#ifdef NDEBUG
#define RILL_DCHECK(cond) \
  do {                    \
  } while (0)
#else
#define RILL_DCHECK(cond) RILL_CHECK(cond)
#endif
