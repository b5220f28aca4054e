// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "config/config_table.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "core/logging.h"
#include "core/memory.h"
#include "core/strings.h"

namespace rill::config {
namespace {

Status Invalid(std::string reason) { return Status(ErrorCode::kInvalidConfig, std::move(reason)); }

// Quotes a value for a conf file when it is empty or has spaces or quotes.
std::string ConfQuote(std::string_view v) {
  if (!v.empty() && v.find_first_of(" \t\"'\\") == std::string_view::npos &&
      std::all_of(v.begin(), v.end(),
                  [](char c) { return isprint(static_cast<unsigned char>(c)); })) {
    return std::string(v);
  }
  return QuoteRepr(v);
}

std::vector<std::string> One(std::string v) { return {std::move(v)}; }

// Stores v in field when within [min, max]; otherwise Redis's bounds error.
Status SetBounded(Config& c, int64_t Config::*field, std::optional<int64_t> v, int64_t min,
                  int64_t max, const char* unparsable) {
  if (!v) {
    return Invalid(unparsable);
  }
  if (*v < min || *v > max) {
    return Invalid("argument must be between " + std::to_string(min) + " and " +
                   std::to_string(max) + " inclusive");
  }
  c.*field = *v;
  return Status::Ok();
}

ConfigDef Int(std::string_view name, int64_t Config::*field, int64_t def, int64_t min, int64_t max,
              unsigned flags, std::string_view doc) {
  ConfigDef d;
  d.name = name;
  d.default_value = std::to_string(def);
  d.flags = flags;
  d.doc = doc;
  d.set = [field, min, max](Config& c, std::string_view text) {
    return SetBounded(c, field, ParseInt64(text), min, max,
                      "argument couldn't be parsed into an integer");
  };
  d.get = [field](const Config& c) { return std::to_string(c.*field); };
  d.rewrite = [field](const Config& c) { return One(std::to_string(c.*field)); };
  return d;
}

// Memory amounts: accept units (1gb, 5mb, 100kb), print plain bytes for CONFIG GET and the
// largest exact unit for CONFIG REWRITE, as Redis does.
ConfigDef Memory(std::string_view name, int64_t Config::*field, std::string default_text,
                 int64_t min, int64_t max, unsigned flags, std::string_view doc) {
  ConfigDef d;
  d.name = name;
  d.default_value = std::move(default_text);
  d.flags = flags;
  d.doc = doc;
  d.set = [field, min, max](Config& c, std::string_view text) {
    return SetBounded(c, field, ParseMemory(text), min, max, "argument must be a memory value");
  };
  d.get = [field](const Config& c) { return std::to_string(c.*field); };
  d.rewrite = [field](const Config& c) {
    const int64_t v = c.*field;
    constexpr int64_t kGb = 1024LL * 1024 * 1024;
    if (v != 0 && v % kGb == 0) {
      return One(std::to_string(v / kGb) + "gb");
    }
    if (v != 0 && v % (1024 * 1024) == 0) {
      return One(std::to_string(v / (1024 * 1024)) + "mb");
    }
    if (v != 0 && v % 1024 == 0) {
      return One(std::to_string(v / 1024) + "kb");
    }
    return One(std::to_string(v));
  };
  return d;
}

ConfigDef String(std::string_view name, std::string Config::*field, std::string def, unsigned flags,
                 std::string_view doc) {
  ConfigDef d;
  d.name = name;
  d.default_value = def.empty() ? "\"\"" : def;
  d.flags = flags;
  d.doc = doc;
  d.set = [field](Config& c, std::string_view text) {
    c.*field = std::string(text);
    return Status::Ok();
  };
  d.get = [field](const Config& c) { return c.*field; };
  d.rewrite = [field](const Config& c) { return One(ConfQuote(c.*field)); };
  return d;
}

template <typename E>
ConfigDef Enum(std::string_view name, E Config::*field, std::vector<std::string_view> names, E def,
               unsigned flags, std::string_view doc);

// yes/no, with Redis's error text.
ConfigDef Bool(std::string_view name, bool Config::*field, bool def, unsigned flags,
               std::string_view doc) {
  ConfigDef d = Enum(name, field, {"no", "yes"}, def, flags, doc);
  d.set = [inner = d.set](Config& c, std::string_view text) {
    Status s = inner(c, text);
    return s.ok() ? s : Invalid("argument must be 'yes' or 'no'");
  };
  return d;
}

template <typename E>
ConfigDef Enum(std::string_view name, E Config::*field, std::vector<std::string_view> names, E def,
               unsigned flags, std::string_view doc) {
  ConfigDef d;
  d.name = name;
  d.default_value = std::string(names[static_cast<int>(def)]);
  d.flags = flags;
  d.doc = doc;
  d.set = [field, names](Config& c, std::string_view text) -> Status {
    for (size_t i = 0; i < names.size(); i++) {
      if (EqualsIgnoreCase(names[i], text)) {
        c.*field = static_cast<E>(i);
        return Status::Ok();
      }
    }
    std::string all;
    for (std::string_view n : names) {
      all += all.empty() ? "" : ", ";
      all += n;
    }
    return Invalid("argument(s) must be one of the following: " + all);
  };
  d.get = [field, names](const Config& c) {
    return std::string(names[static_cast<int>(c.*field)]);
  };
  d.rewrite = [field, names](const Config& c) {
    return One(std::string(names[static_cast<int>(c.*field)]));
  };
  return d;
}

ConfigDef Bind() {
  ConfigDef d;
  d.name = "bind";
  d.default_value = "127.0.0.1";
  d.flags = kImmutable | kMultiArg;
  d.doc = "Addresses to listen on for TCP clients, separated by spaces.";
  d.set = [](Config& c, std::string_view text) -> Status {
    std::optional<std::vector<std::string>> addrs = SplitArgs(text);
    if (!addrs || addrs->empty() || addrs->size() > 16) {
      return Invalid("Too many bind addresses specified.");
    }
    for (const std::string& a : *addrs) {
      const bool bad_char = std::any_of(a.begin(), a.end(), [](char ch) {
        return !isprint(static_cast<unsigned char>(ch)) || ch == ' ' || ch == '"' || ch == '\'';
      });
      if (a.empty() || bad_char) {
        return Invalid("Invalid bind address '" + a + "'");
      }
    }
    c.bind = std::move(*addrs);
    return Status::Ok();
  };
  d.get = [](const Config& c) {
    std::string s;
    for (const std::string& a : c.bind) {
      s += s.empty() ? "" : " ";
      s += a;
    }
    return s;
  };
  d.rewrite = [get = d.get](const Config& c) { return One(get(c)); };
  return d;
}

ConfigDef UnixSocketPerm() {
  ConfigDef d;
  d.name = "unixsocketperm";
  d.default_value = "0";
  d.flags = kImmutable;
  d.doc = "Octal permission bits of the unix socket; 0 leaves the umask default.";
  d.set = [](Config& c, std::string_view text) -> Status {
    char* end = nullptr;
    const std::string s(text);
    const long v = strtol(s.c_str(), &end, 8);
    if (s.empty() || *end != '\0' || v < 0 || v > 0777) {
      return Invalid("Invalid socket file permissions");
    }
    c.unixsocketperm = v;
    return Status::Ok();
  };
  d.get = [](const Config& c) {
    char buf[16];
    snprintf(buf, sizeof(buf), "%o", static_cast<unsigned>(c.unixsocketperm));
    return std::string(buf);
  };
  d.rewrite = [get = d.get](const Config& c) { return One(get(c)); };
  return d;
}

constexpr std::string_view kLimitClasses[] = {"normal", "replica", "pubsub"};

OutputBufferLimit Config::*LimitField(size_t i) {
  constexpr OutputBufferLimit Config::*kFields[] = {
      &Config::output_limit_normal, &Config::output_limit_replica, &Config::output_limit_pubsub};
  return kFields[i];
}

// `save <seconds> <changes> [<seconds> <changes> ...]`, or `save ""` for no schedule.
ConfigDef SavePoints() {
  ConfigDef d;
  d.name = "save";
  d.default_value = "3600 1 300 100 60 10000";
  d.flags = kMultiArg | kAccumulates;
  d.doc = "BGSAVE after <seconds> if at least <changes> writes happened; \"\" = never.";
  d.set = [](Config& c, std::string_view text) -> Status {
    std::optional<std::vector<std::string>> w = SplitArgs(text);
    if (!w || w->size() % 2 != 0) {
      return Invalid("Invalid save parameters");
    }
    std::vector<Config::SavePoint> points;
    for (size_t i = 0; i < w->size(); i += 2) {
      const std::optional<int64_t> secs = ParseInt64((*w)[i]);
      const std::optional<int64_t> changes = ParseInt64((*w)[i + 1]);
      if (!secs || !changes || *secs < 1 || *changes < 0) {
        return Invalid("Invalid save parameters");
      }
      points.push_back({*secs, *changes});
    }
    c.save = std::move(points);
    return Status::Ok();
  };
  d.get = [](const Config& c) {
    std::string s;
    for (const Config::SavePoint& p : c.save) {
      s += (s.empty() ? "" : " ") + std::to_string(p.seconds) + " " + std::to_string(p.changes);
    }
    return s;
  };
  d.rewrite = [get = d.get](const Config& c) {
    const std::string v = get(c);
    return std::vector<std::string>{v.empty() ? "\"\"" : v};
  };
  return d;
}

ConfigDef OutputBufferLimits() {
  ConfigDef d;
  d.name = "client-output-buffer-limit";
  d.default_value = "normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60";
  d.flags = kMultiArg;
  d.doc = "Per client class: <class> <hard bytes> <soft bytes> <soft seconds>; 0 = no limit.";
  d.set = [](Config& c, std::string_view text) -> Status {
    std::optional<std::vector<std::string>> w = SplitArgs(text);
    if (!w || w->empty() || w->size() % 4 != 0) {
      return Invalid("Wrong number of arguments in buffer limit configuration.");
    }
    Config next = c;
    for (size_t i = 0; i < w->size(); i += 4) {
      std::string cls = ToLower((*w)[i]);
      if (cls == "slave") {
        cls = "replica";
      }
      size_t k = 0;
      while (k < 3 && kLimitClasses[k] != cls) {
        k++;
      }
      const std::optional<int64_t> hard = ParseMemory((*w)[i + 1]);
      const std::optional<int64_t> soft = ParseMemory((*w)[i + 2]);
      const std::optional<int64_t> secs = ParseInt64((*w)[i + 3]);
      if (k == 3 || !hard || !soft || !secs || *hard < 0 || *soft < 0 || *secs < 0) {
        return Invalid("Invalid client class specified in buffer limit configuration.");
      }
      next.*LimitField(k) = OutputBufferLimit{*hard, *soft, *secs};
    }
    c = std::move(next);
    return Status::Ok();
  };
  d.get = [](const Config& c) {
    std::string s;
    for (size_t k = 0; k < 3; k++) {
      const OutputBufferLimit& l = c.*LimitField(k);
      s += (k ? " " : "") + std::string(kLimitClasses[k]) + " " + std::to_string(l.hard_bytes) +
           " " + std::to_string(l.soft_bytes) + " " + std::to_string(l.soft_seconds);
    }
    return s;
  };
  d.rewrite = [](const Config& c) {
    std::vector<std::string> lines;
    for (size_t k = 0; k < 3; k++) {
      const OutputBufferLimit& l = c.*LimitField(k);
      lines.push_back(std::string(kLimitClasses[k]) + " " + std::to_string(l.hard_bytes) + " " +
                      std::to_string(l.soft_bytes) + " " + std::to_string(l.soft_seconds));
    }
    return lines;
  };
  return d;
}

// Redis clamps some values instead of refusing them (hz: 0 means 1, 1000 means 500).
ConfigDef Clamped(ConfigDef d, int64_t Config::*field, int64_t lo, int64_t hi) {
  d.set = [set = std::move(d.set), field, lo, hi](Config& c, std::string_view text) {
    Status s = set(c, text);
    if (s.ok()) {
      c.*field = std::clamp(c.*field, lo, hi);
    }
    return s;
  };
  return d;
}

ConfigDef WithApply(ConfigDef d, Status (*apply)(const Config&)) {
  d.apply = apply;
  return d;
}

Status ApplyLogLevel(const Config& c) {
  logging::SetLevel(c.loglevel);
  return Status::Ok();
}

Status ApplyJemallocBgThread(const Config& c) {
  memory::SetBackgroundPurge(c.jemalloc_bg_thread);  // without jemalloc there is nothing to set
  return Status::Ok();
}

Status ApplyDir(const Config& c) {
  if (chdir(c.dir.c_str()) != 0) {
    return Invalid("No such file or directory");
  }
  return Status::Ok();
}

constexpr int64_t kIntMax = INT32_MAX;
constexpr int64_t kLongMax = INT64_MAX;

std::vector<ConfigDef> BuildTable() {
  std::vector<ConfigDef> t;
  // NETWORK
  t.push_back(Bind());
  t.push_back(Int("port", &Config::port, 6379, 0, 65535, kImmutable,
                  "TCP port to accept clients on; 0 disables TCP."));
  t.push_back(Int("tcp-backlog", &Config::tcp_backlog, 511, 0, kIntMax, kImmutable,
                  "Backlog of the listen(2) queue, in connections."));
  t.push_back(String("unixsocket", &Config::unixsocket, "", kImmutable,
                     "Path of a unix socket to accept clients on; empty disables it."));
  t.push_back(UnixSocketPerm());
  t.push_back(Int("timeout", &Config::timeout, 0, 0, kIntMax, kMutable,
                  "Close a client idle for this many seconds; 0 never closes."));
  t.push_back(Int("tcp-keepalive", &Config::tcp_keepalive, 300, 0, kIntMax, kMutable,
                  "Seconds between TCP keepalive probes on client sockets; 0 disables."));
  // GENERAL
  t.push_back(String("pidfile", &Config::pidfile, "", kImmutable,
                     "File to write the process id to at start; empty writes none."));
  t.push_back(WithApply(
      Enum("loglevel", &Config::loglevel, {"debug", "verbose", "notice", "warning", "nothing"},
           LogLevel::kNotice, kMutable, "Least severe level logged."),
      ApplyLogLevel));
  t.push_back(String("logfile", &Config::logfile, "", kImmutable,
                     "File to append the log to; empty logs to standard output."));
  t.push_back(Int("databases", &Config::databases, 16, 1, kIntMax, kImmutable,
                  "Number of numbered databases SELECT can choose from."));
  t.push_back(Clamped(Int("hz", &Config::hz, 10, 0, kIntMax, kMutable,
                          "Background task runs per second (clamped to 1..500, as in Redis)."),
                      &Config::hz, 1, 500));
  t.push_back(Int("shards", &Config::shards, 0, 0, 64, kImmutable,
                  "Event-loop threads, each owning a slice of the keys; 0 = one per core."));
  t.push_back(Int("busy-poll-us", &Config::busy_poll_us, 50, 0, 10000, kMutable,
                  "Microseconds a busy shard polls its sockets before it sleeps; 0 never."));
  t.push_back(WithApply(String("dir", &Config::dir, "./", kMutable,
                               "Working directory; files the server writes go here."),
                        ApplyDir));
  t.push_back(Enum("enable-debug-command", &Config::enable_debug_command, {"no", "yes", "local"},
                   DebugCommand::kNo, kImmutable,
                   "Allow DEBUG: no, yes, or local (only from loopback and unix sockets)."));
  // SECURITY
  t.push_back(String("requirepass", &Config::requirepass, "", kMutable | kSensitive,
                     "Password clients must AUTH with; empty requires none."));
  // CLIENTS
  t.push_back(Int("maxclients", &Config::maxclients, 10000, 1, kIntMax, kMutable,
                  "Most clients connected at once; more are refused with an error."));
  // MEMORY
  t.push_back(Memory("maxmemory", &Config::maxmemory, "0", 0, kLongMax, kMutable,
                     "Memory limit in bytes for data; 0 = no limit."));
  t.push_back(Enum("maxmemory-policy", &Config::maxmemory_policy,
                   {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                    "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"},
                   EvictionPolicy::kNoEviction, kMutable,
                   "What happens at maxmemory: refuse writes, or which keys to evict."));
  t.push_back(Int("maxmemory-samples", &Config::maxmemory_samples, 5, 1, 64, kMutable,
                  "Keys sampled to pick each eviction victim."));
  t.push_back(Int("lfu-log-factor", &Config::lfu_log_factor, 10, 0, kIntMax, kMutable,
                  "How slowly the LFU access counter grows."));
  t.push_back(Int("lfu-decay-time", &Config::lfu_decay_time, 1, 0, kIntMax, kMutable,
                  "Minutes of idleness per one-step decay of the LFU counter."));
  t.push_back(WithApply(Bool("jemalloc-bg-thread", &Config::jemalloc_bg_thread, true, kMutable,
                             "Purge freed memory on jemalloc's threads, not inline."),
                        ApplyJemallocBgThread));
  // LIMITS
  t.push_back(Memory("proto-max-bulk-len", &Config::proto_max_bulk_len, "512mb", 1024 * 1024,
                     kLongMax, kMutable, "Largest bulk string a client may send, in bytes."));
  t.push_back(Memory("client-query-buffer-limit", &Config::client_query_buffer_limit, "1gb",
                     1024 * 1024, kLongMax, kMutable,
                     "Largest unparsed input one client may accumulate, in bytes."));
  t.push_back(OutputBufferLimits());
  // APPEND ONLY MODE
  t.push_back(Bool("appendonly", &Config::appendonly, false, kImmutable,
                   "Journal every write to the append-only file and load it at start."));
  t.push_back(String("appendfilename", &Config::appendfilename, "appendonly.aof", kImmutable,
                     "Name prefix of the append-only files and of their manifest."));
  t.push_back(String("appenddirname", &Config::appenddirname, "appendonlydir", kImmutable,
                     "Directory, under dir, that holds the append-only files."));
  t.push_back(Enum("appendfsync", &Config::appendfsync, {"always", "everysec", "no"},
                   AppendFsync::kEverySec, kMutable,
                   "When the journal is fsynced: before each write's reply, every second, or "
                   "when the OS decides."));
  t.push_back(Bool("aof-load-truncated", &Config::aof_load_truncated, true, kMutable,
                   "At start, cut a torn last command off the journal instead of refusing to "
                   "start."));
  t.push_back(Bool("no-appendfsync-on-rewrite", &Config::no_appendfsync_on_rewrite, false, kMutable,
                   "Skip everysec fsyncs while a rewrite writes its base (never under always)."));
  t.push_back(Bool("aof-rewrite-incremental-fsync", &Config::aof_rewrite_incremental_fsync, true,
                   kMutable,
                   "Fsync the new base every 4 MB while a rewrite writes it, so the journal's "
                   "fsyncs never wait behind one huge flush."));
  t.push_back(Int("auto-aof-rewrite-percentage", &Config::auto_aof_rewrite_percentage, 100, 0,
                  kIntMax, kMutable,
                  "Rewrite when the journal grew this many percent over its size after the "
                  "last rewrite; 0 = never automatically."));
  t.push_back(Memory("auto-aof-rewrite-min-size", &Config::auto_aof_rewrite_min_size, "64mb", 0,
                     kLongMax, kMutable, "No automatic rewrite while the journal is smaller."));
  // SNAPSHOTTING
  t.push_back(SavePoints());
  t.push_back(String("dbfilename", &Config::dbfilename, "dump.rdb", kMutable,
                     "Name of the snapshot file (Rill's format, not RDB), under dir."));
  t.push_back(Bool("rdb-save-incremental-fsync", &Config::rdb_save_incremental_fsync, true,
                   kMutable, "Fsync the snapshot file every 4 MB while BGSAVE writes it."));
  t.push_back(Int("key-load-delay", &Config::key_load_delay, 0, 0, 1000000, kMutable,
                  "Microseconds to sleep after each command loaded at start (for tests)."));
  // STREAMS
  t.push_back(Memory("stream-node-max-bytes", &Config::stream_node_max_bytes, "4096", 0, kLongMax,
                     kMutable, "Largest stream node, in bytes; 0 = no limit."));
  t.push_back(Int("stream-node-max-entries", &Config::stream_node_max_entries, 100, 0, kLongMax,
                  kMutable, "Most entries in one stream node; 0 = no limit."));
  // SLOW LOG
  t.push_back(Int("slowlog-log-slower-than", &Config::slowlog_log_slower_than, 10000, -1, kLongMax,
                  kMutable, "Log commands slower than this many microseconds; -1 disables."));
  t.push_back(Int("slowlog-max-len", &Config::slowlog_max_len, 128, 0, kLongMax, kMutable,
                  "Entries the slow log keeps."));
  return t;
}

}  // namespace

std::span<const ConfigDef> ConfigTable() {
  static const std::vector<ConfigDef> table = BuildTable();
  return table;
}

const ConfigDef* FindConfig(std::string_view name) {
  for (const ConfigDef& d : ConfigTable()) {
    if (EqualsIgnoreCase(d.name, name)) {
      return &d;
    }
  }
  return nullptr;
}

Config DefaultConfig() {
  Config c;
  for (const ConfigDef& d : ConfigTable()) {
    std::string text = d.default_value;
    if (text == "\"\"") {
      text.clear();
    }
    const Status s = d.set(c, text);
    (void)s;  // defaults are valid by construction; ConfigTableTest.DefaultsParse checks
  }
  return c;
}

}  // namespace rill::config
