// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/client.h: the session state of one connected client.
//
// A Client owns its Connection and everything a Redis client session carries: selected
// database, protocol version, name, authentication, the MULTI queue and WATCHed keys,
// pub/sub subscriptions, MONITOR and CLIENT REPLY modes. The command layer reads and
// changes it; the shard owns it and destroys it after the connection closed.
// Threading: lives on its shard's thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/hash.h"
#include "net/connection.h"

namespace rill::shard {

enum class ReplyMode : uint8_t { kOn, kOff, kSkipNext, kSkipThis };

// A client blocked in XREAD/XREADGROUP BLOCK or WAITAOF. Like Redis 7, the command runs
// again when a key it waits on changes (or, for WAITAOF, when the journal is fsynced far
// enough); `argv` is the request with "$" already turned into ids, so the re-run asks for
// exactly what the first run waited for.
struct BlockState {
  bool active = false;
  std::vector<std::string> argv;
  std::vector<std::pair<int, std::string>> keys;  // (db, key) waited on
  int64_t deadline_ms = 0;                        // Unix ms; 0 = wait forever
  bool rerun = false;                             // the command is running again
  bool still_waiting = false;                     // the re-run found nothing: keep waiting
  // At the timeout the command runs once more with timed_out set and replies itself
  // (WAITAOF's counts), instead of the null reply of XREAD.
  bool rerun_on_timeout = false;
  bool timed_out = false;
  bool spans = false;  // some key lives on another shard (Shard::Block)
};

struct Client {
  uint64_t id = 0;
  int home = 0;        // the shard the client lives on
  bool proxy = false;  // stands in for another shard's client (Shard::RunForwardBatch)
  std::unique_ptr<net::Connection> conn;
  int db = 0;
  int resp = 2;
  bool authenticated = false;
  std::string name;
  std::string lib_name;
  std::string lib_ver;
  int64_t created_ms = 0;           // Unix ms of the connect
  int64_t last_interaction_ms = 0;  // Unix ms of the last request or reply
  // Lower-case name of the last command, for CLIENT LIST cmd=; borrows the command table,
  // which lives as long as the process.
  std::string_view last_command = "NULL";

  // MULTI/EXEC: commands queued after MULTI, copied out of the read buffer.
  bool in_multi = false;
  bool multi_error = false;  // a command failed to queue: EXEC answers EXECABORT
  // Set when a WATCHed key changed (EXEC then answers null); made by the first WATCH,
  // dropped with the watches. Shared with the keyspaces of the watched keys, which may be
  // other shards'.
  std::shared_ptr<std::atomic<bool>> watch_flag;
  bool watch_dirty() const { return watch_flag != nullptr && watch_flag->load(); }
  std::vector<std::vector<std::string>> queued;
  std::vector<std::pair<int, std::string>> watched;  // (db, key)

  StringSet channels;
  StringSet patterns;
  bool monitor = false;
  bool in_exec = false;  // running the commands of EXEC
  ReplyMode reply_mode = ReplyMode::kOn;
  bool no_evict = false;
  bool paused = false;              // held by CLIENT PAUSE; its request runs again on unpause
  int64_t soft_limit_since_ms = 0;  // when output first exceeded the soft limit; 0 = not over
  BlockState block;
  uint64_t sync_target = 0;  // WAITAOF: the journal offset its writes end at (Shard::SyncTarget)
  // Several shards: the coordination token passed to this client while its request
  // waited for it (shard/shard_set.h); the request runs when the client resumes.
  bool token_granted = false;
  // Migration to the shard that owns the client's keys (Shard::Migrate): where to, or -1;
  // and how many requests in a row went to one other shard.
  int migrate_to = -1;
  int streak_owner = -1;
  uint32_t forward_streak = 0;

  size_t subscriptions() const { return channels.size() + patterns.size(); }
};

}  // namespace rill::shard
