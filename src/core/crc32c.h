// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/crc32c.h: CRC-32C (Castagnoli), the checksum of snapshot files.
//
// CRC-32C because x86-64 computes it in hardware (SSE4.2 crc32, about 8 bytes a cycle),
// so checking a multi-gigabyte snapshot costs little next to reading it; elsewhere a
// table-driven fallback gives the same values. Extend() continues a checksum over data
// that arrives in pieces: Extend(Extend(0, a), b) == Value(a + b).
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace rill::crc32c {

uint32_t Extend(uint32_t crc, const char* data, size_t n);
inline uint32_t Extend(uint32_t crc, std::string_view data) {
  return Extend(crc, data.data(), data.size());
}
inline uint32_t Value(std::string_view data) { return Extend(0, data); }

}  // namespace rill::crc32c
