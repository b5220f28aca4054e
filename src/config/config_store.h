// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// config/config_store.h: the current configuration and the engine of CONFIG GET/SET/REWRITE.
//
// Conf-file syntax is Redis's: one directive per line, words split like sdssplitargs
// ("double" and 'single' quotes), '#' starts a comment line, `include <path>` reads another
// file in place, memory values take units (1kb, 5mb, 1gb). An unknown directive, a wrong
// number of arguments or an invalid value stops loading with "<file>:<line>: <reason>".
// Command-line options (`--port 7000 --dir /tmp/x`) are appended after the file, so they
// override it, exactly as redis-server does.
//
// Set() is all or nothing: every pair is parsed into a copy first, then the apply hooks
// run; if one fails, the old values are re-applied and nothing changes.
//
// Threading: every method takes the store's mutex. Readers on shards do not call into the
// store: they keep the snapshot they were last handed (shard.config()).
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/status.h"

namespace rill::config {

struct ConfigDef;

class ConfigStore {
 public:
  ConfigStore();

  // Parses `rill-server [conf-file] [--directive value...]`. argv[0] is skipped.
  Status LoadFromArgs(const std::vector<std::string>& args);
  // Parses conf-file text; origin names it in errors. Relative includes resolve against
  // the working directory, as in Redis.
  Status LoadText(std::string_view text, std::string_view origin);
  Status LoadFile(const std::string& path);
  // Runs every apply hook once (at start-up, after loading).
  Status ApplyAll();

  // CONFIG GET: every (name, value) whose name matches any pattern, in table order.
  std::vector<std::pair<std::string, std::string>> Get(
      const std::vector<std::string_view>& patterns) const;
  // CONFIG SET: all or nothing. Errors carry Redis's full "ERR CONFIG SET failed ..." text.
  Status Set(const std::vector<std::pair<std::string_view, std::string_view>>& pairs);
  // CONFIG REWRITE: rewrites the conf file the server started with.
  Status Rewrite();

  std::shared_ptr<const Config> snapshot() const;
  const std::string& config_file() const { return config_file_; }

 private:
  Status LoadTextLocked(std::string_view text, std::string_view origin, int depth);

  mutable std::mutex mu_;
  Config current_;
  std::set<const ConfigDef*> accumulated_;  // kAccumulates directives read at start so far
  std::shared_ptr<const Config> snapshot_;
  std::string config_file_;  // absolute path, "" when started without one
};

}  // namespace rill::config
