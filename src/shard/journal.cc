// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "shard/journal.h"

#include "core/check.h"
#include "net/reply_builder.h"

namespace rill::shard {
namespace {

constexpr std::string_view kMulti = "*1\r\n$5\r\nMULTI\r\n";
constexpr std::string_view kExec = "*1\r\n$4\r\nEXEC\r\n";

}  // namespace

void Journal::AppendCommand(std::span<const std::string_view> args) {
  net::ReplyBuilder rb(&buf_, 2);  // a command is an array of bulk strings, as a RESP2 reply
  rb.ArrayHeader(static_cast<int64_t>(args.size()));
  for (std::string_view a : args) {
    rb.Bulk(a);
  }
}

void Journal::Append(int db, std::span<const std::string_view> args) {
  if (!enabled_) {
    return;
  }
  if (first_db_ < 0) {
    first_db_ = db;
  } else if (db != db_) {
    const std::string n = std::to_string(db);
    AppendCommand(std::initializer_list<std::string_view>{"SELECT", n});
  }
  db_ = db;
  AppendCommand(args);
  if (depth_ > 0) {
    scope_effects_++;
  }
}

void Journal::BeginScope() {
  if (depth_++ == 0) {
    scope_start_ = buf_.size();
    scope_effects_ = 0;
  }
}

void Journal::EndScope() {
  RILL_CHECK(depth_ > 0);
  if (--depth_ > 0 || scope_effects_ <= 1) {
    return;
  }
  buf_.insert(scope_start_, kMulti);
  buf_.append(kExec);
}

Journal::Batch Journal::Take() {
  RILL_CHECK(depth_ == 0 || (scope_effects_ == 0 && scope_start_ == buf_.size()));
  Batch b{std::move(buf_), first_db_, db_};
  handed_over_ += b.bytes.size();
  buf_.clear();
  first_db_ = db_ = -1;
  scope_start_ = 0;  // an open scope that had emitted nothing starts at the new buffer's start
  return b;
}

}  // namespace rill::shard
