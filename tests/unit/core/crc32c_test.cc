// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace rill {
namespace {

TEST(Crc32cTest, MatchesTheStandardCheckValues) {
  EXPECT_EQ(crc32c::Value(""), 0u);
  EXPECT_EQ(crc32c::Value("123456789"), 0xe3069283u);            // the CRC-32C check value
  EXPECT_EQ(crc32c::Value(std::string(32, '\0')), 0x8a9136aau);  // RFC 3720 B.4
  EXPECT_EQ(crc32c::Value(std::string(32, '\xff')), 0x62a8ab43u);
}

TEST(Crc32cTest, ExtendOverPiecesEqualsTheWhole) {
  std::string data;
  for (int i = 0; i < 1000; i++) {
    data.push_back(static_cast<char>(i * 7 + 3));
  }
  const uint32_t whole = crc32c::Value(data);
  for (size_t cut : {0u, 1u, 7u, 8u, 9u, 500u, 999u, 1000u}) {
    const uint32_t a = crc32c::Extend(0, std::string_view(data).substr(0, cut));
    EXPECT_EQ(crc32c::Extend(a, std::string_view(data).substr(cut)), whole) << cut;
  }
  data[500] ^= 1;
  EXPECT_NE(crc32c::Value(data), whole);
}

}  // namespace
}  // namespace rill
