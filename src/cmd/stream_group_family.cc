// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/stream_group_family.cc: consumer groups: XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM
// and XINFO GROUPS/CONSUMERS. Reads through a group (XREADGROUP) are in stream_family.cc.
// Semantics, replies and error texts are Redis 7.2's. As in Redis, group bookkeeping (XACK,
// XCLAIM, XGROUP...) does not count as modifying the key for WATCH; only XGROUP DESTROY
// wakes the group's blocked readers. Redis's quirks are kept too: deleted
// entries found in a PEL are dropped from it by XCLAIM and XAUTOCLAIM (and listed by
// XAUTOCLAIM), XGROUP DESTROY of a missing group is 0 rather than an error, and XPENDING's
// per-consumer counts are bulk strings.
#include "cmd/families.h"
#include "cmd/stream_common.h"
#include "core/strings.h"

namespace rill::cmd {
namespace {

using stream::ConsumerGroup;
using stream::Stream;
using stream::StreamId;

std::string NoConsumerGroupError(std::string_view group, std::string_view key) {
  return "NOGROUP No such consumer group '" + std::string(group) + "' for key name '" +
         std::string(key) + "'";
}

void ReplySubcommandSyntax(CommandContext& ctx, std::string_view container) {
  ctx.ReplyErrorLine("ERR unknown subcommand or wrong number of arguments for '" +
                     std::string(ctx.arg(1)) + "'. Try " + std::string(container) + " HELP.");
}

// --- XGROUP ---

// The stream an XGROUP subcommand works on, and for SETID/CREATECONSUMER/DELCONSUMER its
// group, with Redis's errors. Sets *ok false after replying an error.
struct GroupTarget {
  Stream* stream = nullptr;
  ConsumerGroup* group = nullptr;
};

GroupTarget FindGroupTarget(CommandContext& ctx, bool need_group, bool mkstream, bool* ok) {
  GroupTarget t;
  bool wrong = false;
  t.stream = FindStream(ctx, ctx.arg(2), true, &wrong);
  *ok = !wrong;
  if (wrong) {
    return t;
  }
  if (t.stream == nullptr && !mkstream) {
    ctx.ReplyErrorLine(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may "
        "want to use the MKSTREAM option to create an empty stream automatically.");
    *ok = false;
    return t;
  }
  if (need_group && (t.group = t.stream->FindGroup(ctx.arg(3))) == nullptr) {
    ctx.ReplyErrorLine(NoConsumerGroupError(ctx.arg(3), ctx.arg(2)));
    *ok = false;
  }
  return t;
}

// ENTRIESREAD's value, with Redis's bounds.
std::optional<int64_t> EntriesReadArg(CommandContext& ctx, size_t i) {
  const std::optional<int64_t> n = IntArg(ctx, i);
  if (n && *n < 0 && *n != stream::kInvalidEntriesRead) {
    ctx.ReplyErrorLine("ERR value for ENTRIESREAD must be positive or -1");
    return std::nullopt;
  }
  return n;
}

void CmdXGroupCreate(CommandContext& ctx) {
  if (ctx.argc() > 8) {
    return ReplySubcommandSyntax(ctx, "XGROUP");
  }
  bool mkstream = false;
  int64_t entries_read = stream::kInvalidEntriesRead;
  for (size_t i = 5; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "MKSTREAM")) {
      mkstream = true;
    } else if (EqualsIgnoreCase(ctx.arg(i), "ENTRIESREAD") && i + 1 < ctx.argc()) {
      const std::optional<int64_t> n = EntriesReadArg(ctx, ++i);
      if (!n) {
        return;
      }
      entries_read = *n;
    } else {
      return ReplySubcommandSyntax(ctx, "XGROUP");
    }
  }
  bool ok = false;
  GroupTarget t = FindGroupTarget(ctx, false, mkstream, &ok);
  if (!ok) {
    return;
  }
  StreamId id;
  if (ctx.arg(4) == "$") {
    id = t.stream == nullptr ? StreamId::Min() : t.stream->last_id();
  } else {
    const std::optional<StreamId> parsed = IdArg(ctx, 4);
    if (!parsed) {
      return;
    }
    id = *parsed;
  }
  if (t.stream == nullptr) {
    t.stream = ctx.ks().Add(ctx.db(), ctx.arg(2), shard::Value::NewStream())->value.stream.get();
  }
  if (t.stream->CreateGroup(ctx.arg(3), id, entries_read) == nullptr) {
    return ctx.ReplyErrorLine("BUSYGROUP Consumer Group name already exists");
  }
  ctx.Propagate();
  ctx.ReplyOk();
}

void CmdXGroupSetId(CommandContext& ctx) {
  int64_t entries_read = stream::kInvalidEntriesRead;
  if (ctx.argc() == 7 && EqualsIgnoreCase(ctx.arg(5), "ENTRIESREAD")) {
    const std::optional<int64_t> n = EntriesReadArg(ctx, 6);
    if (!n) {
      return;
    }
    entries_read = *n;
  } else if (ctx.argc() != 5) {
    return ReplySubcommandSyntax(ctx, "XGROUP");
  }
  bool ok = false;
  GroupTarget t = FindGroupTarget(ctx, true, false, &ok);
  if (!ok) {
    return;
  }
  StreamId id = t.stream->last_id();
  if (ctx.arg(4) != "$") {
    const std::optional<StreamId> parsed = stream::ParseId(ctx.arg(4), 0, true);
    if (!parsed) {
      return ctx.ReplyErrorLine(stream::kInvalidIdError);
    }
    id = *parsed;
  }
  t.group->set_last_id(id);
  t.group->set_entries_read(entries_read);
  ctx.Propagate();
  ctx.ReplyOk();
}

void CmdXGroupDestroy(CommandContext& ctx) {
  bool ok = false;
  GroupTarget t = FindGroupTarget(ctx, false, false, &ok);
  if (!ok) {
    return;
  }
  if (!t.stream->DestroyGroup(ctx.arg(3))) {
    return ctx.ReplyInt(0);
  }
  ctx.ks().SignalKeyReady(ctx.db(), ctx.arg(2));  // its blocked readers get NOGROUP
  ctx.Propagate();
  ctx.ReplyInt(1);
}

void CmdXGroupCreateConsumer(CommandContext& ctx) {
  bool ok = false;
  GroupTarget t = FindGroupTarget(ctx, true, false, &ok);
  if (!ok) {
    return;
  }
  const bool created = t.group->CreateConsumer(ctx.arg(4), ctx.NowMs()) != nullptr;
  if (created) {
    ctx.Propagate();
  }
  ctx.ReplyInt(created ? 1 : 0);
}

void CmdXGroupDelConsumer(CommandContext& ctx) {
  bool ok = false;
  GroupTarget t = FindGroupTarget(ctx, true, false, &ok);
  if (!ok) {
    return;
  }
  const int64_t pending = t.group->DeleteConsumer(ctx.arg(4));
  if (pending >= 0) {
    ctx.Propagate();
  }
  ctx.ReplyInt(std::max<int64_t>(pending, 0));
}

void CmdXGroupHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
      "HELP",
      "    Print this help.",
  };
  ReplyHelp(ctx, kLines);
}

// --- XACK, XPENDING ---

// The group named by argument 2 of the stream at argument 1; replies the errors.
// `missing_ok`: an absent key or group is not an error (the caller answers for it).
ConsumerGroup* FindKeyGroup(CommandContext& ctx, bool write, bool missing_ok, Stream** s_out,
                            bool* failed) {
  bool wrong = false;
  Stream* s = FindStream(ctx, ctx.arg(1), write, &wrong);
  *failed = wrong;
  ConsumerGroup* g = s == nullptr ? nullptr : s->FindGroup(ctx.arg(2));
  if (!wrong && g == nullptr && !missing_ok) {
    ctx.ReplyErrorLine(NoGroupError(ctx.arg(1), ctx.arg(2)));
    *failed = true;
  }
  *s_out = s;
  return g;
}

void CmdXAck(CommandContext& ctx) {
  // Redis looks up the key and group first: without them the answer is 0 whatever the ids.
  Stream* s = nullptr;
  bool failed = false;
  ConsumerGroup* g = FindKeyGroup(ctx, true, true, &s, &failed);
  if (failed) {
    return;
  }
  if (g == nullptr) {
    return ctx.ReplyInt(0);
  }
  const std::optional<std::vector<StreamId>> ids = IdArgs(ctx, 3);
  if (!ids) {
    return;
  }
  int64_t acked = 0;
  for (const StreamId id : *ids) {
    acked += g->Ack(id) ? 1 : 0;
  }
  if (acked > 0) {
    ctx.Propagate();
  }
  ctx.ReplyInt(acked);
}

void ReplyPendingSummary(CommandContext& ctx, const ConsumerGroup& g) {
  net::ReplyBuilder& rb = ctx.reply();
  rb.ArrayHeader(4);
  rb.Integer(static_cast<int64_t>(g.pel().size()));
  if (g.pel().empty()) {
    rb.Null();
    rb.Null();
    rb.NullArray();
    return;
  }
  ReplyId(rb, g.pel().begin()->first);
  ReplyId(rb, g.pel().rbegin()->first);
  int64_t with_pending = 0;
  for (const auto& [name, c] : g.consumers()) {
    with_pending += c->pending.empty() ? 0 : 1;
  }
  rb.ArrayHeader(with_pending);
  for (const auto& [name, c] : g.consumers()) {
    if (!c->pending.empty()) {
      rb.ArrayHeader(2);
      rb.Bulk(name);
      char buf[24];
      const int len = snprintf(buf, sizeof(buf), "%zu", c->pending.size());
      rb.Bulk(std::string_view(buf, static_cast<size_t>(len)));
    }
  }
}

void CmdXPending(CommandContext& ctx) {
  const size_t argc = ctx.argc();
  if (argc != 3 && (argc < 6 || argc > 9)) {
    return ctx.ReplySyntaxError();
  }
  int64_t min_idle = 0;
  int64_t count = 0;
  StreamId start;
  StreamId end;
  std::string_view consumer_name;
  bool has_consumer = false;
  const bool extended = argc >= 6;
  if (extended) {
    size_t at = 3;
    if (EqualsIgnoreCase(ctx.arg(3), "IDLE")) {
      const std::optional<int64_t> idle = IntArg(ctx, 4);
      if (!idle) {
        return;
      }
      if (argc < 8) {
        return ctx.ReplySyntaxError();
      }
      min_idle = *idle;
      at += 2;
    }
    const std::optional<int64_t> n = IntArg(ctx, at + 2);
    if (!n) {
      return;
    }
    count = std::max<int64_t>(*n, 0);
    const std::optional<StreamId> a = RangeArg(ctx, at, true);
    if (!a) {
      return;
    }
    const std::optional<StreamId> b = RangeArg(ctx, at + 1, false);
    if (!b) {
      return;
    }
    start = *a;
    end = *b;
    if (at + 3 < argc) {
      consumer_name = ctx.arg(at + 3);
      has_consumer = true;
      if (at + 4 < argc) {
        return ctx.ReplySyntaxError();
      }
    }
  }
  Stream* s = nullptr;
  bool failed = false;
  ConsumerGroup* g = FindKeyGroup(ctx, false, false, &s, &failed);
  if (failed) {
    return;
  }
  if (!extended) {
    return ReplyPendingSummary(ctx, *g);
  }
  const int64_t now = ctx.NowMs();
  net::ReplyBuilder& b = ctx.reply();
  const size_t header_at = b.size();
  int64_t n = 0;
  const auto emit = [&](StreamId id, const stream::PendingEntry& pe) {
    if (min_idle > 0 && now - pe.delivery_time_ms < min_idle) {
      return;
    }
    b.ArrayHeader(4);
    ReplyId(b, id);
    b.Bulk(pe.consumer->name);
    b.Integer(std::max<int64_t>(0, now - pe.delivery_time_ms));
    b.Integer(static_cast<int64_t>(pe.delivery_count));
    n++;
  };
  if (has_consumer) {
    stream::Consumer* c = g->FindConsumer(consumer_name);
    if (c != nullptr) {
      for (auto it = c->pending.lower_bound(start);
           it != c->pending.end() && *it <= end && n < count; ++it) {
        emit(*it, g->pel().at(*it));
      }
    }
  } else {
    for (auto it = g->pel().lower_bound(start);
         it != g->pel().end() && it->first <= end && n < count; ++it) {
      emit(it->first, it->second);
    }
  }
  b.ArrayHeaderAt(header_at, n);
}

// --- XCLAIM, XAUTOCLAIM ---

// Moves a PEL entry to c and updates its delivery data, as XCLAIM/XAUTOCLAIM do.
void Claim(ConsumerGroup& g, ConsumerGroup::Pel::iterator it, stream::Consumer* c,
           int64_t delivery_time_ms, int64_t retry_count, bool justid) {
  g.Transfer(it, c);
  stream::PendingEntry& pe = g.Touch(it);
  pe.delivery_time_ms = delivery_time_ms;
  if (retry_count >= 0) {
    pe.delivery_count = static_cast<uint64_t>(retry_count);
  } else if (!justid) {
    pe.delivery_count++;
  }
}

// The effect of dropping the pending record of a deleted entry (XCLAIM, XAUTOCLAIM).
void EmitAck(CommandContext& ctx, StreamId id) {
  if (ctx.SkipEffect()) {
    return;
  }
  const stream::IdText id_text(id);
  ctx.Emit({"XACK", ctx.arg(1), ctx.arg(2), id_text.view()});
}

struct ClaimOptions {
  int64_t delivery_time_ms = -1;
  int64_t retry_count = -1;
  bool force = false;
  bool justid = false;
  StreamId last_id;
};

// XCLAIM's trailing options, from argument i on.
std::optional<ClaimOptions> ParseClaimOptions(CommandContext& ctx, size_t i, int64_t now) {
  ClaimOptions o;
  for (; i < ctx.argc(); i++) {
    const bool more = i + 1 < ctx.argc();
    const std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "FORCE")) {
      o.force = true;
    } else if (EqualsIgnoreCase(opt, "JUSTID")) {
      o.justid = true;
    } else if ((EqualsIgnoreCase(opt, "IDLE") || EqualsIgnoreCase(opt, "TIME") ||
                EqualsIgnoreCase(opt, "RETRYCOUNT")) &&
               more) {
      const std::optional<int64_t> v = ParseInt64(ctx.arg(++i));
      if (!v) {
        ctx.ReplyErrorLine("ERR Invalid " + ToUpper(opt) + " option argument for XCLAIM");
        return std::nullopt;
      }
      if (EqualsIgnoreCase(opt, "IDLE")) {
        o.delivery_time_ms = now - *v;
      } else if (EqualsIgnoreCase(opt, "TIME")) {
        o.delivery_time_ms = *v;
      } else {
        o.retry_count = *v;
      }
    } else if (EqualsIgnoreCase(opt, "LASTID") && more) {
      const std::optional<StreamId> id = IdArg(ctx, ++i);
      if (!id) {
        return std::nullopt;
      }
      o.last_id = *id;
    } else {
      ctx.ReplyErrorLine("ERR Unrecognized XCLAIM option '" + std::string(opt) + "'");
      return std::nullopt;
    }
  }
  // Redis does not fail a bogus time (clients compute it from their own clocks): it uses now.
  if (o.delivery_time_ms < 0 || o.delivery_time_ms > now) {
    o.delivery_time_ms = now;
  }
  return o;
}

void CmdXClaim(CommandContext& ctx) {
  Stream* s = nullptr;
  bool failed = false;
  ConsumerGroup* g = FindKeyGroup(ctx, true, false, &s, &failed);
  if (failed) {
    return;
  }
  const std::optional<int64_t> min_idle_arg = ParseInt64(ctx.arg(4));
  if (!min_idle_arg) {
    return ctx.ReplyErrorLine("ERR Invalid min-idle-time argument for XCLAIM");
  }
  const int64_t min_idle = std::max<int64_t>(*min_idle_arg, 0);
  std::vector<StreamId> ids;
  size_t i = 5;
  for (; i < ctx.argc(); i++) {
    const std::optional<StreamId> id = stream::ParseId(ctx.arg(i), 0, false);
    if (!id) {
      break;  // the options begin
    }
    ids.push_back(*id);
  }
  const int64_t now = ctx.NowMs();
  const std::optional<ClaimOptions> o = ParseClaimOptions(ctx, i, now);
  if (!o) {
    return;
  }
  const bool moved = o->last_id > g->last_id();
  if (moved) {
    g->set_last_id(o->last_id);
  }
  stream::Consumer* c = g->FindConsumer(ctx.arg(3));
  if (c != nullptr) {
    c->seen_time_ms = now;
  }
  net::ReplyBuilder& b = ctx.reply();
  const size_t header_at = b.size();
  int64_t n = 0;
  std::vector<std::string_view> fv;
  for (const StreamId id : ids) {
    auto it = g->pel().find(id);
    if (!s->Lookup(id, &fv)) {
      if (it != g->pel().end()) {
        g->Erase(it);  // the entry is gone: so is its pending record
        EmitAck(ctx, id);
      }
      continue;
    }
    if (it == g->pel().end()) {
      if (!o->force) {
        continue;
      }
      it = g->InsertPending(id);  // FORCE: a new record, owned below
    } else if (min_idle > 0 && now - it->second.delivery_time_ms < min_idle) {
      continue;
    }
    if (c == nullptr) {
      c = g->CreateConsumer(ctx.arg(3), now);
    }
    Claim(*g, it, c, o->delivery_time_ms, o->retry_count, o->justid);
    c->active_time_ms = now;
    EmitClaim(ctx, ctx.arg(1), ctx.arg(2), *g, id);
    if (o->justid) {
      ReplyId(b, id);
    } else {
      ReplyEntry(b, id, fv);
    }
    n++;
  }
  if (moved && n == 0) {
    EmitGroupPosition(ctx, ctx.arg(1), ctx.arg(2), *g);  // each XCLAIM effect carries LASTID
  }
  b.ArrayHeaderAt(header_at, n);
}

void CmdXAutoClaim(CommandContext& ctx) {
  const std::optional<int64_t> min_idle_arg = ParseInt64(ctx.arg(4));
  if (!min_idle_arg) {
    return ctx.ReplyErrorLine("ERR Invalid min-idle-time argument for XAUTOCLAIM");
  }
  const int64_t min_idle = std::max<int64_t>(*min_idle_arg, 0);
  const std::optional<StreamId> start = RangeArg(ctx, 5, true);
  if (!start) {
    return;
  }
  constexpr int64_t kAttemptsFactor = 10;  // PEL records looked at per entry asked for
  int64_t count = 100;
  bool justid = false;
  for (size_t i = 6; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      const std::optional<int64_t> n = ParseInt64(ctx.arg(++i));
      if (!n || *n < 1 || *n > INT64_MAX / (16 * kAttemptsFactor)) {
        return ctx.ReplyErrorLine("ERR COUNT must be > 0");
      }
      count = *n;
    } else if (EqualsIgnoreCase(ctx.arg(i), "JUSTID")) {
      justid = true;
    } else {
      return ctx.ReplySyntaxError();
    }
  }
  Stream* s = nullptr;
  bool failed = false;
  ConsumerGroup* g = FindKeyGroup(ctx, true, false, &s, &failed);
  if (failed) {
    return;
  }
  const int64_t now = ctx.NowMs();
  stream::Consumer* c = g->FindConsumer(ctx.arg(3));
  if (c != nullptr) {
    c->seen_time_ms = now;
  }
  net::ReplyBuilder& b = ctx.reply();
  const size_t entries_at = b.size();
  int64_t claimed = 0;
  std::vector<StreamId> deleted;
  std::vector<std::string_view> fv;
  int64_t attempts = count * kAttemptsFactor;
  auto it = g->pel().lower_bound(*start);
  for (; attempts > 0 && count > 0 && it != g->pel().end(); attempts--) {
    const StreamId id = it->first;
    if (!s->Lookup(id, &fv)) {
      deleted.push_back(id);
      it = g->Erase(it);
      EmitAck(ctx, id);
      count--;  // COUNT limits the reply, deleted ids included
      continue;
    }
    if (min_idle > 0 && now - it->second.delivery_time_ms < min_idle) {
      ++it;
      continue;
    }
    if (c == nullptr) {
      c = g->CreateConsumer(ctx.arg(3), now);
    }
    Claim(*g, it, c, now, -1, justid);
    c->active_time_ms = now;
    EmitClaim(ctx, ctx.arg(1), ctx.arg(2), *g, id);
    if (justid) {
      ReplyId(b, id);
    } else {
      ReplyEntry(b, id, fv);
    }
    claimed++;
    count--;
    ++it;
  }
  // The reply's head, which needs the next cursor, goes in front of the entries written.
  const size_t head_at = b.size();
  b.ArrayHeader(3);
  ReplyId(b, it == g->pel().end() ? StreamId::Min() : it->first);  // the next cursor
  b.ArrayHeader(claimed);
  b.MoveTailTo(entries_at, head_at);
  b.ArrayHeader(static_cast<int64_t>(deleted.size()));
  for (const StreamId id : deleted) {
    ReplyId(b, id);
  }
}

// --- XINFO GROUPS, CONSUMERS, HELP ---

const Stream* InfoStream(CommandContext& ctx) {
  bool wrong = false;
  const Stream* s = FindStream(ctx, ctx.arg(2), false, &wrong);
  if (!wrong && s == nullptr) {
    ctx.ReplyError(ErrorCode::kNoSuchKey);
  }
  return s;
}

void CmdXInfoGroups(CommandContext& ctx) {
  const Stream* s = InfoStream(ctx);
  if (s == nullptr) {
    return;
  }
  net::ReplyBuilder& rb = ctx.reply();
  rb.ArrayHeader(static_cast<int64_t>(s->groups().size()));
  for (const auto& [name, g] : s->groups()) {
    rb.MapHeader(6);
    rb.Bulk("name");
    rb.Bulk(name);
    rb.Bulk("consumers");
    rb.Integer(static_cast<int64_t>(g->consumers().size()));
    rb.Bulk("pending");
    rb.Integer(static_cast<int64_t>(g->pel().size()));
    rb.Bulk("last-delivered-id");
    ReplyId(rb, g->last_id());
    rb.Bulk("entries-read");
    if (g->entries_read() != stream::kInvalidEntriesRead) {
      rb.Integer(g->entries_read());
    } else {
      rb.Null();
    }
    rb.Bulk("lag");
    if (const std::optional<int64_t> lag = s->Lag(*g)) {
      rb.Integer(*lag);
    } else {
      rb.Null();
    }
  }
}

void CmdXInfoConsumers(CommandContext& ctx) {
  Stream* s = const_cast<Stream*>(InfoStream(ctx));
  if (s == nullptr) {
    return;
  }
  const ConsumerGroup* g = s->FindGroup(ctx.arg(3));
  if (g == nullptr) {
    return ctx.ReplyErrorLine(NoConsumerGroupError(ctx.arg(3), ctx.arg(2)));
  }
  const int64_t now = ctx.NowMs();
  net::ReplyBuilder& rb = ctx.reply();
  rb.ArrayHeader(static_cast<int64_t>(g->consumers().size()));
  for (const auto& [name, c] : g->consumers()) {
    rb.MapHeader(4);
    rb.Bulk("name");
    rb.Bulk(name);
    rb.Bulk("pending");
    rb.Integer(static_cast<int64_t>(c->pending.size()));
    rb.Bulk("idle");
    rb.Integer(std::max<int64_t>(0, now - c->seen_time_ms));
    rb.Bulk("inactive");
    rb.Integer(c->active_time_ms < 0 ? -1 : std::max<int64_t>(0, now - c->active_time_ms));
  }
}

void CmdXInfoHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
      "HELP",
      "    Print this help.",
  };
  ReplyHelp(ctx, kLines);
}

}  // namespace

void RegisterStreamGroupFamily(CommandTable& t) {
  const auto key_row = [](std::string name, int arity, uint32_t flags, std::string_view acl,
                          std::string_view since, std::string_view summary,
                          std::string_view complexity, std::string_view syntax, Handler h) {
    return CommandSpec{.name = std::move(name),
                       .arity = arity,
                       .flags = flags,
                       .first_key = 1,
                       .last_key = 1,
                       .key_step = 1,
                       .acl = {acl, "stream", acl == "write" ? "fast" : "slow"},
                       .group = "stream",
                       .since = since,
                       .summary = summary,
                       .complexity = complexity,
                       .syntax = syntax,
                       .handler = h};
  };
  t.Add(key_row("xack", -4, kWrite | kFast, "write", "5.0.0",
                "Returns the number of messages that were successfully acknowledged by the "
                "consumer group member of a stream.",
                "O(1) for each message ID processed.", "key group id [id ...]", CmdXAck));
  t.Add(key_row("xpending", -3, kReadOnly, "read", "5.0.0",
                "Returns the information and entries from a stream consumer group's pending "
                "entries list.",
                "O(N) with N being the number of elements returned, so asking for a small fixed "
                "number of entries per call is O(1). O(M), where M is the total number of "
                "entries scanned when used with the IDLE filter. When the command returns just "
                "the summary and the list of consumers is small, it runs in O(1) time; "
                "otherwise, an additional O(N) time for iterating every consumer.",
                "key group [[IDLE min-idle-time] start end count [consumer]]", CmdXPending));
  t.Add(key_row("xclaim", -6, kWrite | kFast, "write", "5.0.0",
                "Changes, or acquires, ownership of a message in a consumer group, as if the "
                "message was delivered a consumer group member.",
                "O(log N) with N being the number of messages in the PEL of the consumer group.",
                "key group consumer min-idle-time id [id ...] [IDLE ms] "
                "[TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] "
                "[LASTID lastid]",
                CmdXClaim));
  t.Add(key_row("xautoclaim", -6, kWrite | kFast, "write", "6.2.0",
                "Changes, or acquires, ownership of messages in a consumer group, as if the "
                "messages were delivered to as consumer group member.",
                "O(1) if COUNT is small.",
                "key group consumer min-idle-time start [COUNT count] [JUSTID]", CmdXAutoClaim));

  // XGROUP and XINFO subcommands: the key is argument 2.
  const auto key_sub = [](CommandSpec& parent, std::string name, int arity, uint32_t flags,
                          std::string_view acl, std::string_view since, std::string_view summary,
                          std::string_view complexity, std::string_view syntax, Handler h) {
    parent.subcommands.push_back({.name = parent.name + "|" + name,
                                  .arity = arity,
                                  .flags = flags,
                                  .first_key = 2,
                                  .last_key = 2,
                                  .key_step = 1,
                                  .acl = {acl, "stream", "slow"},
                                  .group = "stream",
                                  .since = since,
                                  .summary = summary,
                                  .complexity = complexity,
                                  .syntax = syntax,
                                  .handler = h});
  };
  CommandSpec xgroup{.name = "xgroup",
                     .arity = -2,
                     .acl = {"slow"},
                     .group = "stream",
                     .since = "5.0.0",
                     .summary = "A container for consumer groups commands.",
                     .complexity = "Depends on subcommand."};
  key_sub(xgroup, "create", -5, kWrite | kDenyOom, "write", "5.0.0", "Creates a consumer group.",
          "O(1)", "key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]", CmdXGroupCreate);
  key_sub(xgroup, "setid", -5, kWrite, "write", "5.0.0",
          "Sets the last-delivered ID of a consumer group.", "O(1)",
          "key group id|$ [ENTRIESREAD entries-read]", CmdXGroupSetId);
  key_sub(xgroup, "destroy", 4, kWrite, "write", "5.0.0", "Destroys a consumer group.",
          "O(N) where N is the number of entries in the group's pending entries list (PEL).",
          "key group", CmdXGroupDestroy);
  key_sub(xgroup, "createconsumer", 5, kWrite | kDenyOom, "write", "6.2.0",
          "Creates a consumer in a consumer group.", "O(1)", "key group consumer",
          CmdXGroupCreateConsumer);
  key_sub(xgroup, "delconsumer", 5, kWrite, "write", "5.0.0",
          "Deletes a consumer from a consumer group.", "O(1)", "key group consumer",
          CmdXGroupDelConsumer);
  xgroup.subcommands.push_back(
      HelpSubcommand("xgroup", {"stream", "slow"}, "stream", "5.0.0", CmdXGroupHelp));
  t.Add(std::move(xgroup));

  CommandSpec xinfo{.name = "xinfo",
                    .arity = -2,
                    .acl = {"slow"},
                    .group = "stream",
                    .since = "5.0.0",
                    .summary = "A container for stream introspection commands.",
                    .complexity = "Depends on subcommand."};
  key_sub(xinfo, "stream", -3, kReadOnly, "read", "5.0.0", "Returns information about a stream.",
          "O(1)", "key [FULL [COUNT count]]", XInfoStream);
  key_sub(xinfo, "groups", 3, kReadOnly, "read", "5.0.0",
          "Returns a list of the consumer groups of a stream.", "O(1)", "key", CmdXInfoGroups);
  key_sub(xinfo, "consumers", 4, kReadOnly, "read", "5.0.0",
          "Returns a list of the consumers in a consumer group.", "O(1)", "key group",
          CmdXInfoConsumers);
  xinfo.subcommands.push_back(
      HelpSubcommand("xinfo", {"stream", "slow"}, "stream", "5.0.0", CmdXInfoHelp));
  t.Add(std::move(xinfo));
}

}  // namespace rill::cmd
