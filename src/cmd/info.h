// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/info.h: the INFO report, section by section, in Redis's format.
//
// Every figure is measured, none is a placeholder: memory comes from the allocator,
// statistics from the shard's counters. Fields Redis has but Rill has no mechanism for yet
// (replication backlog, persistence) report the state that is true today (no backlog, no
// save in progress). `redis_version` is the Redis surface Rill implements; `rill_version`
// is what it really is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cmd/command_context.h"

namespace rill::cmd {

// Sections as INFO's arguments name them ("default", "all", "everything", or names).
std::string BuildInfo(CommandContext& ctx, const std::vector<std::string_view>& sections);

}  // namespace rill::cmd
