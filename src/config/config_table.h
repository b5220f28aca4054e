// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// config/config_table.h: one row per directive, the only place a directive is defined.
//
// A row knows the directive's name, its default (as conf-file text), whether CONFIG SET may
// change it at runtime, whether its value is secret, one line of documentation, and three
// functions generated from its type: parse-and-validate text into a Config, print a Config's
// value for CONFIG GET, and print the conf-file lines for CONFIG REWRITE. An optional apply
// function performs the side effect of a new value (log level, working directory).
//
// Everything else (the conf parser, CONFIG GET/SET/REWRITE, COMMAND DOCS for CONFIG, the
// conf/rill.conf consistency test) is generated from this table.
// Threading: the table is immutable after static initialisation.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/status.h"

namespace rill::config {

enum ConfigFlags : unsigned {
  kMutable = 0,
  kImmutable = 1u << 0,  // only from the conf file or the command line
  kSensitive = 1u << 1,  // value never logged; CONFIG GET still shows it, as Redis does
  kMultiArg = 1u << 2,   // the value is several words (bind, client-output-buffer-limit)
  // Read at start (conf file, then command line), each further line adds its words to the
  // value instead of replacing it (Redis's save); CONFIG SET still replaces.
  kAccumulates = 1u << 3,
};

struct ConfigDef {
  std::string_view name;
  std::string default_value;  // conf-file text
  unsigned flags = kMutable;
  std::string_view doc;
  // Parses text into cfg. Returns kInvalidConfig with the reason on bad input.
  std::function<Status(Config& cfg, std::string_view text)> set;
  std::function<std::string(const Config& cfg)> get;
  // The values of the lines CONFIG REWRITE writes (one per line, already quoted).
  std::function<std::vector<std::string>(const Config& cfg)> rewrite;
  // Side effect of a new value; runs after every directive of a change parsed.
  Status (*apply)(const Config& cfg) = nullptr;

  bool is_mutable() const { return (flags & kImmutable) == 0; }
};

std::span<const ConfigDef> ConfigTable();
// The row for name (case-insensitive), or nullptr.
const ConfigDef* FindConfig(std::string_view name);
// A Config with every directive at its default.
Config DefaultConfig();

}  // namespace rill::config
