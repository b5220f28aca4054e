// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/command_context.h: what a command handler sees: its arguments, its client, its shard
// and a reply builder in the client's protocol.
//
// Arguments borrow the connection's read buffer (or the MULTI queue) and live only until
// the handler returns; copy what must outlive it.
// Threading: a context exists during one handler call on the client's shard thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cmd/command_table.h"
#include "cmd/error_replies.h"
#include "config/config.h"
#include "core/status.h"
#include "net/reply_builder.h"
#include "shard/client.h"
#include "shard/keyspace.h"
#include "shard/shard.h"

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
  void ReplyInt(int64_t v) { rb_.Integer(v); }
  void ReplyBulk(std::string_view s) { rb_.Bulk(s); }
  void ReplyNull() { rb_.Null(); }

  bool failed() const { return failed_; }

 private:
  Dispatcher& dispatcher_;
  shard::Shard& shard_;
  shard::Client& client_;
  std::span<const std::string_view> args_;
  const CommandSpec& spec_;
  net::ReplyBuilder rb_;
  bool failed_ = false;
};

}  // namespace rill::cmd
