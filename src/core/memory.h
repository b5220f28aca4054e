// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/memory.h: what the allocator says about our memory.
//
// jemalloc is the allocator (RILL_MALLOC=jemalloc). UsedMemory() must be cheap, because
// with `maxmemory` set it runs before every write command: it sums jemalloc's per-thread
// counters (thread.allocatedp / thread.deallocatedp), which are plain reads of memory
// that jemalloc keeps current. Every thread that allocates registers its counters once with
// RegisterThread(). The sum over all threads is exact even when one thread frees what
// another allocated. The other figures (resident, fragmentation) refresh jemalloc's stats
// epoch and are for INFO only. Sanitizer builds count with the sanitizer's allocator;
// a plain libc build (RILL_MALLOC=libc) uses mallinfo2(), slower but correct.
#pragma once

#include <cstdint>
#include <string>

namespace rill::memory {

struct AllocatorStats {
  uint64_t allocated = 0;  // bytes handed out to the program
  uint64_t active = 0;     // bytes in active pages (>= allocated)
  uint64_t resident = 0;   // bytes the allocator holds resident
  uint64_t mapped = 0;     // bytes mapped by the allocator
};

// Call once on each thread that allocates, before it allocates much.
void RegisterThread();
// jemalloc's background threads return freed memory to the OS; without them the purge runs
// inline, in whatever thread frees, and can stall a shard for milliseconds (Redis's
// jemalloc-bg-thread). Returns false where the allocator has none (libc, sanitizers).
bool SetBackgroundPurge(bool on);
// Bytes currently allocated by the whole process, cheap.
uint64_t UsedMemory();
// Full allocator statistics; refreshes jemalloc's epoch (tens of microseconds).
AllocatorStats ReadStats();
// Resident set size of the process from /proc/self/statm, in bytes.
uint64_t ProcessRss();
// "jemalloc-5.3.0" or "libc".
std::string AllocatorName();

}  // namespace rill::memory
