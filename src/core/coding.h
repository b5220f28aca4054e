// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/coding.h: unsigned LEB128 varints, the integer encoding of stream nodes (and later
// of snapshot files).
//
//   value 300 = 0b1_0010_1100  ->  [1010_1100] [0000_0010]
//                                    ^ more      ^ last byte: high bit clear
//
// Seven value bits per byte, low bits first; a uint64 takes at most 10 bytes.
// Decoding is bounds-checked: it never reads past `end`, and rejects overlong input.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rill {

constexpr size_t kMaxVarint64Bytes = 10;

inline size_t VarintLength(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

// Writes v at dst. REQUIRES: room for VarintLength(v) bytes. Returns the end of what it wrote.
inline char* PutVarint(char* dst, uint64_t v) {
  auto* p = reinterpret_cast<unsigned char*>(dst);
  while (v >= 0x80) {
    *p++ = static_cast<unsigned char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<unsigned char>(v);
  return reinterpret_cast<char*>(p);
}

// Reads a varint from [p, end). Returns the position after it, or nullptr when the input
// ends first or the varint is longer than 10 bytes.
inline const char* GetVarint(const char* p, const char* end, uint64_t* v) {
  uint64_t result = 0;
  for (unsigned shift = 0; shift < 64 && p < end; shift += 7) {
    const auto byte = static_cast<unsigned char>(*p++);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return p;
    }
  }
  return nullptr;
}

}  // namespace rill
