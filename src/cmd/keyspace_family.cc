// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/keyspace_family.cc: generic key commands (DEL, EXPIRE, SCAN, RENAME, OBJECT...).
// Semantics, replies and error texts are Redis 7.2's.
#include <cerrno>
#include <cstdlib>

#include "cmd/families.h"
#include "core/strings.h"

namespace rill::cmd {
namespace {

using shard::Entry;
using shard::Value;
using shard::ValueType;

std::string_view TypeName(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return "string";
    case ValueType::kStream:
      return "stream";
  }
  return "none";
}

void DeleteKeys(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) {
    n += ctx.ks(ctx.arg(i)).Delete(ctx.db(), ctx.arg(i)) ? 1 : 0;
  }
  if (n > 0) {
    ctx.Propagate();
  }
  ctx.ReplyInt(n);
}

void CmdExists(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) {
    n += ctx.ks(ctx.arg(i)).FindRead(ctx.db(), ctx.arg(i)) != nullptr ? 1 : 0;
  }
  ctx.ReplyInt(n);
}

void CmdType(CommandContext& ctx) {
  Entry* e = ctx.ks().Peek(ctx.db(), ctx.arg(1));
  ctx.reply().SimpleString(e == nullptr ? "none" : TypeName(e->value.type));
}

void CmdKeys(CommandContext& ctx) {
  const std::string_view pattern = ctx.arg(1);
  const bool all = pattern == "*";
  std::vector<std::string> keys;
  const int64_t now = ctx.NowMs();
  ctx.ForEachKeyspace([&](shard::Keyspace& ks) {
    shard::Database& db = ks.db(ctx.db());
    uint64_t cursor = 0;
    do {
      cursor = db.Scan(cursor, 1024, [&](Entry& e) {
        const bool expired = e.expire_at_ms != shard::kNoExpire && e.expire_at_ms <= now;
        if (!expired && (all || GlobMatch(pattern, e.key))) {
          keys.push_back(e.key);
        }
      });
    } while (cursor != 0);
  });
  ctx.reply().ArrayHeader(static_cast<int64_t>(keys.size()));
  for (const std::string& k : keys) {
    ctx.ReplyBulk(k);
  }
}

// Redis parses the cursor with strtoul: a leading '-' wraps around ("-1" is the largest
// cursor, which ends the walk at once); spaces, junk and overflow are invalid.
std::optional<uint64_t> ParseCursor(std::string_view text) {
  if (text.empty() || isspace(static_cast<unsigned char>(text[0]))) {
    return std::nullopt;
  }
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = strtoull(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(v);
}

void CmdScan(CommandContext& ctx) {
  const std::optional<uint64_t> cursor = ParseCursor(ctx.arg(1));
  if (!cursor) {
    return ctx.ReplyErrorLine("ERR invalid cursor");
  }
  std::string_view pattern;
  std::string_view type;
  int64_t count = 10;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    if (i + 1 >= ctx.argc()) {
      return ctx.ReplySyntaxError();
    }
    const std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "MATCH")) {
      pattern = ctx.arg(i + 1);
    } else if (EqualsIgnoreCase(opt, "COUNT")) {
      std::optional<int64_t> c = IntArg(ctx, i + 1);
      if (!c) {
        return;
      }
      if (*c < 1) {
        return ctx.ReplySyntaxError();
      }
      count = *c;
    } else if (EqualsIgnoreCase(opt, "TYPE")) {
      type = ctx.arg(i + 1);
    } else {
      return ctx.ReplySyntaxError();
    }
  }
  std::vector<std::string> keys;
  const int64_t now = ctx.NowMs();
  auto take = [&](Entry& e) {
    const bool expired = e.expire_at_ms != shard::kNoExpire && e.expire_at_ms <= now;
    if (expired || (!pattern.empty() && !GlobMatch(pattern, e.key)) ||
        (!type.empty() && !EqualsIgnoreCase(type, TypeName(e.value.type)))) {
      return;
    }
    keys.push_back(e.key);
  };
  // With several shards the cursor is (slot cursor) * shards + shard: the walk goes
  // through one shard's slots, then the next shard's.
  shard::ShardSet& set = ctx.shard().set();
  const uint64_t n = static_cast<uint64_t>(set.size());
  uint64_t s = *cursor % n;
  uint64_t local = *cursor / n;
  size_t visited = 0;
  uint64_t next = 0;
  while (true) {
    const size_t before = keys.size();
    local = set.shard(static_cast<int>(s))
                .keyspace()
                .db(ctx.db())
                .Scan(local, static_cast<size_t>(count), take);
    visited += std::max<size_t>(keys.size() - before, 1);
    if (local != 0) {
      next = local * n + s;
      break;
    }
    if (++s == n) {
      break;  // the last shard is done: next stays 0
    }
    if (visited >= static_cast<size_t>(count)) {
      next = s;  // the next shard from its start
      break;
    }
  }
  ctx.reply().ArrayHeader(2);
  ctx.ReplyBulk(std::to_string(next));
  ctx.reply().ArrayHeader(static_cast<int64_t>(keys.size()));
  for (const std::string& k : keys) {
    ctx.ReplyBulk(k);
  }
}

void CmdRandomKey(CommandContext& ctx) {
  std::mt19937_64 rng(static_cast<uint64_t>(ctx.shard().clock().NowUs()));
  // A shard chosen in proportion to its keys, then a key of it.
  size_t total = 0;
  ctx.ForEachKeyspace([&](shard::Keyspace& ks) { total += ks.db(ctx.db()).size(); });
  if (total == 0) {
    return ctx.ReplyNull();
  }
  size_t pick = std::uniform_int_distribution<size_t>(0, total - 1)(rng);
  shard::Keyspace* chosen = nullptr;
  ctx.ForEachKeyspace([&](shard::Keyspace& ks) {
    const size_t n = ks.db(ctx.db()).size();
    if (chosen == nullptr && pick < n) {
      chosen = &ks;
    }
    pick -= std::min(pick, n);
  });
  shard::Keyspace& ks = *chosen;
  shard::Database& db = ks.db(ctx.db());
  // Expired keys found on the way are deleted; give up after many tries like Redis does.
  for (int tries = 0; tries < 100 && db.size() > 0; tries++) {
    Entry* e = db.RandomEntry(rng);
    if (e == nullptr) {
      break;
    }
    const std::string key = e->key;
    if (ks.Peek(ctx.db(), key) != nullptr) {
      return ctx.ReplyBulk(key);
    }
  }
  ctx.ReplyNull();
}

// Moves src to (dst_db, dst) keeping its TTL. REQUIRES: dst absent.
void MoveEntry(CommandContext& ctx, int src_db, Entry* src, int dst_db, std::string_view dst) {
  const int64_t ttl = src->expire_at_ms;
  Value v = std::move(src->value);
  ctx.ks(src->key).DeleteEntry(src_db, src);
  shard::Keyspace& to = ctx.ks(dst);
  Entry* e = to.Add(dst_db, dst, std::move(v));
  if (ttl != shard::kNoExpire) {
    to.SetExpire(dst_db, e, ttl);
  }
}

void Rename(CommandContext& ctx, bool nx) {
  Entry* src = ctx.ks(ctx.arg(1)).FindWrite(ctx.db(), ctx.arg(1));
  if (src == nullptr) {
    return ctx.ReplyError(ErrorCode::kNoSuchKey);
  }
  if (ctx.arg(1) == ctx.arg(2)) {
    return nx ? ctx.ReplyInt(0) : ctx.ReplyOk();
  }
  shard::Keyspace& to = ctx.ks(ctx.arg(2));
  if (to.FindWrite(ctx.db(), ctx.arg(2)) != nullptr) {
    if (nx) {
      return ctx.ReplyInt(0);
    }
    to.Delete(ctx.db(), ctx.arg(2));
  }
  MoveEntry(ctx, ctx.db(), src, ctx.db(), ctx.arg(2));
  ctx.Propagate();
  nx ? ctx.ReplyInt(1) : ctx.ReplyOk();
}

void CmdRename(CommandContext& ctx) { Rename(ctx, false); }
void CmdRenameNx(CommandContext& ctx) { Rename(ctx, true); }

void CmdMove(CommandContext& ctx) {
  const std::optional<int64_t> db = ParseInt64(ctx.arg(2));
  if (!db) {
    return ctx.ReplyError(ErrorCode::kNotInteger);
  }
  if (*db < 0 || *db >= ctx.ks().databases()) {
    return ctx.ReplyError(ErrorCode::kDbIndex);
  }
  if (*db == ctx.db()) {
    return ctx.ReplyErrorLine("ERR source and destination objects are the same");
  }
  Entry* src = ctx.ks().FindWrite(ctx.db(), ctx.arg(1));
  if (src == nullptr || ctx.ks().FindWrite(static_cast<int>(*db), ctx.arg(1)) != nullptr) {
    return ctx.ReplyInt(0);
  }
  MoveEntry(ctx, ctx.db(), src, static_cast<int>(*db), ctx.arg(1));
  ctx.Propagate();
  ctx.ReplyInt(1);
}

void CmdSwapDb(CommandContext& ctx) {
  const std::optional<int64_t> a = ParseInt64(ctx.arg(1));
  if (!a) {
    return ctx.ReplyErrorLine("ERR invalid first DB index");
  }
  const std::optional<int64_t> b = ParseInt64(ctx.arg(2));
  if (!b) {
    return ctx.ReplyErrorLine("ERR invalid second DB index");
  }
  const int n = ctx.ks().databases();
  if (*a < 0 || *a >= n || *b < 0 || *b >= n) {
    return ctx.ReplyError(ErrorCode::kDbIndex);
  }
  if (*a != *b) {
    ctx.ForEachKeyspace(
        [&](shard::Keyspace& ks) { ks.SwapDb(static_cast<int>(*a), static_cast<int>(*b)); });
    ctx.Propagate();
  }
  ctx.ReplyOk();
}

void CmdCopy(CommandContext& ctx) {
  int dst_db = ctx.db();
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); i++) {
    if (EqualsIgnoreCase(ctx.arg(i), "REPLACE")) {
      replace = true;
    } else if (EqualsIgnoreCase(ctx.arg(i), "DB") && i + 1 < ctx.argc()) {
      const std::optional<int64_t> db = ParseInt64(ctx.arg(++i));
      if (!db) {
        return ctx.ReplyError(ErrorCode::kNotInteger);
      }
      if (*db < 0 || *db >= ctx.ks().databases()) {
        return ctx.ReplyError(ErrorCode::kDbIndex);
      }
      dst_db = static_cast<int>(*db);
    } else {
      return ctx.ReplySyntaxError();
    }
  }
  if (dst_db == ctx.db() && ctx.arg(1) == ctx.arg(2)) {
    return ctx.ReplyErrorLine("ERR source and destination objects are the same");
  }
  Entry* src = ctx.ks(ctx.arg(1)).FindRead(ctx.db(), ctx.arg(1));
  if (src == nullptr) {
    return ctx.ReplyInt(0);
  }
  shard::Keyspace& to = ctx.ks(ctx.arg(2));
  if (to.FindWrite(dst_db, ctx.arg(2)) != nullptr) {
    if (!replace) {
      return ctx.ReplyInt(0);
    }
    to.Delete(dst_db, ctx.arg(2));
  }
  const int64_t ttl = src->expire_at_ms;
  Entry* e = to.Add(dst_db, ctx.arg(2), src->value.Clone());
  if (ttl != shard::kNoExpire) {
    to.SetExpire(dst_db, e, ttl);
  }
  ctx.Propagate();
  ctx.ReplyInt(1);
}

// --- Expiry ---

enum class TimeUnit { kSeconds, kMillis };

void Expire(CommandContext& ctx, TimeUnit unit, bool absolute) {
  std::optional<int64_t> when = IntArg(ctx, 2);
  if (!when) {
    return;
  }
  bool nx = false, xx = false, gt = false, lt = false;
  for (size_t i = 3; i < ctx.argc(); i++) {
    const std::string_view o = ctx.arg(i);
    if (EqualsIgnoreCase(o, "NX")) {
      nx = true;
    } else if (EqualsIgnoreCase(o, "XX")) {
      xx = true;
    } else if (EqualsIgnoreCase(o, "GT")) {
      gt = true;
    } else if (EqualsIgnoreCase(o, "LT")) {
      lt = true;
    } else {
      return ctx.ReplyErrorLine("ERR Unsupported option " + std::string(o));
    }
  }
  if (nx && (xx || gt || lt)) {
    return ctx.ReplyErrorLine(
        "ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (gt && lt) {
    return ctx.ReplyErrorLine("ERR GT and LT options at the same time are not compatible");
  }
  const Status invalid = Status::Err("invalid expire time in '" + ctx.spec().name + "' command");
  int64_t at = *when;
  if (unit == TimeUnit::kSeconds) {
    if (at > INT64_MAX / 1000 || at < INT64_MIN / 1000) {
      return ctx.ReplyError(invalid);
    }
    at *= 1000;
  }
  if (!absolute) {
    if (__builtin_add_overflow(at, ctx.NowMs(), &at)) {
      return ctx.ReplyError(invalid);
    }
  }
  Entry* e = ctx.ks().FindWrite(ctx.db(), ctx.arg(1));
  if (e == nullptr) {
    return ctx.ReplyInt(0);
  }
  const bool has_ttl = e->expire_at_ms != shard::kNoExpire;
  // A key without TTL counts as an infinite TTL for GT and LT.
  if ((nx && has_ttl) || (xx && !has_ttl) || (gt && (!has_ttl || at <= e->expire_at_ms)) ||
      (lt && has_ttl && at >= e->expire_at_ms)) {
    return ctx.ReplyInt(0);
  }
  // A time in the past deletes, as in Redis; not while loading, where the journal says
  // what happened next (shard::Keyspace::set_loading).
  if (at <= ctx.NowMs() && !ctx.ks().loading()) {
    ctx.ks().DeleteEntry(ctx.db(), e);
    ctx.Emit({"DEL", ctx.arg(1)});
  } else {
    ctx.ks().SetExpire(ctx.db(), e, at);
    const std::string at_text = std::to_string(at);
    ctx.Emit({"PEXPIREAT", ctx.arg(1), at_text});
  }
  ctx.ReplyInt(1);
}

void CmdExpire(CommandContext& ctx) { Expire(ctx, TimeUnit::kSeconds, false); }
void CmdPExpire(CommandContext& ctx) { Expire(ctx, TimeUnit::kMillis, false); }
void CmdExpireAt(CommandContext& ctx) { Expire(ctx, TimeUnit::kSeconds, true); }
void CmdPExpireAt(CommandContext& ctx) { Expire(ctx, TimeUnit::kMillis, true); }

// TTL-family reply: -2 missing, -1 persistent, else the value.
void TtlReply(CommandContext& ctx, bool remaining, TimeUnit unit) {
  Entry* e = ctx.ks().FindRead(ctx.db(), ctx.arg(1));
  if (e == nullptr) {
    return ctx.ReplyInt(-2);
  }
  if (e->expire_at_ms == shard::kNoExpire) {
    return ctx.ReplyInt(-1);
  }
  int64_t v = e->expire_at_ms;
  if (remaining) {
    v = std::max<int64_t>(0, v - ctx.NowMs());
    ctx.ReplyInt(unit == TimeUnit::kSeconds ? (v + 500) / 1000 : v);
  } else {
    ctx.ReplyInt(unit == TimeUnit::kSeconds ? v / 1000 : v);
  }
}

void CmdTtl(CommandContext& ctx) { TtlReply(ctx, true, TimeUnit::kSeconds); }
void CmdPTtl(CommandContext& ctx) { TtlReply(ctx, true, TimeUnit::kMillis); }
void CmdExpireTime(CommandContext& ctx) { TtlReply(ctx, false, TimeUnit::kSeconds); }
void CmdPExpireTime(CommandContext& ctx) { TtlReply(ctx, false, TimeUnit::kMillis); }

void CmdPersist(CommandContext& ctx) {
  Entry* e = ctx.ks().FindWrite(ctx.db(), ctx.arg(1));
  const bool removed = e != nullptr && ctx.ks().Persist(ctx.db(), e);
  if (removed) {
    ctx.Propagate();
  }
  ctx.ReplyInt(removed ? 1 : 0);
}

void CmdTouch(CommandContext& ctx) { CmdExists(ctx); }

// --- OBJECT ---

void CmdObjectEncoding(CommandContext& ctx) {
  Entry* e = ctx.ks().Peek(ctx.db(), ctx.arg(2));
  if (e == nullptr) {
    return ctx.ReplyNull();
  }
  ctx.ReplyBulk(shard::EncodingName(e->value));
}

void CmdObjectRefcount(CommandContext& ctx) {
  Entry* e = ctx.ks().Peek(ctx.db(), ctx.arg(2));
  if (e == nullptr) {
    return ctx.ReplyNull();
  }
  ctx.ReplyInt(1);  // values are never shared
}

void CmdObjectIdletime(CommandContext& ctx) {
  Entry* e = ctx.ks().Peek(ctx.db(), ctx.arg(2));
  if (e == nullptr) {
    return ctx.ReplyNull();
  }
  if (ctx.ks().lfu()) {
    return ctx.ReplyErrorLine(
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
        "switching between policies at runtime LRU and LFU data will take some time to adjust.");
  }
  ctx.ReplyInt(ctx.ks().IdleSeconds(*e));
}

void CmdObjectFreq(CommandContext& ctx) {
  Entry* e = ctx.ks().Peek(ctx.db(), ctx.arg(2));
  if (e == nullptr) {
    return ctx.ReplyNull();
  }
  if (!ctx.ks().lfu()) {
    return ctx.ReplyErrorLine(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
        "that when switching between policies at runtime LRU and LFU data will take some time "
        "to adjust.");
  }
  ctx.ReplyInt(ctx.ks().LfuCounter(*e));
}

void CmdObjectHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Print this help.",
  };
  ReplyHelp(ctx, kLines);
}

}  // namespace

void RegisterKeyspaceFamily(CommandTable& t) {
  auto key1 = [](CommandSpec s) {
    s.first_key = s.last_key = s.key_step = 1;
    s.group = "generic";
    return s;
  };
  t.Add({.name = "del",
         .arity = -2,
         .flags = kWrite,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = {"keyspace", "write", "slow"},
         .group = "generic",
         .since = "1.0.0",
         .summary = "Deletes one or more keys.",
         .complexity = "O(N) where N is the number of keys that will be removed.",
         .syntax = "key [key ...]",
         .handler = DeleteKeys});
  t.Add({.name = "unlink",
         .arity = -2,
         .flags = kWrite | kFast,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = {"keyspace", "write", "fast"},
         .group = "generic",
         .since = "4.0.0",
         .summary = "Asynchronously deletes one or more keys.",
         .complexity = "O(1) for each key removed regardless of its size.",
         .syntax = "key [key ...]",
         .handler = DeleteKeys});
  t.Add({.name = "exists",
         .arity = -2,
         .flags = kReadOnly | kFast,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = {"keyspace", "read", "fast"},
         .group = "generic",
         .since = "1.0.0",
         .summary = "Determines whether one or more keys exist.",
         .complexity = "O(N) where N is the number of keys to check.",
         .syntax = "key [key ...]",
         .handler = CmdExists});
  t.Add({.name = "touch",
         .arity = -2,
         .flags = kReadOnly | kFast,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = {"keyspace", "read", "fast"},
         .group = "generic",
         .since = "3.2.1",
         .summary = "Returns the number of existing keys out of those specified after updating "
                    "the time they were last accessed.",
         .complexity = "O(N) where N is the number of keys that will be touched.",
         .syntax = "key [key ...]",
         .handler = CmdTouch});
  t.Add(key1({.name = "type",
              .arity = 2,
              .flags = kReadOnly | kFast,
              .acl = {"keyspace", "read", "fast"},
              .since = "1.0.0",
              .summary = "Determines the type of value stored at a key.",
              .complexity = "O(1)",
              .syntax = "key",
              .handler = CmdType}));
  t.Add({.name = "keys",
         .arity = 2,
         .flags = kReadOnly | kAllShards,
         .acl = {"keyspace", "read", "slow", "dangerous"},
         .group = "generic",
         .since = "1.0.0",
         .summary = "Returns all key names that match a pattern.",
         .complexity = "O(N) with N being the number of keys in the database",
         .syntax = "pattern",
         .handler = CmdKeys});
  t.Add({.name = "scan",
         .arity = -2,
         .flags = kReadOnly | kAllShards,
         .acl = {"keyspace", "read", "slow"},
         .group = "generic",
         .since = "2.8.0",
         .summary = "Iterates over the key names in the database.",
         .complexity = "O(1) for every call. O(N) for a complete iteration.",
         .syntax = "cursor [MATCH pattern] [COUNT count] [TYPE type]",
         .handler = CmdScan});
  t.Add({.name = "randomkey",
         .arity = 1,
         .flags = kReadOnly | kAllShards,
         .acl = {"keyspace", "read", "slow"},
         .group = "generic",
         .since = "1.0.0",
         .summary = "Returns a random key name from the database.",
         .complexity = "O(1)",
         .handler = CmdRandomKey});
  t.Add({.name = "rename",
         .arity = 3,
         .flags = kWrite,
         .first_key = 1,
         .last_key = 2,
         .key_step = 1,
         .acl = {"keyspace", "write", "slow"},
         .group = "generic",
         .since = "1.0.0",
         .summary = "Renames a key and overwrites the destination.",
         .complexity = "O(1)",
         .syntax = "key newkey",
         .handler = CmdRename});
  t.Add({.name = "renamenx",
         .arity = 3,
         .flags = kWrite | kFast,
         .first_key = 1,
         .last_key = 2,
         .key_step = 1,
         .acl = {"keyspace", "write", "fast"},
         .group = "generic",
         .since = "1.0.0",
         .summary = "Renames a key only when the target key name doesn't exist.",
         .complexity = "O(1)",
         .syntax = "key newkey",
         .handler = CmdRenameNx});
  t.Add(key1({.name = "move",
              .arity = 3,
              .flags = kWrite | kFast,
              .acl = {"keyspace", "write", "fast"},
              .since = "1.0.0",
              .summary = "Moves a key to another database.",
              .complexity = "O(1)",
              .syntax = "key db",
              .handler = CmdMove}));
  t.Add({.name = "swapdb",
         .arity = 3,
         .flags = kWrite | kFast | kAllShards,
         .acl = {"keyspace", "write", "fast", "dangerous"},
         .group = "server",
         .since = "4.0.0",
         .summary = "Swaps two Redis databases.",
         .complexity = "O(N) where N is the count of clients watching or blocking on keys from "
                       "both databases.",
         .syntax = "index1 index2",
         .handler = CmdSwapDb});
  t.Add({.name = "copy",
         .arity = -3,
         .flags = kWrite | kDenyOom,
         .first_key = 1,
         .last_key = 2,
         .key_step = 1,
         .acl = {"keyspace", "write", "slow"},
         .group = "generic",
         .since = "6.2.0",
         .summary = "Copies the value of a key to a new key.",
         .complexity = "O(N) worst case for collections, where N is the number of nested items. "
                       "O(1) for string values.",
         .syntax = "source destination [DB destination-db] [REPLACE]",
         .handler = CmdCopy});
  const auto expire_row = [&](std::string name, std::string_view since, std::string_view summary,
                              std::string_view syntax, Handler h) {
    t.Add(key1({.name = std::move(name),
                .arity = -3,
                .flags = kWrite | kFast,
                .acl = {"keyspace", "write", "fast"},
                .since = since,
                .summary = summary,
                .complexity = "O(1)",
                .syntax = syntax,
                .handler = h}));
  };
  expire_row("expire", "1.0.0", "Sets the expiration time of a key in seconds.",
             "key seconds [NX|XX|GT|LT]", CmdExpire);
  expire_row("pexpire", "2.6.0", "Sets the expiration time of a key in milliseconds.",
             "key milliseconds [NX|XX|GT|LT]", CmdPExpire);
  expire_row("expireat", "1.2.0", "Sets the expiration time of a key to a Unix timestamp.",
             "key unix-time-seconds [NX|XX|GT|LT]", CmdExpireAt);
  expire_row("pexpireat", "2.6.0",
             "Sets the expiration time of a key to a Unix milliseconds timestamp.",
             "key unix-time-milliseconds [NX|XX|GT|LT]", CmdPExpireAt);
  const auto ttl_row = [&](std::string name, std::string_view since, std::string_view summary,
                           Handler h) {
    t.Add(key1({.name = std::move(name),
                .arity = 2,
                .flags = kReadOnly | kFast,
                .acl = {"keyspace", "read", "fast"},
                .since = since,
                .summary = summary,
                .complexity = "O(1)",
                .syntax = "key",
                .handler = h}));
  };
  ttl_row("ttl", "1.0.0", "Returns the expiration time in seconds of a key.", CmdTtl);
  ttl_row("pttl", "2.6.0", "Returns the expiration time in milliseconds of a key.", CmdPTtl);
  ttl_row("expiretime", "7.0.0", "Returns the expiration time of a key as a Unix timestamp.",
          CmdExpireTime);
  ttl_row("pexpiretime", "7.0.0",
          "Returns the expiration time of a key as a Unix milliseconds timestamp.", CmdPExpireTime);
  t.Add(key1({.name = "persist",
              .arity = 2,
              .flags = kWrite | kFast,
              .acl = {"keyspace", "write", "fast"},
              .since = "2.2.0",
              .summary = "Removes the expiration time of a key.",
              .complexity = "O(1)",
              .syntax = "key",
              .handler = CmdPersist}));

  CommandSpec object{.name = "object",
                     .arity = -2,
                     .acl = {"slow"},
                     .group = "generic",
                     .since = "2.2.3",
                     .summary = "A container for object introspection commands.",
                     .complexity = "Depends on subcommand."};
  const auto object_sub = [&](std::string name, std::string_view summary, Handler h) {
    object.subcommands.push_back({.name = "object|" + name,
                                  .arity = 3,
                                  .flags = kReadOnly,
                                  .first_key = 2,
                                  .last_key = 2,
                                  .key_step = 1,
                                  .acl = {"keyspace", "read", "slow"},
                                  .group = "generic",
                                  .since = "2.2.3",
                                  .summary = summary,
                                  .complexity = "O(1)",
                                  .syntax = "key",
                                  .handler = h});
  };
  object_sub("encoding", "Returns the internal encoding of a Redis object.", CmdObjectEncoding);
  object_sub("freq", "Returns the logarithmic access frequency counter of a Redis object.",
             CmdObjectFreq);
  object_sub("idletime", "Returns the time since the last access to a Redis object.",
             CmdObjectIdletime);
  object_sub("refcount", "Returns the reference count of a value of a key.", CmdObjectRefcount);
  object.subcommands.push_back(
      HelpSubcommand("object", {"keyspace", "slow"}, "generic", "6.2.0", CmdObjectHelp));
  t.Add(std::move(object));
}

}  // namespace rill::cmd
