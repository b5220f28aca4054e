// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "config/config_store.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "config/config_table.h"
#include "core/strings.h"

namespace rill::config {
namespace {

constexpr int kMaxIncludeDepth = 16;

Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(ErrorCode::kIoError,
                  "Fatal error, can't open config file '" + path + "': " + strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return Status::Ok();
}

std::string JoinWords(const std::vector<std::string>& words, size_t from) {
  std::string s;
  for (size_t i = from; i < words.size(); i++) {
    if (i > from) {
      s += ' ';
    }
    // Multi-word values are re-split by the setter, so keep each word's quoting.
    s += words[i].find_first_of(" \"'") == std::string::npos && !words[i].empty()
             ? words[i]
             : QuoteRepr(words[i]);
  }
  return s;
}

}  // namespace

ConfigStore::ConfigStore()
    : current_(DefaultConfig()), snapshot_(std::make_shared<const Config>(current_)) {}

Status ConfigStore::LoadFromArgs(const std::vector<std::string>& args) {
  size_t i = 1;
  std::string text;
  if (i < args.size() && args[i].rfind("--", 0) != 0) {
    std::string path = args[i++];
    if (path != "-") {
      char abs[PATH_MAX];
      if (realpath(path.c_str(), abs) != nullptr) {
        path = abs;
      }
      std::lock_guard<std::mutex> lock(mu_);
      config_file_ = path;
      std::string file_text;
      if (Status s = ReadFile(path, &file_text); !s.ok()) {
        return s;
      }
      if (Status s = LoadTextLocked(file_text, path, 0); !s.ok()) {
        return s;
      }
    }
  }
  // "--port 7000 --save ''" becomes "port 7000\nsave ''\n", like redis-server.
  for (; i < args.size(); i++) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      text += text.empty() ? "" : "\n";
      text += a.substr(2);
    } else {
      text += " " + QuoteRepr(a);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  Status s = LoadTextLocked(text, "command line", 0);
  snapshot_ = std::make_shared<const Config>(current_);
  return s;
}

Status ConfigStore::LoadFile(const std::string& path) {
  std::string text;
  if (Status s = ReadFile(path, &text); !s.ok()) {
    return s;
  }
  return LoadText(text, path);
}

Status ConfigStore::LoadText(std::string_view text, std::string_view origin) {
  std::lock_guard<std::mutex> lock(mu_);
  Status s = LoadTextLocked(text, origin, 0);
  snapshot_ = std::make_shared<const Config>(current_);
  return s;
}

Status ConfigStore::LoadTextLocked(std::string_view text, std::string_view origin, int depth) {
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) {
      eol = text.size();
    }
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    line_no++;
    while (!line.empty() && isspace(static_cast<unsigned char>(line.front()))) {
      line.remove_prefix(1);
    }
    while (!line.empty() && isspace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    if (line.empty() || line[0] == '#') {
      continue;
    }
    auto fail = [&](const std::string& reason) {
      return Status(ErrorCode::kInvalidConfig, std::string(origin) + ":" + std::to_string(line_no) +
                                                   ": '" + std::string(line) + "': " + reason);
    };
    std::optional<std::vector<std::string>> words = SplitArgs(line);
    if (!words) {
      return fail("Unbalanced quotes in configuration line");
    }
    const std::string name = ToLower((*words)[0]);
    if (name == "include") {
      if (words->size() != 2) {
        return fail("include takes exactly one file name");
      }
      if (depth >= kMaxIncludeDepth) {
        return fail("includes nested too deeply (a loop?)");
      }
      std::string inc;
      if (Status s = ReadFile((*words)[1], &inc); !s.ok()) {
        return fail(s.message());
      }
      if (Status s = LoadTextLocked(inc, (*words)[1], depth + 1); !s.ok()) {
        return s;
      }
      continue;
    }
    const ConfigDef* def = FindConfig(name);
    if (def == nullptr) {
      return fail("Bad directive or wrong number of arguments");
    }
    if (words->size() < 2 || (words->size() != 2 && (def->flags & kMultiArg) == 0)) {
      return fail("wrong number of arguments for '" + name + "'");
    }
    // A multi-word directive given as one quoted word ("normal 0 0 0", typical on the
    // command line) is split by its setter, as Redis splits it.
    std::string value =
        (def->flags & kMultiArg) && words->size() > 2 ? JoinWords(*words, 1) : (*words)[1];
    if ((def->flags & kAccumulates) != 0 && !accumulated_.insert(def).second) {
      const std::string before = def->get(current_);
      value = before.empty() || value.empty() ? value : before + " " + value;  // "" resets
    }
    if (Status s = def->set(current_, value); !s.ok()) {
      return fail(s.message());
    }
  }
  return Status::Ok();
}

Status ConfigStore::ApplyAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const ConfigDef& d : ConfigTable()) {
    if (d.apply != nullptr) {
      if (Status s = d.apply(current_); !s.ok()) {
        return Status(ErrorCode::kInvalidConfig, std::string(d.name) + ": " + s.message());
      }
    }
  }
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> ConfigStore::Get(
    const std::vector<std::string_view>& patterns) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const ConfigDef& d : ConfigTable()) {
    for (std::string_view p : patterns) {
      if (GlobMatch(p, d.name, /*nocase=*/true)) {
        out.emplace_back(std::string(d.name), d.get(current_));
        break;
      }
    }
  }
  return out;
}

Status ConfigStore::Set(const std::vector<std::pair<std::string_view, std::string_view>>& pairs) {
  std::lock_guard<std::mutex> lock(mu_);
  Config next = current_;
  std::set<const ConfigDef*> seen;
  for (const auto& [name, value] : pairs) {
    const ConfigDef* def = FindConfig(name);
    if (def == nullptr) {
      return Status::Err("Unknown option or number of arguments for CONFIG SET - '" +
                         std::string(name) + "'");
    }
    if (!seen.insert(def).second) {
      return Status::Err("CONFIG SET failed (possibly related to argument '" + std::string(name) +
                         "') - duplicate parameter");
    }
    if (!def->is_mutable()) {
      return Status::Err("CONFIG SET failed (possibly related to argument '" + std::string(name) +
                         "') - can't set immutable config");
    }
    if (Status s = def->set(next, value); !s.ok()) {
      return Status::Err("CONFIG SET failed (possibly related to argument '" + std::string(name) +
                         "') - " + s.message());
    }
  }
  for (const ConfigDef* def : seen) {
    if (def->apply == nullptr) {
      continue;
    }
    if (Status s = def->apply(next); !s.ok()) {
      for (const ConfigDef* undo : seen) {
        if (undo->apply != nullptr) {
          (void)undo->apply(current_);
        }
      }
      return Status::Err("CONFIG SET failed (possibly related to argument '" +
                         std::string(def->name) + "') - " + s.message());
    }
  }
  current_ = std::move(next);
  snapshot_ = std::make_shared<const Config>(current_);
  return Status::Ok();
}

Status ConfigStore::Rewrite() {
  std::lock_guard<std::mutex> lock(mu_);
  if (config_file_.empty()) {
    return Status::Err("The server is running without a config file");
  }
  std::string text;
  if (Status s = ReadFile(config_file_, &text); !s.ok()) {
    return Status::Err("Rewriting config file: " + s.message());
  }
  const Config defaults = DefaultConfig();
  std::vector<std::string> out;
  std::set<const ConfigDef*> written;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::optional<std::vector<std::string>> words = SplitArgs(line);
    const bool directive = !line.empty() && line.find_first_not_of(" \t") != std::string::npos &&
                           line[line.find_first_not_of(" \t")] != '#' && words && !words->empty();
    const ConfigDef* def = directive ? FindConfig((*words)[0]) : nullptr;
    if (def == nullptr) {
      out.push_back(line);
      continue;
    }
    if (written.insert(def).second) {
      for (const std::string& v : def->rewrite(current_)) {
        out.push_back(std::string(def->name) + " " + v);
      }
    }
  }
  bool header = false;
  for (const ConfigDef& d : ConfigTable()) {
    if (written.count(&d) != 0 || d.get(current_) == d.get(defaults)) {
      continue;
    }
    if (!header) {
      out.push_back("# Generated by CONFIG REWRITE");
      header = true;
    }
    for (const std::string& v : d.rewrite(current_)) {
      out.push_back(std::string(d.name) + " " + v);
    }
  }
  std::string body;
  for (const std::string& l : out) {
    body += l;
    body += '\n';
  }
  // Write a temp file beside the conf file, fsync it, then rename over: a crash leaves
  // either the old or the new file, never a torn one.
  const std::string tmp = config_file_ + ".tmp-" + std::to_string(getpid());
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Err(std::string("Rewriting config file: ") + strerror(errno));
  }
  const ssize_t n = write(fd, body.data(), body.size());
  const bool ok = n == static_cast<ssize_t>(body.size()) && fsync(fd) == 0;
  const int err = errno;
  close(fd);
  if (!ok || rename(tmp.c_str(), config_file_.c_str()) != 0) {
    unlink(tmp.c_str());
    return Status::Err(std::string("Rewriting config file: ") + strerror(ok ? errno : err));
  }
  return Status::Ok();
}

std::shared_ptr<const Config> ConfigStore::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

}  // namespace rill::config
