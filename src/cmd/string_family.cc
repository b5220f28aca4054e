// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/string_family.cc: string commands, for the idempotency keys, locks and counters that
// sit beside a queue. Semantics, replies and error texts are Redis 7.2's.
#include <cmath>
#include <cstdio>

#include "cmd/families.h"
#include "core/strings.h"

namespace rill::cmd {
namespace {

using shard::Entry;
using shard::StringEncoding;
using shard::Value;
using shard::ValueType;

// The string value of key for reading: nullptr if absent; replies WRONGTYPE and sets
// *wrong if the key holds another type.
Entry* ReadString(CommandContext& ctx, std::string_view key, bool* wrong) {
  Entry* e = ctx.ks().FindRead(ctx.db(), key);
  *wrong = e != nullptr && e->value.type != ValueType::kString;
  if (*wrong) {
    ctx.ReplyError(ErrorCode::kWrongType);
  }
  return *wrong ? nullptr : e;
}

Status StringTooLong() {
  return Status::Err("string exceeds maximum allowed size (proto-max-bulk-len)");
}

// --- Expiry options shared by SET and GETEX ---

enum class ExpireKind { kNone, kEx, kPx, kExAt, kPxAt, kKeepTtl, kPersist };

// Turns an expiry option into an absolute Unix time in ms, with Redis's checks.
Result<int64_t> ExpireAt(ExpireKind kind, std::string_view text, int64_t now_ms,
                         std::string_view cmd) {
  const Status invalid = Status::Err("invalid expire time in '" + std::string(cmd) + "' command");
  const std::optional<int64_t> v = ParseInt64(text);
  if (!v) {
    return Status(ErrorCode::kNotInteger);
  }
  int64_t when = *v;
  const bool seconds = kind == ExpireKind::kEx || kind == ExpireKind::kExAt;
  if (when <= 0 || (seconds && when > INT64_MAX / 1000)) {
    return invalid;
  }
  if (seconds) {
    when *= 1000;
  }
  if (kind == ExpireKind::kEx || kind == ExpireKind::kPx) {
    if (when > INT64_MAX - now_ms) {
      return invalid;
    }
    when += now_ms;
  }
  return when;
}

struct SetArgs {
  bool nx = false;
  bool xx = false;
  bool get = false;
  ExpireKind expire = ExpireKind::kNone;
  std::string_view expire_arg;
};

Result<SetArgs> ParseSetArgs(std::span<const std::string_view> args) {
  SetArgs a;
  for (size_t i = 3; i < args.size(); i++) {
    const std::string_view opt = args[i];
    const bool has_next = i + 1 < args.size();
    auto set_expire = [&](ExpireKind k) {
      if (a.expire != ExpireKind::kNone || !has_next) {
        return false;
      }
      a.expire = k;
      a.expire_arg = args[++i];
      return true;
    };
    bool ok = true;
    if (EqualsIgnoreCase(opt, "NX") && !a.xx) {
      a.nx = true;
    } else if (EqualsIgnoreCase(opt, "XX") && !a.nx) {
      a.xx = true;
    } else if (EqualsIgnoreCase(opt, "GET")) {
      a.get = true;
    } else if (EqualsIgnoreCase(opt, "KEEPTTL") && a.expire == ExpireKind::kNone) {
      a.expire = ExpireKind::kKeepTtl;
    } else if (EqualsIgnoreCase(opt, "EX")) {
      ok = set_expire(ExpireKind::kEx);
    } else if (EqualsIgnoreCase(opt, "PX")) {
      ok = set_expire(ExpireKind::kPx);
    } else if (EqualsIgnoreCase(opt, "EXAT")) {
      ok = set_expire(ExpireKind::kExAt);
    } else if (EqualsIgnoreCase(opt, "PXAT")) {
      ok = set_expire(ExpireKind::kPxAt);
    } else {
      ok = false;
    }
    if (!ok) {
      return Status(ErrorCode::kSyntax);
    }
  }
  return a;
}

// Stores value under key with an optional absolute expiry (kNoExpire = none).
void StoreString(CommandContext& ctx, std::string_view key, std::string_view value,
                 int64_t expire_at, bool keep_ttl) {
  shard::Keyspace& ks = ctx.ks(key);  // MSET may span shards
  Entry* e = ks.Set(ctx.db(), key, Value::String(std::string(value)), keep_ttl);
  if (expire_at != shard::kNoExpire) {
    ks.SetExpire(ctx.db(), e, expire_at);
  }
}

// The effect of a SET-like command: SET key value [PXAT ms | KEEPTTL], the way Redis 7
// rewrites relative expirations.
void EmitSet(CommandContext& ctx, std::string_view key, std::string_view value, int64_t expire_at,
             bool keep_ttl) {
  if (expire_at != shard::kNoExpire) {
    const std::string at = std::to_string(expire_at);
    ctx.Emit({"SET", key, value, "PXAT", at});
  } else if (keep_ttl) {
    ctx.Emit({"SET", key, value, "KEEPTTL"});
  } else {
    ctx.Emit({"SET", key, value});
  }
}

void CmdSet(CommandContext& ctx) {
  Result<SetArgs> a = ParseSetArgs(ctx.args());
  if (!a.ok()) {
    return ctx.ReplyError(a.status());
  }
  int64_t expire_at = shard::kNoExpire;
  if (a->expire != ExpireKind::kNone && a->expire != ExpireKind::kKeepTtl) {
    Result<int64_t> when = ExpireAt(a->expire, a->expire_arg, ctx.NowMs(), "set");
    if (!when.ok()) {
      return ctx.ReplyError(when.status());
    }
    expire_at = *when;
  }
  const std::string_view key = ctx.arg(1);
  Entry* old = a->get ? ctx.ks().FindRead(ctx.db(), key) : ctx.ks().FindWrite(ctx.db(), key);
  if (a->get && old != nullptr && old->value.type != ValueType::kString) {
    return ctx.ReplyError(ErrorCode::kWrongType);
  }
  const bool proceed = (!a->nx || old == nullptr) && (!a->xx || old != nullptr);
  if (a->get) {
    if (old != nullptr) {
      ctx.ReplyBulk(old->value.str);  // before the overwrite below frees it
    } else {
      ctx.ReplyNull();
    }
  }
  if (proceed) {
    const bool keep_ttl = a->expire == ExpireKind::kKeepTtl;
    StoreString(ctx, key, ctx.arg(2), expire_at, keep_ttl);
    EmitSet(ctx, key, ctx.arg(2), expire_at, keep_ttl);
  }
  if (!a->get) {
    if (proceed) {
      ctx.ReplyOk();
    } else {
      ctx.ReplyNull();
    }
  }
}

void CmdSetNx(CommandContext& ctx) {
  if (ctx.ks().FindWrite(ctx.db(), ctx.arg(1)) != nullptr) {
    return ctx.ReplyInt(0);
  }
  StoreString(ctx, ctx.arg(1), ctx.arg(2), shard::kNoExpire, false);
  ctx.Propagate();
  ctx.ReplyInt(1);
}

void SetWithExpire(CommandContext& ctx, ExpireKind kind) {
  Result<int64_t> when = ExpireAt(kind, ctx.arg(2), ctx.NowMs(), ctx.spec().name);
  if (!when.ok()) {
    return ctx.ReplyError(when.status());
  }
  StoreString(ctx, ctx.arg(1), ctx.arg(3), *when, false);
  EmitSet(ctx, ctx.arg(1), ctx.arg(3), *when, false);
  ctx.ReplyOk();
}

void CmdSetEx(CommandContext& ctx) { SetWithExpire(ctx, ExpireKind::kEx); }
void CmdPSetEx(CommandContext& ctx) { SetWithExpire(ctx, ExpireKind::kPx); }

void CmdGet(CommandContext& ctx) {
  bool wrong = false;
  Entry* e = ReadString(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    return ctx.ReplyNull();
  }
  ctx.ReplyBulk(e->value.str);
}

void CmdGetDel(CommandContext& ctx) {
  bool wrong = false;
  Entry* e = ReadString(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    return ctx.ReplyNull();
  }
  ctx.ReplyBulk(e->value.str);
  ctx.ks().DeleteEntry(ctx.db(), e);
  ctx.Emit({"DEL", ctx.arg(1)});
}

void CmdGetEx(CommandContext& ctx) {
  ExpireKind kind = ExpireKind::kNone;
  std::string_view when_arg;
  for (size_t i = 2; i < ctx.argc(); i++) {
    const std::string_view opt = ctx.arg(i);
    ExpireKind k = ExpireKind::kNone;
    if (EqualsIgnoreCase(opt, "EX")) {
      k = ExpireKind::kEx;
    } else if (EqualsIgnoreCase(opt, "PX")) {
      k = ExpireKind::kPx;
    } else if (EqualsIgnoreCase(opt, "EXAT")) {
      k = ExpireKind::kExAt;
    } else if (EqualsIgnoreCase(opt, "PXAT")) {
      k = ExpireKind::kPxAt;
    } else if (EqualsIgnoreCase(opt, "PERSIST")) {
      k = ExpireKind::kPersist;
    }
    const bool needs_arg = k != ExpireKind::kPersist && k != ExpireKind::kNone;
    if (k == ExpireKind::kNone || kind != ExpireKind::kNone || (needs_arg && i + 1 >= ctx.argc())) {
      return ctx.ReplySyntaxError();
    }
    kind = k;
    if (needs_arg) {
      when_arg = ctx.arg(++i);
    }
  }
  int64_t expire_at = shard::kNoExpire;
  if (kind != ExpireKind::kNone && kind != ExpireKind::kPersist) {
    Result<int64_t> when = ExpireAt(kind, when_arg, ctx.NowMs(), "getex");
    if (!when.ok()) {
      return ctx.ReplyError(when.status());
    }
    expire_at = *when;
  }
  bool wrong = false;
  Entry* e = ReadString(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  if (e == nullptr) {
    return ctx.ReplyNull();
  }
  ctx.ReplyBulk(e->value.str);
  if (kind == ExpireKind::kPersist) {
    if (ctx.ks().Persist(ctx.db(), e)) {
      ctx.Emit({"PERSIST", ctx.arg(1)});
    }
  } else if (expire_at != shard::kNoExpire) {
    ctx.ks().SetExpire(ctx.db(), e, expire_at);
    const std::string at = std::to_string(expire_at);
    ctx.Emit({"PEXPIREAT", ctx.arg(1), at});
  }
}

void CmdMGet(CommandContext& ctx) {
  ctx.reply().ArrayHeader(static_cast<int64_t>(ctx.argc() - 1));
  for (size_t i = 1; i < ctx.argc(); i++) {
    Entry* e = ctx.ks(ctx.arg(i)).FindRead(ctx.db(), ctx.arg(i));
    if (e == nullptr || e->value.type != ValueType::kString) {
      ctx.ReplyNull();
    } else {
      ctx.ReplyBulk(e->value.str);
    }
  }
}

void CmdMSet(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    return ctx.ReplyWrongArity();
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    StoreString(ctx, ctx.arg(i), ctx.arg(i + 1), shard::kNoExpire, false);
  }
  ctx.Propagate();
  ctx.ReplyOk();
}

void CmdMSetNx(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    return ctx.ReplyWrongArity();
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.ks(ctx.arg(i)).FindWrite(ctx.db(), ctx.arg(i)) != nullptr) {
      return ctx.ReplyInt(0);
    }
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    StoreString(ctx, ctx.arg(i), ctx.arg(i + 1), shard::kNoExpire, false);
  }
  ctx.Propagate();
  ctx.ReplyInt(1);
}

// --- Counters ---

void IncrBy(CommandContext& ctx, int64_t by) {
  const std::string_view key = ctx.arg(1);
  Entry* e = ctx.ks().FindWrite(ctx.db(), key);
  int64_t cur = 0;
  if (e != nullptr) {
    if (e->value.type != ValueType::kString) {
      return ctx.ReplyError(ErrorCode::kWrongType);
    }
    const std::optional<int64_t> v = ParseInt64(e->value.str);
    if (!v) {
      return ctx.ReplyError(ErrorCode::kNotInteger);
    }
    cur = *v;
  }
  int64_t next;
  if (__builtin_add_overflow(cur, by, &next)) {
    return ctx.ReplyError(ErrorCode::kOverflow);
  }
  std::string text;
  AppendInt64(text, next);
  if (e == nullptr) {
    ctx.ks().Add(ctx.db(), key, Value::String(std::move(text)));
  } else {
    shard::ReplaceValue(e->value, Value::String(std::move(text)));  // the TTL stays, as in Redis
    ctx.ks().MarkModified(ctx.db(), key);
  }
  ctx.Propagate();
  ctx.ReplyInt(next);
}

void CmdIncr(CommandContext& ctx) { IncrBy(ctx, 1); }
void CmdDecr(CommandContext& ctx) { IncrBy(ctx, -1); }

void CmdIncrBy(CommandContext& ctx) {
  if (std::optional<int64_t> by = IntArg(ctx, 2)) {
    IncrBy(ctx, *by);
  }
}

void CmdDecrBy(CommandContext& ctx) {
  std::optional<int64_t> by = IntArg(ctx, 2);
  if (!by) {
    return;
  }
  if (*by == INT64_MIN) {
    return ctx.ReplyErrorLine("ERR decrement would overflow");
  }
  IncrBy(ctx, -*by);
}

// Parses a long double the way Redis's string2ld does: no spaces, no NaN.
std::optional<long double> ParseLongDouble(std::string_view s) {
  if (s.empty() || s.size() > 5000 || isspace(static_cast<unsigned char>(s[0]))) {
    return std::nullopt;
  }
  const std::string buf(s);
  char* end = nullptr;
  errno = 0;
  const long double v = strtold(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size() || std::isnan(v) || (errno == ERANGE && !std::isinf(v))) {
    return std::nullopt;
  }
  return v;
}

// Redis's ld2string in human mode: 17 fractional digits, trailing zeros removed.
std::string FormatLongDouble(long double v) {
  char buf[5600];
  int n = snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (strchr(buf, '.') != nullptr) {
    while (n > 0 && buf[n - 1] == '0') {
      n--;
    }
    if (n > 0 && buf[n - 1] == '.') {
      n--;
    }
  }
  std::string s(buf, n);
  return s == "-0" ? "0" : s;
}

void CmdIncrByFloat(CommandContext& ctx) {
  const std::optional<long double> by = ParseLongDouble(ctx.arg(2));
  if (!by) {
    return ctx.ReplyError(ErrorCode::kNotFloat);
  }
  const std::string_view key = ctx.arg(1);
  Entry* e = ctx.ks().FindWrite(ctx.db(), key);
  long double cur = 0;
  if (e != nullptr) {
    if (e->value.type != ValueType::kString) {
      return ctx.ReplyError(ErrorCode::kWrongType);
    }
    const std::optional<long double> v = ParseLongDouble(e->value.str);
    if (!v) {
      return ctx.ReplyError(ErrorCode::kNotFloat);
    }
    cur = *v;
  }
  const long double next = cur + *by;
  if (std::isnan(next) || std::isinf(next)) {
    return ctx.ReplyErrorLine("ERR increment would produce NaN or Infinity");
  }
  std::string text = FormatLongDouble(next);
  ctx.ReplyBulk(text);
  // Replayed as the value it produced: float formatting must not decide a replica's state.
  ctx.Emit({"SET", key, text, "KEEPTTL"});
  if (e == nullptr) {
    ctx.ks().Add(ctx.db(), key, Value::String(std::move(text)));
  } else {
    shard::ReplaceValue(e->value, Value::String(std::move(text)));
    ctx.ks().MarkModified(ctx.db(), key);
  }
}

// --- Byte-level edits ---

void CmdAppend(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  Entry* e = ctx.ks().FindWrite(ctx.db(), key);
  if (e == nullptr) {
    ctx.ks().Add(ctx.db(), key, Value::String(std::string(ctx.arg(2))));
    ctx.Propagate();
    return ctx.ReplyInt(static_cast<int64_t>(ctx.arg(2).size()));
  }
  if (e->value.type != ValueType::kString) {
    return ctx.ReplyError(ErrorCode::kWrongType);
  }
  if (static_cast<int64_t>(e->value.str.size() + ctx.arg(2).size()) >
      ctx.config().proto_max_bulk_len) {
    return ctx.ReplyError(StringTooLong());
  }
  e->value.str.append(ctx.arg(2));
  e->value.encoding = StringEncoding::kRaw;
  ctx.ks().MarkModified(ctx.db(), key);
  ctx.Propagate();
  ctx.ReplyInt(static_cast<int64_t>(e->value.str.size()));
}

void CmdStrLen(CommandContext& ctx) {
  bool wrong = false;
  Entry* e = ReadString(ctx, ctx.arg(1), &wrong);
  if (!wrong) {
    ctx.ReplyInt(e == nullptr ? 0 : static_cast<int64_t>(e->value.str.size()));
  }
}

void CmdGetRange(CommandContext& ctx) {
  std::optional<int64_t> start = IntArg(ctx, 2);
  if (!start) {
    return;
  }
  std::optional<int64_t> end = IntArg(ctx, 3);
  if (!end) {
    return;
  }
  bool wrong = false;
  Entry* e = ReadString(ctx, ctx.arg(1), &wrong);
  if (wrong) {
    return;
  }
  const std::string_view s = e == nullptr ? std::string_view() : std::string_view(e->value.str);
  const int64_t len = static_cast<int64_t>(s.size());
  int64_t a = *start;
  int64_t b = *end;
  if (a < 0 && b < 0 && a > b) {
    return ctx.ReplyBulk("");
  }
  if (a < 0) a = std::max<int64_t>(len + a, 0);
  if (b < 0) b = std::max<int64_t>(len + b, 0);
  if (b >= len) b = len - 1;
  if (len == 0 || a > b) {
    return ctx.ReplyBulk("");
  }
  ctx.ReplyBulk(s.substr(static_cast<size_t>(a), static_cast<size_t>(b - a + 1)));
}

void CmdSetRange(CommandContext& ctx) {
  std::optional<int64_t> offset = IntArg(ctx, 2);
  if (!offset) {
    return;
  }
  if (*offset < 0) {
    return ctx.ReplyErrorLine("ERR offset is out of range");
  }
  const std::string_view key = ctx.arg(1);
  const std::string_view value = ctx.arg(3);
  Entry* e = ctx.ks().FindWrite(ctx.db(), key);
  if (e != nullptr && e->value.type != ValueType::kString) {
    return ctx.ReplyError(ErrorCode::kWrongType);
  }
  if (value.empty()) {
    return ctx.ReplyInt(e == nullptr ? 0 : static_cast<int64_t>(e->value.str.size()));
  }
  if (*offset + static_cast<int64_t>(value.size()) > ctx.config().proto_max_bulk_len) {
    return ctx.ReplyError(StringTooLong());
  }
  if (e == nullptr) {
    e = ctx.ks().Add(ctx.db(), key, Value::String(""));
  }
  std::string& s = e->value.str;
  const size_t need = static_cast<size_t>(*offset) + value.size();
  if (s.size() < need) {
    s.resize(need, '\0');
  }
  s.replace(static_cast<size_t>(*offset), value.size(), value);
  e->value.encoding = StringEncoding::kRaw;
  ctx.ks().MarkModified(ctx.db(), key);
  ctx.Propagate();
  ctx.ReplyInt(static_cast<int64_t>(s.size()));
}

}  // namespace

void RegisterStringFamily(CommandTable& t) {
  const auto W = kWrite | kDenyOom;
  t.Add({.name = "get",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"read", "string", "fast"},
         .group = "string",
         .since = "1.0.0",
         .summary = "Returns the string value of a key.",
         .complexity = "O(1)",
         .syntax = "key",
         .handler = CmdGet});
  t.Add({.name = "set",
         .arity = -3,
         .flags = W,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "slow"},
         .group = "string",
         .since = "1.0.0",
         .summary = "Sets the string value of a key, ignoring its type. The key is created if it "
                    "doesn't exist.",
         .complexity = "O(1)",
         .syntax = "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
                   "PXAT unix-time-milliseconds|KEEPTTL]",
         .handler = CmdSet});
  t.Add({.name = "setnx",
         .arity = 3,
         .flags = W | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "fast"},
         .group = "string",
         .since = "1.0.0",
         .summary = "Set the string value of a key only when the key doesn't exist.",
         .complexity = "O(1)",
         .syntax = "key value",
         .handler = CmdSetNx});
  t.Add({.name = "setex",
         .arity = 4,
         .flags = W,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "slow"},
         .group = "string",
         .since = "2.0.0",
         .summary = "Sets the string value and expiration time of a key. Creates the key if it "
                    "doesn't exist.",
         .complexity = "O(1)",
         .syntax = "key seconds value",
         .handler = CmdSetEx});
  t.Add({.name = "psetex",
         .arity = 4,
         .flags = W,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "slow"},
         .group = "string",
         .since = "2.6.0",
         .summary = "Sets both string value and expiration time in milliseconds of a key. The key "
                    "is created if it doesn't exist.",
         .complexity = "O(1)",
         .syntax = "key milliseconds value",
         .handler = CmdPSetEx});
  t.Add({.name = "getdel",
         .arity = 2,
         .flags = kWrite | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "fast"},
         .group = "string",
         .since = "6.2.0",
         .summary = "Returns the string value of a key after deleting the key.",
         .complexity = "O(1)",
         .syntax = "key",
         .handler = CmdGetDel});
  t.Add({.name = "getex",
         .arity = -2,
         .flags = kWrite | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "fast"},
         .group = "string",
         .since = "6.2.0",
         .summary = "Returns the string value of a key after setting its expiration time.",
         .complexity = "O(1)",
         .syntax = "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
                   "PXAT unix-time-milliseconds|PERSIST]",
         .handler = CmdGetEx});
  t.Add({.name = "mget",
         .arity = -2,
         .flags = kReadOnly | kFast,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = {"read", "string", "fast"},
         .group = "string",
         .since = "1.0.0",
         .summary = "Atomically returns the string values of one or more keys.",
         .complexity = "O(N) where N is the number of keys to retrieve.",
         .syntax = "key [key ...]",
         .handler = CmdMGet});
  t.Add({.name = "mset",
         .arity = -3,
         .flags = W,
         .first_key = 1,
         .last_key = -1,
         .key_step = 2,
         .acl = {"write", "string", "slow"},
         .group = "string",
         .since = "1.0.1",
         .summary = "Atomically creates or modifies the string values of one or more keys.",
         .complexity = "O(N) where N is the number of keys to set.",
         .syntax = "key value [key value ...]",
         .handler = CmdMSet});
  t.Add({.name = "msetnx",
         .arity = -3,
         .flags = W,
         .first_key = 1,
         .last_key = -1,
         .key_step = 2,
         .acl = {"write", "string", "slow"},
         .group = "string",
         .since = "1.0.1",
         .summary = "Atomically modifies the string values of one or more keys only when all "
                    "keys don't exist.",
         .complexity = "O(N) where N is the number of keys to set.",
         .syntax = "key value [key value ...]",
         .handler = CmdMSetNx});
  t.Add({.name = "incr",
         .arity = 2,
         .flags = W | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "fast"},
         .group = "string",
         .since = "1.0.0",
         .summary = "Increments the integer value of a key by one. Uses 0 as initial value if "
                    "the key doesn't exist.",
         .complexity = "O(1)",
         .syntax = "key",
         .handler = CmdIncr});
  t.Add({.name = "decr",
         .arity = 2,
         .flags = W | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "fast"},
         .group = "string",
         .since = "1.0.0",
         .summary = "Decrements the integer value of a key by one. Uses 0 as initial value if "
                    "the key doesn't exist.",
         .complexity = "O(1)",
         .syntax = "key",
         .handler = CmdDecr});
  t.Add({.name = "incrby",
         .arity = 3,
         .flags = W | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "fast"},
         .group = "string",
         .since = "1.0.0",
         .summary = "Increments the integer value of a key by a number. Uses 0 as initial value "
                    "if the key doesn't exist.",
         .complexity = "O(1)",
         .syntax = "key increment",
         .handler = CmdIncrBy});
  t.Add({.name = "decrby",
         .arity = 3,
         .flags = W | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "fast"},
         .group = "string",
         .since = "1.0.0",
         .summary = "Decrements a number from the integer value of a key. Uses 0 as initial "
                    "value if the key doesn't exist.",
         .complexity = "O(1)",
         .syntax = "key decrement",
         .handler = CmdDecrBy});
  t.Add({.name = "incrbyfloat",
         .arity = 3,
         .flags = W | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "fast"},
         .group = "string",
         .since = "2.6.0",
         .summary = "Increment the floating point value of a key by a number. Uses 0 as initial "
                    "value if the key doesn't exist.",
         .complexity = "O(1)",
         .syntax = "key increment",
         .handler = CmdIncrByFloat});
  t.Add({.name = "append",
         .arity = 3,
         .flags = W | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "fast"},
         .group = "string",
         .since = "2.0.0",
         .summary = "Appends a string to the value of a key. Creates the key if it doesn't "
                    "exist.",
         .complexity = "O(1)",
         .syntax = "key value",
         .handler = CmdAppend});
  t.Add({.name = "strlen",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"read", "string", "fast"},
         .group = "string",
         .since = "2.2.0",
         .summary = "Returns the length of a string value.",
         .complexity = "O(1)",
         .syntax = "key",
         .handler = CmdStrLen});
  t.Add({.name = "getrange",
         .arity = 4,
         .flags = kReadOnly,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"read", "string", "slow"},
         .group = "string",
         .since = "2.4.0",
         .summary = "Returns a substring of the string stored at a key.",
         .complexity = "O(N) where N is the length of the returned string.",
         .syntax = "key start end",
         .handler = CmdGetRange});
  t.Add({.name = "setrange",
         .arity = 4,
         .flags = W,
         .first_key = 1,
         .last_key = 1,
         .key_step = 1,
         .acl = {"write", "string", "slow"},
         .group = "string",
         .since = "2.2.0",
         .summary = "Overwrites a part of a string value with another by an offset. Creates the "
                    "key if it doesn't exist.",
         .complexity = "O(1), not counting the time taken to copy the new string in place.",
         .syntax = "key offset value",
         .handler = CmdSetRange});
}

}  // namespace rill::cmd
