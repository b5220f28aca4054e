// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "persist/manifest.h"

#include "core/strings.h"

namespace rill::persist {

std::vector<AofFile> Manifest::Files() const {
  std::vector<AofFile> files;
  if (base) {
    files.push_back(*base);
  }
  files.insert(files.end(), incrs.begin(), incrs.end());
  return files;
}

std::string Manifest::Encode() const {
  std::string out;
  for (const AofFile& f : Files()) {
    out +=
        "file " + f.name + " seq " + std::to_string(f.seq) + " type " + (f.base ? "b" : "i") + "\n";
  }
  return out;
}

Result<Manifest> Manifest::Parse(std::string_view text) {
  Manifest m;
  int line_no = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    line_no++;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const std::vector<std::string> w = SplitArgs(line).value_or(std::vector<std::string>());
    const auto bad = [&](std::string_view why) {
      return Status(ErrorCode::kInvalidConfig,
                    "manifest line " + std::to_string(line_no) + ": " + std::string(why));
    };
    if (w.size() != 6 || w[0] != "file" || w[2] != "seq" || w[4] != "type") {
      return bad("expected 'file <name> seq <n> type <b|i>'");
    }
    if (w[1].find('/') != std::string::npos) {
      return bad("file names may not contain '/'");
    }
    const std::optional<int64_t> seq = ParseInt64(w[3]);
    if (!seq || *seq <= 0) {
      return bad("bad seq");
    }
    AofFile f{w[1], static_cast<uint64_t>(*seq), w[5] == "b"};
    if (w[5] != "b" && w[5] != "i") {
      return bad("type must be b or i");
    }
    if (f.base) {
      if (m.base || !m.incrs.empty()) {
        return bad("one base file, before the increments");
      }
      m.base = std::move(f);
    } else {
      if (!m.incrs.empty() && f.seq <= m.incrs.back().seq) {
        return bad("increment seq numbers must increase");
      }
      m.incrs.push_back(std::move(f));
    }
  }
  return m;
}

const AofFile& Manifest::AddIncrement(const std::string& prefix) {
  const uint64_t seq = incrs.empty() ? 1 : incrs.back().seq + 1;
  incrs.push_back({prefix + "." + std::to_string(seq) + ".incr.aof", seq, false});
  return incrs.back();
}

AofFile Manifest::NextBase(const std::string& prefix) const {
  const uint64_t seq = base ? base->seq + 1 : 1;
  return {prefix + "." + std::to_string(seq) + ".base.rill", seq, true};
}

Manifest Manifest::WithBase(AofFile new_base, uint64_t first_incr_seq) const {
  Manifest m;
  m.base = std::move(new_base);
  for (const AofFile& f : incrs) {
    if (f.seq >= first_incr_seq) {
      m.incrs.push_back(f);
    }
  }
  return m;
}

}  // namespace rill::persist
