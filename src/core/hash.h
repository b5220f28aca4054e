// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/hash.h: hash maps keyed by std::string that can be searched with a string_view.
//
// Debian's abseil is built with its own absl::string_view, so its default string hash does
// not accept std::string_view; these transparent functors make lookups by std::string_view
// work without building a temporary std::string.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>

#include <string>
#include <string_view>

namespace rill {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return absl::Hash<std::string_view>{}(s); }
};

struct StringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

template <typename V>
using StringMap = absl::flat_hash_map<std::string, V, StringHash, StringEq>;
using StringSet = absl::flat_hash_set<std::string, StringHash, StringEq>;

}  // namespace rill
