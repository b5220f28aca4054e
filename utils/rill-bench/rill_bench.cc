// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// utils/rill-bench/rill_bench.cc: an end-to-end producer/consumer benchmark for any
// Redis-protocol server that has streams (Rill, redis-server).
//
// P producer threads XADD entries to one stream, each entry carrying the time it was
// meant to be sent; C consumer threads, spread over G consumer groups, read with
// XREADGROUP ... COUNT n BLOCK ms, optionally spin for a processing time per entry, and
// XACK what they read. Every group sees every entry, so the run delivers P's entries G
// times. Measured: produced and consumed throughput; end-to-end latency (the entry's
// timestamp to its receipt by a consumer); XACK round trips; and each group's lag (entries
// produced but not yet read by it) once per report interval.
//
// Open loop (--rate R): producers send on a fixed schedule of R entries/s in total, and
// an entry's timestamp is its scheduled time, not the time it finally left: a server that
// stalls is charged for the whole wait of everything queued behind the stall (no
// coordinated omission). A producer that falls behind its schedule sends what is overdue in
// one pipeline. Closed loop (no --rate): producers send as fast as replies come.
//
// Each connection is one thread with a blocking hiredis context; the stream is new for the
// run (rill-bench:<pid>:<time> unless --stream) and deleted afterwards unless --keep. The
// histograms are log-linear with 1.6% resolution (histogram.h).
//
// Exit status: 0 after a complete run, 1 when the server cannot be reached or answers with
// an error (the message says which), 2 for bad flags.
#include <hiredis/hiredis.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/strings.h"
#include "utils/rill-bench/histogram.h"

namespace rill::bench {
namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int producers = 1;
  int consumers = 1;
  int groups = 1;
  int pipeline = 1;    // XADDs in flight per producer
  int payload = 16;    // bytes per field value
  int fields = 1;      // fields besides the timestamp
  int count = 100;     // XREADGROUP COUNT
  int block_ms = 100;  // XREADGROUP BLOCK
  int process_us = 0;  // spin per entry, the consumer's "work"
  double rate = 0;     // entries/s over all producers; 0: closed loop
  double duration_s = 10;
  double interval_s = 1;  // progress and lag sampling
  double drain_s = 10;    // after producing stops, how long consumers may catch up
  std::string stream;
  std::string csv_path;
  std::string json_path;
  bool keep = false;
  bool quiet = false;
};

constexpr const char* kUsage = R"(usage: rill-bench [options]
  -h, --host HOST        server address (127.0.0.1)
  -p, --port PORT        server port (6379)
  -a, --password PASS    AUTH with this password
  --producers N          producer connections (1)
  --consumers N          consumer connections, spread over the groups (1)
  --groups N             consumer groups; each gets every entry (1)
  --pipeline N           XADDs in flight per producer (1); in open loop, overdue
                         entries also go out together, up to 256
  --payload BYTES        bytes per field value (16)
  --fields N             fields per entry besides the timestamp (1)
  --count N              XREADGROUP COUNT (100)
  --block MS             XREADGROUP BLOCK (100)
  --process-us N         consumer work per entry, spinning (0)
  --rate N               open loop: N entries/s over all producers; absent: closed loop
  --duration S           seconds of producing (10)
  --interval S           seconds between progress lines and lag samples (1)
  --drain S              seconds consumers may take to catch up afterwards (10)
  --stream NAME          stream key (rill-bench:<pid>:<time>); deleted after the run
  --keep                 keep the stream
  --csv FILE             lag and throughput over time, one row per interval
  --json FILE            the whole result
  -q, --quiet            no progress lines
  --help                 this text
)";

[[noreturn]] void BadFlag(const std::string& msg) {
  std::fprintf(stderr, "rill-bench: %s\n%s", msg.c_str(), kUsage);
  std::exit(2);
}

// Any thread may fail: the process ends there, without running destructors under the
// feet of the other threads.
[[noreturn]] void Fail(const std::string& msg) {
  std::fprintf(stderr, "rill-bench: %s\n", msg.c_str());
  std::fflush(nullptr);
  std::_Exit(1);
}

Options ParseFlags(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    const std::string_view f = argv[i];
    if (f == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (f == "--keep") {
      o.keep = true;
      continue;
    }
    if (f == "-q" || f == "--quiet") {
      o.quiet = true;
      continue;
    }
    if (i + 1 >= argc) {
      BadFlag("unknown flag or missing value: " + std::string(f));
    }
    const char* v = argv[++i];
    auto int_flag = [&](int64_t min, int64_t max, int* out) {
      const std::optional<int64_t> n = ParseInt64(v);
      if (n.has_value() && *n >= min && *n <= max) {
        *out = static_cast<int>(*n);
      } else {
        BadFlag(std::string(f) + " wants an integer from " + std::to_string(min) + " to " +
                std::to_string(max) + ", not '" + v + "'");
      }
    };
    auto double_flag = [&](double min, double max, double* out) {
      const std::optional<double> d = ParseDouble(v);
      if (d.has_value() && *d >= min && *d <= max) {
        *out = *d;
      } else {
        BadFlag(std::string(f) + " wants a number from " + std::to_string(min) + " to " +
                std::to_string(max) + ", not '" + v + "'");
      }
    };
    if (f == "-h" || f == "--host") {
      o.host = v;
    } else if (f == "-p" || f == "--port") {
      int_flag(1, 65535, &o.port);
    } else if (f == "-a" || f == "--password") {
      o.password = v;
    } else if (f == "--producers") {
      int_flag(0, 1024, &o.producers);
    } else if (f == "--consumers") {
      int_flag(0, 1024, &o.consumers);
    } else if (f == "--groups") {
      int_flag(1, 1024, &o.groups);
    } else if (f == "--pipeline") {
      int_flag(1, 100000, &o.pipeline);
    } else if (f == "--payload") {
      int_flag(0, 512 * 1024 * 1024, &o.payload);
    } else if (f == "--fields") {
      int_flag(0, 10000, &o.fields);
    } else if (f == "--count") {
      int_flag(1, 1000000, &o.count);
    } else if (f == "--block") {
      int_flag(1, 3600000, &o.block_ms);
    } else if (f == "--process-us") {
      int_flag(0, 10000000, &o.process_us);
    } else if (f == "--rate") {
      double_flag(1, 1e9, &o.rate);
    } else if (f == "--duration") {
      double_flag(0.1, 86400, &o.duration_s);
    } else if (f == "--interval") {
      double_flag(0.1, 3600, &o.interval_s);
    } else if (f == "--drain") {
      double_flag(0, 3600, &o.drain_s);
    } else if (f == "--stream") {
      o.stream = v;
    } else if (f == "--csv") {
      o.csv_path = v;
    } else if (f == "--json") {
      o.json_path = v;
    } else {
      BadFlag("unknown flag: " + std::string(f));
    }
  }
  if (o.producers == 0 && o.consumers == 0) {
    BadFlag("nothing to do: no producers and no consumers");
  }
  if (o.consumers > 0 && o.consumers < o.groups) {
    BadFlag("--consumers must be at least --groups (each group needs a consumer)");
  }
  if (o.stream.empty()) {
    o.stream = "rill-bench:" + std::to_string(getpid()) + ":" +
               std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  }
  return o;
}

using Clock = std::chrono::steady_clock;
constexpr int kOverdueBatch = 256;  // open loop: most entries one producer sends at once

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;
using Reply = std::unique_ptr<redisReply, ReplyFree>;

// Every failure ends the run: a benchmark over a half-working server measures nothing.
Reply Check(redisContext* c, void* raw, const char* what) {
  Reply r(static_cast<redisReply*>(raw));
  if (r == nullptr) {
    Fail(std::string(what) + ": " + (c->err != 0 ? c->errstr : "no reply"));
  }
  if (r->type == REDIS_REPLY_ERROR) {
    Fail(std::string(what) + ": the server answered " + std::string(r->str, r->len));
  }
  return r;
}

Context Connect(const Options& o) {
  Context c(redisConnect(o.host.c_str(), o.port));
  if (c == nullptr) {
    Fail("out of memory");
  }
  if (c->err != 0) {
    Fail("cannot connect to " + o.host + ":" + std::to_string(o.port) + ": " + c->errstr);
  }
  if (!o.password.empty()) {
    Check(c.get(), redisCommand(c.get(), "AUTH %s", o.password.c_str()), "AUTH");
  }
  return c;
}

struct Shared {
  const Options* o;
  // Producers stop by themselves at the end of --duration, after their last replies; only
  // then may the run wait for the consumers to catch up.
  std::atomic<int> producers_running{0};
  std::atomic<bool> stop_consuming{false};
  std::atomic<uint64_t> produced{0};
  std::vector<std::unique_ptr<std::atomic<uint64_t>>> consumed;  // per group
  std::mutex mu;                                                 // guards the merged histograms
  Histogram e2e;
  Histogram ack;
  Histogram add;
};

void Produce(Shared* s) {
  const Options& o = *s->o;
  Context c = Connect(o);
  std::vector<std::string> args = {"XADD", o.stream, "*", "ts", ""};
  const std::string value(static_cast<size_t>(o.payload), 'x');
  for (int f = 0; f < o.fields; f++) {
    args.push_back("f" + std::to_string(f));
    args.push_back(value);
  }
  constexpr size_t kTs = 4;  // the argument that changes from entry to entry
  std::vector<const char*> argv(args.size());
  std::vector<size_t> argl(args.size());
  for (size_t a = 0; a < args.size(); a++) {
    argv[a] = args[a].data();
    argl[a] = args[a].size();
  }
  Histogram add;
  // Open loop: this producer's share of the rate, in nanoseconds between entries.
  const double gap_ns = o.rate > 0 ? 1e9 * o.producers / o.rate : 0;
  const int64_t start = NowNs();
  const int64_t end = start + static_cast<int64_t>(o.duration_s * 1e9);
  // Entries already due go out together, as a real producer with a backlog would send them.
  const int batch_cap = gap_ns > 0 ? std::max(o.pipeline, kOverdueBatch) : o.pipeline;
  uint64_t sent = 0;
  while (true) {
    int64_t now = NowNs();
    if (now >= end) {
      break;
    }
    std::vector<int64_t> stamps;
    for (int k = 0; k < batch_cap; k++) {
      int64_t ts = now;
      if (gap_ns > 0) {
        ts = start + static_cast<int64_t>(static_cast<double>(sent) * gap_ns);
        if (ts >= end) {
          break;
        }
        if (ts > now) {
          if (k > 0) {
            break;  // the rest of this batch is not due yet
          }
          std::this_thread::sleep_for(std::chrono::nanoseconds(ts - now));
          now = NowNs();
        }
      }
      args[kTs] = std::to_string(ts);
      argv[kTs] = args[kTs].data();
      argl[kTs] = args[kTs].size();
      redisAppendCommandArgv(c.get(), static_cast<int>(args.size()), argv.data(), argl.data());
      stamps.push_back(NowNs());
      sent++;
    }
    for (const int64_t sent_at : stamps) {
      void* raw = nullptr;
      if (redisGetReply(c.get(), &raw) != REDIS_OK) {
        Fail(std::string("XADD: ") + c->errstr);
      }
      Check(c.get(), raw, "XADD");
      add.Record(static_cast<uint64_t>(NowNs() - sent_at));
    }
    s->produced.fetch_add(stamps.size(), std::memory_order_relaxed);
  }
  std::lock_guard<std::mutex> lock(s->mu);
  s->add.Merge(add);
  s->producers_running.fetch_sub(1);
}

void Spin(int us) {
  const int64_t until = NowNs() + int64_t{us} * 1000;
  while (NowNs() < until) {
  }
}

void Consume(Shared* s, int index) {
  const Options& o = *s->o;
  Context c = Connect(o);
  const int group = index % o.groups;
  const std::string group_name = "g" + std::to_string(group);
  const std::string consumer = "c" + std::to_string(index);
  const std::string count = std::to_string(o.count);
  const std::string block = std::to_string(o.block_ms);
  Histogram e2e;
  Histogram ack;
  std::vector<std::string> ids;
  while (!s->stop_consuming.load(std::memory_order_relaxed)) {
    const char* argv[] = {
        "XREADGROUP", "GROUP",       group_name.c_str(), consumer.c_str(), "COUNT", count.c_str(),
        "BLOCK",      block.c_str(), "STREAMS",          o.stream.c_str(), ">"};
    Reply r = Check(c.get(), redisCommandArgv(c.get(), 11, argv, nullptr), "XREADGROUP");
    const int64_t received = NowNs();
    if (r->type != REDIS_REPLY_ARRAY) {
      continue;  // a timeout: nil
    }
    ids.clear();
    for (size_t st = 0; st < r->elements; st++) {
      const redisReply* pair = r->element[st];
      if (pair->type != REDIS_REPLY_ARRAY || pair->elements != 2) {
        Fail("XREADGROUP: unexpected reply shape");
      }
      const redisReply* entries = pair->element[1];
      for (size_t e = 0; e < entries->elements; e++) {
        const redisReply* entry = entries->element[e];
        if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
            entry->element[1]->type != REDIS_REPLY_ARRAY || entry->element[1]->elements < 2) {
          Fail("XREADGROUP: an entry without fields");
        }
        const redisReply* fv = entry->element[1];
        const int64_t ts = std::strtoll(fv->element[1]->str, nullptr, 10);
        e2e.Record(static_cast<uint64_t>(std::max<int64_t>(0, received - ts)));
        ids.emplace_back(entry->element[0]->str, entry->element[0]->len);
        if (o.process_us > 0) {
          Spin(o.process_us);
        }
      }
    }
    if (ids.empty()) {
      continue;
    }
    std::vector<const char*> av = {"XACK", o.stream.c_str(), group_name.c_str()};
    std::vector<size_t> al = {4, o.stream.size(), group_name.size()};
    for (const std::string& id : ids) {
      av.push_back(id.data());
      al.push_back(id.size());
    }
    const int64_t ack_start = NowNs();
    Check(c.get(), redisCommandArgv(c.get(), static_cast<int>(av.size()), av.data(), al.data()),
          "XACK");
    ack.Record(static_cast<uint64_t>(NowNs() - ack_start));
    s->consumed[static_cast<size_t>(group)]->fetch_add(ids.size(), std::memory_order_relaxed);
  }
  std::lock_guard<std::mutex> lock(s->mu);
  s->e2e.Merge(e2e);
  s->ack.Merge(ack);
}

struct Sample {
  double t_s;
  uint64_t produced;
  uint64_t consumed;  // over all groups
  uint64_t max_lag;   // the group furthest behind
};

std::string Us(uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", static_cast<double>(ns) / 1000.0);
  return buf;
}

void PrintLatency(const char* name, const Histogram& h) {
  std::printf("%-10s p50 %9s  p99 %9s  p99.9 %9s  max %9s us  (%" PRIu64 " samples)\n", name,
              Us(h.Percentile(0.5)).c_str(), Us(h.Percentile(0.99)).c_str(),
              Us(h.Percentile(0.999)).c_str(), Us(h.max()).c_str(), h.count());
}

void JsonLatency(FILE* f, const char* name, const Histogram& h, bool last) {
  std::fprintf(f,
               "  \"%s_ns\": {\"samples\": %" PRIu64 ", \"p50\": %" PRIu64 ", \"p99\": %" PRIu64
               ", \"p999\": %" PRIu64 ", \"max\": %" PRIu64 "}%s\n",
               name, h.count(), h.Percentile(0.5), h.Percentile(0.99), h.Percentile(0.999), h.max(),
               last ? "" : ",");
}

FILE* OpenOutput(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    Fail("cannot write " + path + ": " + std::strerror(errno));
  }
  return f;
}

int Run(const Options& o) {
  Context admin = Connect(o);
  Check(admin.get(), redisCommand(admin.get(), "PING"), "PING");
  for (int g = 0; g < o.groups; g++) {
    Check(admin.get(),
          redisCommand(admin.get(), "XGROUP CREATE %s g%d $ MKSTREAM", o.stream.c_str(), g),
          "XGROUP CREATE");
  }
  Shared s;
  s.o = &o;
  for (int g = 0; g < o.groups; g++) {
    s.consumed.push_back(std::make_unique<std::atomic<uint64_t>>(0));
  }
  std::vector<std::thread> consumers;
  for (int i = 0; i < o.consumers; i++) {
    consumers.emplace_back(Consume, &s, i);
  }
  std::vector<std::thread> producers;
  const int64_t start = NowNs();
  s.producers_running = o.producers;
  for (int i = 0; i < o.producers; i++) {
    producers.emplace_back(Produce, &s);
  }
  auto consumed_total = [&s] {
    uint64_t n = 0;
    for (const auto& c : s.consumed) {
      n += c->load(std::memory_order_relaxed);
    }
    return n;
  };
  auto max_lag = [&s](uint64_t produced) {
    uint64_t lag = 0;
    for (const auto& c : s.consumed) {
      const uint64_t got = c->load(std::memory_order_relaxed);
      lag = std::max(lag, produced > got ? produced - got : 0);
    }
    return lag;
  };
  std::vector<Sample> samples;
  const int64_t interval_ns = static_cast<int64_t>(o.interval_s * 1e9);
  int64_t next = start + interval_ns;
  int64_t produce_stopped = 0;
  uint64_t last_produced = 0;
  uint64_t last_consumed = 0;
  while (true) {
    const int64_t now = NowNs();
    const bool producing = s.producers_running.load() > 0;  // read before the counts
    const uint64_t produced = s.produced.load();
    const uint64_t consumed = consumed_total();
    if (produce_stopped == 0 && !producing) {
      produce_stopped = now;
    }
    const bool caught_up =
        o.consumers == 0 || consumed >= produced * static_cast<uint64_t>(o.groups);
    if (produce_stopped != 0 &&
        (caught_up || now >= produce_stopped + static_cast<int64_t>(o.drain_s * 1e9))) {
      break;
    }
    if (now >= next) {
      const Sample sm = {static_cast<double>(now - start) / 1e9, produced, consumed,
                         max_lag(produced)};
      samples.push_back(sm);
      if (!o.quiet) {
        std::fprintf(stderr, "%6.1fs  produced %10.0f/s  consumed %10.0f/s  lag %" PRIu64 "\n",
                     sm.t_s, static_cast<double>(produced - last_produced) / o.interval_s,
                     static_cast<double>(consumed - last_consumed) / o.interval_s, sm.max_lag);
      }
      last_produced = produced;
      last_consumed = consumed;
      next += interval_ns;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (std::thread& t : producers) {
    t.join();
  }
  const uint64_t produced = s.produced.load();
  const double produce_s = static_cast<double>(produce_stopped - start) / 1e9;
  const double consume_s = static_cast<double>(NowNs() - start) / 1e9;
  s.stop_consuming = true;
  for (std::thread& t : consumers) {
    t.join();
  }
  const uint64_t consumed = consumed_total();
  const uint64_t expected = o.consumers == 0 ? 0 : produced * static_cast<uint64_t>(o.groups);
  const uint64_t lost = expected - std::min(consumed, expected);
  if (!o.keep) {
    Check(admin.get(), redisCommand(admin.get(), "DEL %s", o.stream.c_str()), "DEL");
  }

  std::printf("rill-bench %s:%d  stream %s  %s\n", o.host.c_str(), o.port, o.stream.c_str(),
              o.rate > 0 ? "open loop" : "closed loop");
  std::printf("producers %d  pipeline %d  consumers %d  groups %d  fields %d x %d bytes\n",
              o.producers, o.pipeline, o.consumers, o.groups, o.fields, o.payload);
  std::printf("produced  %" PRIu64 " in %.2f s: %.0f entries/s\n", produced, produce_s,
              static_cast<double>(produced) / produce_s);
  std::printf("consumed  %" PRIu64 " in %.2f s: %.0f entries/s (all groups)%s\n", consumed,
              consume_s, static_cast<double>(consumed) / consume_s,
              lost > 0 ? "; some never arrived within --drain" : "");
  PrintLatency("end-to-end", s.e2e);
  PrintLatency("xack", s.ack);
  PrintLatency("xadd", s.add);

  if (!o.csv_path.empty()) {
    FILE* f = OpenOutput(o.csv_path);
    std::fprintf(f, "t_s,produced,consumed,max_lag\n");
    for (const Sample& sm : samples) {
      std::fprintf(f, "%.3f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", sm.t_s, sm.produced,
                   sm.consumed, sm.max_lag);
    }
    std::fclose(f);
  }
  if (!o.json_path.empty()) {
    FILE* f = OpenOutput(o.json_path);
    std::fprintf(f,
                 "{\n  \"producers\": %d, \"consumers\": %d, \"groups\": %d, \"pipeline\": %d,\n",
                 o.producers, o.consumers, o.groups, o.pipeline);
    std::fprintf(
        f, "  \"rate\": %" PRIu64 ", \"produce_ms\": %" PRIu64 ", \"consume_ms\": %" PRIu64 ",\n",
        static_cast<uint64_t>(o.rate), static_cast<uint64_t>(produce_s * 1000),
        static_cast<uint64_t>(consume_s * 1000));
    std::fprintf(
        f, "  \"produced\": %" PRIu64 ", \"consumed\": %" PRIu64 ", \"missing\": %" PRIu64 ",\n",
        produced, consumed, lost);
    JsonLatency(f, "e2e", s.e2e, false);
    JsonLatency(f, "xack", s.ack, false);
    JsonLatency(f, "xadd", s.add, false);
    std::fprintf(f, "  \"e2e_buckets\": [");
    const char* sep = "";
    s.e2e.ForEachBucket([&](uint64_t bound, uint64_t count) {
      std::fprintf(f, "%s[%" PRIu64 ", %" PRIu64 "]", sep, bound, count);
      sep = ", ";
    });
    std::fprintf(f, "],\n");
    std::fprintf(f, "  \"lag\": [");
    for (size_t i = 0; i < samples.size(); i++) {
      std::fprintf(f,
                   "%s{\"t_ms\": %" PRIu64 ", \"produced\": %" PRIu64 ", \"consumed\": %" PRIu64
                   ", \"max_lag\": %" PRIu64 "}",
                   i == 0 ? "" : ", ", static_cast<uint64_t>(samples[i].t_s * 1000),
                   samples[i].produced, samples[i].consumed, samples[i].max_lag);
    }
    std::fprintf(f, "]\n}\n");
    std::fclose(f);
  }
  return 0;
}

}  // namespace
}  // namespace rill::bench

int main(int argc, char** argv) {
  const rill::bench::Options o = rill::bench::ParseFlags(argc, argv);
  return rill::bench::Run(o);
}
