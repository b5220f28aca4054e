// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/command_table.h: one row per command; everything about commands is generated from it.
//
// A CommandSpec holds what the dispatcher checks before the handler runs (arity, flags such
// as write/deny-oom/no-auth, where the keys are) and what COMMAND reports (INFO, DOCS,
// COUNT, LIST, GETKEYS): ACL categories, group, summary, since-version, complexity and the
// argument syntax in Redis's documentation notation, from which COMMAND DOCS builds the
// argument tree that redis-cli turns into hints:
//
//   "key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]"
//    ^plain  ^plain ^oneof  ^pure token  ^oneof of token+argument pairs and a pure token
//
// Container commands (CLIENT, CONFIG, ...) have subcommands, each a full row of its own
// ("config|get" in replies), found by the dispatcher from the second argument.
// Threading: built once before the shards start, immutable afterwards.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.h"

namespace rill::cmd {

class CommandContext;
using Handler = void (*)(CommandContext& ctx);

enum CommandFlags : uint32_t {
  kWrite = 1u << 0,
  kReadOnly = 1u << 1,
  kDenyOom = 1u << 2,
  kAdmin = 1u << 3,
  kPubSub = 1u << 4,
  kNoScript = 1u << 5,
  kBlocking = 1u << 6,
  kLoading = 1u << 7,
  kStale = 1u << 8,
  kSkipMonitor = 1u << 9,
  kFast = 1u << 10,
  kNoAuth = 1u << 11,
  kMayReplicate = 1u << 12,
  kNoMulti = 1u << 13,
  kAllowBusy = 1u << 14,
  kSkipSlowlog = 1u << 15,
  kMovableKeys = 1u << 17,  // keys found by keys_after, not by position (XREAD)
  kNoAsyncLoading = 1u << 18,
  // Rill-internal, not reported by COMMAND: MONITOR shows "(redacted)" for the arguments.
  kSensitiveArgs = 1u << 16,
  // Rill-internal: reads or changes every shard (KEYS, DBSIZE, FLUSHALL...), so with
  // several shards it runs with the others parked.
  kAllShards = 1u << 19,
};

struct CommandSpec {
  std::string name;  // lower case; "config|get" for subcommands
  int arity = 0;     // Redis arity: n = exactly n args (name included), -n = at least n
  uint32_t flags = 0;
  int first_key = 0;  // 0 = no keys
  int last_key = 0;   // -1 = last argument
  int key_step = 0;
  // Movable keys (XREAD, XREADGROUP): the keys are the first half of the arguments after
  // the first `keys_after` keyword found from position keys_search_from (Redis's keyword
  // key spec with a find_keys limit of 2).
  std::string_view keys_after;
  int keys_search_from = 0;
  std::vector<std::string_view> acl;  // ACL categories without '@'
  std::string_view group;             // "string", "keyspace", "server", ...
  std::string_view since;
  std::string_view summary;
  std::string_view complexity;
  std::string_view syntax;  // arguments in documentation notation (see the file comment)
  Handler handler = nullptr;
  std::vector<CommandSpec> subcommands;
  size_t index = 0;  // position in CommandTable::all(), for per-command statistics

  // The display name: "config|get" -> "CONFIG GET".
  std::string FullName() const;
  bool is_container() const { return !subcommands.empty(); }
};

class CommandTable {
 public:
  void Add(CommandSpec spec);
  // Assigns statistics indexes and enables the lookup cache; call once after the last
  // Add(), on the table's final object (commands must not move afterwards).
  void Finish();

  // Case-insensitive lookup of a top-level command.
  const CommandSpec* Find(std::string_view name) const;
  // Case-insensitive lookup of a subcommand of a container.
  static const CommandSpec* FindSub(const CommandSpec& parent, std::string_view name);

  const std::vector<CommandSpec>& commands() const { return commands_; }
  // Every spec, subcommands included, in index order (for statistics).
  const std::vector<const CommandSpec*>& all() const { return all_; }

 private:
  std::vector<CommandSpec> commands_;
  StringMap<size_t> by_name_;
  std::vector<const CommandSpec*> all_;
  uint64_t id_ = 0;  // set by Finish(), unique in the process; 0 = no lookup cache
};

// Key positions of a request, by the spec's first/last/step (COMMAND GETKEYS).
std::vector<size_t> KeyPositions(const CommandSpec& spec, std::span<const std::string_view> args);

}  // namespace rill::cmd
