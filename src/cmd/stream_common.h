// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/stream_common.h: what the two stream families (stream_family.cc: entries, reads,
// XINFO; stream_group_family.cc: consumer groups) share: finding a stream by key with
// Redis's type errors, and replying ids and entries.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/command_context.h"
#include "stream/stream.h"

namespace rill::cmd {

// The stream at key, or nullptr when absent. A key of another type replies WRONGTYPE and
// sets *wrong. Read lookups count hits and misses; write lookups do not.
stream::Stream* FindStream(CommandContext& ctx, std::string_view key, bool write, bool* wrong);

// The node limits of the current config.
stream::NodeLimits NodeLimitsOf(const config::Config& cfg);

void ReplyId(net::ReplyBuilder& rb, stream::StreamId id);
// [id, [field, value, ...]]
void ReplyEntry(net::ReplyBuilder& rb, stream::StreamId id, std::span<const std::string_view> fv);
// Entries of s in [start, end] (reverse: from end down), at most count (SIZE_MAX for all).
// Returns how many were replied; the caller wrote nothing for them yet.
size_t ReplyRange(net::ReplyBuilder& rb, const stream::Stream& s, stream::StreamId start,
                  stream::StreamId end, bool reverse, size_t count);

// A strict id argument ("<ms>[-<seq>]", no "-"/"+"); replies Redis's error when invalid.
std::optional<stream::StreamId> IdArg(CommandContext& ctx, size_t i, uint64_t missing_seq = 0);
// Every argument from `from` on as a strict id; replies the error at the first bad one.
std::optional<std::vector<stream::StreamId>> IdArgs(CommandContext& ctx, size_t from);
// A range bound argument ("-", "+", "(" exclusive); replies the error when invalid.
std::optional<stream::StreamId> RangeArg(CommandContext& ctx, size_t i, bool is_start);

// "-NOGROUP No such key 'k' or consumer group 'g'" and its XREADGROUP variant.
std::string NoGroupError(std::string_view key, std::string_view group, bool xreadgroup = false);

// Effects of consumer-group changes, as Redis 7 propagates them (shard/journal.h).
// A delivery or claim: XCLAIM key group consumer 0 id TIME <delivery time> RETRYCOUNT
// <delivery count> FORCE JUSTID LASTID <group last id>, from id's PEL record as it is now.
void EmitClaim(CommandContext& ctx, std::string_view key, std::string_view group,
               const stream::ConsumerGroup& g, stream::StreamId id);
// The group's position: XGROUP SETID key group <last id> ENTRIESREAD <entries read>.
void EmitGroupPosition(CommandContext& ctx, std::string_view key, std::string_view group,
                       const stream::ConsumerGroup& g);

// XINFO STREAM's handler (the XINFO container is registered with the group commands).
void XInfoStream(CommandContext& ctx);

}  // namespace rill::cmd
