// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/command_context.h: what a command handler sees: its arguments, its client, its shard
// and a reply builder in the client's protocol.
//
// Arguments borrow the connection's read buffer (or the MULTI queue) and live only until
// the handler returns; copy what must outlive it.
// Threading: a context exists during one handler call on the client's shard thread.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cmd/command_table.h"
#include "cmd/error_replies.h"
#include "config/config.h"
#include "core/status.h"
#include "net/reply_builder.h"
#include "shard/client.h"
#include "shard/keyspace.h"
#include "shard/shard.h"
#include "shard/shard_set.h"

namespace rill::cmd {

class Dispatcher;

class CommandContext {
 public:
  CommandContext(Dispatcher& dispatcher, shard::Shard& shard, shard::Client& client,
                 std::span<const std::string_view> args, const CommandSpec& spec)
      : dispatcher_(dispatcher),
        shard_(shard),
        client_(client),
        args_(args),
        spec_(spec),
        rb_(&client.conn->out(), client.resp) {}

  std::span<const std::string_view> args() const { return args_; }
  size_t argc() const { return args_.size(); }
  std::string_view arg(size_t i) const { return args_[i]; }
  const CommandSpec& spec() const { return spec_; }
  Dispatcher& dispatcher() { return dispatcher_; }
  shard::Shard& shard() { return shard_; }
  shard::Client& client() { return client_; }
  shard::Keyspace& ks() { return shard_.keyspace(); }
  // The keyspace that owns key. A command whose keys may lie on several shards runs with
  // the other shards parked (shard/shard_set.h) and reaches each key through this.
  // Otherwise every key of the command lives on the shard it runs on.
  shard::Keyspace& ks(std::string_view key) { return shard_.KeyspaceOf(key); }
  // Every shard's keyspace, in shard order (a kAllShards command).
  template <typename Fn>
  void ForEachKeyspace(Fn&& fn) {
    shard_.set().ForEach([&fn](shard::Shard& s) { fn(s.keyspace()); });
  }
  int db() const { return client_.db; }
  const config::Config& config() const { return shard_.config(); }
  int64_t NowMs() const { return shard_.clock().NowMs(); }
  net::ReplyBuilder& reply() { return rb_; }

  // Error replies count in INFO errorstats and mark the call failed in commandstats.
  void ReplyError(const Status& s) { ReplyErrorLine(ErrorLine(s)); }
  void ReplyError(ErrorCode code) { ReplyErrorLine(ErrorText(code)); }
  void ReplyErrorLine(std::string_view line);
  // "ERR wrong number of arguments for 'name' command", for handlers that parse further.
  void ReplyWrongArity();
  void ReplySyntaxError() { ReplyError(ErrorCode::kSyntax); }

  void ReplyOk() { rb_.Ok(); }
  void ReplyStatus(std::string_view s) { rb_.SimpleString(s); }
  void ReplyInt(int64_t v) { rb_.Integer(v); }
  void ReplyBulk(std::string_view s) { rb_.Bulk(s); }
  void ReplyNull() { rb_.Null(); }

  bool failed() const { return failed_; }

  // Effects (shard/journal.h). A write handler that changed the dataset says how to
  // replay it: Propagate() when its own arguments are a deterministic effect, or Emit()
  // for each rewritten command (explicit ids, absolute times). Either one also counts the
  // call as a change (rdb_changes_since_last_save).
  void Propagate() { propagate_ = true; }
  void Emit(std::span<const std::string_view> args) {
    emitted_ = true;
    shard_.journal().Append(client_.db, args);
  }
  void Emit(std::initializer_list<std::string_view> args) {
    Emit(std::span<const std::string_view>(args.begin(), args.size()));
  }
  // For an effect that costs work to build (ids and counters formatted for every entry a
  // read delivers): true when Emit() would record nothing, the journal being disabled (no
  // AOF attached, or the AOF loading; replicas later). The call is then counted as a
  // change, as Emit() counts it, and the caller skips building the effect.
  bool SkipEffect() {
    if (shard_.journal().enabled()) {
      return false;
    }
    emitted_ = true;
    return true;
  }
  bool propagate() const { return propagate_ && !emitted_; }
  bool changed() const { return propagate_ || emitted_; }

  // Blocking commands (XREAD/XREADGROUP BLOCK). Whether this call may block: not inside
  // MULTI/EXEC, where Redis answers as if the timeout had passed.
  bool can_block() const { return !client_.in_exec; }
  // Whether this is a blocked command running again because a key changed.
  bool rerun() const { return client_.block.rerun; }
  // Parks the client until a key in keys changes or deadline_ms (0 = never) passes; the
  // command then runs again with argv. On a re-run it only keeps the client waiting in
  // its place. REQUIRES: can_block(); nothing was replied.
  void Block(std::vector<std::pair<int, std::string>> keys, int64_t deadline_ms,
             std::vector<std::string> argv);
  bool blocked() const { return blocked_; }

 private:
  Dispatcher& dispatcher_;
  shard::Shard& shard_;
  shard::Client& client_;
  std::span<const std::string_view> args_;
  const CommandSpec& spec_;
  net::ReplyBuilder rb_;
  bool failed_ = false;
  bool blocked_ = false;
  bool propagate_ = false;
  bool emitted_ = false;
};

}  // namespace rill::cmd
