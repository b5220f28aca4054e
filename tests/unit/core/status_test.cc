// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/status.h"

#include <gtest/gtest.h>

namespace rill {
namespace {

TEST(StatusTest, OkCarriesNothing) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.message().empty());
}

TEST(StatusTest, ErrPrefixesTheMessage) {
  Status s = Status::Err("syntax error");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kErr);
  EXPECT_EQ(s.message(), "ERR syntax error");
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = ErrorCode::kWrongType;
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kWrongType);
}

}  // namespace
}  // namespace rill
