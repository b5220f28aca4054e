// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/stream_family.cc: stream entries and reads: XADD, XLEN, XRANGE, XREVRANGE, XDEL,
// XTRIM, XSETID, XREAD, XREADGROUP and XINFO STREAM. Consumer-group administration is in
// stream_group_family.cc. Semantics, replies and error texts are Redis 7.2's; the parse
// order of each command follows Redis's, so that the same bad request gets the same
// error. XREAD's "+" id is Redis 7.4's (the last entry).
//
// Blocking reads follow Redis 7: a read that finds nothing and may block parks the client
// (CommandContext::Block) with its request, "$" turned into the ids it stood for, and runs
// again whenever a key it waits on changes; see shard/blocking.cc.
#include <absl/container/inlined_vector.h>

#include "cmd/families.h"
#include "cmd/stream_common.h"
#include "core/strings.h"

namespace rill::cmd {

using stream::AddIdSpec;
using stream::Stream;
using stream::StreamId;
using stream::TrimSpec;

// --- Shared helpers (stream_common.h) ---

stream::Stream* FindStream(CommandContext& ctx, std::string_view key, bool write, bool* wrong) {
  shard::Keyspace& ks = ctx.ks(key);  // XREAD and XREADGROUP may span shards
  shard::Entry* e = write ? ks.FindWrite(ctx.db(), key) : ks.FindRead(ctx.db(), key);
  *wrong = false;
  if (e == nullptr) {
    return nullptr;
  }
  if (!e->value.is_stream()) {
    *wrong = true;
    ctx.ReplyError(ErrorCode::kWrongType);
    return nullptr;
  }
  return e->value.stream.get();
}

stream::NodeLimits NodeLimitsOf(const config::Config& cfg) {
  return {cfg.stream_node_max_bytes, cfg.stream_node_max_entries};
}

void ReplyId(net::ReplyBuilder& rb, StreamId id) {
  char buf[stream::kMaxIdText];
  rb.Bulk(std::string_view(buf, stream::FormatIdTo(buf, id)));
}

void ReplyEntry(net::ReplyBuilder& rb, StreamId id, std::span<const std::string_view> fv) {
  rb.ArrayHeader(2);
  ReplyId(rb, id);
  rb.ArrayHeader(static_cast<int64_t>(fv.size()));
  for (const std::string_view s : fv) {
    rb.Bulk(s);
  }
}

size_t ReplyRange(net::ReplyBuilder& rb, const Stream& s, StreamId start, StreamId end,
                  bool reverse, size_t count) {
  const size_t header_at = rb.size();
  size_t n = 0;
  Stream::Iterator it(s, start, end, reverse);
  while (n < count && it.Next()) {
    ReplyEntry(rb, it.id(), it.fv());
    n++;
  }
  rb.ArrayHeaderAt(header_at, static_cast<int64_t>(n));
  return n;
}

void EmitClaim(CommandContext& ctx, std::string_view key, std::string_view group,
               const stream::ConsumerGroup& g, StreamId id) {
  if (ctx.SkipEffect()) {
    return;
  }
  const stream::PendingEntry& pe = g.pel().at(id);
  const stream::IdText id_text(id);
  const std::string time = std::to_string(pe.delivery_time_ms);
  const std::string count = std::to_string(pe.delivery_count);
  const stream::IdText last(g.last_id());
  ctx.Emit({"XCLAIM", key, group, pe.consumer->name, "0", id_text.view(), "TIME", time,
            "RETRYCOUNT", count, "FORCE", "JUSTID", "LASTID", last.view()});
}

void EmitGroupPosition(CommandContext& ctx, std::string_view key, std::string_view group,
                       const stream::ConsumerGroup& g) {
  if (ctx.SkipEffect()) {
    return;
  }
  const stream::IdText last(g.last_id());
  const std::string read = std::to_string(g.entries_read());
  ctx.Emit({"XGROUP", "SETID", key, group, last.view(), "ENTRIESREAD", read});
}

std::optional<StreamId> IdArg(CommandContext& ctx, size_t i, uint64_t missing_seq) {
  std::optional<StreamId> id = stream::ParseId(ctx.arg(i), missing_seq, false);
  if (!id) {
    ctx.ReplyErrorLine(stream::kInvalidIdError);
  }
  return id;
}

std::optional<std::vector<StreamId>> IdArgs(CommandContext& ctx, size_t from) {
  std::vector<StreamId> ids;
  ids.reserve(ctx.argc() - from);
  for (size_t i = from; i < ctx.argc(); i++) {
    const std::optional<StreamId> id = IdArg(ctx, i);
    if (!id) {
      return std::nullopt;
    }
    ids.push_back(*id);
  }
  return ids;
}

std::optional<StreamId> RangeArg(CommandContext& ctx, size_t i, bool is_start) {
  std::string error;
  std::optional<StreamId> id = stream::ParseRangeBound(ctx.arg(i), is_start, &error);
  if (!id) {
    ctx.ReplyErrorLine(error);
  }
  return id;
}

std::string NoGroupError(std::string_view key, std::string_view group, bool xreadgroup) {
  std::string line = "NOGROUP No such key '" + std::string(key) + "' or consumer group '" +
                     std::string(group) + "'";
  if (xreadgroup) {
    line += " in XREADGROUP with GROUP option";
  }
  return line;
}

namespace {

// --- XADD, XTRIM ---

struct AddArgs {
  TrimSpec trim;
  bool nomkstream = false;
  AddIdSpec id;
  size_t fields_at = 0;  // first field argument (XADD)
};

// Redis's streamParseAddOrTrimArgsOrReply: options, then (XADD) the id.
std::optional<AddArgs> ParseAddOrTrim(CommandContext& ctx, bool xadd) {
  AddArgs a;
  bool limit_given = false;
  size_t i = 2;
  for (; i < ctx.argc(); i++) {
    const size_t more = ctx.argc() - 1 - i;
    const std::string_view opt = ctx.arg(i);
    const bool maxlen = EqualsIgnoreCase(opt, "MAXLEN");
    if (xadd && opt == "*") {
      break;
    }
    if ((maxlen || EqualsIgnoreCase(opt, "MINID")) && more > 0) {
      if (a.trim.strategy != TrimSpec::Strategy::kNone) {
        ctx.ReplyErrorLine(
            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        return std::nullopt;
      }
      a.trim.approx = false;
      const std::string_view next = ctx.arg(i + 1);
      if (more >= 2 && (next == "~" || next == "=")) {
        a.trim.approx = next == "~";
        i++;
      }
      if (maxlen) {
        const std::optional<int64_t> n = IntArg(ctx, i + 1);
        if (!n) {
          return std::nullopt;
        }
        if (*n < 0) {
          ctx.ReplyErrorLine("ERR The MAXLEN argument must be >= 0.");
          return std::nullopt;
        }
        a.trim.strategy = TrimSpec::Strategy::kMaxLen;
        a.trim.maxlen = static_cast<uint64_t>(*n);
      } else {
        const std::optional<StreamId> id = IdArg(ctx, i + 1);
        if (!id) {
          return std::nullopt;
        }
        a.trim.strategy = TrimSpec::Strategy::kMinId;
        a.trim.minid = *id;
      }
      i++;
    } else if (EqualsIgnoreCase(opt, "LIMIT") && more > 0) {
      const std::optional<int64_t> n = IntArg(ctx, i + 1);
      if (!n) {
        return std::nullopt;
      }
      if (*n < 0) {
        ctx.ReplyErrorLine("ERR The LIMIT argument must be >= 0.");
        return std::nullopt;
      }
      a.trim.limit = *n;
      limit_given = true;
      i++;
    } else if (xadd && EqualsIgnoreCase(opt, "NOMKSTREAM")) {
      a.nomkstream = true;
    } else if (xadd) {
      const std::optional<AddIdSpec> id = stream::ParseAddId(opt);
      if (!id) {
        ctx.ReplyErrorLine(stream::kInvalidIdError);
        return std::nullopt;
      }
      a.id = *id;
      break;
    } else {
      ctx.ReplySyntaxError();
      return std::nullopt;
    }
  }
  if (a.trim.limit > 0 && a.trim.strategy == TrimSpec::Strategy::kNone) {
    ctx.ReplyErrorLine(
        "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return std::nullopt;
  }
  if (!xadd && a.trim.strategy == TrimSpec::Strategy::kNone) {
    ctx.ReplyErrorLine("ERR syntax error, XTRIM must be called with a trimming strategy");
    return std::nullopt;
  }
  if (limit_given && !a.trim.approx) {
    ctx.ReplyErrorLine("ERR syntax error, LIMIT cannot be used without the special ~ option");
    return std::nullopt;
  }
  if (!limit_given) {
    // Redis: approximate trimming does at most 100 nodes' worth of work by default.
    const int64_t entries = ctx.config().stream_node_max_entries;
    a.trim.limit =
        a.trim.approx ? std::clamp<int64_t>(entries > 0 ? 100 * entries : 10000, 1, 1000000) : 0;
  }
  a.fields_at = i + 1;
  return a;
}

// XADD's effect: the id it got, and, when it trimmed, the exact length that left (Redis
// rewrites "~" the same way: node sizes may differ where the effect is replayed).
void EmitAdd(CommandContext& ctx, const Stream& s, StreamId id,
             std::span<const std::string_view> fields, bool trimmed) {
  if (ctx.SkipEffect()) {
    return;
  }
  const stream::IdText id_text(id);
  const std::string length = std::to_string(s.length());
  // Inline room for XADD key MAXLEN = n id and five field/value pairs: most XADDs build
  // their effect without an allocation.
  absl::InlinedVector<std::string_view, 16> effect = {"XADD", ctx.arg(1)};
  if (trimmed) {
    effect.insert(effect.end(), {"MAXLEN", "=", length});
  }
  effect.push_back(id_text.view());
  effect.insert(effect.end(), fields.begin(), fields.end());
  ctx.Emit(effect);
}

void CmdXAdd(CommandContext& ctx) {
  std::optional<AddArgs> a = ParseAddOrTrim(ctx, true);
  if (!a) {
    return;
  }
  const size_t nfields = ctx.argc() - std::min(ctx.argc(), a->fields_at);
  if (nfields < 2 || nfields % 2 != 0) {
    return ctx.ReplyWrongArity();
  }
  if (a->id.kind == AddIdSpec::Kind::kExplicit && a->id.id.IsZero()) {
    return ctx.ReplyErrorLine("ERR The ID specified in XADD must be greater than 0-0");
  }
  bool wrong = false;
  Stream* s = FindStream(ctx, ctx.arg(1), true, &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr) {
    if (a->nomkstream) {
      return ctx.ReplyNull();
    }
    s = ctx.ks().Add(ctx.db(), ctx.arg(1), shard::Value::NewStream())->value.stream.get();
  }
  Result<StreamId> id = s->NextId(a->id, ctx.NowMs());
  if (!id.ok()) {
    return ctx.ReplyError(id.status());
  }
  const std::span<const std::string_view> fields = ctx.args().subspan(a->fields_at);
  s->Append(*id, fields, NodeLimitsOf(ctx.config()));
  ReplyId(ctx.reply(), *id);
  const bool trimmed = s->Trim(a->trim) > 0;
  ctx.ks().MarkModified(ctx.db(), ctx.arg(1));
  EmitAdd(ctx, *s, *id, fields, trimmed);
}

void CmdXTrim(CommandContext& ctx) {
  std::optional<AddArgs> a = ParseAddOrTrim(ctx, false);
  if (!a) {
    return;
  }
  bool wrong = false;
  Stream* s = FindStream(ctx, ctx.arg(1), true, &wrong);
  if (wrong) {
    return;
  }
  const uint64_t removed = s == nullptr ? 0 : s->Trim(a->trim);
  if (removed > 0) {
    ctx.ks().MarkModified(ctx.db(), ctx.arg(1));
    const std::string length = std::to_string(s->length());
    ctx.Emit({"XTRIM", ctx.arg(1), "MAXLEN", "=", length});
  }
  ctx.ReplyInt(static_cast<int64_t>(removed));
}

// --- XLEN, XRANGE, XREVRANGE, XDEL ---

void CmdXLen(CommandContext& ctx) {
  bool wrong = false;
  const Stream* s = FindStream(ctx, ctx.arg(1), false, &wrong);
  if (!wrong) {
    ctx.ReplyInt(s == nullptr ? 0 : static_cast<int64_t>(s->length()));
  }
}

void XRangeGeneric(CommandContext& ctx, bool reverse) {
  const std::optional<StreamId> start = RangeArg(ctx, reverse ? 3 : 2, true);
  if (!start) {
    return;
  }
  const std::optional<StreamId> end = RangeArg(ctx, reverse ? 2 : 3, false);
  if (!end) {
    return;
  }
  size_t count = SIZE_MAX;
  for (size_t i = 4; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      const std::optional<int64_t> n = IntArg(ctx, ++i);
      if (!n) {
        return;
      }
      count = *n < 0 ? 0 : static_cast<size_t>(*n);
    } else {
      return ctx.ReplySyntaxError();
    }
  }
  bool wrong = false;
  const Stream* s = FindStream(ctx, ctx.arg(1), false, &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr) {
    return ctx.reply().ArrayHeader(0);
  }
  if (count == 0) {
    return ctx.reply().NullArray();  // Redis answers COUNT 0 on a stream with a null array
  }
  ReplyRange(ctx.reply(), *s, *start, *end, reverse, count);
}

void CmdXRange(CommandContext& ctx) { XRangeGeneric(ctx, false); }
void CmdXRevRange(CommandContext& ctx) { XRangeGeneric(ctx, true); }

void CmdXDel(CommandContext& ctx) {
  // Redis looks the key up first: a missing key answers 0 whatever the ids.
  bool wrong = false;
  Stream* s = FindStream(ctx, ctx.arg(1), true, &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr) {
    return ctx.ReplyInt(0);
  }
  const std::optional<std::vector<StreamId>> ids = IdArgs(ctx, 2);
  if (!ids) {
    return;
  }
  int64_t deleted = 0;
  for (const StreamId id : *ids) {
    deleted += s->Delete(id) ? 1 : 0;
  }
  if (deleted > 0) {
    ctx.ks().MarkModified(ctx.db(), ctx.arg(1));
    ctx.Propagate();
  }
  ctx.ReplyInt(deleted);
}

// --- XSETID ---

// The id of the last live entry; 0-0 when empty.
StreamId LastLiveId(const Stream& s) {
  Stream::Iterator it(s, StreamId::Min(), StreamId::Max(), true);
  return it.Next() ? it.id() : StreamId::Min();
}

void CmdXSetId(CommandContext& ctx) {
  const std::optional<StreamId> id = IdArg(ctx, 2);
  if (!id) {
    return;
  }
  int64_t entries_added = -1;
  StreamId max_deleted;
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    const std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "ENTRIESADDED") && i + 1 < ctx.argc()) {
      const std::optional<int64_t> n = IntArg(ctx, i + 1);
      if (!n) {
        return;
      }
      if (*n < 0) {
        return ctx.ReplyErrorLine("ERR entries_added must be positive");
      }
      entries_added = *n;
    } else if (EqualsIgnoreCase(opt, "MAXDELETEDID") && i + 1 < ctx.argc()) {
      const std::optional<StreamId> m = IdArg(ctx, i + 1);
      if (!m) {
        return;
      }
      if (*id < *m) {
        return ctx.ReplyErrorLine(
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
      }
      max_deleted = *m;
    } else {
      return ctx.ReplySyntaxError();
    }
  }
  bool wrong = false;
  Stream* s = FindStream(ctx, ctx.arg(1), true, &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr) {
    return ctx.ReplyError(ErrorCode::kNoSuchKey);
  }
  if (*id < s->max_deleted_id()) {
    return ctx.ReplyErrorLine(
        "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
  }
  if (s->length() > 0) {
    if (*id < LastLiveId(*s)) {
      return ctx.ReplyErrorLine(
          "ERR The ID specified in XSETID is smaller than the target stream top item");
    }
    if (entries_added != -1 && s->length() > static_cast<uint64_t>(entries_added)) {
      return ctx.ReplyErrorLine(
          "ERR The entries_added specified in XSETID is smaller than the target stream length");
    }
  }
  s->SetLastId(*id);
  if (entries_added != -1) {
    s->set_entries_added(static_cast<uint64_t>(entries_added));
  }
  if (!max_deleted.IsZero()) {
    s->set_max_deleted_id(max_deleted);
  }
  ctx.ks().MarkModified(ctx.db(), ctx.arg(1));
  ctx.Propagate();
  ctx.ReplyOk();
}

// --- XREAD, XREADGROUP ---

struct ReadArgs {
  bool group_read = false;
  bool has_group = false;
  std::string_view group;
  std::string_view consumer;
  bool noack = false;
  int64_t timeout_ms = -1;  // -1 = no BLOCK
  size_t count = 0;         // 0 = no limit
  size_t streams_at = 0;    // first key
  size_t nkeys = 0;
};

std::optional<ReadArgs> ParseRead(CommandContext& ctx, bool xreadgroup) {
  ReadArgs a;
  a.group_read = xreadgroup;
  const char* name = xreadgroup ? "XREADGROUP" : "XREAD";
  for (size_t i = 1; i < ctx.argc(); i++) {
    const size_t more = ctx.argc() - 1 - i;
    const std::string_view o = ctx.arg(i);
    if (EqualsIgnoreCase(o, "BLOCK") && more > 0) {
      const std::optional<int64_t> t = ParseInt64(ctx.arg(++i));
      if (!t) {
        ctx.ReplyErrorLine("ERR timeout is not an integer or out of range");
        return std::nullopt;
      }
      if (*t < 0) {
        ctx.ReplyErrorLine("ERR timeout is negative");
        return std::nullopt;
      }
      if (*t > INT64_MAX - ctx.NowMs()) {
        ctx.ReplyErrorLine("ERR timeout is out of range");
        return std::nullopt;
      }
      a.timeout_ms = *t;
    } else if (EqualsIgnoreCase(o, "COUNT") && more > 0) {
      const std::optional<int64_t> n = IntArg(ctx, ++i);
      if (!n) {
        return std::nullopt;
      }
      a.count = *n < 0 ? 0 : static_cast<size_t>(*n);
    } else if (EqualsIgnoreCase(o, "STREAMS") && more > 0) {
      a.streams_at = i + 1;
      if (more % 2 != 0) {
        ctx.ReplyErrorLine(std::string("ERR Unbalanced ") + name +
                           " list of streams: for each stream key an ID or '" +
                           (xreadgroup ? ">" : "$") + "' must be specified.");
        return std::nullopt;
      }
      a.nkeys = more / 2;
      break;
    } else if (EqualsIgnoreCase(o, "GROUP") && more >= 2) {
      if (!xreadgroup) {
        ctx.ReplyErrorLine(
            "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        return std::nullopt;
      }
      a.has_group = true;
      a.group = ctx.arg(i + 1);
      a.consumer = ctx.arg(i + 2);
      i += 2;
    } else if (EqualsIgnoreCase(o, "NOACK")) {
      if (!xreadgroup) {
        ctx.ReplyErrorLine(
            "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        return std::nullopt;
      }
      a.noack = true;
    } else {
      ctx.ReplySyntaxError();
      return std::nullopt;
    }
  }
  if (a.streams_at == 0) {
    ctx.ReplySyntaxError();
    return std::nullopt;
  }
  if (xreadgroup && !a.has_group) {
    ctx.ReplyErrorLine("ERR Missing GROUP option for XREADGROUP");
    return std::nullopt;
  }
  return a;
}

// What one key of a read asks for.
struct ReadTarget {
  enum class Kind : uint8_t { kAfter, kNew, kLast, kHistory };
  Kind kind = Kind::kAfter;  // kAfter: XREAD id or "$"; kNew: ">"; kLast: "+"
  StreamId after;            // entries above this id
  Stream* stream = nullptr;
  stream::ConsumerGroup* group = nullptr;
};
// One per key of the read; the common read names one or two keys.
using ReadTargets = absl::InlinedVector<ReadTarget, 2>;
// The ids one key's read delivers into the PEL; COUNT up to 16 needs no allocation.
using Deliveries = absl::InlinedVector<StreamId, 16>;

// Resolves each key's id argument against the keyspace, in Redis's order and with its
// errors. A re-run of a blocked XREAD treats a key that is no longer a stream as empty.
std::optional<ReadTargets> ResolveTargets(CommandContext& ctx, const ReadArgs& a) {
  ReadTargets targets(a.nkeys);
  for (size_t k = 0; k < a.nkeys; k++) {
    const std::string_view key = ctx.arg(a.streams_at + k);
    const std::string_view id = ctx.arg(a.streams_at + a.nkeys + k);
    ReadTarget& t = targets[k];
    shard::Entry* e = ctx.ks(key).FindRead(ctx.db(), key);
    if (e != nullptr && !e->value.is_stream()) {
      if (ctx.rerun() && !a.group_read) {
        continue;  // Redis 7.2 keeps such an XREAD waiting for a stream
      }
      ctx.ReplyError(ErrorCode::kWrongType);
      return std::nullopt;
    }
    t.stream = e == nullptr ? nullptr : e->value.stream.get();
    if (a.group_read) {
      t.group = t.stream == nullptr ? nullptr : t.stream->FindGroup(a.group);
      if (t.group == nullptr) {
        ctx.ReplyErrorLine(NoGroupError(key, a.group, true));
        return std::nullopt;
      }
    }
    if (id == "$") {
      if (a.group_read) {
        ctx.ReplyErrorLine(
            "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
            "history of this consumer by specifying a proper ID, or use the > ID to get new "
            "messages. The $ ID would just return an empty result set.");
        return std::nullopt;
      }
      t.after = t.stream == nullptr ? StreamId::Min() : t.stream->last_id();
    } else if (id == ">") {
      if (!a.group_read) {
        ctx.ReplyErrorLine(
            "ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
            "<group> <consumer> option.");
        return std::nullopt;
      }
      t.kind = ReadTarget::Kind::kNew;
    } else if (id == "+" && !a.group_read) {
      t.kind = ReadTarget::Kind::kLast;
    } else {
      const std::optional<StreamId> parsed = IdArg(ctx, a.streams_at + a.nkeys + k);
      if (!parsed) {
        return std::nullopt;
      }
      t.after = *parsed;
      t.kind = a.group_read ? ReadTarget::Kind::kHistory : ReadTarget::Kind::kAfter;
    }
  }
  return targets;
}

// How many deliveries a read of at most count (0: no limit) is given room for up front:
// beyond Deliveries' inline 16, a list regrown id by id would allocate at every doubling.
size_t ExpectedEntries(size_t count) {
  constexpr size_t kAtMost = 128;
  return count == 0 ? kAtMost : std::min(count, kAtMost);
}

// XREADGROUP with an id: the consumer's own pending entries above it; deleted entries come
// back as [id, nil]. Each counts as a delivery, appended to *delivered.
void ReplyHistory(net::ReplyBuilder& rb, ReadTarget& t, stream::Consumer* c, size_t count,
                  int64_t now_ms, Deliveries* delivered) {
  const std::optional<StreamId> from = t.after.Next();
  const auto first = from ? c->pending.lower_bound(*from) : c->pending.end();
  const size_t header_at = rb.size();
  size_t n = 0;
  std::vector<std::string_view> fv;
  for (auto it = first; it != c->pending.end() && (count == 0 || n < count); ++it, ++n) {
    if (!t.stream->Lookup(*it, &fv)) {
      rb.ArrayHeader(2);
      ReplyId(rb, *it);
      rb.NullArray();
      continue;
    }
    ReplyEntry(rb, *it, fv);
    stream::PendingEntry& pe = t.group->Touch(t.group->pel().find(*it));
    pe.delivery_time_ms = now_ms;
    pe.delivery_count++;
    delivered->push_back(*it);
  }
  rb.ArrayHeaderAt(header_at, static_cast<int64_t>(n));
}

// New entries for one key: above `after` for XREAD, above the group's last id for ">"
// (which moves the group on and, without NOACK, records the deliveries in the PEL and in
// *delivered). Returns false when there is nothing to serve, having written nothing.
bool ReplyNew(net::ReplyBuilder& rb, ReadTarget& t, const ReadArgs& a, stream::Consumer* c,
              int64_t now_ms, Deliveries* delivered) {
  Stream& s = *t.stream;
  if (t.kind == ReadTarget::Kind::kLast) {
    Stream::Iterator last(s, StreamId::Min(), StreamId::Max(), true);
    if (!last.Next()) {
      return false;
    }
    rb.ArrayHeader(1);
    ReplyEntry(rb, last.id(), last.fv());
    return true;
  }
  const StreamId after = t.kind == ReadTarget::Kind::kNew ? t.group->last_id() : t.after;
  const std::optional<StreamId> from = after.Next();
  if (s.length() == 0 || !from || s.last_id() < *from) {
    return false;
  }
  // Something is there to serve: only now is the delivery list given room, so a read that
  // finds nothing (a consumer polling, or about to block) allocates nothing for it.
  if (t.group != nullptr && !a.noack) {
    delivered->reserve(delivered->size() + ExpectedEntries(a.count));
  }
  const size_t header_at = rb.size();
  size_t n = 0;
  Stream::Iterator it(s, *from, StreamId::Max(), false);
  while ((a.count == 0 || n < a.count) && it.Next()) {
    if (t.group != nullptr) {
      s.MarkRead(*t.group, it.id());
      if (!a.noack) {
        t.group->Deliver(it.id(), c, now_ms);
        delivered->push_back(it.id());
      }
    }
    ReplyEntry(rb, it.id(), it.fv());
    n++;
  }
  if (n == 0) {
    return false;
  }
  if (c != nullptr && !a.noack) {
    c->active_time_ms = now_ms;  // Redis 7.2: active means entries entered its PEL
  }
  rb.ArrayHeaderAt(header_at, static_cast<int64_t>(n));
  return true;
}

// Parks the client on every key of the read; "$" becomes the id it stood for.
void BlockRead(CommandContext& ctx, const ReadArgs& a, const ReadTargets& targets) {
  std::vector<std::pair<int, std::string>> keys;
  std::vector<std::string> argv(ctx.args().begin(), ctx.args().end());
  for (size_t k = 0; k < a.nkeys; k++) {
    keys.emplace_back(ctx.db(), std::string(ctx.arg(a.streams_at + k)));
    std::string& id = argv[a.streams_at + a.nkeys + k];
    if (id == "$") {
      id = stream::FormatId(targets[k].after);
    }
  }
  const int64_t deadline = a.timeout_ms == 0 ? 0 : ctx.NowMs() + a.timeout_ms;
  ctx.Block(std::move(keys), deadline, std::move(argv));
}

void XReadGeneric(CommandContext& ctx, bool xreadgroup) {
  const std::optional<ReadArgs> a = ParseRead(ctx, xreadgroup);
  if (!a) {
    return;
  }
  std::optional<ReadTargets> targets = ResolveTargets(ctx, *a);
  if (!targets) {
    return;
  }
  const int64_t now = ctx.NowMs();
  // Each served key's reply is written straight into the client's; the counts go in
  // front once known, and a key with nothing to serve is taken back out.
  net::ReplyBuilder& rb = ctx.reply();
  const size_t header_at = rb.size();
  int64_t served = 0;
  Deliveries delivered;
  for (size_t k = 0; k < a->nkeys; k++) {
    ReadTarget& t = (*targets)[k];
    if (t.stream == nullptr) {
      continue;
    }
    const std::string_view key = ctx.arg(a->streams_at + k);
    stream::Consumer* c = nullptr;
    StreamId last_before;
    if (t.group != nullptr) {
      bool created = false;
      c = t.group->FindOrCreateConsumer(a->consumer, now, &created);
      c->seen_time_ms = now;
      if (created) {
        ctx.Emit({"XGROUP", "CREATECONSUMER", key, a->group, a->consumer});
      }
      last_before = t.group->last_id();
    }
    delivered.erase(delivered.begin(), delivered.end());  // clear() would free its room
    const size_t mark = rb.size();
    if (rb.resp() == 2) {
      rb.ArrayHeader(2);
    }
    rb.Bulk(key);
    if (t.kind == ReadTarget::Kind::kHistory) {
      ReplyHistory(rb, t, c, a->count, now, &delivered);
    } else if (!ReplyNew(rb, t, *a, c, now, &delivered)) {
      rb.TruncateTo(mark);
      continue;
    }
    for (const StreamId id : delivered) {
      EmitClaim(ctx, key, a->group, *t.group, id);
    }
    if (t.group != nullptr && t.group->last_id() != last_before) {
      EmitGroupPosition(ctx, key, a->group, *t.group);
    }
    served++;
  }
  if (served > 0) {
    if (rb.resp() == 2) {
      rb.ArrayHeaderAt(header_at, served);
    } else {
      rb.MapHeaderAt(header_at, served);
    }
    return;
  }
  if (a->timeout_ms >= 0 && ctx.can_block()) {
    return BlockRead(ctx, *a, *targets);
  }
  ctx.reply().NullArray();
}

void CmdXRead(CommandContext& ctx) { XReadGeneric(ctx, false); }
void CmdXReadGroup(CommandContext& ctx) { XReadGeneric(ctx, true); }

// --- XINFO STREAM ---

void ReplyFullGroups(CommandContext& ctx, const Stream& s, size_t count) {
  net::ReplyBuilder& rb = ctx.reply();
  rb.ArrayHeader(static_cast<int64_t>(s.groups().size()));
  for (const auto& [name, g] : s.groups()) {
    rb.MapHeader(7);
    rb.Bulk("name");
    rb.Bulk(name);
    rb.Bulk("last-delivered-id");
    ReplyId(rb, g->last_id());
    rb.Bulk("entries-read");
    if (g->entries_read() != stream::kInvalidEntriesRead) {
      rb.Integer(g->entries_read());
    } else {
      rb.Null();
    }
    rb.Bulk("lag");
    if (const std::optional<int64_t> lag = s.Lag(*g)) {
      rb.Integer(*lag);
    } else {
      rb.Null();
    }
    rb.Bulk("pel-count");
    rb.Integer(static_cast<int64_t>(g->pel().size()));
    rb.Bulk("pending");
    const size_t pel_n = count == 0 ? g->pel().size() : std::min(count, g->pel().size());
    rb.ArrayHeader(static_cast<int64_t>(pel_n));
    size_t n = 0;
    for (auto it = g->pel().begin(); n < pel_n; ++it, ++n) {
      rb.ArrayHeader(4);
      ReplyId(rb, it->first);
      rb.Bulk(it->second.consumer->name);
      rb.Integer(it->second.delivery_time_ms);
      rb.Integer(static_cast<int64_t>(it->second.delivery_count));
    }
    rb.Bulk("consumers");
    rb.ArrayHeader(static_cast<int64_t>(g->consumers().size()));
    for (const auto& [cname, c] : g->consumers()) {
      rb.MapHeader(5);
      rb.Bulk("name");
      rb.Bulk(cname);
      rb.Bulk("seen-time");
      rb.Integer(c->seen_time_ms);
      rb.Bulk("active-time");
      rb.Integer(c->active_time_ms);
      rb.Bulk("pel-count");
      rb.Integer(static_cast<int64_t>(c->pending.size()));
      rb.Bulk("pending");
      const size_t cn = count == 0 ? c->pending.size() : std::min(count, c->pending.size());
      rb.ArrayHeader(static_cast<int64_t>(cn));
      size_t k = 0;
      for (auto it = c->pending.begin(); k < cn; ++it, ++k) {
        const stream::PendingEntry& pe = g->pel().at(*it);
        rb.ArrayHeader(3);
        ReplyId(rb, *it);
        rb.Integer(pe.delivery_time_ms);
        rb.Integer(static_cast<int64_t>(pe.delivery_count));
      }
    }
  }
}

void ReplyEdgeEntry(net::ReplyBuilder& rb, const Stream& s, bool last) {
  Stream::Iterator it(s, StreamId::Min(), StreamId::Max(), last);
  if (it.Next()) {
    ReplyEntry(rb, it.id(), it.fv());
  } else {
    rb.Null();
  }
}

void CmdXInfoStream(CommandContext& ctx) {
  bool wrong = false;
  const Stream* s = FindStream(ctx, ctx.arg(2), false, &wrong);
  if (wrong) {
    return;
  }
  if (s == nullptr) {
    return ctx.ReplyError(ErrorCode::kNoSuchKey);
  }
  bool full = false;
  size_t count = 10;  // Redis's default, so FULL cannot stall the server on a huge stream
  if (ctx.argc() > 3) {
    if (!EqualsIgnoreCase(ctx.arg(3), "FULL")) {
      return ctx.ReplySyntaxError();
    }
    full = true;
    if (ctx.argc() > 4) {
      if (ctx.argc() != 6 || !EqualsIgnoreCase(ctx.arg(4), "COUNT")) {
        return ctx.ReplySyntaxError();
      }
      const std::optional<int64_t> n = IntArg(ctx, 5);
      if (!n) {
        return;
      }
      count = *n < 0 ? 10 : static_cast<size_t>(*n);
    }
  }
  net::ReplyBuilder& rb = ctx.reply();
  rb.MapHeader(full ? 9 : 10);
  rb.Bulk("length");
  rb.Integer(static_cast<int64_t>(s->length()));
  rb.Bulk("radix-tree-keys");
  rb.Integer(static_cast<int64_t>(s->node_count()));
  rb.Bulk("radix-tree-nodes");
  rb.Integer(static_cast<int64_t>(s->index_tree_nodes()));
  rb.Bulk("last-generated-id");
  ReplyId(rb, s->last_id());
  rb.Bulk("max-deleted-entry-id");
  ReplyId(rb, s->max_deleted_id());
  rb.Bulk("entries-added");
  rb.Integer(static_cast<int64_t>(s->entries_added()));
  rb.Bulk("recorded-first-entry-id");
  ReplyId(rb, s->first_id());
  if (!full) {
    rb.Bulk("groups");
    rb.Integer(static_cast<int64_t>(s->groups().size()));
    rb.Bulk("first-entry");
    ReplyEdgeEntry(rb, *s, false);
    rb.Bulk("last-entry");
    ReplyEdgeEntry(rb, *s, true);
    return;
  }
  rb.Bulk("entries");
  ReplyRange(rb, *s, StreamId::Min(), StreamId::Max(), false, count == 0 ? SIZE_MAX : count);
  rb.Bulk("groups");
  ReplyFullGroups(ctx, *s, count);
}

}  // namespace

void XInfoStream(CommandContext& ctx) { CmdXInfoStream(ctx); }

void RegisterStreamFamily(CommandTable& t) {
  constexpr uint32_t W = kWrite | kDenyOom;
  const auto key_row = [](std::string name, int arity, uint32_t flags,
                          std::vector<std::string_view> acl, std::string_view since,
                          std::string_view summary, std::string_view complexity,
                          std::string_view syntax, Handler h) {
    return CommandSpec{.name = std::move(name),
                       .arity = arity,
                       .flags = flags,
                       .first_key = 1,
                       .last_key = 1,
                       .key_step = 1,
                       .acl = std::move(acl),
                       .group = "stream",
                       .since = since,
                       .summary = summary,
                       .complexity = complexity,
                       .syntax = syntax,
                       .handler = h};
  };
  t.Add(key_row("xadd", -5, W | kFast, {"write", "stream", "fast"}, "5.0.0",
                "Appends a new message to a stream. Creates the key if it doesn't exist.",
                "O(1) when adding a new entry, O(N) when trimming where N being the number of "
                "entries evicted.",
                "key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field "
                "value [field value ...]",
                CmdXAdd));
  t.Add(key_row("xtrim", -4, kWrite, {"write", "stream", "slow"}, "5.0.0",
                "Deletes messages from the beginning of a stream.",
                "O(N), with N being the number of evicted entries.",
                "key MAXLEN|MINID [=|~] threshold [LIMIT count]", CmdXTrim));
  t.Add(key_row("xlen", 2, kReadOnly | kFast, {"read", "stream", "fast"}, "5.0.0",
                "Return the number of messages in a stream.", "O(1)", "key", CmdXLen));
  t.Add(key_row("xrange", -4, kReadOnly, {"read", "stream", "slow"}, "5.0.0",
                "Returns the messages from a stream within a range of IDs.",
                "O(N) with N being the number of elements being returned.",
                "key start end [COUNT count]", CmdXRange));
  t.Add(key_row("xrevrange", -4, kReadOnly, {"read", "stream", "slow"}, "5.0.0",
                "Returns the messages from a stream within a range of IDs in reverse order.",
                "O(N) with N being the number of elements returned.", "key end start [COUNT count]",
                CmdXRevRange));
  t.Add(key_row("xdel", -3, kWrite | kFast, {"write", "stream", "fast"}, "5.0.0",
                "Returns the number of messages after removing them from a stream.",
                "O(1) for each single item to delete in the stream, regardless of the stream "
                "size.",
                "key id [id ...]", CmdXDel));
  t.Add(key_row("xsetid", -3, W | kFast, {"write", "stream", "fast"}, "5.0.0",
                "An internal command for replicating stream values.", "O(1)",
                "key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]",
                CmdXSetId));
  t.Add({.name = "xread",
         .arity = -4,
         .flags = kReadOnly | kBlocking | kMovableKeys,
         .keys_after = "STREAMS",
         .keys_search_from = 1,
         .acl = {"read", "stream", "slow", "blocking"},
         .group = "stream",
         .since = "5.0.0",
         .summary = "Returns messages from multiple streams with IDs greater than the ones "
                    "requested. Blocks until a message is available otherwise.",
         .complexity = "For each stream mentioned: O(N) with N being the number of elements "
                       "being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note "
                       "that when the BLOCK option is used, XADD will pay O(M) time in order to "
                       "serve the M clients blocked on the stream getting new data.",
         .syntax = "[COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]",
         .handler = CmdXRead});
  t.Add({.name = "xreadgroup",
         .arity = -7,
         .flags = kWrite | kBlocking | kMovableKeys,
         .keys_after = "STREAMS",
         .keys_search_from = 4,
         .acl = {"write", "stream", "slow", "blocking"},
         .group = "stream",
         .since = "5.0.0",
         .summary = "Returns new or historical messages from a stream for a consumer in a "
                    "group. Blocks until a message is available otherwise.",
         .complexity = "For each stream mentioned: O(M) with M being the number of elements "
                       "returned. If M is constant (e.g. always asking for the first 10 "
                       "elements with COUNT), you can consider it O(1). On the other side "
                       "when XREADGROUP blocks, XADD will pay the O(N) time in order to serve "
                       "the N clients blocked on the stream getting new data.",
         .syntax = "GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS "
                   "key [key ...] id [id ...]",
         .handler = CmdXReadGroup});
}

}  // namespace rill::cmd
