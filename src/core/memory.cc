// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>

#ifdef RILL_USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

// Sanitizer builds replace malloc; their allocator keeps its own exact count.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RILL_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RILL_SANITIZER_ALLOCATOR 1
#endif
#endif
#ifdef RILL_SANITIZER_ALLOCATOR
// From the sanitizer runtime (sanitizer/allocator_interface.h, which GCC does not install).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
extern "C" size_t __sanitizer_get_heap_size();
#endif

namespace rill::memory {
namespace {

#ifdef RILL_USE_JEMALLOC
constexpr int kMaxThreads = 256;
struct ThreadCounters {
  std::atomic<const uint64_t*> allocated{nullptr};
  std::atomic<const uint64_t*> deallocated{nullptr};
};
std::array<ThreadCounters, kMaxThreads> g_threads;
std::atomic<int> g_thread_count{0};
thread_local bool t_registered = false;

uint64_t ReadCounter(const char* name) {
  uint64_t v = 0;
  size_t sz = sizeof(v);
  mallctl(name, &v, &sz, nullptr, 0);
  return v;
}
#endif

}  // namespace

void RegisterThread() {
#ifdef RILL_USE_JEMALLOC
  if (t_registered) {
    return;
  }
  t_registered = true;
  uint64_t* alloc_p = nullptr;
  uint64_t* dealloc_p = nullptr;
  size_t sz = sizeof(alloc_p);
  if (mallctl("thread.allocatedp", &alloc_p, &sz, nullptr, 0) != 0 ||
      mallctl("thread.deallocatedp", &dealloc_p, &sz, nullptr, 0) != 0) {
    return;
  }
  const int slot = g_thread_count.fetch_add(1);
  if (slot >= kMaxThreads) {
    return;  // accounting then falls back to the stats epoch below
  }
  g_threads[slot].allocated.store(alloc_p);
  g_threads[slot].deallocated.store(dealloc_p);
#endif
}

uint64_t UsedMemory() {
#ifdef RILL_USE_JEMALLOC
  const int n = g_thread_count.load(std::memory_order_acquire);
  if (n == 0 || n > kMaxThreads) {
    return ReadStats().allocated;
  }
  // Threads that exited keep their counters readable: jemalloc's tsd outlives them only
  // until reuse, so server threads register once and live for the whole process.
  int64_t sum = 0;
  for (int i = 0; i < n; i++) {
    const uint64_t* a = g_threads[i].allocated.load(std::memory_order_relaxed);
    const uint64_t* d = g_threads[i].deallocated.load(std::memory_order_relaxed);
    if (a != nullptr && d != nullptr) {
      sum += static_cast<int64_t>(__atomic_load_n(a, __ATOMIC_RELAXED) -
                                  __atomic_load_n(d, __ATOMIC_RELAXED));
    }
  }
  return sum > 0 ? static_cast<uint64_t>(sum) : 0;
#else
  return ReadStats().allocated;
#endif
}

AllocatorStats ReadStats() {
  AllocatorStats s;
#ifdef RILL_USE_JEMALLOC
  uint64_t epoch = 1;
  size_t sz = sizeof(epoch);
  mallctl("epoch", &epoch, &sz, &epoch, sz);
  s.allocated = ReadCounter("stats.allocated");
  s.active = ReadCounter("stats.active");
  s.resident = ReadCounter("stats.resident");
  s.mapped = ReadCounter("stats.mapped");
#elif defined(RILL_SANITIZER_ALLOCATOR)
  s.allocated = __sanitizer_get_current_allocated_bytes();
  s.active = s.allocated;
  s.resident = __sanitizer_get_heap_size();
  s.mapped = s.resident;
#else
  const struct mallinfo2 mi = mallinfo2();
  s.allocated = mi.uordblks + mi.hblkhd;
  s.active = s.allocated;
  s.resident = mi.arena + mi.hblkhd;
  s.mapped = s.resident;
#endif
  return s;
}

uint64_t ProcessRss() {
  FILE* f = fopen("/proc/self/statm", "r");
  if (f == nullptr) {
    return 0;
  }
  unsigned long size = 0;
  unsigned long resident = 0;
  const int n = fscanf(f, "%lu %lu", &size, &resident);
  fclose(f);
  return n == 2 ? static_cast<uint64_t>(resident) * sysconf(_SC_PAGESIZE) : 0;
}

bool SetBackgroundPurge(bool on) {
#ifdef RILL_USE_JEMALLOC
  return mallctl("background_thread", nullptr, nullptr, &on, sizeof(on)) == 0;
#else
  (void)on;
  return false;
#endif
}

std::string AllocatorName() {
#ifdef RILL_USE_JEMALLOC
  const char* version = nullptr;
  size_t sz = sizeof(version);
  if (mallctl("version", &version, &sz, nullptr, 0) == 0 && version != nullptr) {
    std::string v(version);
    return "jemalloc-" + v.substr(0, v.find('-'));
  }
  return "jemalloc";
#else
  return "libc";
#endif
}

}  // namespace rill::memory
