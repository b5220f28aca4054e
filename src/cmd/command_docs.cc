// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "cmd/command_docs.h"

#include <algorithm>
#include <map>

#include "core/strings.h"

namespace rill::cmd {
namespace {

bool IsToken(std::string_view w) {
  bool upper = false;
  for (char c : w) {
    if (islower(static_cast<unsigned char>(c))) {
      return false;
    }
    upper |= isupper(static_cast<unsigned char>(c)) != 0;
  }
  return upper;
}

std::string GuessType(std::string_view name) {
  if (name == "key" || name == "newkey" || name == "source" || name == "destination") {
    return "key";
  }
  if (name == "pattern") {
    return "pattern";
  }
  if (name.find("unix-time") != std::string_view::npos) {
    return "unix-time";
  }
  static constexpr std::string_view kIntegers[] = {
      "seconds",   "milliseconds", "timeout", "count",     "offset",   "start",
      "end",       "index",        "index1",  "index2",    "db",       "destination-db",
      "decrement", "cursor",       "numkeys", "client-id", "protover", "number-of-replicas",
      "increment"};
  for (std::string_view n : kIntegers) {
    if (name == n) {
      return "integer";
    }
  }
  return "string";
}

class SyntaxParser {
 public:
  explicit SyntaxParser(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == ' ') {
        i++;
      } else if (c == '[' || c == ']' || c == '|') {
        tokens_.emplace_back(1, c);
        i++;
      } else {
        size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '[' && s[j] != ']' && s[j] != '|') {
          j++;
        }
        tokens_.emplace_back(s.substr(i, j - i));
        i = j;
      }
    }
  }

  // alternatives := seq ('|' seq)*
  std::vector<std::vector<DocArg>> Alternatives() {
    std::vector<std::vector<DocArg>> alts;
    alts.push_back(Sequence());
    while (Peek() == "|") {
      pos_++;
      alts.push_back(Sequence());
    }
    return alts;
  }

  static DocArg Combine(std::vector<std::vector<DocArg>> alts, std::string name) {
    if (alts.size() == 1 && alts[0].size() == 1) {
      return std::move(alts[0][0]);
    }
    DocArg a;
    a.name = std::move(name);
    if (alts.size() == 1) {
      a.type = "block";
      a.args = std::move(alts[0]);
      return a;
    }
    a.type = "oneof";
    for (auto& alt : alts) {
      if (alt.size() == 1) {
        a.args.push_back(std::move(alt[0]));
      } else {
        DocArg b;
        b.type = "block";
        b.name = alt.empty() ? "block" : alt[0].name;
        b.args = std::move(alt);
        a.args.push_back(std::move(b));
      }
    }
    return a;
  }

 private:
  std::string_view Peek() const {
    return pos_ < tokens_.size() ? std::string_view(tokens_[pos_]) : std::string_view();
  }

  std::vector<DocArg> Sequence() {
    std::vector<DocArg> seq;
    while (pos_ < tokens_.size() && Peek() != "]" && Peek() != "|") {
      if (Peek() == "[") {
        pos_++;
        const size_t start = pos_;
        std::vector<std::vector<DocArg>> alts = Alternatives();
        if (Peek() == "]") {
          pos_++;
        }
        if (MergeRepeat(seq, alts)) {
          continue;
        }
        DocArg opt = Combine(std::move(alts), NameOfGroup(start));
        opt.optional = true;
        seq.push_back(std::move(opt));
        continue;
      }
      std::string word(Peek());
      pos_++;
      DocArg a;
      if (IsToken(word)) {
        const std::string_view next = Peek();
        if (!next.empty() && next != "[" && next != "]" && next != "|" && !IsToken(next) &&
            next != "...") {
          a.token = word;
          a.name = std::string(next);
          a.type = GuessType(next);
          pos_++;
        } else {
          a.token = word;
          a.name = ToLower(word);
          a.type = "pure-token";
        }
      } else {
        a.name = word;
        a.type = GuessType(word);
      }
      seq.push_back(std::move(a));
    }
    return seq;
  }

  // "[key ...]" or "[key value ...]" repeating the last items of seq: mark them multiple.
  bool MergeRepeat(std::vector<DocArg>& seq, std::vector<std::vector<DocArg>>& alts) {
    if (alts.size() != 1 || tokens_[pos_ - 2] != "...") {
      return false;
    }
    std::vector<DocArg>& rep = alts[0];
    if (!rep.empty() && rep.back().name == "...") {
      rep.pop_back();
    }
    const size_t n = rep.size();
    if (n == 0 || n > seq.size()) {
      return false;
    }
    for (size_t i = 0; i < n; i++) {
      if (seq[seq.size() - n + i].name != rep[i].name) {
        return false;
      }
    }
    if (n == 1) {
      seq.back().multiple = true;
      return true;
    }
    DocArg block;
    block.type = "block";
    block.name = "data";
    block.multiple = true;
    block.args.assign(std::make_move_iterator(seq.end() - static_cast<long>(n)),
                      std::make_move_iterator(seq.end()));
    seq.resize(seq.size() - n);
    seq.push_back(std::move(block));
    return true;
  }

  std::string NameOfGroup(size_t start) const {
    const std::string_view first =
        start < tokens_.size() ? std::string_view(tokens_[start]) : std::string_view();
    return first.empty() ? "arg" : ToLower(first);
  }

  std::vector<std::string> tokens_;
  size_t pos_ = 0;
};

void ReplyDocArg(net::ReplyBuilder& rb, const DocArg& a) {
  const bool has_children = !a.args.empty();
  const bool has_display = a.type != "oneof" && a.type != "block" && a.type != "pure-token";
  const int flags = (a.optional ? 1 : 0) + (a.multiple ? 1 : 0);
  int n = 2 + (has_display ? 1 : 0) + (a.token.empty() ? 0 : 1) + (flags ? 1 : 0) +
          (has_children ? 1 : 0) + (a.type == "key" ? 1 : 0);
  rb.MapHeader(n);
  rb.Bulk("name");
  rb.Bulk(a.name);
  rb.Bulk("type");
  rb.Bulk(a.type);
  if (a.type == "key") {
    rb.Bulk("key_spec_index");
    rb.Integer(0);
  }
  if (has_display) {
    rb.Bulk("display_text");
    rb.Bulk(a.name);
  }
  if (!a.token.empty()) {
    rb.Bulk("token");
    rb.Bulk(a.token);
  }
  if (flags) {
    rb.Bulk("flags");
    rb.SetHeader(flags);
    if (a.optional) rb.SimpleString("optional");
    if (a.multiple) rb.SimpleString("multiple");
  }
  if (has_children) {
    rb.Bulk("arguments");
    rb.ArrayHeader(static_cast<int64_t>(a.args.size()));
    for (const DocArg& c : a.args) {
      ReplyDocArg(rb, c);
    }
  }
}

}  // namespace

void ReplyFlagWords(net::ReplyBuilder& rb, std::string_view words) {
  std::vector<std::string_view> w;
  while (!words.empty()) {
    const size_t sp = words.find(' ');
    w.push_back(words.substr(0, sp));
    words = sp == std::string_view::npos ? std::string_view() : words.substr(sp + 1);
  }
  rb.SetHeader(static_cast<int64_t>(w.size()));
  for (std::string_view x : w) {
    rb.SimpleString(x);
  }
}

namespace {

// One key spec: `index` is where the search begins, `lastkey` is relative to it.
void ReplyKeySpec(net::ReplyBuilder& rb, std::string_view flags, int index, int lastkey, int step) {
  rb.MapHeader(3);
  rb.Bulk("flags");
  ReplyFlagWords(rb, flags);
  rb.Bulk("begin_search");
  rb.MapHeader(2);
  rb.Bulk("type");
  rb.Bulk("index");
  rb.Bulk("spec");
  rb.MapHeader(1);
  rb.Bulk("index");
  rb.Integer(index);
  rb.Bulk("find_keys");
  rb.MapHeader(2);
  rb.Bulk("type");
  rb.Bulk("range");
  rb.Bulk("spec");
  rb.MapHeader(3);
  rb.Bulk("lastkey");
  rb.Integer(lastkey);
  rb.Bulk("keystep");
  rb.Integer(step);
  rb.Bulk("limit");
  rb.Integer(0);
}

// A keyword key spec: keys follow `keyword`, half of what remains (XREAD's STREAMS).
void ReplyKeywordKeySpec(net::ReplyBuilder& rb, std::string_view flags, std::string_view keyword,
                         int startfrom) {
  rb.MapHeader(3);
  rb.Bulk("flags");
  ReplyFlagWords(rb, flags);
  rb.Bulk("begin_search");
  rb.MapHeader(2);
  rb.Bulk("type");
  rb.Bulk("keyword");
  rb.Bulk("spec");
  rb.MapHeader(2);
  rb.Bulk("keyword");
  rb.Bulk(keyword);
  rb.Bulk("startfrom");
  rb.Integer(startfrom);
  rb.Bulk("find_keys");
  rb.MapHeader(2);
  rb.Bulk("type");
  rb.Bulk("range");
  rb.Bulk("spec");
  rb.MapHeader(3);
  rb.Bulk("lastkey");
  rb.Integer(-1);
  rb.Bulk("keystep");
  rb.Integer(1);
  rb.Bulk("limit");
  rb.Integer(2);
}

void ReplyKeySpecs(net::ReplyBuilder& rb, const CommandSpec& spec) {
  if (!spec.keys_after.empty()) {
    rb.ArrayHeader(1);
    ReplyKeywordKeySpec(rb, KeySpecFlags(spec)[0], spec.keys_after, spec.keys_search_from);
    return;
  }
  if (spec.first_key <= 0) {
    rb.ArrayHeader(0);
    return;
  }
  const std::vector<std::string_view> flags = KeySpecFlags(spec);
  if (flags.size() == 2) {  // source and destination, each its own spec (RENAME, COPY)
    rb.ArrayHeader(2);
    ReplyKeySpec(rb, flags[0], spec.first_key, 0, 1);
    ReplyKeySpec(rb, flags[1], spec.first_key + 1, 0, 1);
    return;
  }
  rb.ArrayHeader(1);
  ReplyKeySpec(rb, flags[0], spec.first_key,
               spec.last_key < 0 ? spec.last_key : spec.last_key - spec.first_key, spec.key_step);
}

}  // namespace

std::vector<std::string_view> CommandFlagNames(uint32_t f) {
  std::vector<std::string_view> out;
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {kWrite, "write"},
      {kReadOnly, "readonly"},
      {kDenyOom, "denyoom"},
      {kAdmin, "admin"},
      {kPubSub, "pubsub"},
      {kNoScript, "noscript"},
      {kBlocking, "blocking"},
      {kLoading, "loading"},
      {kStale, "stale"},
      {kSkipMonitor, "skip_monitor"},
      {kSkipSlowlog, "skip_slowlog"},
      {kFast, "fast"},
      {kNoAuth, "no_auth"},
      {kMayReplicate, "may_replicate"},
      {kNoAsyncLoading, "no_async_loading"},
      {kNoMulti, "no_multi"},
      {kAllowBusy, "allow_busy"},
      {kMovableKeys, "movablekeys"}};
  for (const auto& [bit, name] : kNames) {
    if (f & bit) {
      out.push_back(name);
    }
  }
  return out;
}

std::vector<std::string_view> KeySpecFlags(const CommandSpec& spec) {
  // Redis 7.2's key-spec flags, by command. Kept here rather than in each family's rows
  // because only COMMAND INFO and GETKEYSANDFLAGS read them.
  static const std::map<std::string_view, std::vector<std::string_view>> kFlags = {
      {"set", {"RW access update variable_flags"}},
      {"setnx", {"OW insert"}},
      {"setex", {"OW update"}},
      {"psetex", {"OW update"}},
      {"mset", {"OW update"}},
      {"msetnx", {"OW insert"}},
      {"getdel", {"RW access delete"}},
      {"append", {"RW insert"}},
      {"setrange", {"RW update"}},
      {"del", {"RM delete"}},
      {"unlink", {"RM delete"}},
      {"expire", {"RW update"}},
      {"pexpire", {"RW update"}},
      {"expireat", {"RW update"}},
      {"pexpireat", {"RW update"}},
      {"persist", {"RW update"}},
      {"rename", {"RW access delete", "OW update"}},
      {"renamenx", {"RW access delete", "OW insert"}},
      {"copy", {"RO access", "OW update"}},
      {"exists", {"RO"}},
      {"type", {"RO"}},
      {"strlen", {"RO"}},
      {"touch", {"RO"}},
      {"watch", {"RO"}},
      {"object|encoding", {"RO"}},
      {"object|freq", {"RO"}},
      {"object|idletime", {"RO"}},
      {"object|refcount", {"RO"}},
      {"xadd", {"RW update"}},
      {"xlen", {"RO"}},
      {"xrange", {"RO access"}},
      {"xrevrange", {"RO access"}},
      {"xdel", {"RW delete"}},
      {"xtrim", {"RW delete"}},
      {"xread", {"RO access"}},
      {"xreadgroup", {"RO access"}},
      {"xack", {"RW update"}},
      {"xpending", {"RO access"}},
      {"xclaim", {"RW update"}},
      {"xautoclaim", {"RW delete"}},
      {"xsetid", {"RW update"}},
      {"xgroup|create", {"RW insert"}},
      {"xgroup|setid", {"RW update"}},
      {"xgroup|destroy", {"RW delete"}},
      {"xgroup|createconsumer", {"RW insert"}},
      {"xgroup|delconsumer", {"RW delete"}},
      {"xinfo|stream", {"RO access"}},
      {"xinfo|groups", {"RO access"}},
      {"xinfo|consumers", {"RO access"}},
  };
  auto it = kFlags.find(spec.name);
  if (it != kFlags.end()) {
    return it->second;
  }
  return {(spec.flags & kWrite) != 0 ? "RW access update" : "RO access"};
}

std::string_view KeyFlagsAt(const CommandSpec& spec, std::span<const std::string_view> args,
                            size_t pos) {
  if (spec.name == "set") {
    // Redis's setGetKeys: without GET the old value is never read.
    const bool get = std::any_of(args.begin() + 3, args.end(),
                                 [](std::string_view a) { return EqualsIgnoreCase(a, "GET"); });
    return get ? "RW access update" : "OW update";
  }
  const std::vector<std::string_view> flags = KeySpecFlags(spec);
  return flags.size() == 2 && pos > static_cast<size_t>(spec.first_key) ? flags[1] : flags[0];
}

std::vector<DocArg> ParseSyntax(std::string_view syntax) {
  SyntaxParser p(syntax);
  std::vector<std::vector<DocArg>> alts = p.Alternatives();
  if (alts.size() == 1) {
    return std::move(alts[0]);
  }
  return {SyntaxParser::Combine(std::move(alts), "arg")};
}

void ReplyCommandInfo(net::ReplyBuilder& rb, const CommandSpec& spec) {
  rb.ArrayHeader(10);
  rb.Bulk(spec.name);
  rb.Integer(spec.arity);
  const std::vector<std::string_view> flags = CommandFlagNames(spec.flags);
  rb.SetHeader(static_cast<int64_t>(flags.size()));
  for (std::string_view f : flags) {
    rb.SimpleString(f);
  }
  rb.Integer(spec.first_key);
  rb.Integer(spec.last_key);
  rb.Integer(spec.key_step);
  rb.SetHeader(static_cast<int64_t>(spec.acl.size()));
  for (std::string_view c : spec.acl) {
    rb.SimpleString("@" + std::string(c));
  }
  rb.SetHeader(0);  // tips
  ReplyKeySpecs(rb, spec);
  rb.ArrayHeader(static_cast<int64_t>(spec.subcommands.size()));
  for (const CommandSpec& sub : spec.subcommands) {
    ReplyCommandInfo(rb, sub);
  }
}

void ReplyCommandDocs(net::ReplyBuilder& rb, const CommandSpec& spec) {
  const std::vector<DocArg> args = ParseSyntax(spec.syntax);
  const bool subs = !spec.subcommands.empty();
  rb.MapHeader(4 + (args.empty() ? 0 : 1) + (subs ? 1 : 0));
  rb.Bulk("summary");
  rb.Bulk(spec.summary);
  rb.Bulk("since");
  rb.Bulk(spec.since);
  rb.Bulk("group");
  rb.Bulk(spec.group);
  rb.Bulk("complexity");
  rb.Bulk(spec.complexity);
  if (!args.empty()) {
    rb.Bulk("arguments");
    rb.ArrayHeader(static_cast<int64_t>(args.size()));
    for (const DocArg& a : args) {
      ReplyDocArg(rb, a);
    }
  }
  if (subs) {
    rb.Bulk("subcommands");
    rb.MapHeader(static_cast<int64_t>(spec.subcommands.size()));
    for (const CommandSpec& sub : spec.subcommands) {
      rb.Bulk(sub.name);
      ReplyCommandDocs(rb, sub);
    }
  }
}

}  // namespace rill::cmd
