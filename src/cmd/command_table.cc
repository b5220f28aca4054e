// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "cmd/command_table.h"

#include <atomic>

#include "core/check.h"
#include "core/strings.h"

namespace rill::cmd {

std::string CommandSpec::FullName() const {
  std::string n = ToUpper(name);
  const size_t bar = n.find('|');
  if (bar != std::string::npos) {
    n[bar] = ' ';
  }
  return n;
}

void CommandTable::Add(CommandSpec spec) {
  RILL_CHECK(by_name_.find(spec.name) == by_name_.end());
  by_name_.emplace(spec.name, commands_.size());
  commands_.push_back(std::move(spec));
}

void CommandTable::Finish() {
  static std::atomic<uint64_t> next_id{1};
  id_ = next_id.fetch_add(1);
  all_.clear();
  for (CommandSpec& c : commands_) {
    c.index = all_.size();
    all_.push_back(&c);
    for (CommandSpec& sub : c.subcommands) {
      sub.index = all_.size();
      all_.push_back(&sub);
    }
  }
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  // Clients repeat themselves (a pipeline of GETs, a consumer looping on XREADGROUP): the
  // last command this thread found is checked first, which skips hashing the name.
  // Keyed by the table's id, which is never reused, so a destroyed table's entry can
  // never match again.
  thread_local uint64_t last_table = 0;
  thread_local const CommandSpec* last = nullptr;
  if (id_ != 0 && last_table == id_ && EqualsIgnoreCase(last->name, name)) {
    return last;
  }
  char buf[64];
  if (name.size() >= sizeof(buf)) {
    return nullptr;
  }
  for (size_t i = 0; i < name.size(); i++) {
    const char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;  // ASCII, no locale
  }
  auto it = by_name_.find(std::string_view(buf, name.size()));
  if (it == by_name_.end()) {
    return nullptr;
  }
  last_table = id_;
  last = &commands_[it->second];
  return last;
}

const CommandSpec* CommandTable::FindSub(const CommandSpec& parent, std::string_view name) {
  const size_t prefix = parent.name.size() + 1;
  for (const CommandSpec& sub : parent.subcommands) {
    if (EqualsIgnoreCase(std::string_view(sub.name).substr(prefix), name)) {
      return &sub;
    }
  }
  return nullptr;
}

std::vector<size_t> KeyPositions(const CommandSpec& spec, std::span<const std::string_view> args) {
  std::vector<size_t> keys;
  const size_t argc = args.size();
  if (!spec.keys_after.empty()) {
    for (size_t i = static_cast<size_t>(spec.keys_search_from); i < argc; i++) {
      if (EqualsIgnoreCase(args[i], spec.keys_after)) {
        const size_t n = (argc - i - 1) / 2;
        for (size_t k = 0; k < n; k++) {
          keys.push_back(i + 1 + k);
        }
        break;
      }
    }
    return keys;
  }
  if (spec.first_key <= 0) {
    return keys;
  }
  int last = spec.last_key;
  if (last < 0) {
    last = static_cast<int>(argc) + last;
  }
  for (int i = spec.first_key; i <= last && i < static_cast<int>(argc); i += spec.key_step) {
    keys.push_back(static_cast<size_t>(i));
  }
  return keys;
}

}  // namespace rill::cmd
