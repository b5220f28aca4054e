// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/dispatcher.h: the checks every request passes, driven by the command table.
//
// Order (Redis's processCommand): look up the command and subcommand, check arity,
// authentication, the RESP2 subscribed-client context, CLIENT PAUSE, OOM (after trying to
// evict), then either queue it (inside MULTI) or run it. Running a command times it,
// counts it in commandstats, may add it to the slow log and feeds MONITOR clients.
// Handlers never repeat these checks.
//
// Several shards (ARCHITECTURE "Shards"): an admitted command runs where its keys are. On
// the client's home shard when they all live there (or it has none), with no hop; on the
// one shard that owns them otherwise, through that shard's mailbox, while the home shard
// goes on with the pipeline and the reply takes its place in order (Connection slots);
// with every other shard parked when its keys span shards, it may block, or it reads
// or changes every shard (kAllShards, EXEC over such commands).
// Threading: one Dispatcher serves every shard; it holds no mutable state of its own.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "cmd/command_table.h"
#include "shard/shard.h"

namespace rill::cmd {

class Dispatcher final : public shard::RequestHandler {
 public:
  explicit Dispatcher(CommandTable table);
  // exec_ and the table's lookup structures point into table_.
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  bool OnRequest(shard::Shard& shard, shard::Client& client,
                 std::span<const std::string_view> args) override;
  bool RunBlocked(shard::Shard& shard, shard::Client& client, shard::BlockWake why) override;
  shard::ReplayResult Replay(shard::Shard& shard, shard::Client& client,
                             std::span<const std::string_view> args) override;
  void OnClientClose(shard::Shard& shard, shard::Client& client) override;
  bool RunForwarded(shard::Shard& shard, shard::Client& proxy, const void* command,
                    std::span<const std::string_view> args) override;
  size_t command_count() const override { return table_.all().size(); }

  const CommandTable& table() const { return table_; }

  // Finds the spec for a request, subcommand included. On failure returns nullptr and
  // sets *error to Redis's text (unknown command, unknown subcommand, wrong arity).
  const CommandSpec* Resolve(std::span<const std::string_view> args, std::string* error) const;
  // Runs a resolved command: handler, statistics, slow log, MONITOR.
  void Execute(shard::Shard& shard, shard::Client& client, const CommandSpec& spec,
               std::span<const std::string_view> args);
  // Counts an error reply in INFO errorstats.
  static void CountError(shard::Shard& shard, std::string_view line);
  // The shard a queued or forwarded command with these keys runs on: their owner when
  // they all live on one shard, else home.
  static shard::Shard& ExecShard(shard::Shard& home, const CommandSpec& spec,
                                 std::span<const std::string_view> args);
  // Drops every WATCH of the client.
  static void UnwatchAll(shard::Shard& shard, shard::Client& client);

 private:
  bool Admit(shard::Shard& shard, shard::Client& client, const CommandSpec& spec,
             std::span<const std::string_view> args);
  // Runs an admitted command where its keys are (see above). Returns false when it must
  // wait for the coordination token: the request runs again when the client resumes.
  bool Run(shard::Shard& shard, shard::Client& client, const CommandSpec& spec,
           std::span<const std::string_view> args);
  bool Coordinate(shard::Shard& shard, shard::Client& client, const CommandSpec& spec,
                  std::span<const std::string_view> args);
  // What runs when the token passes to client's request, which waited for it: the request
  // runs again (with client.token_granted set), and the token goes on if it does not use it.
  static std::function<void()> TokenGrant(shard::Shard& shard, shard::Client& client);
  // Evicts by policy from every shard's keyspace, best candidate first, until the process
  // uses at most limit. REQUIRES: the other shards are parked. False if nothing is left.
  static bool EvictAcrossShards(shard::ShardSet& set, uint64_t limit);
  // Whether CLIENT PAUSE WRITE must hold this request (EXEC: if a queued command writes).
  bool IsWrite(const shard::Client& client, const CommandSpec& spec) const;
  void Reject(shard::Shard& shard, shard::Client& client, const CommandSpec* spec,
              std::string_view line);
  void FeedMonitors(shard::Shard& shard, shard::Client& client, const CommandSpec& spec,
                    std::span<const std::string_view> args);

  CommandTable table_;
  const CommandSpec* exec_ = nullptr;  // EXEC's entry, found once: Run and IsWrite check for it
};

}  // namespace rill::cmd
