// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/support/mini_json.h: just enough JSON to read redis-compat/commands.json in tests:
// objects, arrays, strings without escapes beyond \" and \\, integers, true/false/null.
// Returns nullopt on anything else, so a malformed file fails the test instead of passing.
#pragma once

#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rill::test {

struct Json {
  enum Kind { kNull, kBool, kInt, kString, kArray, kObject } kind = kNull;
  int64_t i = 0;
  std::string s;
  std::vector<Json> a;
  std::map<std::string, Json> o;
};

class JsonReader {
 public:
  static std::optional<Json> Parse(std::string_view text) {
    JsonReader r(text);
    std::optional<Json> v = r.Value();
    r.Space();
    return r.p_ == text.size() ? v : std::nullopt;
  }

 private:
  explicit JsonReader(std::string_view t) : t_(t) {}
  void Space() {
    while (p_ < t_.size() && isspace(static_cast<unsigned char>(t_[p_]))) p_++;
  }
  bool Eat(char c) {
    Space();
    if (p_ < t_.size() && t_[p_] == c) {
      p_++;
      return true;
    }
    return false;
  }
  std::optional<std::string> String() {
    if (!Eat('"')) return std::nullopt;
    std::string s;
    while (p_ < t_.size() && t_[p_] != '"') {
      if (t_[p_] == '\\' && p_ + 1 < t_.size()) p_++;
      s.push_back(t_[p_++]);
    }
    if (p_ >= t_.size()) return std::nullopt;
    p_++;
    return s;
  }
  std::optional<Json> Value() {
    Space();
    if (p_ >= t_.size()) return std::nullopt;
    Json v;
    const char c = t_[p_];
    if (c == '{') {
      p_++;
      v.kind = Json::kObject;
      if (Eat('}')) return v;
      do {
        std::optional<std::string> k = String();
        if (!k || !Eat(':')) return std::nullopt;
        std::optional<Json> x = Value();
        if (!x) return std::nullopt;
        v.o[*k] = std::move(*x);
      } while (Eat(','));
      return Eat('}') ? std::optional<Json>(v) : std::nullopt;
    }
    if (c == '[') {
      p_++;
      v.kind = Json::kArray;
      if (Eat(']')) return v;
      do {
        std::optional<Json> x = Value();
        if (!x) return std::nullopt;
        v.a.push_back(std::move(*x));
      } while (Eat(','));
      return Eat(']') ? std::optional<Json>(v) : std::nullopt;
    }
    if (c == '"') {
      std::optional<std::string> s = String();
      if (!s) return std::nullopt;
      v.kind = Json::kString;
      v.s = *s;
      return v;
    }
    for (std::string_view word : {"true", "false", "null"}) {
      if (t_.substr(p_, word.size()) == word) {
        p_ += word.size();
        v.kind = word == "null" ? Json::kNull : Json::kBool;
        v.i = word == "true";
        return v;
      }
    }
    size_t q = p_;
    if (q < t_.size() && t_[q] == '-') q++;
    if (q >= t_.size() || !isdigit(static_cast<unsigned char>(t_[q]))) return std::nullopt;
    while (q < t_.size() && isdigit(static_cast<unsigned char>(t_[q]))) q++;
    v.kind = Json::kInt;
    v.i = std::stoll(std::string(t_.substr(p_, q - p_)));
    p_ = q;
    return v;
  }

  std::string_view t_;
  size_t p_ = 0;
};

}  // namespace rill::test
