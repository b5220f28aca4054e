// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/command_docs.h: COMMAND INFO and COMMAND DOCS replies, generated from the table.
//
// DOCS needs each command's argument tree. The table holds it as one line in Redis's
// documentation notation, which ParseSyntax turns into the tree Redis reports:
//
//   "key [key ...]"              -> key(type key, multiple)
//   "[NX|XX]"                    -> oneof(optional){ nx(pure-token NX), xx(pure-token XX) }
//   "[EX seconds|KEEPTTL]"       -> oneof(optional){ seconds(integer, token EX), keepttl }
//   "key value [key value ...]"  -> data(block, multiple){ key, value }
//
// UPPER-CASE words are tokens; a token followed by a lower-case word is that argument's
// token; lower-case words are arguments whose type is guessed from the name (key, pattern,
// integer, unix-time, double or string).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/command_table.h"
#include "net/reply_builder.h"

namespace rill::cmd {

struct DocArg {
  std::string name;
  std::string type;  // key, string, integer, double, pattern, unix-time, pure-token, oneof, block
  std::string token;
  bool optional = false;
  bool multiple = false;
  std::vector<DocArg> args;  // for oneof and block
};

std::vector<DocArg> ParseSyntax(std::string_view syntax);

// A set of status strings from space-separated words: "RO access" -> ~2 +RO +access.
void ReplyFlagWords(net::ReplyBuilder& rb, std::string_view words);
// COMMAND INFO's names of a command's flags ("write", "denyoom", ...), in table order.
// Rill-internal flags (kSensitiveArgs) have no name and are not reported.
std::vector<std::string_view> CommandFlagNames(uint32_t flags);
// Redis's key-spec flags of a command ("RW access update"), one entry per key spec.
std::vector<std::string_view> KeySpecFlags(const CommandSpec& spec);
// The flags of the key at args[pos] in a concrete request (COMMAND GETKEYSANDFLAGS).
std::string_view KeyFlagsAt(const CommandSpec& spec, std::span<const std::string_view> args,
                            size_t pos);

void ReplyCommandInfo(net::ReplyBuilder& rb, const CommandSpec& spec);
void ReplyCommandDocs(net::ReplyBuilder& rb, const CommandSpec& spec);

}  // namespace rill::cmd
