// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "server/server.h"

#include <event2/event.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <future>
#include <random>
#include <thread>

#include "cmd/dispatcher.h"
#include "cmd/families.h"
#include "config/config_store.h"
#include "core/clock.h"
#include "core/logging.h"
#include "core/memory.h"
#include "persist/aof.h"
#include "persist/aof_loader.h"
#include "persist/snapshot.h"
#include "persist/snapshotter.h"
#include "shard/shard_set.h"

namespace rill::server {
namespace {

std::string RandomHex(size_t n) {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd() ^ MonotonicUs());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(n, '0');
  for (char& c : s) {
    c = kHex[rng() % 16];
  }
  return s;
}

std::string ExecutablePath(const std::string& argv0) {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, n) : argv0;
}

void Usage() {
  fprintf(stderr,
          "Usage: ./rill-server [/path/to/rill.conf] [options] [-]\n"
          "       ./rill-server - (read config from stdin)\n"
          "       ./rill-server -v or --version\n"
          "       ./rill-server -h or --help\n\n"
          "Examples:\n"
          "       ./rill-server (run the server with default config)\n"
          "       ./rill-server conf/rill.conf\n"
          "       ./rill-server --port 7777\n"
          "       ./rill-server conf/rill.conf --port 7000 --dir /tmp/x --loglevel verbose\n");
}

// Raises the open-files limit to fit maxclients plus the server's own descriptors, as
// Redis's adjustOpenFilesLimit does, and says so when the hard limit is too low.
void AdjustOpenFilesLimit(int64_t maxclients) {
  constexpr rlim_t kReserved = 32;  // listeners, log, eventfds, pidfile
  const rlim_t want = static_cast<rlim_t>(maxclients) + kReserved;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= want) {
    return;
  }
  const rlim_t target = std::min(want, lim.rlim_max);
  lim.rlim_cur = target;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0 || target < want) {
    RILL_LOG(kWarning,
             "You requested maxclients of %lld requiring at least %llu max file descriptors, "
             "but the limit is %llu; raise it with 'ulimit -n' or lower maxclients",
             static_cast<long long>(maxclients), static_cast<unsigned long long>(want),
             static_cast<unsigned long long>(target));
  }
}

bool WritePidFile(const std::string& path) {
  std::ofstream f(path, std::ios::trunc);
  f << getpid() << "\n";
  return static_cast<bool>(f);
}

// Loading at start. With appendonly yes the journal (its base, then its increments), else
// the dump file if there is one. Shard 0 loads a slice at a time from its loop, answering
// -LOADING meanwhile; then every shard is connected to the journal, its writer starts, the
// snapshotter takes over the loop's background work, and "Ready to accept connections" is
// logged.
constexpr int64_t kLoadSliceUs = 5000;  // loading work between two turns of the loop

struct Journaling {
  std::unique_ptr<persist::Aof> aof;
  std::unique_ptr<persist::AofLoader> loader;
  uint64_t failed = 0;  // replayed commands that replied an error
};

std::unique_ptr<Journaling> OpenJournal(const config::Config& cfg) {
  Result<std::unique_ptr<persist::Aof>> aof = persist::Aof::Open(
      persist::FileSystem::Default(), {cfg.appenddirname, cfg.appendfilename, cfg.appendfsync});
  if (!aof.ok()) {
    RILL_LOG(kWarning, "Can't open the append only file: %s", aof.status().message().c_str());
    return nullptr;
  }
  auto j = std::make_unique<Journaling>();
  j->aof = std::move(*aof);
  return j;
}

// Runs step (a slice of loading that returns true when done, or an error) from shard 0's
// loop, then ready(). Every shard answers -LOADING meanwhile. With several shards each
// slice runs with the others parked, under the coordination token (it writes their
// keyspaces); a slice that finds the token taken (an INFO) waits for the next turn.
// ready() runs while they are still parked, so no shard serves a write before it has its
// journal.
void LoadInSlices(shard::ShardSet& shards, std::function<Result<bool>()> step,
                  std::function<void(double seconds)> ready) {
  shard::Shard& shard = shards.shard(0);
  const int64_t start_us = MonotonicUs();
  shards.set_loading(true);
  shard.BeginReplay();
  shard.StartLoading(
      [&shards, &shard, step = std::move(step), ready = std::move(ready), start_us]() -> bool {
        if (shards.shutdown_requested()) {
          return false;  // the load failed: -LOADING until the shard stops
        }
        const bool several = shards.size() > 1;
        if (several && !shards.TryAcquireToken()) {
          return false;
        }
        if (several) {
          shards.PauseOthers(shard);
        }
        Result<bool> done = step();
        const bool finished = done.ok() && *done;
        if (finished) {
          shard.EndReplay();
          ready(static_cast<double>(MonotonicUs() - start_us) / 1e6);
          shards.set_loading(false);
        }
        if (several) {
          shards.ResumeOthers(shard);
          shards.ReleaseToken();
        }
        if (!done.ok()) {
          RILL_LOG(kWarning, "%s", done.status().message().c_str());
          shards.RequestShutdown(1);
          return false;
        }
        if (!finished) {
          return false;
        }
        RILL_LOG(kNotice, "Ready to accept connections tcp port=%d", shard.tcp_port());
        return true;
      });
}

void LoadJournal(const config::Config& cfg, shard::ShardSet& shards, Journaling* j,
                 persist::Snapshotter* snapshotter) {
  shard::Shard& shard = shards.shard(0);
  j->loader = std::make_unique<persist::AofLoader>(
      *j->aof, cfg.aof_load_truncated,
      [&shard, j](std::span<const std::string_view> args) -> Status {
        const shard::ReplayResult r = shard.Replay(args);
        if (const int64_t delay = shard.config().key_load_delay; delay > 0) {
          usleep(static_cast<useconds_t>(delay));
        }
        if (r == shard::ReplayResult::kUnknownCommand) {
          return Status::Err("unknown command '" + std::string(args[0].substr(0, 128)) + "'");
        }
        if (r == shard::ReplayResult::kFailed && j->failed++ == 0) {
          RILL_LOG(kWarning, "A command from the append only file failed: %s",
                   std::string(args[0]).c_str());
        }
        return Status::Ok();
      },
      persist::ToItsShard(shards));
  shard.load_progress().total_bytes = j->loader->total_bytes();
  RILL_LOG(kNotice, "Loading the append only file (%llu bytes)",
           static_cast<unsigned long long>(j->loader->total_bytes()));
  LoadInSlices(
      shards,
      [&shard, j]() -> Result<bool> {
        Result<bool> done = j->loader->Step(kLoadSliceUs);
        shard.load_progress().loaded_bytes = j->loader->stats().bytes;
        return done;
      },
      [&shards, j, snapshotter](double seconds) {
        RILL_LOG(kNotice,
                 "DB loaded from append only file: %.3f seconds, %llu commands (%llu failed)",
                 seconds, static_cast<unsigned long long>(j->loader->stats().commands),
                 static_cast<unsigned long long>(j->failed));
        for (int i = 0; i < shards.size(); i++) {  // the others are parked
          shards.shard(i).SetJournalSink(j->aof.get());
        }
        j->aof->Start([&shards](uint64_t written, uint64_t durable) {
          for (int i = 0; i < shards.size(); i++) {
            shards.shard(i).NotifyJournal(written, durable);
          }
        });
        snapshotter->Attach();
      });
}

// appendonly no: the dump file, when there is one. Returns false if there is none.
bool LoadDump(const config::Config& cfg, shard::ShardSet& shards,
              persist::Snapshotter* snapshotter) {
  persist::FileSystem* fs = persist::FileSystem::Default();
  if (!fs->Exists(cfg.dbfilename)) {
    return false;
  }
  shard::Shard& shard = shards.shard(0);
  auto loader =
      std::make_shared<persist::SnapshotLoader>(fs, cfg.dbfilename, persist::ToItsShard(shards));
  if (Status s = loader->Open(); !s.ok()) {
    RILL_LOG(kWarning, "Can't open the snapshot: %s", s.message().c_str());
    shards.RequestShutdown(1);
    return true;
  }
  Result<uint64_t> size = fs->FileSize(cfg.dbfilename);
  shard.load_progress().total_bytes = size.ok() ? *size : 0;
  RILL_LOG(kNotice, "Loading the snapshot %s", cfg.dbfilename.c_str());
  LoadInSlices(
      shards,
      [&shard, loader]() -> Result<bool> {
        Result<bool> done = loader->Step(MonotonicUs() + kLoadSliceUs);
        shard.load_progress().loaded_bytes = loader->bytes_read();
        return done;
      },
      [loader, snapshotter](double seconds) {
        RILL_LOG(kNotice, "DB loaded from disk: %.3f seconds, %llu keys", seconds,
                 static_cast<unsigned long long>(loader->keys()));
        snapshotter->Attach();
      });
  return true;
}

}  // namespace

int Main(const std::vector<std::string>& args) {
  if (args.size() == 2 && (args[1] == "-v" || args[1] == "--version")) {
    printf("Rill server v=%s (Redis %s command surface) malloc=%s bits=%d\n", RILL_VERSION, "7.2",
           memory::AllocatorName().c_str(), static_cast<int>(sizeof(void*) * 8));
    return 0;
  }
  if (args.size() == 2 && (args[1] == "-h" || args[1] == "--help")) {
    Usage();
    return 0;
  }
  memory::RegisterThread();
  signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // inherited by every shard thread

  config::ConfigStore store;
  if (Status s = store.LoadFromArgs(args); !s.ok()) {
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Rill %s) ***\n%s\n", RILL_VERSION,
            s.message().c_str());
    return 1;
  }
  std::shared_ptr<const config::Config> cfg = store.snapshot();
  if (!cfg->logfile.empty() && !logging::SetFile(cfg->logfile)) {
    fprintf(stderr, "Can't open the log file: %s\n", cfg->logfile.c_str());
    return 1;
  }
  if (Status s = store.ApplyAll(); !s.ok()) {
    fprintf(stderr, "\n*** FATAL CONFIG ERROR ***\n%s\n", s.message().c_str());
    return 1;
  }
  RILL_LOG(kNotice, "oO0OoO0OoO0Oo Rill is starting oO0OoO0OoO0Oo");
  RILL_LOG(kNotice, "Rill version=%s, bits=%d, pid=%d, just started", RILL_VERSION,
           static_cast<int>(sizeof(void*) * 8), static_cast<int>(getpid()));
  if (store.config_file().empty()) {
    RILL_LOG(kWarning,
             "No config file specified, using the default config. In order to "
             "specify a config file use rill-server /path/to/rill.conf");
  }

  AdjustOpenFilesLimit(cfg->maxclients);
  shard::ServerInfo info;
  info.run_id = RandomHex(40);
  info.executable = ExecutablePath(args[0]);
  info.start_ms = SystemClock::Get().NowMs();
  info.start_mono_us = MonotonicUs();
  cmd::Dispatcher dispatcher(cmd::BuildCommandTable());
  shard::ShardSet shards(&store, std::move(info));
  // shards 0 (the default): one per core this process may run on.
  cpu_set_t cpus;
  const int cores = sched_getaffinity(0, sizeof(cpus), &cpus) == 0
                        ? CPU_COUNT(&cpus)
                        : static_cast<int>(std::thread::hardware_concurrency());
  const int shard_count =
      cfg->shards > 0 ? static_cast<int>(cfg->shards) : std::clamp(cores, 1, 64);
  shards.SetUpPolling(std::max(cores, 1), shard_count);
  for (int i = 0; i < shard_count; i++) {
    shards.Add(std::make_unique<shard::Shard>(i, &shards, &dispatcher, cfg, &SystemClock::Get()));
  }
  if (Status s = shards.shard(0).Listen(); !s.ok()) {
    RILL_LOG(kWarning, "%s; is another server running on this port? Exiting.", s.message().c_str());
    return 1;
  }
  std::unique_ptr<Journaling> journaling;
  if (cfg->appendonly) {
    journaling = OpenJournal(*cfg);
    if (journaling == nullptr) {
      return 1;
    }
  }
  persist::Snapshotter snapshotter(persist::FileSystem::Default(),
                                   journaling != nullptr ? journaling->aof.get() : nullptr,
                                   SystemClock::Get().NowMs());
  shards.set_persistence(&snapshotter);
  snapshotter.set_control(shards.shard(0));
  bool loading = true;
  if (journaling != nullptr) {
    LoadJournal(*cfg, shards, journaling.get(), &snapshotter);
  } else if (!LoadDump(*cfg, shards, &snapshotter)) {
    snapshotter.Attach();
    loading = false;
  }
  if (!cfg->pidfile.empty() && !WritePidFile(cfg->pidfile)) {
    RILL_LOG(kWarning, "Failed to write PID file %s: %s", cfg->pidfile.c_str(), strerror(errno));
  }
  for (int i = 0; i < shards.size(); i++) {
    shards.shard(i).Start();
  }
  RILL_LOG(kNotice, "Server initialized");
  if (!loading) {
    RILL_LOG(kNotice, "Ready to accept connections tcp port=%d", shards.shard(0).tcp_port());
  }

  int sig = 0;
  sigwait(&stop_signals, &sig);
  if (!shards.shutdown_requested()) {
    RILL_LOG(kWarning, "Received %s scheduling shutdown...", sig == SIGINT ? "SIGINT" : "SIGTERM");
  }
  if (!shards.shutdown_requested()) {
    // As Redis on SIGTERM: the final snapshot when `save` points are set. The shard's
    // thread does it (it owns the keyspace); a failure is logged and the exit goes on.
    // With several shards it reads them all, so it takes the token and parks the others.
    std::promise<void> saved;
    shard::Shard& shard = shards.shard(0);
    std::function<void()> save = [&shards, &shard, &snapshotter, &saved] {
      shards.PauseOthers(shard);
      if (!shard.loading()) {
        if (Status s = snapshotter.SaveForShutdown(shard, false); !s.ok()) {
          RILL_LOG(kWarning, "Error saving the final snapshot: %s", s.message().c_str());
        }
      }
      shards.ResumeOthers(shard);
      shards.ReleaseToken();
      saved.set_value();
    };
    shard.Post([&shards, &shard, save] {
      if (shards.AcquireToken(shard, save)) {
        save();
      }
    });
    saved.get_future().wait();
  }
  for (int i = 0; i < shards.size(); i++) {
    shards.shard(i).Stop();
  }
  for (int i = 0; i < shards.size(); i++) {
    shards.shard(i).Join();
  }
  if (journaling != nullptr && shards.exit_code() == 0) {
    if (Status st = journaling->aof->Stop(); !st.ok()) {
      RILL_LOG(kWarning, "Writes since the last good write of the append only file are lost: %s",
               st.message().c_str());
    }
  }
  snapshotter.Stop();
  if (!cfg->pidfile.empty()) {
    unlink(cfg->pidfile.c_str());
  }
  RILL_LOG(kWarning, "Rill is now ready to exit, bye bye...");
  return shards.exit_code();
}

}  // namespace rill::server
