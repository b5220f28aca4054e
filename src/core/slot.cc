// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/slot.h"

#include <array>

namespace rill {
namespace {

// One table lookup per byte: kTable[b] is the CRC of the byte b shifted in alone.
constexpr std::array<uint16_t, 256> MakeTable() {
  std::array<uint16_t, 256> t{};
  for (int b = 0; b < 256; b++) {
    uint16_t crc = static_cast<uint16_t>(b << 8);
    for (int bit = 0; bit < 8; bit++) {
      crc = static_cast<uint16_t>((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    t[b] = crc;
  }
  return t;
}

constexpr std::array<uint16_t, 256> kTable = MakeTable();

}  // namespace

uint16_t Crc16(std::string_view data) {
  uint16_t crc = 0;
  for (const char c : data) {
    crc = static_cast<uint16_t>((crc << 8) ^ kTable[((crc >> 8) ^ static_cast<uint8_t>(c)) & 0xff]);
  }
  return crc;
}

std::string_view HashedPart(std::string_view key) {
  const size_t open = key.find('{');
  if (open == std::string_view::npos) {
    return key;
  }
  const size_t close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) {
    return key;  // no closing brace, or "{}": the whole key is hashed
  }
  return key.substr(open + 1, close - open - 1);
}

}  // namespace rill
