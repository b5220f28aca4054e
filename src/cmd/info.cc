// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "cmd/info.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <set>

#include "cmd/dispatcher.h"
#include "config/config_table.h"
#include "core/memory.h"
#include "core/strings.h"
#include "shard/shard_set.h"

namespace rill::cmd {

extern const char kRedisCompatVersion[];

namespace {

constexpr std::string_view kDefaultSections[] = {
    "server", "clients", "memory",     "persistence", "stats",   "replication",
    "cpu",    "modules", "errorstats", "cluster",     "keyspace"};
constexpr std::string_view kAllSections[] = {
    "server",  "clients",      "memory",     "persistence", "stats",    "replication", "cpu",
    "modules", "commandstats", "errorstats", "cluster",     "keyspace", "shards"};

void Line(std::string& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void Line(std::string& out, const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  const int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  out.append(buf, std::min<size_t>(n, sizeof(buf) - 1));
  out += "\r\n";
}

// INFO runs with the other shards parked (kAllShards): it reads every shard's figures.
template <typename Fn>
uint64_t SumShards(CommandContext& ctx, Fn&& fn) {
  uint64_t sum = 0;
  ctx.shard().set().ForEach([&](shard::Shard& s) { sum += static_cast<uint64_t>(fn(s)); });
  return sum;
}

std::string Human(uint64_t bytes) {
  char buf[64];
  const double d = static_cast<double>(bytes);
  if (bytes < 1024) {
    snprintf(buf, sizeof(buf), "%" PRIu64 "B", bytes);
  } else if (bytes < 1024 * 1024) {
    snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  } else if (bytes < 1024ULL * 1024 * 1024) {
    snprintf(buf, sizeof(buf), "%.2fM", d / (1024 * 1024));
  } else {
    snprintf(buf, sizeof(buf), "%.2fG", d / (1024.0 * 1024 * 1024));
  }
  return buf;
}

uint64_t TotalSystemMemory() {
  return static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
}

void Server(CommandContext& ctx, std::string& out) {
  const shard::ServerInfo& info = ctx.shard().set().info();
  utsname u{};
  uname(&u);
  const int64_t now_us = ctx.shard().clock().NowUs();
  const int64_t uptime = (MonotonicUs() - info.start_mono_us) / 1000000;
  out += "# Server\r\n";
  Line(out, "redis_version:%s", kRedisCompatVersion);
  Line(out, "rill_version:%s", RILL_VERSION);
  Line(out, "redis_git_sha1:00000000");
  Line(out, "redis_git_dirty:0");
  Line(out, "redis_mode:standalone");
  Line(out, "os:%s %s %s", u.sysname, u.release, u.machine);
  Line(out, "arch_bits:%d", static_cast<int>(sizeof(void*) * 8));
  Line(out, "monotonic_clock:POSIX clock_gettime");
  Line(out, "multiplexing_api:%s", event_base_get_method(ctx.shard().base()));
  Line(out, "atomicvar_api:c11-builtin");
  Line(out, "gcc_version:%d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
  Line(out, "process_id:%d", static_cast<int>(getpid()));
  Line(out, "process_supervised:no");
  Line(out, "run_id:%s", info.run_id.c_str());
  Line(out, "tcp_port:%d", ctx.shard().set().shard(0).tcp_port());  // shard 0 listens
  Line(out, "server_time_usec:%" PRId64, now_us);
  Line(out, "uptime_in_seconds:%" PRId64, uptime);
  Line(out, "uptime_in_days:%" PRId64, uptime / 86400);
  Line(out, "hz:%" PRId64, ctx.config().hz);
  Line(out, "configured_hz:%" PRId64, ctx.config().hz);
  Line(out, "lru_clock:%" PRId64, (now_us / 1000000) & ((1 << 24) - 1));
  Line(out, "executable:%s", info.executable.c_str());
  Line(out, "config_file:%s", ctx.shard().set().config_store().config_file().c_str());
  Line(out, "io_threads_active:0");
  Line(out, "shards:%d", ctx.shard().set().size());
}

void Clients(CommandContext& ctx, std::string& out) {
  size_t max_in = 0;
  size_t max_out = 0;
  ctx.shard().set().ForEach([&](shard::Shard& s) {
    for (const auto& [id, c] : s.clients()) {
      max_in = std::max(max_in, c->conn->query_buffer_capacity());
      max_out = std::max(max_out, c->conn->pending_output());
    }
  });
  out += "# Clients\r\n";
  Line(out, "connected_clients:%" PRIu64,
       SumShards(ctx, [](shard::Shard& s) { return s.clients().size(); }));
  Line(out, "cluster_connections:0");
  Line(out, "maxclients:%" PRId64, ctx.config().maxclients);
  Line(out, "client_recent_max_input_buffer:%zu", max_in);
  Line(out, "client_recent_max_output_buffer:%zu", max_out);
  Line(out, "blocked_clients:%" PRIu64,
       SumShards(ctx, [](shard::Shard& s) { return s.blocked_clients(); }));
  Line(out, "tracking_clients:0");
  Line(out, "pubsub_clients:%" PRIu64,
       SumShards(ctx, [](shard::Shard& s) { return s.pubsub_clients(); }));
  Line(out, "clients_in_timeout_table:0");
  Line(out, "total_blocking_keys:%" PRIu64,
       SumShards(ctx, [](shard::Shard& s) { return s.blocking_keys(); }));
  Line(out, "total_blocking_keys_on_nokey:0");
}

void Memory(CommandContext& ctx, std::string& out) {
  const memory::AllocatorStats st = memory::ReadStats();
  const uint64_t used = memory::UsedMemory();
  const uint64_t rss = memory::ProcessRss();
  const uint64_t sys = TotalSystemMemory();
  const int64_t maxmem = ctx.config().maxmemory;
  size_t keyspace_bytes = 0;
  ctx.ForEachKeyspace([&](shard::Keyspace& ks) {
    for (int i = 0; i < ks.databases(); i++) {
      keyspace_bytes += ks.db(i).MemoryUsage();
    }
  });
  const std::string policy = config::FindConfig("maxmemory-policy")->get(ctx.config());
  out += "# Memory\r\n";
  Line(out, "used_memory:%" PRIu64, used);
  Line(out, "used_memory_human:%s", Human(used).c_str());
  uint64_t& peak = ctx.shard().stats().peak_memory;
  peak = std::max(peak, used);
  Line(out, "used_memory_peak:%" PRIu64, peak);
  Line(out, "used_memory_peak_human:%s", Human(peak).c_str());
  Line(out, "used_memory_peak_perc:%.2f%%",
       peak ? 100.0 * static_cast<double>(used) / static_cast<double>(peak) : 0.0);
  Line(out, "used_memory_rss:%" PRIu64, rss);
  Line(out, "used_memory_rss_human:%s", Human(rss).c_str());
  Line(out, "used_memory_keyspace_index:%zu", keyspace_bytes);
  Line(out, "total_system_memory:%" PRIu64, sys);
  Line(out, "total_system_memory_human:%s", Human(sys).c_str());
  Line(out, "maxmemory:%" PRId64, maxmem);
  Line(out, "maxmemory_human:%s", Human(static_cast<uint64_t>(maxmem)).c_str());
  Line(out, "maxmemory_policy:%s", policy.c_str());
  Line(out, "allocator_allocated:%" PRIu64, st.allocated);
  Line(out, "allocator_active:%" PRIu64, st.active);
  Line(out, "allocator_resident:%" PRIu64, st.resident);
  Line(out, "allocator_frag_ratio:%.2f",
       st.allocated ? static_cast<double>(st.active) / static_cast<double>(st.allocated) : 0.0);
  Line(out, "mem_fragmentation_ratio:%.2f",
       used ? static_cast<double>(rss) / static_cast<double>(used) : 0.0);
  Line(out, "mem_allocator:%s", memory::AllocatorName().c_str());
  Line(out, "lazyfree_pending_objects:0");
}

void Persistence(CommandContext& ctx, std::string& out) {
  out += "# Persistence\r\n";
  shard::Shard& shard = ctx.shard();
  Line(out, "loading:%d", shard.loading() ? 1 : 0);
  Line(out, "async_loading:0");
  if (shard.loading()) {
    const shard::Shard::LoadProgress& p = shard.load_progress();
    const double done =
        p.total_bytes > 0 ? static_cast<double>(p.loaded_bytes) / static_cast<double>(p.total_bytes)
                          : 0.0;
    const double elapsed_s = static_cast<double>(ctx.NowMs() - p.start_ms) / 1000.0;
    Line(out, "loading_start_time:%" PRId64, p.start_ms / 1000);
    Line(out, "loading_total_bytes:%" PRIu64, p.total_bytes);
    Line(out, "loading_loaded_bytes:%" PRIu64, p.loaded_bytes);
    Line(out, "loading_loaded_perc:%.2f", done * 100);
    Line(out, "loading_eta_seconds:%" PRId64,
         done > 0 ? static_cast<int64_t>(elapsed_s * (1 - done) / done) : int64_t{1});
  }
  shard::PersistenceInfo pi;
  if (shard.set().persistence() != nullptr) {
    pi = shard.set().persistence()->info(shard);
  }
  Line(out, "rdb_changes_since_last_save:%" PRIu64, pi.changes_since_save);
  Line(out, "rdb_bgsave_in_progress:%d", pi.bgsave_in_progress ? 1 : 0);
  Line(out, "rdb_last_save_time:%" PRId64, pi.last_save_s);
  Line(out, "rdb_last_bgsave_status:%s", pi.last_bgsave_ok ? "ok" : "err");
  Line(out, "rdb_last_bgsave_time_sec:%" PRId64, pi.last_bgsave_time_s);
  Line(out, "rdb_current_bgsave_time_sec:%" PRId64, pi.current_save_time_s);
  Line(out, "rdb_saves:%" PRIu64, pi.saves);
  const shard::JournalSink* sink = ctx.shard().journal_sink();
  Line(out, "aof_enabled:%d", sink != nullptr ? 1 : 0);
  Line(out, "aof_rewrite_in_progress:%d", pi.rewrite_in_progress ? 1 : 0);
  Line(out, "aof_rewrite_scheduled:%d", pi.rewrite_scheduled ? 1 : 0);
  Line(out, "aof_last_rewrite_time_sec:%" PRId64, pi.last_rewrite_time_s);
  Line(out, "aof_current_rewrite_time_sec:%" PRId64, pi.current_rewrite_time_s);
  Line(out, "aof_last_bgrewrite_status:%s", pi.last_rewrite_ok ? "ok" : "err");
  Line(out, "aof_rewrites:%" PRIu64, pi.rewrites);
  Line(out, "rill_snapshot_kept_values:%" PRIu64, pi.kept_entries);
  if (sink == nullptr) {
    Line(out, "aof_last_write_status:ok");
    return;
  }
  const shard::JournalStats st = sink->stats();
  Line(out, "aof_last_write_status:%s", st.write_ok ? "ok" : "err");
  if (!st.write_ok) {
    Line(out, "aof_last_write_error:%s", st.last_error.c_str());
  }
  Line(out, "aof_current_size:%" PRIu64, st.current_size);
  Line(out, "aof_base_size:%" PRIu64, pi.aof_base_size);
  Line(out, "aof_pending_bytes:%" PRIu64, st.appended - std::min(st.appended, st.durable));
  Line(out, "aof_fsyncs:%" PRIu64, st.fsyncs);
}

void Stats(CommandContext& ctx, std::string& out) {
  shard::ShardStats s;
  shard::Keyspace::Stats k;
  uint64_t ops = 0;
  ctx.shard().set().ForEach([&](shard::Shard& sh) {
    const shard::ShardStats& t = sh.stats();
    s.total_connections_received += t.total_connections_received;
    s.total_commands_processed += t.total_commands_processed;
    s.io.input_bytes += t.io.input_bytes;
    s.io.output_bytes += t.io.output_bytes;
    s.rejected_connections += t.rejected_connections;
    s.total_error_replies += t.total_error_replies;
    s.query_limit_disconnections += t.query_limit_disconnections;
    s.output_limit_disconnections += t.output_limit_disconnections;
    ops += t.instantaneous_ops();
    const shard::Keyspace::Stats& u = sh.keyspace().stats();
    k.expired_keys += u.expired_keys;
    k.evicted_keys += u.evicted_keys;
    k.keyspace_hits += u.keyspace_hits;
    k.keyspace_misses += u.keyspace_misses;
    k.expire_cycle_runs += u.expire_cycle_runs;
  });
  out += "# Stats\r\n";
  Line(out, "total_connections_received:%" PRIu64, s.total_connections_received);
  Line(out, "total_commands_processed:%" PRIu64, s.total_commands_processed);
  Line(out, "instantaneous_ops_per_sec:%" PRIu64, ops);
  Line(out, "total_net_input_bytes:%" PRIu64, s.io.input_bytes);
  Line(out, "total_net_output_bytes:%" PRIu64, s.io.output_bytes);
  Line(out, "rejected_connections:%" PRIu64, s.rejected_connections);
  Line(out, "expired_keys:%" PRIu64, k.expired_keys);
  Line(out, "evicted_keys:%" PRIu64, k.evicted_keys);
  Line(out, "keyspace_hits:%" PRIu64, k.keyspace_hits);
  Line(out, "keyspace_misses:%" PRIu64, k.keyspace_misses);
  std::set<std::string> channels;
  std::set<std::string> patterns;
  ctx.shard().set().ForEach([&](shard::Shard& sh) {
    for (std::string& c : sh.pubsub().Channels("")) {
      channels.insert(std::move(c));
    }
    for (std::string& p : sh.pubsub().Patterns()) {
      patterns.insert(std::move(p));
    }
  });
  Line(out, "pubsub_channels:%zu", channels.size());
  Line(out, "pubsub_patterns:%zu", patterns.size());
  Line(out, "expire_cycle_runs:%" PRIu64, k.expire_cycle_runs);
  Line(out, "total_error_replies:%" PRIu64, s.total_error_replies);
  Line(out, "client_query_buffer_limit_disconnections:%" PRIu64, s.query_limit_disconnections);
  Line(out, "client_output_buffer_limit_disconnections:%" PRIu64, s.output_limit_disconnections);
}

void Replication(CommandContext& ctx, std::string& out) {
  out += "# Replication\r\n";
  Line(out, "role:master");
  Line(out, "connected_slaves:0");
  Line(out, "master_failover_state:no-failover");
  Line(out, "master_replid:%s", ctx.shard().set().info().run_id.c_str());
  Line(out, "master_replid2:0000000000000000000000000000000000000000");
  Line(out, "master_repl_offset:0");
  Line(out, "second_repl_offset:-1");
  Line(out, "repl_backlog_active:0");
}

double Seconds(const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

void Cpu(std::string& out) {
  rusage self{};
  rusage children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  out += "# CPU\r\n";
  Line(out, "used_cpu_sys:%.6f", Seconds(self.ru_stime));
  Line(out, "used_cpu_user:%.6f", Seconds(self.ru_utime));
  Line(out, "used_cpu_sys_children:%.6f", Seconds(children.ru_stime));
  Line(out, "used_cpu_user_children:%.6f", Seconds(children.ru_utime));
}

void CommandStats(CommandContext& ctx, std::string& out) {
  out += "# Commandstats\r\n";
  const auto& all = ctx.dispatcher().table().all();
  std::vector<shard::CommandStat> stats(all.size());
  ctx.shard().set().ForEach([&](shard::Shard& sh) {
    for (size_t i = 0; i < all.size(); i++) {
      const shard::CommandStat& t = sh.command_stats()[i];
      stats[i].calls += t.calls;
      stats[i].ticks += t.ticks;
      stats[i].rejected_calls += t.rejected_calls;
      stats[i].failed_calls += t.failed_calls;
    }
  });
  for (size_t i = 0; i < all.size(); i++) {
    const shard::CommandStat& s = stats[i];
    if (s.calls == 0 && s.rejected_calls == 0 && s.failed_calls == 0) {
      continue;
    }
    const uint64_t usec = static_cast<uint64_t>(TicksToUs(static_cast<int64_t>(s.ticks)));
    Line(out,
         "cmdstat_%s:calls=%" PRIu64 ",usec=%" PRIu64 ",usec_per_call=%.2f,rejected_calls=%" PRIu64
         ",failed_calls=%" PRIu64,
         all[i]->name.c_str(), s.calls, usec,
         s.calls ? static_cast<double>(usec) / static_cast<double>(s.calls) : 0.0, s.rejected_calls,
         s.failed_calls);
  }
}

void ErrorStats(CommandContext& ctx, std::string& out) {
  out += "# Errorstats\r\n";
  std::map<std::string, uint64_t> merged;
  ctx.shard().set().ForEach([&](shard::Shard& sh) {
    for (const auto& [prefix, count] : sh.error_stats()) {
      merged[prefix] += count;
    }
  });
  for (const auto& [prefix, count] : merged) {
    Line(out, "errorstat_%s:count=%" PRIu64, prefix.c_str(), count);
  }
}

void Keyspace(CommandContext& ctx, std::string& out) {
  out += "# Keyspace\r\n";
  const int64_t now = ctx.NowMs();
  std::mt19937_64 rng(static_cast<uint64_t>(now));
  for (int i = 0; i < ctx.ks().databases(); i++) {
    size_t keys = 0;
    size_t expires = 0;
    // avg_ttl is estimated from a sample, as Redis estimates it.
    int64_t sum = 0;
    int n = 0;
    ctx.ForEachKeyspace([&](shard::Keyspace& ks) {
      shard::Database& db = ks.db(i);
      keys += db.size();
      expires += db.expires_size();
      for (int k = 0; k < 64 && db.expires_size() > 0; k++) {
        const shard::Entry* e = db.RandomVolatile(rng);
        if (e->expire_at_ms > now) {
          sum += e->expire_at_ms - now;
          n++;
        }
      }
    });
    if (keys > 0) {
      Line(out, "db%d:keys=%zu,expires=%zu,avg_ttl=%" PRId64, i, keys, expires, n ? sum / n : 0);
    }
  }
}

// Rill's own section: each shard's share of the load.
void Shards(CommandContext& ctx, std::string& out) {
  out += "# Shards\r\n";
  ctx.shard().set().ForEach([&](shard::Shard& s) {
    size_t keys = 0;
    for (int i = 0; i < s.keyspace().databases(); i++) {
      keys += s.keyspace().db(i).size();
    }
    Line(out,
         "shard%d:keys=%zu,clients=%zu,blocked_clients=%zu,commands_processed=%" PRIu64
         ",instantaneous_ops_per_sec=%" PRIu64,
         s.id(), keys, s.clients().size(), s.blocked_clients(), s.stats().total_commands_processed,
         s.stats().instantaneous_ops());
  });
}

void Section(CommandContext& ctx, std::string_view name, std::string& out) {
  if (!out.empty()) {
    out += "\r\n";
  }
  if (name == "server") {
    Server(ctx, out);
  } else if (name == "clients") {
    Clients(ctx, out);
  } else if (name == "memory") {
    Memory(ctx, out);
  } else if (name == "persistence") {
    Persistence(ctx, out);
  } else if (name == "stats") {
    Stats(ctx, out);
  } else if (name == "replication") {
    Replication(ctx, out);
  } else if (name == "cpu") {
    Cpu(out);
  } else if (name == "modules") {
    out += "# Modules\r\n";
  } else if (name == "commandstats") {
    CommandStats(ctx, out);
  } else if (name == "errorstats") {
    ErrorStats(ctx, out);
  } else if (name == "cluster") {
    out += "# Cluster\r\ncluster_enabled:0\r\n";
  } else if (name == "keyspace") {
    Keyspace(ctx, out);
  } else if (name == "shards") {
    Shards(ctx, out);
  }
}

}  // namespace

std::string BuildInfo(CommandContext& ctx, const std::vector<std::string_view>& sections) {
  std::vector<std::string_view> wanted;
  auto add = [&](std::string_view s) {
    if (std::find(wanted.begin(), wanted.end(), s) == wanted.end()) {
      wanted.push_back(s);
    }
  };
  if (sections.empty()) {
    for (std::string_view s : kDefaultSections) add(s);
  }
  for (std::string_view arg : sections) {
    const std::string s = ToLower(arg);
    if (s == "default") {
      for (std::string_view d : kDefaultSections) add(d);
    } else if (s == "all" || s == "everything") {
      for (std::string_view d : kAllSections) {
        if (d != "shards" || ctx.shard().set().size() > 1) {  // shards 1 answers as Redis
          add(d);
        }
      }
    } else {
      for (std::string_view d : kAllSections) {
        if (d == s) add(d);
      }
    }
  }
  // Sections come out in Redis's order whatever order they were asked in.
  std::string out;
  for (std::string_view s : kAllSections) {
    if (std::find(wanted.begin(), wanted.end(), s) != wanted.end()) {
      Section(ctx, s, out);
    }
  }
  return out;
}

}  // namespace rill::cmd
