// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/pubsub_family.cc: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB.
//
// Confirmations and messages are RESP3 pushes after HELLO 3 and arrays in RESP2. A
// subscriber that cannot keep up is cut off by client-output-buffer-limit pubsub; it is
// never allowed to grow its buffer without bound.
#include <set>

#include "cmd/families.h"
#include "core/strings.h"

namespace rill::cmd {
namespace {

void Confirm(CommandContext& ctx, std::string_view kind, std::string_view name, bool null_name) {
  net::ReplyBuilder& rb = ctx.reply();
  rb.PushHeader(3);
  rb.Bulk(kind);
  if (null_name) {
    rb.Null();
  } else {
    rb.Bulk(name);
  }
  rb.Integer(static_cast<int64_t>(ctx.client().subscriptions()));
}

void CmdSubscribe(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); i++) {
    ctx.shard().pubsub().Subscribe(&ctx.client(), ctx.arg(i));
    Confirm(ctx, "subscribe", ctx.arg(i), false);
  }
}

void CmdPSubscribe(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); i++) {
    ctx.shard().pubsub().PSubscribe(&ctx.client(), ctx.arg(i));
    Confirm(ctx, "psubscribe", ctx.arg(i), false);
  }
}

void Unsubscribe(CommandContext& ctx, bool patterns) {
  shard::Client& c = ctx.client();
  std::vector<std::string> names;
  if (ctx.argc() > 1) {
    names.assign(ctx.args().begin() + 1, ctx.args().end());
  } else {
    const auto& set = patterns ? c.patterns : c.channels;
    names.assign(set.begin(), set.end());
  }
  const std::string_view kind = patterns ? "punsubscribe" : "unsubscribe";
  if (names.empty()) {
    return Confirm(ctx, kind, "", true);
  }
  for (const std::string& n : names) {
    if (patterns) {
      ctx.shard().pubsub().PUnsubscribe(&c, n);
    } else {
      ctx.shard().pubsub().Unsubscribe(&c, n);
    }
    Confirm(ctx, kind, n, false);
  }
}

void CmdUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, false); }
void CmdPUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, true); }

// Subscribers live on their own shards; these commands run with the others parked
// (kAllShards) and visit each shard's registry.
void CmdPublish(CommandContext& ctx) {
  size_t n = 0;
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {
    shard::Shard& s = set.shard(i);
    const std::vector<shard::Client*> receivers = s.pubsub().Publish(ctx.arg(1), ctx.arg(2));
    n += receivers.size();
    for (shard::Client* r : receivers) {
      if (r == &ctx.client() || r->conn->closed()) {
        continue;  // our own buffer is flushed and checked after this command
      }
      if (s.CheckOutputLimit(*r)) {
        r->conn->ScheduleFlush();
      }
    }
  }
  ctx.ReplyInt(static_cast<int64_t>(n));
}

void CmdPubSubChannels(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    return ctx.ReplyErrorLine("ERR unknown subcommand or wrong number of arguments for '" +
                              std::string(ctx.arg(1)) + "'. Try PUBSUB HELP.");
  }
  std::set<std::string> chans;
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {
    for (std::string& c : set.shard(i).pubsub().Channels(ctx.argc() == 3 ? ctx.arg(2) : "")) {
      chans.insert(std::move(c));
    }
  }
  ctx.reply().ArrayHeader(static_cast<int64_t>(chans.size()));
  for (const std::string& c : chans) {
    ctx.ReplyBulk(c);
  }
}

void CmdPubSubNumSub(CommandContext& ctx) {
  ctx.reply().MapHeader(static_cast<int64_t>(ctx.argc() - 2));
  shard::ShardSet& set = ctx.shard().set();
  for (size_t i = 2; i < ctx.argc(); i++) {
    size_t n = 0;
    for (int s = 0; s < set.size(); s++) {
      n += set.shard(s).pubsub().NumSub(ctx.arg(i));
    }
    ctx.ReplyBulk(ctx.arg(i));
    ctx.ReplyInt(static_cast<int64_t>(n));
  }
}

void CmdPubSubNumPat(CommandContext& ctx) {
  std::set<std::string> patterns;
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {
    for (std::string& p : set.shard(i).pubsub().Patterns()) {
      patterns.insert(std::move(p));
    }
  }
  ctx.ReplyInt(static_cast<int64_t>(patterns.size()));
}

void CmdPubSubHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "HELP",
      "    Print this help.",
  };
  ReplyHelp(ctx, kLines);
}

}  // namespace

void RegisterPubSubFamily(CommandTable& t) {
  const uint32_t sub_flags = kPubSub | kNoScript | kLoading | kStale;
  const auto ps = [](CommandSpec s) {
    s.group = "pubsub";
    return s;
  };
  t.Add(ps({.name = "subscribe",
            .arity = -2,
            .flags = sub_flags,
            .acl = {"pubsub", "slow"},
            .since = "2.0.0",
            .summary = "Listens for messages published to channels.",
            .complexity = "O(N) where N is the number of channels to subscribe to.",
            .syntax = "channel [channel ...]",
            .handler = CmdSubscribe}));
  t.Add(ps({.name = "unsubscribe",
            .arity = -1,
            .flags = sub_flags,
            .acl = {"pubsub", "slow"},
            .since = "2.0.0",
            .summary = "Stops listening to messages posted to channels.",
            .complexity = "O(N) where N is the number of channels to unsubscribe.",
            .syntax = "[channel [channel ...]]",
            .handler = CmdUnsubscribe}));
  t.Add(ps({.name = "psubscribe",
            .arity = -2,
            .flags = sub_flags,
            .acl = {"pubsub", "slow"},
            .since = "2.0.0",
            .summary = "Listens for messages published to channels that match one or more "
                       "patterns.",
            .complexity = "O(N) where N is the number of patterns to subscribe to.",
            .syntax = "pattern [pattern ...]",
            .handler = CmdPSubscribe}));
  t.Add(ps({.name = "punsubscribe",
            .arity = -1,
            .flags = sub_flags,
            .acl = {"pubsub", "slow"},
            .since = "2.0.0",
            .summary = "Stops listening to messages published to channels that match one or "
                       "more patterns.",
            .complexity = "O(N) where N is the number of patterns to unsubscribe.",
            .syntax = "[pattern [pattern ...]]",
            .handler = CmdPUnsubscribe}));
  t.Add(ps({.name = "publish",
            .arity = 3,
            .flags = kPubSub | kLoading | kStale | kFast | kAllShards,
            .acl = {"pubsub", "fast"},
            .since = "2.0.0",
            .summary = "Posts a message to a channel.",
            .complexity = "O(N+M) where N is the number of clients subscribed to the receiving "
                          "channel and M is the total number of subscribed patterns (by any "
                          "client).",
            .syntax = "channel message",
            .handler = CmdPublish}));
  CommandSpec pubsub = ps({.name = "pubsub",
                           .arity = -2,
                           .acl = {"slow"},
                           .since = "2.8.0",
                           .summary = "A container for Pub/Sub commands.",
                           .complexity = "Depends on subcommand."});
  const uint32_t f = kPubSub | kLoading | kStale | kAllShards;
  pubsub.subcommands.push_back(ps({.name = "pubsub|channels",
                                   .arity = -2,
                                   .flags = f,
                                   .acl = {"pubsub", "slow"},
                                   .since = "2.8.0",
                                   .summary = "Returns the active channels.",
                                   .complexity = "O(N) where N is the number of active "
                                                 "channels",
                                   .syntax = "[pattern]",
                                   .handler = CmdPubSubChannels}));
  pubsub.subcommands.push_back(ps({.name = "pubsub|numsub",
                                   .arity = -2,
                                   .flags = f,
                                   .acl = {"pubsub", "slow"},
                                   .since = "2.8.0",
                                   .summary = "Returns a count of subscribers to channels.",
                                   .complexity = "O(N) for the NUMSUB subcommand, where N is "
                                                 "the number of requested channels",
                                   .syntax = "[channel [channel ...]]",
                                   .handler = CmdPubSubNumSub}));
  pubsub.subcommands.push_back(ps({.name = "pubsub|numpat",
                                   .arity = 2,
                                   .flags = f,
                                   .acl = {"pubsub", "slow"},
                                   .since = "2.8.0",
                                   .summary = "Returns a count of unique pattern "
                                              "subscriptions.",
                                   .complexity = "O(1)",
                                   .handler = CmdPubSubNumPat}));
  pubsub.subcommands.push_back(
      HelpSubcommand("pubsub", {"slow"}, "pubsub", "6.2.0", CmdPubSubHelp));
  t.Add(std::move(pubsub));
}

}  // namespace rill::cmd
