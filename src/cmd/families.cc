// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "cmd/families.h"

#include "core/strings.h"

namespace rill::cmd {

CommandTable BuildCommandTable() {
  CommandTable table;
  RegisterConnectionFamily(table);
  RegisterServerFamily(table);
  RegisterKeyspaceFamily(table);
  RegisterStringFamily(table);
  RegisterTransactionFamily(table);
  RegisterPubSubFamily(table);
  RegisterStreamFamily(table);
  RegisterStreamGroupFamily(table);
  return table;
}

std::optional<int64_t> IntArg(CommandContext& ctx, size_t i) {
  const std::optional<int64_t> v = ParseInt64(ctx.arg(i));
  if (!v) {
    ctx.ReplyError(ErrorCode::kNotInteger);
  }
  return v;
}

CommandSpec HelpSubcommand(std::string_view parent, std::vector<std::string_view> acl,
                           std::string_view group, std::string_view since, Handler handler) {
  return {.name = std::string(parent) + "|help",
          .arity = 2,
          .flags = kLoading | kStale,
          .acl = std::move(acl),
          .group = group,
          .since = since,
          .summary = "Returns helpful text about the different subcommands.",
          .complexity = "O(1)",
          .handler = handler};
}

void ReplyHelp(CommandContext& ctx, std::span<const std::string_view> lines) {
  ctx.reply().ArrayHeader(static_cast<int64_t>(lines.size()));
  for (std::string_view l : lines) {
    ctx.reply().SimpleString(l);
  }
}

std::optional<int> DbArg(CommandContext& ctx, size_t i) {
  const std::optional<int64_t> v = ParseInt64(ctx.arg(i));
  if (!v) {
    ctx.ReplyErrorLine("ERR invalid DB index");
    return std::nullopt;
  }
  if (*v < 0 || *v >= ctx.ks().databases()) {
    ctx.ReplyError(ErrorCode::kDbIndex);
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

}  // namespace rill::cmd
