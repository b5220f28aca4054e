// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "core/strings.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace rill {

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty() || s.size() > 20) {
    return std::nullopt;
  }
  if (s.size() > 1 && (s[0] == '0' || (s[0] == '-' && s[1] == '0'))) {
    return std::nullopt;  // Redis rejects leading zeros and "-0"
  }
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<uint64_t> ParseUint64(std::string_view s) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) {
    return std::nullopt;
  }
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  if (s.empty() || s.size() > 5000 || isspace(static_cast<unsigned char>(s[0]))) {
    return std::nullopt;
  }
  std::string buf(s);  // strtod needs a terminator; from_chars rejects "inf" spellings Redis takes
  char* end = nullptr;
  errno = 0;
  const double v = strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size() || std::isnan(v) ||
      (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0))) {
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> ParseMemory(std::string_view s) {
  size_t digits = 0;
  if (!s.empty() && s[0] == '-') {
    digits = 1;
  }
  while (digits < s.size() && isdigit(static_cast<unsigned char>(s[digits]))) {
    digits++;
  }
  const std::string unit = ToLower(s.substr(digits));
  int64_t mul = 1;
  if (unit.empty() || unit == "b") {
    mul = 1;
  } else if (unit == "k") {
    mul = 1000;
  } else if (unit == "kb") {
    mul = 1024;
  } else if (unit == "m") {
    mul = 1000 * 1000;
  } else if (unit == "mb") {
    mul = 1024 * 1024;
  } else if (unit == "g") {
    mul = 1000LL * 1000 * 1000;
  } else if (unit == "gb") {
    mul = 1024LL * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  int64_t v = 0;
  const std::string_view num = s.substr(0, digits);
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  if (num.empty() || ec != std::errc() || ptr != num.data() + num.size()) {
    return std::nullopt;
  }
  if (v != 0 && (v > INT64_MAX / mul || v < INT64_MIN / mul)) {
    return std::nullopt;
  }
  return v * mul;
}

std::string FormatDouble(double d) {
  if (std::isinf(d)) {
    return d > 0 ? "inf" : "-inf";
  }
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, ec == std::errc() ? ptr : buf);
}

void AppendInt64(std::string& out, int64_t v) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, ptr);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string ToLower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  }
  return r;
}

std::string ToUpper(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  }
  return r;
}

namespace {

// Matches one [...] class at pattern[*p] (just past '['); advances *p to the closing ']'.
bool MatchClass(std::string_view pattern, size_t* p, char c, bool nocase) {
  size_t i = *p;
  const bool negate = i < pattern.size() && pattern[i] == '^';
  if (negate) {
    i++;
  }
  bool match = false;
  auto lower = [nocase](char x) {
    return nocase ? static_cast<char>(tolower(static_cast<unsigned char>(x))) : x;
  };
  while (i < pattern.size() && pattern[i] != ']') {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      i++;
      match |= lower(pattern[i]) == lower(c);
    } else if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      char lo = lower(pattern[i]);
      char hi = lower(pattern[i + 2]);
      if (lo > hi) {
        std::swap(lo, hi);
      }
      match |= lower(c) >= lo && lower(c) <= hi;
      i += 2;
    } else {
      match |= lower(pattern[i]) == lower(c);
    }
    i++;
  }
  if (i >= pattern.size()) {
    i = pattern.size() - 1;  // unterminated class: Redis treats the end as the close
  }
  *p = i;
  return negate ? !match : match;
}

bool GlobMatchImpl(std::string_view pattern, std::string_view str, bool nocase, int depth) {
  if (depth > 1000) {
    return false;  // Redis bounds recursion the same way against pathological patterns
  }
  size_t p = 0;
  size_t s = 0;
  while (p < pattern.size()) {
    switch (pattern[p]) {
      case '*':
        while (p + 1 < pattern.size() && pattern[p + 1] == '*') {
          p++;
        }
        if (p + 1 == pattern.size()) {
          return true;
        }
        for (size_t k = s; k <= str.size(); k++) {
          if (GlobMatchImpl(pattern.substr(p + 1), str.substr(k), nocase, depth + 1)) {
            return true;
          }
        }
        return false;
      case '?':
        if (s >= str.size()) {
          return false;
        }
        s++;
        break;
      case '[': {
        if (s >= str.size()) {
          return false;
        }
        p++;
        if (!MatchClass(pattern, &p, str[s], nocase)) {
          return false;
        }
        s++;
        break;
      }
      case '\\':
        if (p + 1 < pattern.size()) {
          p++;
        }
        [[fallthrough]];
      default: {
        if (s >= str.size()) {
          return false;
        }
        const bool eq = nocase ? tolower(static_cast<unsigned char>(pattern[p])) ==
                                     tolower(static_cast<unsigned char>(str[s]))
                               : pattern[p] == str[s];
        if (!eq) {
          return false;
        }
        s++;
        break;
      }
    }
    p++;
  }
  return s == str.size();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  return GlobMatchImpl(pattern, str, nocase, 0);
}

std::optional<std::vector<std::string>> SplitArgs(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && isspace(static_cast<unsigned char>(line[i]))) {
      i++;
    }
    if (i >= n) {
      return out;
    }
    std::string cur;
    bool in_dq = false;
    bool in_sq = false;
    bool done = false;
    while (!done) {
      if (in_dq) {
        if (i >= n) {
          return std::nullopt;  // unterminated quotes
        }
        const char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
            HexValue(line[i + 3]) >= 0) {
          cur.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          i++;
          switch (line[i]) {
            case 'n':
              cur.push_back('\n');
              break;
            case 'r':
              cur.push_back('\r');
              break;
            case 't':
              cur.push_back('\t');
              break;
            case 'b':
              cur.push_back('\b');
              break;
            case 'a':
              cur.push_back('\a');
              break;
            default:
              cur.push_back(line[i]);
              break;
          }
        } else if (c == '"') {
          // The closing quote must be followed by a space or the end.
          if (i + 1 < n && !isspace(static_cast<unsigned char>(line[i + 1]))) {
            return std::nullopt;
          }
          done = true;
        } else {
          cur.push_back(c);
        }
      } else if (in_sq) {
        if (i >= n) {
          return std::nullopt;
        }
        const char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          i++;
          cur.push_back('\'');
        } else if (c == '\'') {
          if (i + 1 < n && !isspace(static_cast<unsigned char>(line[i + 1]))) {
            return std::nullopt;
          }
          done = true;
        } else {
          cur.push_back(c);
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        const char c = line[i];
        if (isspace(static_cast<unsigned char>(c))) {
          done = true;
        } else if (c == '"') {
          in_dq = true;
        } else if (c == '\'') {
          in_sq = true;
        } else {
          cur.push_back(c);
        }
      }
      if (i < n) {
        i++;
      }
    }
    out.push_back(std::move(cur));
  }
}

std::string QuoteRepr(std::string_view s) {
  std::string r = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\\':
        r += "\\\\";
        break;
      case '"':
        r += "\\\"";
        break;
      case '\n':
        r += "\\n";
        break;
      case '\r':
        r += "\\r";
        break;
      case '\t':
        r += "\\t";
        break;
      case '\a':
        r += "\\a";
        break;
      case '\b':
        r += "\\b";
        break;
      default:
        if (isprint(c)) {
          r.push_back(static_cast<char>(c));
        } else {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\x%02x", c);
          r += buf;
        }
    }
  }
  r.push_back('"');
  return r;
}

}  // namespace rill
