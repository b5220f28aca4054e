// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// config/config.h: the values of every directive, as one plain struct.
//
// A Config is a value: the main thread owns the current one (ConfigStore) and publishes an
// immutable copy to every shard after each successful change; shard code reads
// `shard.config()`, never a global. The fields are defined, documented, parsed and printed
// by exactly one table, config/config_table.cc. Add a field here only together with its row
// there and its paragraph in conf/rill.conf (ConfigTableTest.ConfMatchesTable checks).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/logging.h"

namespace rill::config {

// In Redis's order, which its error text for a bad value lists.
enum class EvictionPolicy : int {
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kNoEviction,
};

enum class DebugCommand : int { kNo, kYes, kLocal };

enum class AppendFsync : int { kAlways, kEverySec, kNo };

// One class of client-output-buffer-limit: the hard limit closes a client at once; the
// soft limit closes it when exceeded continuously for soft_seconds. 0 disables a limit.
struct OutputBufferLimit {
  int64_t hard_bytes = 0;
  int64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
  bool operator==(const OutputBufferLimit&) const = default;
};

struct Config {
  // NETWORK
  std::vector<std::string> bind;  // addresses to listen on; set by the table's default
  int64_t port = 0;               // TCP port; 0 = no TCP listener
  int64_t tcp_backlog = 0;        // listen(2) backlog, in connections
  std::string unixsocket;         // path of the unix socket; "" = none
  int64_t unixsocketperm = 0;     // octal mode of the unix socket; 0 = umask default
  int64_t timeout = 0;            // seconds an idle client may stay; 0 = forever
  int64_t tcp_keepalive = 0;      // seconds between TCP keepalive probes; 0 = off
  // GENERAL
  std::string pidfile;
  std::string logfile;
  LogLevel loglevel = LogLevel::kNotice;
  int64_t databases = 0;     // number of numbered databases (SELECT 0..databases-1)
  int64_t hz = 0;            // background tasks (expiry, timeouts) per second
  int64_t busy_poll_us = 0;  // how long a busy shard polls before it sleeps; 0 = never
  int64_t shards = 0;        // event-loop threads, each owning a slice of the keys; 0 = cores
  std::string dir;           // working directory
  DebugCommand enable_debug_command = DebugCommand::kNo;
  // SECURITY
  std::string requirepass;  // password of the default user; "" = no AUTH needed
  // CLIENTS
  int64_t maxclients = 0;
  // MEMORY
  int64_t maxmemory = 0;  // bytes; 0 = no limit
  EvictionPolicy maxmemory_policy = EvictionPolicy::kNoEviction;
  int64_t maxmemory_samples = 0;   // keys sampled per eviction
  int64_t lfu_log_factor = 0;      // LFU counter logarithm factor
  int64_t lfu_decay_time = 0;      // minutes per LFU counter decay step
  bool jemalloc_bg_thread = true;  // purge freed memory on jemalloc's own threads
  // LIMITS
  int64_t proto_max_bulk_len = 0;         // bytes, largest bulk string a client may send
  int64_t client_query_buffer_limit = 0;  // bytes, largest unparsed input per client
  OutputBufferLimit output_limit_normal;
  OutputBufferLimit output_limit_replica;
  OutputBufferLimit output_limit_pubsub;
  // APPEND ONLY MODE
  bool appendonly = false;
  std::string appendfilename;
  std::string appenddirname;
  AppendFsync appendfsync = AppendFsync::kEverySec;
  bool aof_load_truncated = true;
  int64_t key_load_delay = 0;  // microseconds of sleep per command loaded (tests)
  bool no_appendfsync_on_rewrite = false;
  bool aof_rewrite_incremental_fsync = true;
  int64_t auto_aof_rewrite_percentage = 0;  // growth over the last rewrite's size; 0 = off
  int64_t auto_aof_rewrite_min_size = 0;    // bytes below which no automatic rewrite runs
  // SNAPSHOTTING
  struct SavePoint {
    int64_t seconds = 0;
    int64_t changes = 0;
    bool operator==(const SavePoint&) const = default;
  };
  std::vector<SavePoint> save;  // BGSAVE after `seconds` if at least `changes` writes
  std::string dbfilename;       // the dump file, under dir
  bool rdb_save_incremental_fsync = true;
  // STREAMS
  int64_t stream_node_max_bytes = 0;    // bytes per stream node; 0 = no limit
  int64_t stream_node_max_entries = 0;  // entries per stream node; 0 = no limit
  // SLOW LOG
  int64_t slowlog_log_slower_than = 0;  // microseconds; negative disables, 0 logs all
  int64_t slowlog_max_len = 0;          // entries kept
};

}  // namespace rill::config
