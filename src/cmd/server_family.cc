// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/server_family.cc: server commands: INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, SHUTDOWN,
// CONFIG, MONITOR, SLOWLOG, DEBUG, COMMAND, FUNCTION, ROLE. Replies and errors are
// Redis 7.2's.
#include <unistd.h>

#include <cmath>

#include "cmd/command_docs.h"
#include "cmd/dispatcher.h"
#include "cmd/families.h"
#include "cmd/info.h"
#include "config/config_table.h"
#include "core/logging.h"
#include "core/strings.h"
#include "shard/shard_set.h"

namespace rill::cmd {
namespace {

void CmdInfo(CommandContext& ctx) {
  std::vector<std::string_view> sections(ctx.args().begin() + 1, ctx.args().end());
  ctx.reply().Verbatim(BuildInfo(ctx, sections));
}

void CmdDbSize(CommandContext& ctx) {
  size_t n = 0;
  ctx.ForEachKeyspace([&](shard::Keyspace& ks) { n += ks.db(ctx.db()).size(); });
  ctx.ReplyInt(static_cast<int64_t>(n));
}

// FLUSHDB/FLUSHALL take an optional ASYNC or SYNC; both free at once here, which is what
// SYNC promises and ASYNC allows.
bool FlushModeOk(CommandContext& ctx) {
  if (ctx.argc() == 1) {
    return true;
  }
  if (ctx.argc() == 2 &&
      (EqualsIgnoreCase(ctx.arg(1), "ASYNC") || EqualsIgnoreCase(ctx.arg(1), "SYNC"))) {
    return true;
  }
  ctx.ReplySyntaxError();
  return false;
}

void CmdFlushDb(CommandContext& ctx) {
  if (FlushModeOk(ctx)) {
    ctx.ForEachKeyspace([&](shard::Keyspace& ks) { ks.FlushDb(ctx.db()); });
    ctx.Propagate();
    ctx.ReplyOk();
  }
}

void CmdFlushAll(CommandContext& ctx) {
  if (FlushModeOk(ctx)) {
    ctx.ForEachKeyspace([](shard::Keyspace& ks) { ks.FlushAll(); });
    ctx.Propagate();
    ctx.ReplyOk();
  }
}

void CmdTime(CommandContext& ctx) {
  const int64_t us = ctx.shard().clock().NowUs();
  ctx.reply().ArrayHeader(2);
  ctx.ReplyBulk(std::to_string(us / 1000000));
  ctx.ReplyBulk(std::to_string(us % 1000000));
}

void CmdRole(CommandContext& ctx) {
  ctx.reply().ArrayHeader(3);
  ctx.ReplyBulk("master");
  ctx.ReplyInt(0);
  ctx.reply().ArrayHeader(0);
}

void CmdShutdown(CommandContext& ctx) {
  bool save = false, nosave = false, abort = false, force = false;
  for (size_t i = 1; i < ctx.argc(); i++) {
    const std::string_view o = ctx.arg(i);
    if (EqualsIgnoreCase(o, "ABORT")) {
      abort = true;
    } else if (EqualsIgnoreCase(o, "NOSAVE")) {
      nosave = true;
    } else if (EqualsIgnoreCase(o, "SAVE")) {
      save = true;
    } else if (EqualsIgnoreCase(o, "FORCE")) {
      force = true;
    } else if (!EqualsIgnoreCase(o, "NOW")) {
      return ctx.ReplySyntaxError();
    }
  }
  if ((abort && ctx.argc() > 2) || (save && nosave)) {
    return ctx.ReplySyntaxError();
  }
  if (abort) {
    return ctx.ReplyErrorLine("ERR No shutdown in progress.");
  }
  RILL_LOG(kWarning, "User requested shutdown...");
  if (ctx.shard().loading()) {
    nosave = true;  // as Redis: a dataset half loaded is not saved over the good one
  }
  if (!nosave) {
    if (Status st = ctx.shard().set().persistence()->SaveForShutdown(ctx.shard(), save); !st.ok()) {
      if (!force) {
        RILL_LOG(kWarning, "Error trying to save the DB, can't exit.");
        return ctx.ReplyErrorLine("ERR Errors trying to SHUTDOWN. Check logs.");
      }
      RILL_LOG(kWarning, "Error trying to save the DB: exiting anyway (SHUTDOWN FORCE).");
    }
  }
  // As in Redis, a successful SHUTDOWN sends no reply: the connection just closes.
  ctx.shard().set().RequestShutdown();
}

// --- Snapshots and AOF rewrites (persist/snapshotter.h) ---

void CmdSave(CommandContext& ctx) {
  shard::Persistence* p = ctx.shard().set().persistence();
  if (Status st = p->Save(ctx.shard()); !st.ok()) {
    return ctx.ReplyError(st);
  }
  ctx.ReplyOk();
}

void CmdBgSave(CommandContext& ctx) {
  bool schedule = false;
  if (ctx.argc() > 2 ||
      (ctx.argc() == 2 && !(schedule = EqualsIgnoreCase(ctx.arg(1), "SCHEDULE")))) {
    return ctx.ReplySyntaxError();
  }
  shard::Persistence* p = ctx.shard().set().persistence();
  Result<std::string> r = p->StartBgSave(ctx.shard(), schedule);
  if (!r.ok()) {
    return ctx.ReplyError(r.status());
  }
  ctx.ReplyStatus(*r);
}

void CmdBgRewriteAof(CommandContext& ctx) {
  shard::Persistence* p = ctx.shard().set().persistence();
  Result<std::string> r = p->StartRewrite(ctx.shard());
  if (!r.ok()) {
    return ctx.ReplyError(r.status());
  }
  ctx.ReplyStatus(*r);
}

// WAITAOF numlocal numreplicas timeout: blocks until an fsync of the journal covers every
// write made so far (it waits for other clients' earlier writes too, which Redis does not
// need to, but they are fsynced by the same fsync anyway). Rill has no replicas yet: the
// replica count is 0 at once, where Redis would wait for the timeout first.
void CmdWaitAof(CommandContext& ctx) {
  const std::optional<int64_t> numlocal = ParseInt64(ctx.arg(1));
  const std::optional<int64_t> numreplicas = ParseInt64(ctx.arg(2));
  const std::optional<int64_t> timeout = ParseInt64(ctx.arg(3));
  if (!numlocal || !numreplicas) {
    return ctx.ReplyError(ErrorCode::kNotInteger);
  }
  if (*numlocal < 0 || *numreplicas < 0) {
    return ctx.ReplyErrorLine("ERR value is out of range, must be positive");
  }
  if (!timeout) {
    return ctx.ReplyErrorLine("ERR timeout is not an integer or out of range");
  }
  if (*timeout < 0) {
    return ctx.ReplyErrorLine("ERR timeout is negative");
  }
  shard::Shard& shard = ctx.shard();
  shard::Client& c = ctx.client();
  if (*numlocal > 0 && shard.journal_sink() == nullptr) {
    return ctx.ReplyErrorLine(
        "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.");
  }
  if (!ctx.rerun()) {
    c.sync_target = shard.SyncTarget();
  }
  const bool synced = shard.journal_sink() != nullptr && shard.Synced(c.sync_target);
  if (synced || *numlocal == 0 || !ctx.can_block() || c.block.timed_out) {
    ctx.reply().ArrayHeader(2);
    ctx.ReplyInt(synced ? 1 : 0);
    ctx.ReplyInt(0);
    return;
  }
  shard.WaitForSync(c);
  ctx.Block({}, *timeout == 0 ? 0 : ctx.NowMs() + *timeout,
            std::vector<std::string>(ctx.args().begin(), ctx.args().end()));
  c.block.rerun_on_timeout = true;
}

void CmdLastSave(CommandContext& ctx) {
  ctx.ReplyInt(ctx.shard().set().persistence()->info(ctx.shard()).last_save_s);
}

void CmdMonitor(CommandContext& ctx) {
  shard::Client& c = ctx.client();
  if (c.in_exec) {
    return ctx.ReplyErrorLine("ERR MONITOR isn't allowed for DENY BLOCKING client");
  }
  if (!c.monitor) {
    c.monitor = true;
    ctx.shard().AddMonitor(&c);
  }
  ctx.ReplyOk();
}

// --- CONFIG ---

void CmdConfigGet(CommandContext& ctx) {
  std::vector<std::string_view> patterns(ctx.args().begin() + 2, ctx.args().end());
  const auto pairs = ctx.shard().set().config_store().Get(patterns);
  ctx.reply().MapHeader(static_cast<int64_t>(pairs.size()));
  for (const auto& [name, value] : pairs) {
    ctx.ReplyBulk(name);
    ctx.ReplyBulk(value);
  }
}

void CmdConfigSet(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    return ctx.ReplyWrongArity();
  }
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    pairs.emplace_back(ctx.arg(i), ctx.arg(i + 1));
  }
  if (Status s = ctx.shard().set().config_store().Set(pairs); !s.ok()) {
    return ctx.ReplyError(s);
  }
  ctx.shard().set().PublishConfig(&ctx.shard());
  ctx.ReplyOk();
}

void CmdConfigResetStat(CommandContext& ctx) {
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {  // every shard's (kAllShards)
    shard::Shard& s = set.shard(i);
    const uint64_t dirty = s.stats().dirty;  // as Redis: not a statistic (save points use it)
    s.stats() = shard::ShardStats();         // byte counters included, as in Redis
    s.stats().dirty = dirty;
    for (shard::CommandStat& cs : s.command_stats()) {
      cs = shard::CommandStat();
    }
    s.error_stats().clear();
    s.keyspace().stats() = shard::Keyspace::Stats();
  }
  ctx.ReplyOk();
}

void CmdConfigRewrite(CommandContext& ctx) {
  if (Status s = ctx.shard().set().config_store().Rewrite(); !s.ok()) {
    RILL_LOG(kWarning, "CONFIG REWRITE failed: %s", s.message().c_str());
    return ctx.ReplyError(s);
  }
  RILL_LOG(kNotice, "CONFIG REWRITE executed with success.");
  ctx.ReplyOk();
}

void CmdConfigHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Print this help.",
  };
  ReplyHelp(ctx, kLines);
}

// --- SLOWLOG ---

void CmdSlowlogGet(CommandContext& ctx) {
  int64_t count = 10;
  if (ctx.argc() == 3) {
    const std::optional<int64_t> c = ParseInt64(ctx.arg(2));
    if (!c || *c < -1) {
      return ctx.ReplyErrorLine("ERR count should be greater than or equal to -1");
    }
    count = *c;
  } else if (ctx.argc() > 3) {
    return ctx.ReplyWrongArity();
  }
  // Every shard's log (kAllShards), newest first: ids come from one counter.
  std::vector<const observability::SlowLogEntry*> entries;
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {
    for (const observability::SlowLogEntry& e : set.shard(i).slowlog().entries()) {
      entries.push_back(&e);
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return a->id > b->id; });
  const size_t n = count < 0 ? entries.size() : std::min<size_t>(entries.size(), count);
  ctx.reply().ArrayHeader(static_cast<int64_t>(n));
  for (size_t i = 0; i < n; i++) {
    const observability::SlowLogEntry& e = *entries[i];
    ctx.reply().ArrayHeader(6);
    ctx.ReplyInt(static_cast<int64_t>(e.id));
    ctx.ReplyInt(e.unix_time_s);
    ctx.ReplyInt(e.duration_us);
    ctx.reply().ArrayHeader(static_cast<int64_t>(e.args.size()));
    for (const std::string& a : e.args) {
      ctx.ReplyBulk(a);
    }
    ctx.ReplyBulk(e.peer);
    ctx.ReplyBulk(e.client_name);
  }
}

void CmdSlowlogLen(CommandContext& ctx) {
  size_t n = 0;
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {
    n += set.shard(i).slowlog().entries().size();
  }
  ctx.ReplyInt(static_cast<int64_t>(n));
}

void CmdSlowlogReset(CommandContext& ctx) {
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {
    set.shard(i).slowlog().Reset();
  }
  ctx.ReplyOk();
}

void CmdSlowlogHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Print this help.",
  };
  ReplyHelp(ctx, kLines);
}

// --- DEBUG ---

bool DebugAllowed(CommandContext& ctx) {
  const config::DebugCommand mode = ctx.config().enable_debug_command;
  const std::string& peer = ctx.client().conn->peer_addr();
  const bool local =
      ctx.client().conn->is_unix() || peer.rfind("127.", 0) == 0 || peer.rfind("::1:", 0) == 0;
  if (mode == config::DebugCommand::kYes || (mode == config::DebugCommand::kLocal && local)) {
    return true;
  }
  ctx.ReplyErrorLine(
      "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
      "you can run it from a local connection, otherwise you need to set this option in the "
      "configuration file, and then restart the server.");
  return false;
}

void DebugProtocol(CommandContext& ctx, std::string_view type) {
  net::ReplyBuilder& rb = ctx.reply();
  const std::string t = ToLower(type);
  if (t == "string") {
    rb.Bulk("Hello World");
  } else if (t == "integer") {
    rb.Integer(12345);
  } else if (t == "double") {
    rb.Double(3.141);
  } else if (t == "bignum") {
    rb.BigNumber("1234567999999999999999999999999999999");
  } else if (t == "null") {
    rb.Null();
  } else if (t == "array") {
    rb.ArrayHeader(3);
    for (int i = 0; i < 3; i++) rb.Integer(i);
  } else if (t == "set") {
    rb.SetHeader(3);
    for (int i = 0; i < 3; i++) rb.Integer(i);
  } else if (t == "map") {
    rb.MapHeader(3);
    for (int i = 0; i < 3; i++) {
      rb.Integer(i);
      rb.Bool(i == 1);
    }
  } else if (t == "push") {
    if (rb.resp() < 3) {
      return ctx.ReplyErrorLine("ERR RESP2 is not supported by this command");
    }
    rb.PushHeader(2);
    rb.Bulk("server-cpu-usage");
    rb.Integer(42);
    rb.Bulk("Some real reply following the push reply");
  } else if (t == "true") {
    rb.Bool(true);
  } else if (t == "false") {
    rb.Bool(false);
  } else if (t == "verbatim") {
    rb.Verbatim("This is a verbatim\nstring");
  } else {
    ctx.ReplyErrorLine(
        "ERR Wrong protocol type name. Please use one of the following: string|integer|double|"
        "bignum|null|array|set|map|push|verbatim|true|false");
  }
}

void CmdDebug(CommandContext& ctx) {
  if (!DebugAllowed(ctx)) {
    return;
  }
  const std::string sub = ToLower(ctx.arg(1));
  if (sub == "sleep" && ctx.argc() == 3) {
    const std::optional<double> secs = ParseDouble(ctx.arg(2));
    if (!secs || *secs < 0) {
      return ctx.ReplyError(ErrorCode::kNotFloat);
    }
    usleep(static_cast<useconds_t>(*secs * 1e6));  // blocks the loop: that is the point
    ctx.shard().RefreshClock();
    return ctx.ReplyOk();
  }
  if (sub == "log" && ctx.argc() == 3) {
    RILL_LOG(kWarning, "DEBUG LOG: %.*s", static_cast<int>(ctx.arg(2).size()), ctx.arg(2).data());
    return ctx.ReplyOk();
  }
  if (sub == "protocol" && ctx.argc() == 3) {
    return DebugProtocol(ctx, ctx.arg(2));
  }
  if (sub == "object" && ctx.argc() == 3) {
    shard::Keyspace& ks = ctx.ks(ctx.arg(2));  // DEBUG runs with the other shards parked
    shard::Entry* e = ks.Peek(ctx.db(), ctx.arg(2));
    if (e == nullptr) {
      return ctx.ReplyError(ErrorCode::kNoSuchKey);
    }
    char buf[256];
    snprintf(buf, sizeof(buf),
             "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%lld",
             static_cast<void*>(e), std::string(shard::EncodingName(e->value)).c_str(),
             e->value.str.size(), e->access, static_cast<long long>(ks.IdleSeconds(*e)));
    return ctx.reply().SimpleString(buf);
  }
  if ((sub == "loadaof" || sub == "reload") && ctx.argc() == 2 && ctx.shard().loading()) {
    return ctx.ReplyErrorLine("LOADING Redis is loading the dataset in memory");
  }
  if (sub == "loadaof" && ctx.argc() == 2) {
    shard::Persistence* p = ctx.shard().set().persistence();
    if (Status st = p->ReloadAof(ctx.shard()); !st.ok()) {
      return ctx.ReplyError(st);
    }
    RILL_LOG(kNotice, "Append Only File loaded by DEBUG LOADAOF");
    return ctx.ReplyOk();
  }
  if (sub == "reload" && ctx.argc() == 2) {
    shard::Persistence* p = ctx.shard().set().persistence();
    if (Status st = p->Reload(ctx.shard()); !st.ok()) {
      return ctx.ReplyError(st);
    }
    RILL_LOG(kNotice, "DB reloaded by DEBUG RELOAD");
    return ctx.ReplyOk();
  }
  if (sub == "help") {
    static constexpr std::string_view kLines[] = {
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOADAOF",
        "    Flush the AOF buffers on disk and reload the AOF in memory.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "OBJECT <key>",
        "    Show low level info about the key and associated value.",
        "PROTOCOL <type>",
        "    Reply with a test value of the specified type. <type> can be: string,",
        "    integer, double, bignum, null, array, set, map, push, verbatim, true, false.",
        "RELOAD",
        "    Save the snapshot on disk, empty the dataset and load the snapshot again.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "HELP",
        "    Print this help.",
    };
    return ReplyHelp(ctx, kLines);
  }
  ctx.ReplyErrorLine("ERR unknown subcommand or wrong number of arguments for '" +
                     std::string(ctx.arg(1)) + "'. Try DEBUG HELP.");
}

// --- COMMAND ---

void CmdCommand(CommandContext& ctx) {
  const auto& cmds = ctx.dispatcher().table().commands();
  ctx.reply().ArrayHeader(static_cast<int64_t>(cmds.size()));
  for (const CommandSpec& c : cmds) {
    ReplyCommandInfo(ctx.reply(), c);
  }
}

void CmdCommandCount(CommandContext& ctx) {
  ctx.ReplyInt(static_cast<int64_t>(ctx.dispatcher().table().commands().size()));
}

void CmdCommandList(CommandContext& ctx) {
  std::string_view pattern;
  std::string_view aclcat;
  if (ctx.argc() == 5 && EqualsIgnoreCase(ctx.arg(2), "FILTERBY")) {
    if (EqualsIgnoreCase(ctx.arg(3), "PATTERN")) {
      pattern = ctx.arg(4);
    } else if (EqualsIgnoreCase(ctx.arg(3), "ACLCAT")) {
      aclcat = ctx.arg(4);
    } else if (!EqualsIgnoreCase(ctx.arg(3), "MODULE")) {
      return ctx.ReplySyntaxError();
    } else {
      ctx.reply().ArrayHeader(0);  // no modules
      return;
    }
  } else if (ctx.argc() != 2) {
    return ctx.ReplySyntaxError();
  }
  std::vector<std::string_view> names;
  for (const CommandSpec* c : ctx.dispatcher().table().all()) {
    if (!pattern.empty() && !GlobMatch(pattern, c->name, true)) {
      continue;
    }
    if (!aclcat.empty() && std::none_of(c->acl.begin(), c->acl.end(), [&](std::string_view a) {
          return EqualsIgnoreCase(a, aclcat);
        })) {
      continue;
    }
    names.push_back(c->name);
  }
  ctx.reply().ArrayHeader(static_cast<int64_t>(names.size()));
  for (std::string_view n : names) {
    ctx.ReplyBulk(n);
  }
}

const CommandSpec* FindByFullName(const CommandTable& t, std::string_view name) {
  const size_t bar = name.find('|');
  const CommandSpec* c = t.Find(name.substr(0, bar));
  if (c == nullptr || bar == std::string_view::npos) {
    return c;
  }
  return CommandTable::FindSub(*c, name.substr(bar + 1));
}

void CmdCommandInfo(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    return CmdCommand(ctx);
  }
  ctx.reply().ArrayHeader(static_cast<int64_t>(ctx.argc() - 2));
  for (size_t i = 2; i < ctx.argc(); i++) {
    const CommandSpec* c = FindByFullName(ctx.dispatcher().table(), ctx.arg(i));
    if (c == nullptr) {
      ctx.ReplyNull();
    } else {
      ReplyCommandInfo(ctx.reply(), *c);
    }
  }
}

void CmdCommandDocs(CommandContext& ctx) {
  std::vector<const CommandSpec*> specs;
  if (ctx.argc() == 2) {
    for (const CommandSpec& c : ctx.dispatcher().table().commands()) {
      specs.push_back(&c);
    }
  } else {
    for (size_t i = 2; i < ctx.argc(); i++) {
      if (const CommandSpec* c = FindByFullName(ctx.dispatcher().table(), ctx.arg(i))) {
        specs.push_back(c);
      }
    }
  }
  ctx.reply().MapHeader(static_cast<int64_t>(specs.size()));
  for (const CommandSpec* c : specs) {
    ctx.ReplyBulk(c->name);
    ReplyCommandDocs(ctx.reply(), *c);
  }
}

void CmdCommandGetKeys(CommandContext& ctx) {
  std::vector<std::string_view> args(ctx.args().begin() + 2, ctx.args().end());
  std::string error;
  const CommandSpec* c = ctx.dispatcher().table().Find(args[0]);
  if (c == nullptr) {
    return ctx.ReplyErrorLine("ERR Invalid command specified");
  }
  c = ctx.dispatcher().Resolve(args, &error);
  if (c == nullptr) {
    return ctx.ReplyErrorLine("ERR Invalid number of arguments specified for command");
  }
  const std::vector<size_t> keys = KeyPositions(*c, args);
  if (keys.empty()) {
    return ctx.ReplyErrorLine("ERR The command has no key arguments");
  }
  const bool with_flags = ctx.spec().name == "command|getkeysandflags";
  ctx.reply().ArrayHeader(static_cast<int64_t>(keys.size()));
  for (size_t k : keys) {
    if (with_flags) {
      ctx.reply().ArrayHeader(2);
      ctx.ReplyBulk(args[k]);
      ReplyFlagWords(ctx.reply(), KeyFlagsAt(*c, args, k));
    } else {
      ctx.ReplyBulk(args[k]);
    }
  }
}

void CmdCommandHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
      "HELP",
      "    Print this help.",
  };
  ReplyHelp(ctx, kLines);
}

// --- FUNCTION: Rill has no scripting, so there are never any functions ---

void CmdFunctionList(CommandContext& ctx) { ctx.reply().ArrayHeader(0); }

void CmdFunctionFlush(CommandContext& ctx) {
  if (ctx.argc() == 3 && !EqualsIgnoreCase(ctx.arg(2), "ASYNC") &&
      !EqualsIgnoreCase(ctx.arg(2), "SYNC")) {
    return ctx.ReplyErrorLine("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  }
  ctx.ReplyOk();
}

}  // namespace

void RegisterServerFamily(CommandTable& t) {
  const auto server = [](CommandSpec s) {
    s.group = "server";
    return s;
  };
  t.Add(server({.name = "info",
                .arity = -1,
                .flags = kLoading | kStale | kAllShards,
                .acl = {"slow", "dangerous"},
                .since = "1.0.0",
                .summary = "Returns information and statistics about the server.",
                .complexity = "O(1)",
                .syntax = "[section [section ...]]",
                .handler = CmdInfo}));
  t.Add(server({.name = "dbsize",
                .arity = 1,
                .flags = kReadOnly | kFast | kAllShards,
                .acl = {"keyspace", "read", "fast"},
                .since = "1.0.0",
                .summary = "Returns the number of keys in the database.",
                .complexity = "O(1)",
                .handler = CmdDbSize}));
  t.Add(server({.name = "flushdb",
                .arity = -1,
                .flags = kWrite | kAllShards,
                .acl = {"keyspace", "write", "slow", "dangerous"},
                .since = "1.0.0",
                .summary = "Remove all keys from the current database.",
                .complexity = "O(N) where N is the number of keys in the selected database",
                .syntax = "[ASYNC|SYNC]",
                .handler = CmdFlushDb}));
  t.Add(server({.name = "flushall",
                .arity = -1,
                .flags = kWrite | kAllShards,
                .acl = {"keyspace", "write", "slow", "dangerous"},
                .since = "1.0.0",
                .summary = "Removes all keys from all databases.",
                .complexity = "O(N) where N is the total number of keys in all databases",
                .syntax = "[ASYNC|SYNC]",
                .handler = CmdFlushAll}));
  t.Add(server({.name = "time",
                .arity = 1,
                .flags = kLoading | kStale | kFast,
                .acl = {"fast"},
                .since = "2.6.0",
                .summary = "Returns the server time.",
                .complexity = "O(1)",
                .handler = CmdTime}));
  t.Add(server({.name = "role",
                .arity = 1,
                .flags = kNoScript | kLoading | kStale | kFast,
                .acl = {"admin", "fast", "dangerous"},
                .since = "2.8.12",
                .summary = "Returns the replication role.",
                .complexity = "O(1)",
                .handler = CmdRole}));
  t.Add(
      server({.name = "shutdown",
              .arity = -1,
              .flags = kAdmin | kNoScript | kLoading | kStale | kNoMulti | kAllowBusy | kAllShards,
              .acl = {"admin", "slow", "dangerous"},
              .since = "1.0.0",
              .summary = "Synchronously saves the database(s) to disk and shuts down the "
                         "Redis server.",
              .complexity = "O(N) when saving, where N is the total number of keys in all "
                            "databases when saving data, otherwise O(1)",
              .syntax = "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]",
              .handler = CmdShutdown}));
  t.Add(server({.name = "save",
                .arity = 1,
                .flags = kAdmin | kNoScript | kNoAsyncLoading | kNoMulti | kAllShards,
                .acl = {"admin", "slow", "dangerous"},
                .since = "1.0.0",
                .summary = "Synchronously saves the database(s) to disk.",
                .complexity = "O(N) where N is the total number of keys in all databases",
                .handler = CmdSave}));
  t.Add(server({.name = "bgsave",
                .arity = -1,
                .flags = kAdmin | kNoScript | kNoAsyncLoading | kAllShards,
                .acl = {"admin", "slow", "dangerous"},
                .since = "1.0.0",
                .summary = "Asynchronously saves the database(s) to disk.",
                .complexity = "O(1)",
                .syntax = "[SCHEDULE]",
                .handler = CmdBgSave}));
  t.Add(server({.name = "bgrewriteaof",
                .arity = 1,
                .flags = kAdmin | kNoScript | kNoAsyncLoading | kAllShards,
                .acl = {"admin", "slow", "dangerous"},
                .since = "1.0.0",
                .summary = "Asynchronously rewrites the append-only file to disk.",
                .complexity = "O(1)",
                .handler = CmdBgRewriteAof}));
  CommandSpec waitaof =
      server({.name = "waitaof",
              .arity = 4,
              .flags = kNoScript | kBlocking,
              .acl = {"slow", "connection"},
              .since = "7.2.0",
              .summary = "Blocks until all of the preceding write commands sent by the "
                         "connection are written to the append-only file of the master and/or "
                         "replicas.",
              .complexity = "O(1)",
              .syntax = "numlocal numreplicas timeout",
              .handler = CmdWaitAof});
  waitaof.group = "generic";
  t.Add(std::move(waitaof));
  t.Add(server({.name = "lastsave",
                .arity = 1,
                .flags = kLoading | kStale | kFast | kAllShards,
                .acl = {"admin", "fast", "dangerous"},
                .since = "1.0.0",
                .summary = "Returns the Unix timestamp of the last successful save to disk.",
                .complexity = "O(1)",
                .handler = CmdLastSave}));
  t.Add(server({.name = "monitor",
                .arity = 1,
                .flags = kAdmin | kNoScript | kLoading | kStale,
                .acl = {"admin", "slow", "dangerous"},
                .since = "1.0.0",
                .summary = "Listens for all requests received by the server in real-time.",
                .handler = CmdMonitor}));
  t.Add(server({.name = "debug",
                .arity = -2,
                .flags = kAdmin | kNoScript | kLoading | kStale | kAllShards,
                .acl = {"admin", "slow", "dangerous"},
                .since = "1.0.0",
                .summary = "A container for debugging commands.",
                .complexity = "Depends on subcommand.",
                .handler = CmdDebug}));

  CommandSpec cfg = server({.name = "config",
                            .arity = -2,
                            .acl = {"slow"},
                            .since = "2.0.0",
                            .summary = "A container for server configuration commands.",
                            .complexity = "Depends on subcommand."});
  const uint32_t admin = kAdmin | kNoScript | kLoading | kStale;
  const std::vector<std::string_view> admin_acl = {"admin", "slow", "dangerous"};
  cfg.subcommands.push_back(server({.name = "config|get",
                                    .arity = -3,
                                    .flags = admin,
                                    .acl = admin_acl,
                                    .since = "2.0.0",
                                    .summary = "Returns the effective values of configuration "
                                               "parameters.",
                                    .complexity = "O(N) when N is the number of configuration "
                                                  "parameters provided",
                                    .syntax = "parameter [parameter ...]",
                                    .handler = CmdConfigGet}));
  cfg.subcommands.push_back(server({.name = "config|set",
                                    .arity = -4,
                                    .flags = admin,
                                    .acl = admin_acl,
                                    .since = "2.0.0",
                                    .summary = "Sets configuration parameters in-flight.",
                                    .complexity = "O(N) when N is the number of configuration "
                                                  "parameters provided",
                                    .syntax = "parameter value [parameter value ...]",
                                    .handler = CmdConfigSet}));
  cfg.subcommands.push_back(server({.name = "config|resetstat",
                                    .arity = 2,
                                    .flags = admin | kAllShards,
                                    .acl = admin_acl,
                                    .since = "2.0.0",
                                    .summary = "Resets the server's statistics.",
                                    .complexity = "O(1)",
                                    .handler = CmdConfigResetStat}));
  cfg.subcommands.push_back(server({.name = "config|rewrite",
                                    .arity = 2,
                                    .flags = admin,
                                    .acl = admin_acl,
                                    .since = "2.8.0",
                                    .summary = "Persists the effective configuration to file.",
                                    .complexity = "O(1)",
                                    .handler = CmdConfigRewrite}));
  cfg.subcommands.push_back(HelpSubcommand("config", {"slow"}, "server", "5.0.0", CmdConfigHelp));
  t.Add(std::move(cfg));

  CommandSpec slowlog = server({.name = "slowlog",
                                .arity = -2,
                                .acl = {"slow"},
                                .since = "2.2.12",
                                .summary = "A container for slow log commands.",
                                .complexity = "Depends on subcommand."});
  slowlog.subcommands.push_back(server({.name = "slowlog|get",
                                        .arity = -2,
                                        .flags = kAdmin | kLoading | kStale | kAllShards,
                                        .acl = admin_acl,
                                        .since = "2.2.12",
                                        .summary = "Returns the slow log's entries.",
                                        .complexity = "O(N) where N is the number of entries "
                                                      "returned",
                                        .syntax = "[count]",
                                        .handler = CmdSlowlogGet}));
  slowlog.subcommands.push_back(server({.name = "slowlog|len",
                                        .arity = 2,
                                        .flags = kAdmin | kLoading | kStale | kAllShards,
                                        .acl = admin_acl,
                                        .since = "2.2.12",
                                        .summary = "Returns the number of entries in the slow "
                                                   "log.",
                                        .complexity = "O(1)",
                                        .handler = CmdSlowlogLen}));
  slowlog.subcommands.push_back(server({.name = "slowlog|reset",
                                        .arity = 2,
                                        .flags = kAdmin | kLoading | kStale | kAllShards,
                                        .acl = admin_acl,
                                        .since = "2.2.12",
                                        .summary = "Clears all entries from the slow log.",
                                        .complexity = "O(N) where N is the number of entries "
                                                      "in the slowlog",
                                        .handler = CmdSlowlogReset}));
  slowlog.subcommands.push_back(server({.name = "slowlog|help",
                                        .arity = 2,
                                        .flags = kLoading | kStale,
                                        .acl = {"slow"},
                                        .since = "6.2.0",
                                        .summary = "Show helpful text about the different "
                                                   "subcommands",
                                        .complexity = "O(1)",
                                        .handler = CmdSlowlogHelp}));
  t.Add(std::move(slowlog));

  CommandSpec command = server({.name = "command",
                                .arity = -1,
                                .flags = kLoading | kStale,
                                .acl = {"slow", "connection"},
                                .since = "2.8.13",
                                .summary = "Returns detailed information about all commands.",
                                .complexity = "O(N) where N is the total number of Redis "
                                              "commands",
                                .handler = CmdCommand});
  const auto command_sub = [&](std::string name, int arity, std::string_view since,
                               std::string_view summary, std::string_view syntax, Handler h) {
    command.subcommands.push_back(server({.name = "command|" + name,
                                          .arity = arity,
                                          .flags = kLoading | kStale,
                                          .acl = {"slow", "connection"},
                                          .since = since,
                                          .summary = summary,
                                          .complexity = "O(N)",
                                          .syntax = syntax,
                                          .handler = h}));
  };
  command_sub("count", 2, "2.8.13", "Returns a count of commands.", "", CmdCommandCount);
  command_sub("list", -2, "7.0.0", "Returns a list of command names.",
              "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]", CmdCommandList);
  command_sub("info", -2, "2.8.13", "Returns information about one, multiple or all commands.",
              "[command-name [command-name ...]]", CmdCommandInfo);
  command_sub("docs", -2, "7.0.0",
              "Returns documentary information about one, multiple or "
              "all commands.",
              "[command-name [command-name ...]]", CmdCommandDocs);
  command_sub("getkeys", -3, "2.8.13", "Extracts the key names from an arbitrary command.",
              "command [arg [arg ...]]", CmdCommandGetKeys);
  command_sub("getkeysandflags", -3, "7.0.0",
              "Extracts the key names and access flags for an arbitrary command.",
              "command [arg [arg ...]]", CmdCommandGetKeys);
  command_sub("help", 2, "5.0.0", "Returns helpful text about the different subcommands.", "",
              CmdCommandHelp);
  t.Add(std::move(command));

  CommandSpec function = {.name = "function",
                          .arity = -2,
                          .acl = {"slow"},
                          .group = "scripting",
                          .since = "7.0.0",
                          .summary = "A container for function commands.",
                          .complexity = "Depends on subcommand."};
  function.subcommands.push_back({.name = "function|list",
                                  .arity = -2,
                                  .flags = kNoScript,
                                  .acl = {"slow", "scripting"},
                                  .group = "scripting",
                                  .since = "7.0.0",
                                  .summary = "Returns information about all libraries.",
                                  .complexity = "O(N) where N is the number of functions",
                                  .syntax = "[LIBRARYNAME library-name-pattern] [WITHCODE]",
                                  .handler = CmdFunctionList});
  function.subcommands.push_back({.name = "function|flush",
                                  .arity = -2,
                                  .flags = kWrite | kNoScript,
                                  .acl = {"write", "slow", "scripting"},
                                  .group = "scripting",
                                  .since = "7.0.0",
                                  .summary = "Deletes all libraries and functions.",
                                  .complexity = "O(N) where N is the number of functions "
                                                "deleted",
                                  .syntax = "[ASYNC|SYNC]",
                                  .handler = CmdFunctionFlush});
  t.Add(std::move(function));
}

}  // namespace rill::cmd
