// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/families.h: the registration function of every command family, one file each
// (<group>_family.cc, each ending with its Register function), and the small argument
// helpers they share.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "cmd/command_context.h"
#include "cmd/command_table.h"

namespace rill::cmd {

void RegisterConnectionFamily(CommandTable& table);
void RegisterServerFamily(CommandTable& table);
void RegisterKeyspaceFamily(CommandTable& table);
void RegisterStringFamily(CommandTable& table);
void RegisterTransactionFamily(CommandTable& table);
void RegisterPubSubFamily(CommandTable& table);
void RegisterStreamFamily(CommandTable& table);
void RegisterStreamGroupFamily(CommandTable& table);

// The whole table.
CommandTable BuildCommandTable();

// Argument i as an integer; on failure replies "value is not an integer or out of range"
// and returns nullopt.
std::optional<int64_t> IntArg(CommandContext& ctx, size_t i);
// The "<parent>|help" row of a container command: arity 2, runs while loading or stale.
CommandSpec HelpSubcommand(std::string_view parent, std::vector<std::string_view> acl,
                           std::string_view group, std::string_view since, Handler handler);
// A HELP reply: one status line per entry.
void ReplyHelp(CommandContext& ctx, std::span<const std::string_view> lines);
// Argument i as a database index; on failure replies the matching Redis error.
std::optional<int> DbArg(CommandContext& ctx, size_t i);

}  // namespace rill::cmd
