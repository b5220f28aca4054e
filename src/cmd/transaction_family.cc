// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/transaction_family.cc: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//
// Commands after MULTI are checked (existence, arity, auth, OOM) and copied into the
// client's queue by the dispatcher; an error there makes EXEC answer EXECABORT. EXEC runs
// the queue back to back on the shard thread, so no other client's command can interleave:
// that is the atomicity Redis gives. A WATCHed key changed before EXEC makes EXEC answer a
// null array.
#include "cmd/dispatcher.h"
#include "cmd/families.h"

namespace rill::cmd {
namespace {

void EndMulti(CommandContext& ctx) {
  shard::Client& c = ctx.client();
  c.in_multi = false;
  c.multi_error = false;
  c.queued.clear();
  Dispatcher::UnwatchAll(ctx.shard(), c);
}

void CmdMulti(CommandContext& ctx) {
  if (ctx.client().in_multi) {
    return ctx.ReplyErrorLine("ERR MULTI calls can not be nested");
  }
  ctx.client().in_multi = true;
  ctx.ReplyOk();
}

void CmdDiscard(CommandContext& ctx) {
  if (!ctx.client().in_multi) {
    return ctx.ReplyErrorLine("ERR DISCARD without MULTI");
  }
  EndMulti(ctx);
  ctx.ReplyOk();
}

void CmdExec(CommandContext& ctx) {
  shard::Client& c = ctx.client();
  if (!c.in_multi) {
    return ctx.ReplyErrorLine("ERR EXEC without MULTI");
  }
  if (c.multi_error) {
    EndMulti(ctx);
    return ctx.ReplyError(ErrorCode::kExecAbort);
  }
  if (c.watch_dirty()) {
    EndMulti(ctx);
    return ctx.reply().NullArray();
  }
  std::vector<std::vector<std::string>> queued = std::move(c.queued);
  EndMulti(ctx);
  ctx.reply().ArrayHeader(static_cast<int64_t>(queued.size()));
  c.in_exec = true;
  std::vector<std::string_view> args;
  for (const std::vector<std::string>& q : queued) {
    args.assign(q.begin(), q.end());
    std::string error;
    const CommandSpec* spec = ctx.dispatcher().Resolve(args, &error);
    if (spec == nullptr) {
      ctx.ReplyErrorLine(error);  // cannot happen: it resolved when queued
      continue;
    }
    ctx.dispatcher().Execute(Dispatcher::ExecShard(ctx.shard(), *spec, args), c, *spec, args);
    if (c.conn->closed()) {
      break;
    }
  }
  c.in_exec = false;
}

void CmdWatch(CommandContext& ctx) {
  shard::Client& c = ctx.client();
  if (c.in_multi) {
    return ctx.ReplyErrorLine("ERR WATCH inside MULTI is not allowed");
  }
  for (size_t i = 1; i < ctx.argc(); i++) {
    const std::string key(ctx.arg(i));
    const bool known = std::any_of(c.watched.begin(), c.watched.end(), [&](const auto& w) {
      return w.first == c.db && w.second == key;
    });
    if (!known) {
      if (c.watch_flag == nullptr) {
        c.watch_flag = std::make_shared<std::atomic<bool>>(false);
      }
      ctx.ks(key).Watch(c.db, key, c.watch_flag);
      c.watched.emplace_back(c.db, key);
    }
  }
  ctx.ReplyOk();
}

void CmdUnwatch(CommandContext& ctx) {
  Dispatcher::UnwatchAll(ctx.shard(), ctx.client());
  ctx.ReplyOk();
}

}  // namespace

void RegisterTransactionFamily(CommandTable& t) {
  const uint32_t flags = kNoScript | kLoading | kStale | kFast | kAllowBusy;
  t.Add({.name = "multi",
         .arity = 1,
         .flags = flags,
         .acl = {"fast", "transaction"},
         .group = "transactions",
         .since = "1.2.0",
         .summary = "Starts a transaction.",
         .complexity = "O(1)",
         .handler = CmdMulti});
  t.Add({.name = "exec",
         .arity = 1,
         .flags = kNoScript | kLoading | kStale | kSkipSlowlog,
         .acl = {"slow", "transaction"},
         .group = "transactions",
         .since = "1.2.0",
         .summary = "Executes all commands in a transaction.",
         .complexity = "Depends on commands in the transaction",
         .handler = CmdExec});
  t.Add({.name = "discard",
         .arity = 1,
         .flags = flags,
         .acl = {"fast", "transaction"},
         .group = "transactions",
         .since = "2.0.0",
         .summary = "Discards a transaction.",
         .complexity = "O(N), when N is the number of queued commands",
         .handler = CmdDiscard});
  t.Add({.name = "watch",
         .arity = -2,
         .flags = flags,
         .first_key = 1,
         .last_key = -1,
         .key_step = 1,
         .acl = {"fast", "transaction"},
         .group = "transactions",
         .since = "2.2.0",
         .summary = "Monitors changes to keys to determine the execution of a transaction.",
         .complexity = "O(1) for every key.",
         .syntax = "key [key ...]",
         .handler = CmdWatch});
  t.Add({.name = "unwatch",
         .arity = 1,
         .flags = flags,
         .acl = {"fast", "transaction"},
         .group = "transactions",
         .since = "2.2.0",
         .summary = "Forgets about watched keys of a transaction.",
         .complexity = "O(1)",
         .handler = CmdUnwatch});
}

}  // namespace rill::cmd
