// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/fuzz/conf_fuzz.cc: libFuzzer target for config::ConfigStore::LoadText.
//
// The input is conf-file text. Loading it must never crash, and:
//
//  * a failure is kInvalidConfig with Redis's "<origin>:<line>: ..." shape, and the line
//    number is one of the input's lines;
//  * loading has no process-wide side effect (the apply hooks, e.g. chdir for `dir`, run
//    only in ApplyAll, which this target never calls): the working directory is unchanged;
//  * a successful load survives CONFIG REWRITE: the lines every row's rewrite() prints,
//    loaded into a fresh store, succeed and give the same CONFIG GET * answer. A server
//    restarted from a rewritten file must come back with the configuration it had.
//
// Safety: `include <path>` reads any file the process can read, which a fuzzer must not
// do (it could hang on a FIFO or /dev/zero, or read secrets into a crash report). Inputs
// in which any line's first word is `include`, or which contain "include" anywhere in any
// case, are rejected before loading; the first-word check tokenizes exactly as the loader
// does (trim, SplitArgs, ToLower), so quoting or \x escapes cannot smuggle one in. Text
// produced by rewrite() is checked the same way; an include appearing there is a bug and
// fails the run.
// Threading: libFuzzer calls the entry point from one thread.
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_store.h"
#include "config/config_table.h"
#include "core/strings.h"
#include "tests/fuzz/fuzz_check.h"

namespace rill::config {
namespace {

constexpr std::string_view kOrigin = "fuzz.conf";

std::string_view Trim(std::string_view line) {
  while (!line.empty() && isspace(static_cast<unsigned char>(line.front()))) {
    line.remove_prefix(1);
  }
  while (!line.empty() && isspace(static_cast<unsigned char>(line.back()))) {
    line.remove_suffix(1);
  }
  return line;
}

// True when loading text could reach the include branch of the loader.
bool MayInclude(std::string_view text) {
  if (ToLower(text).find("include") != std::string::npos) {
    return true;
  }
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) {
      eol = text.size();
    }
    const std::optional<std::vector<std::string>> words =
        SplitArgs(Trim(text.substr(pos, eol - pos)));
    if (words && !words->empty() && ToLower((*words)[0]) == "include") {
      return true;
    }
    pos = eol + 1;
  }
  return false;
}

size_t CountLines(std::string_view text) {
  size_t n = 1;
  for (char c : text) {
    n += c == '\n' ? 1 : 0;
  }
  return n;
}

// A failed load names the origin and a line of the input: "fuzz.conf:<n>: ...".
void CheckFailure(const Status& s, std::string_view text) {
  RILL_FUZZ_CHECK(s.code() == ErrorCode::kInvalidConfig);
  const std::string& m = s.message();
  const std::string prefix = std::string(kOrigin) + ":";
  RILL_FUZZ_CHECK(m.rfind(prefix, 0) == 0);
  size_t line_no = 0;
  const char* first = m.data() + prefix.size();
  const auto [ptr, ec] = std::from_chars(first, m.data() + m.size(), line_no);
  RILL_FUZZ_CHECK(ec == std::errc() && ptr != first && *ptr == ':');
  RILL_FUZZ_CHECK(line_no >= 1 && line_no <= CountLines(text));
}

// The conf text CONFIG REWRITE would write for cfg, one line per rewrite() value.
std::string RewriteText(const Config& cfg) {
  std::string out;
  for (const ConfigDef& d : ConfigTable()) {
    for (const std::string& v : d.rewrite(cfg)) {
      out.append(d.name).append(" ").append(v).append("\n");
    }
  }
  return out;
}

void CheckRewriteRoundTrip(const ConfigStore& store) {
  const std::string text = RewriteText(*store.snapshot());
  if (MayInclude(text)) {
    fprintf(stderr, "rewrite produced an include line:\n%s", text.c_str());
    RILL_FUZZ_CHECK(!MayInclude(text));
  }
  ConfigStore reloaded;
  const Status s = reloaded.LoadText(text, "rewritten.conf");
  if (!s.ok()) {
    fprintf(stderr, "rewritten text does not load: %s\n%s", s.message().c_str(), text.c_str());
    RILL_FUZZ_CHECK(s.ok());
  }
  const std::vector<std::pair<std::string, std::string>> before = store.Get({"*"});
  const std::vector<std::pair<std::string, std::string>> after = reloaded.Get({"*"});
  if (before != after) {
    for (size_t i = 0; i < before.size() && i < after.size(); i++) {
      if (before[i] != after[i]) {
        fprintf(stderr, "%s: loaded '%s', after rewrite '%s'\n", before[i].first.c_str(),
                QuoteRepr(before[i].second).c_str(), QuoteRepr(after[i].second).c_str());
      }
    }
    RILL_FUZZ_CHECK(before == after);
  }
}

std::string WorkingDirectory() {
  char buf[4096];
  return getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : std::string();
}

}  // namespace
}  // namespace rill::config

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (rill::config::MayInclude(text)) {
    return -1;  // never load: an include would read a file; -1 keeps it out of the corpus
  }
  static const std::string cwd = rill::config::WorkingDirectory();
  rill::config::ConfigStore store;
  const rill::Status s = store.LoadText(text, rill::config::kOrigin);
  RILL_FUZZ_CHECK(rill::config::WorkingDirectory() == cwd);
  if (!s.ok()) {
    rill::config::CheckFailure(s, text);
    return 0;
  }
  rill::config::CheckRewriteRoundTrip(store);
  return 0;
}
