// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "cmd/dispatcher.h"

#include <sys/time.h>

#include "cmd/command_context.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/memory.h"
#include "core/strings.h"
#include "net/reply_builder.h"
#include "shard/shard_set.h"

namespace rill::cmd {
namespace {

bool AllowedWhileSubscribed(const CommandSpec& spec) {
  const std::string_view n = spec.name;
  return n == "subscribe" || n == "unsubscribe" || n == "psubscribe" || n == "punsubscribe" ||
         n == "ssubscribe" || n == "sunsubscribe" || n == "ping" || n == "quit" || n == "reset";
}

bool RunsInsideMulti(const CommandSpec& spec) {
  const std::string_view n = spec.name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}

constexpr int kNoKeys = -1;
constexpr int kManyShards = -2;

// The shard every key of the request lives on; kNoKeys, or kManyShards when they span shards.
int KeysShard(const shard::ShardSet& set, const CommandSpec& spec,
              std::span<const std::string_view> args) {
  int owner = kNoKeys;
  auto see = [&owner, &set](std::string_view key) {
    const int s = set.ShardOf(key);
    owner = owner == kNoKeys || owner == s ? s : kManyShards;
  };
  if (!spec.keys_after.empty()) {
    for (const size_t pos : KeyPositions(spec, args)) {
      see(args[pos]);
    }
    return owner;
  }
  if (spec.first_key <= 0) {
    return kNoKeys;
  }
  const int argc = static_cast<int>(args.size());
  const int last = spec.last_key < 0 ? argc + spec.last_key : spec.last_key;
  for (int i = spec.first_key; i <= last && i < argc && owner != kManyShards; i += spec.key_step) {
    see(args[i]);
  }
  return owner;
}

// Whether another shard can run the request for its client: it must not change the
// client's own state (WATCH) or wait (BLOCK).
bool Forwardable(const CommandSpec& spec, std::span<const std::string_view> args) {
  if (spec.name == "watch") {
    return false;
  }
  if ((spec.flags & kBlocking) == 0) {
    return true;
  }
  return std::none_of(args.begin(), args.end(),
                      [](std::string_view a) { return EqualsIgnoreCase(a, "BLOCK"); });
}

}  // namespace

Dispatcher::Dispatcher(CommandTable table) : table_(std::move(table)) {
  table_.Finish();
  exec_ = table_.Find("exec");
}

void CommandContext::ReplyErrorLine(std::string_view line) {
  failed_ = true;
  Dispatcher::CountError(shard_, line);
  rb_.Error(line);
}

void CommandContext::Block(std::vector<std::pair<int, std::string>> keys, int64_t deadline_ms,
                           std::vector<std::string> argv) {
  blocked_ = true;
  if (client_.block.rerun) {
    client_.block.still_waiting = true;
    return;
  }
  client_.block.keys = std::move(keys);
  client_.block.deadline_ms = deadline_ms;
  client_.block.rerun_on_timeout = false;
  client_.block.argv = std::move(argv);
  shard_.Block(client_);
}

void CommandContext::ReplyWrongArity() {
  ReplyErrorLine("ERR wrong number of arguments for '" + spec_.name + "' command");
}

void Dispatcher::CountError(shard::Shard& shard, std::string_view line) {
  shard.stats().total_error_replies++;
  const size_t sp = line.find(' ');
  shard.error_stats()[std::string(line.substr(0, sp))]++;
}

const CommandSpec* Dispatcher::Resolve(std::span<const std::string_view> args,
                                       std::string* error) const {
  const CommandSpec* spec = table_.Find(args[0]);
  if (spec == nullptr) {
    // Redis quotes at most 128 bytes of the name and of the arguments.
    std::string preview;
    for (size_t i = 1; i < args.size() && preview.size() < 128; i++) {
      const size_t room = 128 - preview.size();
      preview += "'" + std::string(args[i].substr(0, room)) + "' ";
    }
    *error = "ERR unknown command '" + std::string(args[0].substr(0, 128)) +
             "', with args beginning with: " + preview;
    return nullptr;
  }
  if (spec->is_container() && (args.size() > 1 || spec->handler == nullptr)) {
    // A container with its own handler (COMMAND) also runs without a subcommand.
    if (args.size() == 1) {
      *error = "ERR wrong number of arguments for '" + spec->name + "' command";
      return nullptr;
    }
    const CommandSpec* sub = CommandTable::FindSub(*spec, args[1]);
    if (sub == nullptr) {
      *error = "ERR unknown subcommand '" + std::string(args[1].substr(0, 128)) + "'. Try " +
               ToUpper(spec->name) + " HELP.";
      return nullptr;
    }
    spec = sub;
  }
  const int argc = static_cast<int>(args.size());
  if ((spec->arity > 0 && argc != spec->arity) || (spec->arity < 0 && argc < -spec->arity)) {
    *error = "ERR wrong number of arguments for '" + spec->name + "' command";
    return nullptr;
  }
  return spec;
}

void Dispatcher::Reject(shard::Shard& shard, shard::Client& client, const CommandSpec* spec,
                        std::string_view line) {
  if (client.in_multi) {
    client.multi_error = true;
  }
  if (spec != nullptr) {
    shard.command_stats()[spec->index].rejected_calls++;
  }
  CountError(shard, line);
  net::ReplyBuilder(&client.conn->out(), client.resp).Error(line);
}

bool Dispatcher::OnRequest(shard::Shard& shard, shard::Client& client,
                           std::span<const std::string_view> args) {
  std::string& out = client.conn->out();
  const size_t out_before = out.size();
  if (client.reply_mode == shard::ReplyMode::kSkipNext) {
    client.reply_mode = shard::ReplyMode::kSkipThis;
  }
  std::string error;
  const CommandSpec* spec = Resolve(args, &error);
  bool done = true;
  if (spec == nullptr) {
    Reject(shard, client, table_.Find(args[0]), error);
  } else {
    done = Admit(shard, client, *spec, args);
  }
  if (!done) {
    return false;
  }
  if (client.reply_mode == shard::ReplyMode::kOff) {
    out.resize(out_before);
  } else if (client.reply_mode == shard::ReplyMode::kSkipThis) {
    out.resize(out_before);
    client.reply_mode = shard::ReplyMode::kOn;
  }
  return true;
}

bool Dispatcher::IsWrite(const shard::Client& client, const CommandSpec& spec) const {
  constexpr uint32_t kWrites = kWrite | kMayReplicate;
  if ((spec.flags & kWrites) != 0) {
    return true;
  }
  if (&spec != exec_) {
    return false;
  }
  // EXEC writes when anything it would run writes (Redis's rule for CLIENT PAUSE WRITE).
  std::string ignored;
  for (const std::vector<std::string>& q : client.queued) {
    const std::vector<std::string_view> qargs(q.begin(), q.end());
    const CommandSpec* qs = Resolve(qargs, &ignored);
    if (qs != nullptr && (qs->flags & kWrites) != 0) {
      return true;
    }
  }
  return false;
}

bool Dispatcher::Admit(shard::Shard& shard, shard::Client& client, const CommandSpec& spec,
                       std::span<const std::string_view> args) {
  if (!client.authenticated && (spec.flags & kNoAuth) == 0) {
    Reject(shard, client, &spec, ErrorText(ErrorCode::kNoAuth));
    return true;
  }
  if (client.resp == 2 && client.subscriptions() > 0 && !AllowedWhileSubscribed(spec)) {
    Reject(shard, client, &spec,
           "ERR Can't execute '" + spec.name +
               "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
               "this context");
    return true;
  }
  if (client.monitor && (spec.flags & (kWrite | kReadOnly | kMayReplicate)) != 0) {
    // Redis treats a MONITOR client like a replica: it may not touch the keyspace.
    Reject(shard, client, &spec, "ERR Replica can't interact with the keyspace");
    return true;
  }
  // Only while a pause is in force is it worth finding out whether the request writes.
  if (shard.MustHold(/*is_write=*/true) && shard.MustHold(IsWrite(client, spec))) {
    shard.Hold(client);
    return false;
  }
  if (shard.loading() && (spec.flags & kLoading) == 0) {
    Reject(shard, client, &spec, "LOADING Redis is loading the dataset in memory");
    return true;
  }
  if (shard.journal_sink() != nullptr && !shard.journal_sink()->write_ok() &&
      IsWrite(client, spec)) {
    Reject(shard, client, &spec,
           "MISCONF Errors writing to the AOF file: " + shard.journal_sink()->last_error());
    return true;
  }
  const config::Config& cfg = shard.config();
  if (cfg.maxmemory > 0) {
    bool fits = true;
    if (shard.set().size() == 1) {
      // What a snapshot keeps aside is not the dataset's (shard/keyspace.h).
      shard::Keyspace& ks = shard.keyspace();
      fits = ks.EvictUntil(static_cast<uint64_t>(cfg.maxmemory), [&ks] {
        const uint64_t used = memory::UsedMemory();
        return used - std::min(used, ks.snapshot_bytes());
      });
    } else if (memory::UsedMemory() > static_cast<uint64_t>(cfg.maxmemory)) {
      // Memory is the process's: the keys to evict may be any shard's, and one shard
      // evicts at a time, with the others parked, so they do not all evict for the same
      // excess.
      if (cfg.maxmemory_policy == config::EvictionPolicy::kNoEviction || shard.coordinating()) {
        fits = false;
      } else {
        if (!client.token_granted && !shard.set().AcquireToken(shard, TokenGrant(shard, client))) {
          return false;
        }
        client.token_granted = false;
        shard.set().PauseOthers(shard);
        fits = EvictAcrossShards(shard.set(), static_cast<uint64_t>(cfg.maxmemory));
        shard.set().ResumeOthers(shard);
        shard.set().ReleaseToken();
      }
    }
    if (!fits && (spec.flags & kDenyOom) != 0) {
      Reject(shard, client, &spec, ErrorText(ErrorCode::kOom));
      return true;
    }
  }
  if (client.in_multi && !RunsInsideMulti(spec)) {
    if ((spec.flags & kNoMulti) != 0) {
      Reject(shard, client, &spec, "ERR Command not allowed inside a transaction");
      return true;
    }
    client.queued.emplace_back(args.begin(), args.end());
    client.conn->out().append("+QUEUED\r\n");
    return true;
  }
  return Run(shard, client, spec, args);
}

shard::Shard& Dispatcher::ExecShard(shard::Shard& home, const CommandSpec& spec,
                                    std::span<const std::string_view> args) {
  if (home.set().size() == 1) {
    return home;
  }
  const int owner = KeysShard(home.set(), spec, args);
  return owner >= 0 ? home.set().shard(owner) : home;
}

bool Dispatcher::Run(shard::Shard& shard, shard::Client& client, const CommandSpec& spec,
                     std::span<const std::string_view> args) {
  shard::ShardSet& set = shard.set();
  if (set.size() == 1) {
    Execute(shard, client, spec, args);
    return true;
  }
  bool coordinate = (spec.flags & kAllShards) != 0;
  int owner = shard.id();
  if (&spec == exec_) {
    // Over queued commands whose keys are elsewhere, or with keys WATCHed elsewhere.
    std::string ignored;
    for (const std::vector<std::string>& q : client.queued) {
      const std::vector<std::string_view> qargs(q.begin(), q.end());
      const CommandSpec* qs = Resolve(qargs, &ignored);
      if (qs == nullptr) {
        continue;
      }
      const int keys = KeysShard(set, *qs, qargs);
      coordinate =
          coordinate || (qs->flags & kAllShards) != 0 || (keys != kNoKeys && keys != shard.id());
    }
    for (const auto& [db, key] : client.watched) {
      coordinate = coordinate || set.ShardOf(key) != shard.id();
    }
  } else if (!coordinate) {
    const int keys = KeysShard(set, spec, args);
    coordinate = keys == kManyShards;
    owner = keys >= 0 ? keys : owner;
  }
  if (!coordinate && owner != shard.id() && (spec.flags & kBlocking) != 0 &&
      !Forwardable(spec, args) && shard::Shard::Movable(client)) {
    // A blocking read waits where its keys are: the client moves there, and the request
    // runs again on arrival.
    shard.Migrate(client, owner);
    return false;
  }
  if (coordinate || (owner != shard.id() && !Forwardable(spec, args))) {
    return Coordinate(shard, client, spec, args);
  }
  if (owner == shard.id()) {
    client.forward_streak = 0;
    Execute(shard, client, spec, args);
  } else {
    client.last_command = spec.name;
    if (set.monitoring() && (spec.flags & (kAdmin | kSkipMonitor)) == 0) {
      FeedMonitors(shard, client, spec, args);
    }
    shard.Forward(client, owner, &spec, args,
                  client.reply_mode == shard::ReplyMode::kOff ||
                      client.reply_mode == shard::ReplyMode::kSkipThis);
  }
  return true;
}

bool Dispatcher::RunForwarded(shard::Shard& shard, shard::Client& proxy, const void* command,
                              std::span<const std::string_view> args) {
  const CommandSpec& spec = *static_cast<const CommandSpec*>(command);
  // CLIENT PAUSE covers requests on their way from another shard too.
  if (shard.MustHold(/*is_write=*/true) && shard.MustHold(IsWrite(proxy, spec))) {
    return false;
  }
  Execute(shard, proxy, spec, args);
  return true;
}

std::function<void()> Dispatcher::TokenGrant(shard::Shard& shard, shard::Client& client) {
  return [&shard, id = client.id] {
    shard::Client* c = shard.FindClient(id);
    if (c != nullptr && !c->conn->closed()) {
      c->token_granted = true;
      c->conn->Resume();
    }
    // Gone, closed, or its request did not use it now (held): the token goes on.
    if (c == nullptr || c->conn->closed() || c->token_granted) {
      if (c != nullptr) {
        c->token_granted = false;
      }
      shard.set().ReleaseToken();
    }
  };
}

bool Dispatcher::EvictAcrossShards(shard::ShardSet& set, uint64_t limit) {
  // What snapshots keep aside is not the dataset's (shard/keyspace.h): evicting an unread
  // key only moves it aside.
  const auto used = [&set] {
    uint64_t kept = 0;
    for (int i = 0; i < set.size(); i++) {
      kept += set.shard(i).keyspace().snapshot_bytes();
    }
    const uint64_t u = memory::UsedMemory();
    return u - std::min(u, kept);
  };
  // Ties (allkeys-random scores every key alike) go to each shard in turn: the first
  // shard asked wins a tie.
  for (;;) {
    shard::Keyspace* from = nullptr;
    shard::Keyspace::Victim best;
    if (used() <= limit) {
      return true;
    }
    const uint32_t first = set.NextEvictionTurn();
    for (int n = 0; n < set.size(); n++) {
      shard::Keyspace& ks = set.shard(static_cast<int>((first + n) % set.size())).keyspace();
      const shard::Keyspace::Victim v = ks.EvictionVictim();
      if (v.entry != nullptr && (from == nullptr || v.score > best.score)) {
        from = &ks;
        best = v;
      }
    }
    if (from == nullptr) {
      return false;
    }
    from->Evict(best);
  }
}

bool Dispatcher::Coordinate(shard::Shard& shard, shard::Client& client, const CommandSpec& spec,
                            std::span<const std::string_view> args) {
  shard::ShardSet& set = shard.set();
  if (!client.token_granted && !set.AcquireToken(shard, TokenGrant(shard, client))) {
    return false;
  }
  client.token_granted = false;
  set.PauseOthers(shard);
  // A read that may block runs at home, where the client waits (Shard::Block).
  Execute((spec.flags & kBlocking) != 0 ? shard : ExecShard(shard, spec, args), client, spec, args);
  set.ResumeOthers(shard);
  set.ReleaseToken();
  return true;
}

void Dispatcher::Execute(shard::Shard& shard, shard::Client& client, const CommandSpec& spec,
                         std::span<const std::string_view> args) {
  client.last_command = spec.name;  // CLIENT LIST shows the running command as cmd=
  const bool rerun = client.block.rerun;
  shard::Journal& journal = shard.journal();
  const uint64_t produced_before = journal.produced();
  const size_t reply_start = client.conn->out().size();
  journal.BeginScope();
  const int64_t start = TickCount();
  if ((spec.flags & kWrite) != 0 && (shard.keyspace().frozen() || shard.coordinating())) {
    // A snapshot is being read: it keeps the old values of the keys this command may change
    // (shard/snapshot_view.h), in the keyspace of each key's shard.
    for (const size_t pos : KeyPositions(spec, args)) {
      shard.KeyspaceOf(args[pos]).BeforeWrite(args[pos]);
    }
  }
  CommandContext ctx(*this, shard, client, args, spec);
  spec.handler(ctx);
  const int64_t took = TickCount() - start;  // ticks; converted only when reported
  if (ctx.propagate()) {
    journal.Append(client.db, args);
  }
  journal.EndScope();
  // Inside EXEC, the EXEC as a whole waits (its reply starts before the queued ones). The
  // client's own shard holds it: a coordinated command's effects are in that shard's
  // journal, whichever shard's keys it ran on; a forwarded one's reply is held by the
  // shard that ran it, which sends it back once durable (Shard::RunForwardBatch).
  if (journal.produced() != produced_before && !client.in_exec && !client.proxy) {
    shard.set().shard(client.home).HoldUntilDurable(client, reply_start);
  }
  // MONITOR sees a blocking command once, when it arrives (as in Redis).
  // A forwarded command was fed by its home shard, which knows the client.
  if (!rerun && !client.proxy && shard.set().monitoring() &&
      (spec.flags & (kAdmin | kSkipMonitor)) == 0) {
    FeedMonitors(shard, client, spec, args);
  }
  if (ctx.blocked()) {
    return;  // counted in the statistics when it completes
  }
  shard::CommandStat& cs = shard.command_stats()[spec.index];
  cs.calls++;
  cs.ticks += static_cast<uint64_t>(took);
  shard::ShardStats& st = shard.stats();
  st.total_commands_processed++;
  if (ctx.failed()) {
    cs.failed_calls++;
  }
  if (ctx.changed()) {
    st.CountWrite();
  }
  const config::Config& cfg = shard.config();
  if ((spec.flags & kSkipSlowlog) == 0 && cfg.slowlog_log_slower_than >= 0 &&
      took >= shard.slowlog_threshold_ticks()) {
    shard.slowlog().MaybeAdd(cfg.slowlog_log_slower_than, static_cast<size_t>(cfg.slowlog_max_len),
                             shard.clock().NowMs() / 1000, TicksToUs(took), args,
                             client.conn->peer_addr(), client.name);
  }
}

shard::ReplayResult Dispatcher::Replay(shard::Shard& shard, shard::Client& client,
                                       std::span<const std::string_view> args) {
  std::string error;
  const CommandSpec* spec = Resolve(args, &error);
  if (spec == nullptr) {
    return shard::ReplayResult::kUnknownCommand;
  }
  if (client.in_multi && !RunsInsideMulti(*spec)) {
    client.queued.emplace_back(args.begin(), args.end());
    return shard::ReplayResult::kOk;
  }
  Execute(ExecShard(shard, *spec, args), client, *spec, args);
  const std::string& out = client.conn->out();
  return out.empty() || out[0] != '-' ? shard::ReplayResult::kOk : shard::ReplayResult::kFailed;
}

bool Dispatcher::RunBlocked(shard::Shard& shard, shard::Client& client, shard::BlockWake why) {
  const std::vector<std::string_view> args(client.block.argv.begin(), client.block.argv.end());
  std::string ignored;
  const CommandSpec* spec = Resolve(args, &ignored);
  RILL_CHECK(spec != nullptr);  // it resolved when it blocked
  // The command runs again when its key changed, or at its timeout if it answers that itself
  // (WAITAOF); at a timeout it must not block again.
  const bool timed_out = why == shard::BlockWake::kTimeout;
  if (why == shard::BlockWake::kKeyReady || (timed_out && client.block.rerun_on_timeout)) {
    client.block.rerun = true;
    client.block.timed_out = timed_out;
    client.block.still_waiting = false;
    Execute(shard, client, *spec, args);
    client.block.rerun = false;
    client.block.timed_out = false;
    return client.block.still_waiting;
  }
  // A timeout (or CLIENT UNBLOCK) completes the command: one call in its statistics.
  shard::CommandStat& cs = shard.command_stats()[spec->index];
  cs.calls++;
  shard.stats().total_commands_processed++;
  net::ReplyBuilder rb(&client.conn->out(), client.resp);
  if (why == shard::BlockWake::kError) {
    static constexpr std::string_view kLine = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
    cs.failed_calls++;
    CountError(shard, kLine);
    rb.Error(kLine);
  } else {
    rb.NullArray();
  }
  return false;
}

void Dispatcher::FeedMonitors(shard::Shard& shard, shard::Client& client, const CommandSpec& spec,
                              std::span<const std::string_view> args) {
  const int64_t now_us = shard.clock().NowUs();
  char head[96];
  snprintf(head, sizeof(head), "+%lld.%06lld [%d ", static_cast<long long>(now_us / 1000000),
           static_cast<long long>(now_us % 1000000), client.db);
  std::string line = head;
  line += client.conn->is_unix() ? "unix:" + shard.config().unixsocket : client.conn->peer_addr();
  line += "]";
  const bool redact = (spec.flags & kSensitiveArgs) != 0;  // AUTH and HELLO: no secrets
  for (size_t i = 0; i < args.size(); i++) {
    line += ' ';
    line += redact && i > 0 ? "\"(redacted)\"" : QuoteRepr(args[i]);
  }
  line += "\r\n";
  // Monitors live on every shard; the others get the line through their mailboxes.
  shard::ShardSet& set = shard.set();
  for (int i = 0; i < set.size(); i++) {
    shard::Shard* s = &set.shard(i);
    if (s == &shard || s == shard::Shard::Current()) {  // this thread's, or parked
      s->FeedMonitorLine(line, &client);
    } else {
      s->Post([s, line, skip = &client] { s->FeedMonitorLine(line, skip); });
    }
  }
}

void Dispatcher::UnwatchAll(shard::Shard& shard, shard::Client& client) {
  shard::ShardSet& set = shard.set();
  for (auto& [db, key] : client.watched) {
    shard::Shard& owner = set.Owner(key);
    if (&owner == &shard || shard.coordinating()) {
      owner.keyspace().Unwatch(db, key, client.watch_flag.get());
    } else {
      owner.Post([&owner, db = db, key = std::move(key), flag = client.watch_flag] {
        owner.keyspace().Unwatch(db, key, flag.get());
      });
    }
  }
  client.watched.clear();
  client.watch_flag.reset();
}

void Dispatcher::OnClientClose(shard::Shard& shard, shard::Client& client) {
  shard.pubsub().UnsubscribeAll(&client);
  UnwatchAll(shard, client);
  if (client.monitor) {
    shard.RemoveMonitor(&client);
    client.monitor = false;
  }
}

}  // namespace rill::cmd
