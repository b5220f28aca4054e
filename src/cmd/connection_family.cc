// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/connection_family.cc: connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT,
// RESET and CLIENT. Replies and errors are Redis 7.2's.
#include <map>

#include "cmd/dispatcher.h"
#include "cmd/families.h"
#include "core/strings.h"
#include "shard/shard_set.h"

namespace rill::cmd {

// The Redis version whose command surface Rill implements (INFO redis_version, HELLO).
extern const char kRedisCompatVersion[];
const char kRedisCompatVersion[] = "7.2.4";

namespace {

using shard::Client;

bool PasswordMatches(const std::string& expected, std::string_view given) {
  // Constant time for equal lengths, as Redis's time_independent_strcmp.
  if (expected.size() != given.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); i++) {
    diff |= static_cast<unsigned char>(expected[i] ^ given[i]);
  }
  return diff == 0;
}

void SetAuthenticated(CommandContext& ctx, bool on) {
  ctx.client().authenticated = on;
  ctx.client().conn->limits().parser.authenticated = on;
}

// Checks credentials for the default user; replies the error and returns false on failure.
bool Authenticate(CommandContext& ctx, std::string_view user, std::string_view pass) {
  const std::string& required = ctx.config().requirepass;
  if (user != "default" || (!required.empty() && !PasswordMatches(required, pass))) {
    ctx.ReplyError(ErrorCode::kWrongPass);
    return false;
  }
  SetAuthenticated(ctx, true);
  return true;
}

void CmdPing(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    return ctx.ReplyWrongArity();
  }
  if (ctx.client().resp == 2 && ctx.client().subscriptions() > 0) {
    ctx.reply().ArrayHeader(2);
    ctx.ReplyBulk("pong");
    return ctx.ReplyBulk(ctx.argc() == 2 ? ctx.arg(1) : "");
  }
  if (ctx.argc() == 2) {
    return ctx.ReplyBulk(ctx.arg(1));
  }
  ctx.reply().SimpleString("PONG");
}

void CmdEcho(CommandContext& ctx) { ctx.ReplyBulk(ctx.arg(1)); }

void CmdAuth(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    return ctx.ReplySyntaxError();
  }
  if (ctx.argc() == 2 && ctx.config().requirepass.empty()) {
    return ctx.ReplyErrorLine(
        "ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?");
  }
  const std::string_view user = ctx.argc() == 3 ? ctx.arg(1) : "default";
  if (Authenticate(ctx, user, ctx.arg(ctx.argc() - 1))) {
    ctx.ReplyOk();
  }
}

bool ValidName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') {
      return false;
    }
  }
  return true;
}

void CmdHello(CommandContext& ctx) {
  int resp = ctx.client().resp;
  size_t i = 1;
  if (ctx.argc() >= 2) {
    const std::optional<int64_t> v = ParseInt64(ctx.arg(1));
    if (!v) {
      return ctx.ReplyErrorLine("ERR Protocol version is not an integer or out of range");
    }
    if (*v < 2 || *v > 3) {
      return ctx.ReplyErrorLine("NOPROTO unsupported protocol version");
    }
    resp = static_cast<int>(*v);
    i = 2;
  }
  std::string_view name;
  bool set_name = false;
  for (; i < ctx.argc(); i++) {
    const bool more = i + 1 < ctx.argc();
    if (EqualsIgnoreCase(ctx.arg(i), "AUTH") && i + 2 < ctx.argc()) {
      if (!Authenticate(ctx, ctx.arg(i + 1), ctx.arg(i + 2))) {
        return;
      }
      i += 2;
    } else if (EqualsIgnoreCase(ctx.arg(i), "SETNAME") && more) {
      name = ctx.arg(++i);
      set_name = true;
      if (!ValidName(name)) {
        return ctx.ReplyErrorLine(
            "ERR Client names cannot contain spaces, newlines or special characters.");
      }
    } else {
      return ctx.ReplyErrorLine("ERR Syntax error in HELLO option '" + std::string(ctx.arg(i)) +
                                "'");
    }
  }
  if (!ctx.client().authenticated) {
    return ctx.ReplyErrorLine(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "<proto> AUTH <user> <pass> option can be used to authenticate the client and select "
        "the RESP protocol version at the same time");
  }
  if (set_name) {
    ctx.client().name = std::string(name);
  }
  ctx.client().resp = resp;
  net::ReplyBuilder rb(&ctx.client().conn->out(), resp);  // the reply is in the new protocol
  rb.MapHeader(7);
  rb.Bulk("server");
  rb.Bulk("redis");
  rb.Bulk("version");
  rb.Bulk(kRedisCompatVersion);
  rb.Bulk("proto");
  rb.Integer(resp);
  rb.Bulk("id");
  rb.Integer(static_cast<int64_t>(ctx.client().id));
  rb.Bulk("mode");
  rb.Bulk("standalone");
  rb.Bulk("role");
  rb.Bulk("master");
  rb.Bulk("modules");
  rb.ArrayHeader(0);
}

void CmdSelect(CommandContext& ctx) {
  const std::optional<int64_t> db = ParseInt64(ctx.arg(1));
  if (!db) {
    return ctx.ReplyError(ErrorCode::kNotInteger);
  }
  if (*db < 0 || *db >= ctx.ks().databases()) {
    return ctx.ReplyError(ErrorCode::kDbIndex);
  }
  ctx.client().db = static_cast<int>(*db);
  ctx.ReplyOk();
}

void CmdQuit(CommandContext& ctx) {
  ctx.ReplyOk();
  ctx.client().conn->CloseAfterReply();
}

void CmdReset(CommandContext& ctx) {
  Client& c = ctx.client();
  c.in_multi = false;
  c.multi_error = false;
  c.queued.clear();
  Dispatcher::UnwatchAll(ctx.shard(), c);
  ctx.shard().pubsub().UnsubscribeAll(&c);
  if (c.monitor) {
    ctx.shard().RemoveMonitor(&c);
    c.monitor = false;
  }
  c.db = 0;
  c.resp = 2;
  c.name.clear();
  c.reply_mode = shard::ReplyMode::kOn;
  c.no_evict = false;
  SetAuthenticated(ctx, ctx.config().requirepass.empty());
  net::ReplyBuilder(&c.conn->out(), 2).SimpleString("RESET");
}

// --- CLIENT ---

std::string ClientFlags(const Client& c) {
  std::string f;
  if (c.subscriptions() > 0) f += 'P';
  if (c.in_multi) f += 'x';
  if (c.block.active) f += 'b';
  if (c.monitor) f += 'O';
  if (c.no_evict) f += 'e';
  if (c.conn->closing()) f += 'c';
  return f.empty() ? "N" : f;
}

// The clients of every shard (a kAllShards command runs with the others parked).
template <typename Fn>
void ForEachClient(CommandContext& ctx, Fn&& fn) {
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {
    for (const auto& [id, c] : set.shard(i).clients()) {
      fn(set.shard(i), *c);
    }
  }
}

std::string ClientInfoLine(const shard::Shard& shard, const Client& c, int64_t now_ms) {
  std::string s;
  s.reserve(320);
  s += "id=" + std::to_string(c.id);
  s += " addr=" + (c.conn->is_unix() ? "/unixsocket:0" : c.conn->peer_addr());
  s += " laddr=" + (c.conn->is_unix() ? shard.config().unixsocket + ":0" : c.conn->local_addr());
  s += " fd=" + std::to_string(c.conn->fd());
  s += " name=" + c.name;
  s += " age=" + std::to_string((now_ms - c.created_ms) / 1000);
  s += " idle=" + std::to_string((now_ms - c.last_interaction_ms) / 1000);
  s += " flags=" + ClientFlags(c);
  s += " db=" + std::to_string(c.db);
  s += " sub=" + std::to_string(c.channels.size());
  s += " psub=" + std::to_string(c.patterns.size());
  s += " ssub=0";
  s += " multi=" + std::to_string(c.in_multi ? static_cast<int64_t>(c.queued.size()) : -1);
  s += " qbuf=" + std::to_string(c.conn->query_buffer_size());
  s +=
      " qbuf-free=" + std::to_string(c.conn->query_buffer_capacity() - c.conn->query_buffer_size());
  s += " argv-mem=0 multi-mem=0";
  s += " rbs=" + std::to_string(c.conn->output_capacity());
  s += " rbp=" + std::to_string(c.conn->output_capacity());
  s += " obl=" + std::to_string(c.conn->pending_output());
  s += " oll=0";
  s += " omem=" + std::to_string(c.conn->pending_output());
  s += " tot-mem=" + std::to_string(sizeof(Client) + sizeof(net::Connection) +
                                    c.conn->query_buffer_capacity() + c.conn->output_capacity());
  s += c.conn->pending_output() > 0 ? " events=rw" : " events=r";
  s += " cmd=" + std::string(c.last_command);
  s += " user=default redir=-1";
  s += " resp=" + std::to_string(c.resp);
  s += " lib-name=" + c.lib_name;
  s += " lib-ver=" + c.lib_ver;
  return s;
}

std::string_view ClientType(const Client& c) { return c.subscriptions() > 0 ? "pubsub" : "normal"; }

bool ValidClientType(std::string_view t) {
  return EqualsIgnoreCase(t, "normal") || EqualsIgnoreCase(t, "pubsub") ||
         EqualsIgnoreCase(t, "master") || EqualsIgnoreCase(t, "replica") ||
         EqualsIgnoreCase(t, "slave");
}

void CmdClientId(CommandContext& ctx) { ctx.ReplyInt(static_cast<int64_t>(ctx.client().id)); }

void CmdClientInfo(CommandContext& ctx) {
  ctx.reply().Verbatim(ClientInfoLine(ctx.shard(), ctx.client(), ctx.NowMs()) + "\n");
}

void CmdClientList(CommandContext& ctx) {
  // Redis 7.2 takes one filter: TYPE <type>, or ID <id> [<id> ...].
  std::string_view type;
  std::vector<uint64_t> ids;
  if (ctx.argc() == 4 && EqualsIgnoreCase(ctx.arg(2), "TYPE")) {
    type = ctx.arg(3);
    if (!ValidClientType(type)) {
      return ctx.ReplyErrorLine("ERR Unknown client type '" + std::string(type) + "'");
    }
  } else if (ctx.argc() >= 4 && EqualsIgnoreCase(ctx.arg(2), "ID")) {
    for (size_t i = 3; i < ctx.argc(); i++) {
      const std::optional<int64_t> id = ParseInt64(ctx.arg(i));
      if (!id || *id <= 0) {
        return ctx.ReplyErrorLine("ERR Invalid client ID");
      }
      ids.push_back(static_cast<uint64_t>(*id));
    }
  } else if (ctx.argc() != 2) {
    return ctx.ReplySyntaxError();
  }
  // Every shard's clients (they are parked: kAllShards), in id order.
  std::map<uint64_t, std::string> lines;
  const int64_t now = ctx.NowMs();
  ForEachClient(ctx, [&](shard::Shard& s, Client& c) {
    if (c.conn->closed() || (!type.empty() && !EqualsIgnoreCase(type, ClientType(c))) ||
        (!ids.empty() && std::find(ids.begin(), ids.end(), c.id) == ids.end())) {
      return;
    }
    lines[c.id] = ClientInfoLine(s, c, now) + '\n';
  });
  std::string out;
  for (const auto& [id, line] : lines) {
    out += line;
  }
  ctx.reply().Verbatim(out);
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if the client was blocked and is now answered.
void CmdClientUnblock(CommandContext& ctx) {
  const std::optional<int64_t> id = IntArg(ctx, 2);
  if (!id) {
    return;
  }
  shard::BlockWake why = shard::BlockWake::kTimeout;
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.arg(3), "ERROR")) {
      why = shard::BlockWake::kError;
    } else if (!EqualsIgnoreCase(ctx.arg(3), "TIMEOUT")) {
      return ctx.ReplyErrorLine("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  } else if (ctx.argc() > 4) {
    return ctx.ReplySyntaxError();
  }
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {
    Client* target = set.shard(i).FindClient(static_cast<uint64_t>(*id));
    if (target != nullptr && target->block.active) {
      set.shard(i).WakeBlocked(*target, why);
      return ctx.ReplyInt(1);
    }
  }
  ctx.ReplyInt(0);
}

void CmdClientKill(CommandContext& ctx) {
  // Old form: CLIENT KILL ip:port, answers OK or an error.
  if (ctx.argc() == 3) {
    Client* found = nullptr;
    ForEachClient(ctx, [&](shard::Shard&, Client& c) {
      if (found == nullptr && !c.conn->closed() && c.conn->peer_addr() == ctx.arg(2)) {
        found = &c;
      }
    });
    if (found == nullptr) {
      return ctx.ReplyErrorLine("ERR No such client");
    }
    found->conn->CloseAfterReply();
    return ctx.ReplyOk();
  }
  std::optional<uint64_t> want_id;
  std::string_view addr, laddr, type;
  bool skipme = true;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    if (i + 1 >= ctx.argc()) {
      return ctx.ReplySyntaxError();
    }
    const std::string_view opt = ctx.arg(i);
    const std::string_view val = ctx.arg(i + 1);
    if (EqualsIgnoreCase(opt, "ID")) {
      const std::optional<int64_t> id = ParseInt64(val);
      if (!id || *id <= 0) {
        return ctx.ReplyErrorLine("ERR client-id should be greater than 0");
      }
      want_id = static_cast<uint64_t>(*id);
    } else if (EqualsIgnoreCase(opt, "ADDR")) {
      addr = val;
    } else if (EqualsIgnoreCase(opt, "LADDR")) {
      laddr = val;
    } else if (EqualsIgnoreCase(opt, "TYPE")) {
      if (!ValidClientType(val)) {
        return ctx.ReplyErrorLine("ERR Unknown client type '" + std::string(val) + "'");
      }
      type = val;
    } else if (EqualsIgnoreCase(opt, "USER")) {
      if (val != "default") {
        return ctx.ReplyErrorLine("ERR No such user '" + std::string(val) + "'");
      }
    } else if (EqualsIgnoreCase(opt, "SKIPME")) {
      if (EqualsIgnoreCase(val, "yes")) {
        skipme = true;
      } else if (EqualsIgnoreCase(val, "no")) {
        skipme = false;
      } else {
        return ctx.ReplySyntaxError();
      }
    } else {
      return ctx.ReplySyntaxError();
    }
  }
  std::vector<Client*> victims;
  ForEachClient(ctx, [&](shard::Shard&, Client& c) {
    if (c.conn->closed() || (want_id && *want_id != c.id) ||
        (!addr.empty() && c.conn->peer_addr() != addr) ||
        (!laddr.empty() && c.conn->local_addr() != laddr) ||
        (!type.empty() && !EqualsIgnoreCase(type, ClientType(c))) ||
        (skipme && &c == &ctx.client())) {
      return;
    }
    victims.push_back(&c);
  });
  for (Client* c : victims) {
    c->conn->CloseAfterReply();
  }
  ctx.ReplyInt(static_cast<int64_t>(victims.size()));
}

void CmdClientSetName(CommandContext& ctx) {
  if (!ValidName(ctx.arg(2))) {
    return ctx.ReplyErrorLine(
        "ERR Client names cannot contain spaces, newlines or special characters.");
  }
  ctx.client().name = std::string(ctx.arg(2));
  ctx.ReplyOk();
}

void CmdClientGetName(CommandContext& ctx) {
  if (ctx.client().name.empty()) {
    return ctx.ReplyNull();
  }
  ctx.ReplyBulk(ctx.client().name);
}

void CmdClientSetInfo(CommandContext& ctx) {
  const std::string_view attr = ctx.arg(2);
  std::string* field = nullptr;
  if (EqualsIgnoreCase(attr, "LIB-NAME")) {
    field = &ctx.client().lib_name;
  } else if (EqualsIgnoreCase(attr, "LIB-VER")) {
    field = &ctx.client().lib_ver;
  } else {
    return ctx.ReplyErrorLine("ERR Unrecognized option '" + std::string(attr) + "'");
  }
  if (!ValidName(ctx.arg(3))) {
    return ctx.ReplyErrorLine("ERR " + ToLower(attr) +
                              " cannot contain spaces, newlines or special characters.");
  }
  *field = std::string(ctx.arg(3));
  ctx.ReplyOk();
}

void CmdClientPause(CommandContext& ctx) {
  const std::optional<int64_t> ms = ParseInt64(ctx.arg(2));
  if (!ms || *ms < 0) {
    return ctx.ReplyErrorLine("ERR timeout is not an integer or out of range");
  }
  bool write_only = false;
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.arg(3), "WRITE")) {
      write_only = true;
    } else if (!EqualsIgnoreCase(ctx.arg(3), "ALL")) {
      return ctx.ReplyErrorLine("ERR CLIENT PAUSE mode must be WRITE or ALL");
    }
  } else if (ctx.argc() > 4) {
    return ctx.ReplySyntaxError();
  }
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {
    set.shard(i).Pause(ctx.NowMs() + *ms, write_only);
  }
  ctx.ReplyOk();
}

void CmdClientUnpause(CommandContext& ctx) {
  // Each shard releases its own held clients, in their order, on its own thread.
  shard::ShardSet& set = ctx.shard().set();
  for (int i = 0; i < set.size(); i++) {
    shard::Shard* s = &set.shard(i);
    if (s == &ctx.shard()) {
      s->Unpause();
    } else {
      s->Post([s] {
        s->RefreshClock();
        s->Unpause();
      });
    }
  }
  ctx.ReplyOk();
}

void CmdClientNoEvict(CommandContext& ctx) {
  if (EqualsIgnoreCase(ctx.arg(2), "ON")) {
    ctx.client().no_evict = true;
  } else if (EqualsIgnoreCase(ctx.arg(2), "OFF")) {
    ctx.client().no_evict = false;
  } else {
    return ctx.ReplySyntaxError();
  }
  ctx.ReplyOk();
}

void CmdClientReply(CommandContext& ctx) {
  const std::string_view mode = ctx.arg(2);
  if (EqualsIgnoreCase(mode, "ON")) {
    ctx.client().reply_mode = shard::ReplyMode::kOn;
    ctx.ReplyOk();
  } else if (EqualsIgnoreCase(mode, "OFF")) {
    ctx.client().reply_mode = shard::ReplyMode::kOff;
  } else if (EqualsIgnoreCase(mode, "SKIP")) {
    ctx.client().reply_mode = shard::ReplyMode::kSkipNext;
  } else {
    ctx.ReplySyntaxError();
  }
}

void CmdClientHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are: ID, ADDR, LADDR, TYPE, USER, SKIPME.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "    * ID <client-id> [<client-id> ...]",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> ms.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are: LIB-NAME, LIB-VER.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "HELP",
      "    Print this help.",
  };
  ReplyHelp(ctx, kLines);
}

}  // namespace

void RegisterConnectionFamily(CommandTable& t) {
  const auto conn = [](CommandSpec s) {
    s.group = "connection";
    return s;
  };
  t.Add(conn({.name = "ping",
              .arity = -1,
              .flags = kFast,
              .acl = {"fast", "connection"},
              .since = "1.0.0",
              .summary = "Returns the server's liveliness response.",
              .complexity = "O(1)",
              .syntax = "[message]",
              .handler = CmdPing}));
  t.Add(conn({.name = "echo",
              .arity = 2,
              .flags = kFast | kLoading | kStale,
              .acl = {"fast", "connection"},
              .since = "1.0.0",
              .summary = "Returns the given string.",
              .complexity = "O(1)",
              .syntax = "message",
              .handler = CmdEcho}));
  t.Add(
      conn({.name = "auth",
            .arity = -2,
            .flags = kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy | kSensitiveArgs,
            .acl = {"fast", "connection"},
            .since = "1.0.0",
            .summary = "Authenticates the connection.",
            .complexity = "O(N) where N is the number of passwords defined for the user",
            .syntax = "[username] password",
            .handler = CmdAuth}));
  t.Add(
      conn({.name = "hello",
            .arity = -1,
            .flags = kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy | kSensitiveArgs,
            .acl = {"fast", "connection"},
            .since = "6.0.0",
            .summary = "Handshakes with the Redis server.",
            .complexity = "O(1)",
            .syntax = "[protover [AUTH username password] [SETNAME clientname]]",
            .handler = CmdHello}));
  t.Add(conn({.name = "select",
              .arity = 2,
              .flags = kLoading | kStale | kFast,
              .acl = {"fast", "connection"},
              .since = "1.0.0",
              .summary = "Changes the selected database.",
              .complexity = "O(1)",
              .syntax = "index",
              .handler = CmdSelect}));
  t.Add(conn({.name = "quit",
              .arity = -1,
              .flags = kAllowBusy | kNoScript | kLoading | kStale | kFast | kNoAuth,
              .acl = {"fast", "connection"},
              .since = "1.0.0",
              .summary = "Closes the connection.",
              .complexity = "O(1)",
              .handler = CmdQuit}));
  t.Add(conn({.name = "reset",
              .arity = 1,
              .flags = kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy,
              .acl = {"fast", "connection"},
              .since = "6.2.0",
              .summary = "Resets the connection.",
              .complexity = "O(1)",
              .handler = CmdReset}));

  CommandSpec client = conn({.name = "client",
                             .arity = -2,
                             .acl = {"slow"},
                             .since = "2.4.0",
                             .summary = "A container for client connection commands.",
                             .complexity = "Depends on subcommand."});
  const auto sub = [&](std::string name, int arity, uint32_t flags, std::string_view since,
                       std::string_view summary, std::string_view syntax, Handler h,
                       bool admin = false) {
    std::vector<std::string_view> acl = {"slow", "connection"};
    if (admin) {
      acl.insert(acl.begin(), {"admin", "dangerous"});
    }
    client.subcommands.push_back(conn({.name = "client|" + name,
                                       .arity = arity,
                                       .flags = flags | kNoScript | kLoading | kStale,
                                       .acl = acl,
                                       .since = since,
                                       .summary = summary,
                                       .complexity = "O(1)",
                                       .syntax = syntax,
                                       .handler = h}));
  };
  sub("id", 2, 0, "5.0.0", "Returns the unique client ID of the connection.", "", CmdClientId);
  sub("info", 2, 0, "6.2.0", "Returns information about the connection.", "", CmdClientInfo);
  sub("list", -2, kAdmin | kAllShards, "2.4.0", "Lists open connections.",
      "[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]", CmdClientList, true);
  sub("kill", -3, kAdmin | kAllShards, "2.4.0", "Terminates open connections.",
      "ip:port|[ID client-id] [TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB] [USER username] "
      "[ADDR ip:port] [LADDR ip:port] [SKIPME YES|NO]",
      CmdClientKill, true);
  sub("setname", 3, 0, "2.6.9", "Sets the connection name.", "connection-name", CmdClientSetName);
  sub("getname", 2, 0, "2.6.9", "Returns the name of the connection.", "", CmdClientGetName);
  sub("setinfo", 4, 0, "7.2.0", "Sets information specific to the client or connection.",
      "LIB-NAME libname|LIB-VER libver", CmdClientSetInfo);
  sub("unblock", -3, kAdmin | kAllShards, "5.0.0",
      "Unblocks a client blocked by a blocking command from a different connection.",
      "client-id [TIMEOUT|ERROR]", CmdClientUnblock, true);
  sub("pause", -3, kAdmin | kAllShards, "3.0.0", "Suspends commands processing.",
      "timeout [WRITE|ALL]", CmdClientPause, true);
  sub("unpause", 2, kAdmin | kAllShards, "6.2.0",
      "Resumes processing commands from paused clients.", "", CmdClientUnpause, true);
  sub("no-evict", 3, kAdmin, "7.0.0", "Sets the client eviction mode of the connection.", "ON|OFF",
      CmdClientNoEvict, true);
  sub("reply", 3, 0, "3.2.0", "Instructs the server whether to reply to commands.", "ON|OFF|SKIP",
      CmdClientReply);
  sub("help", 2, 0, "5.0.0", "Returns helpful text about the different subcommands.", "",
      CmdClientHelp);
  client.subcommands.back().flags = kLoading | kStale;  // the one CLIENT subcommand scripts may run
  t.Add(std::move(client));
}

}  // namespace rill::cmd
