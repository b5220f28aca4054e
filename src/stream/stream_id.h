// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// stream/stream_id.h: the id of a stream entry, "<ms>-<seq>", and its text forms.
//
// An id is two unsigned 64-bit numbers compared as a pair. Commands accept ids in several
// shapes, which the parse functions below turn into a StreamId:
//
//   "1700000000000-3"  explicit          "1700000000000"  incomplete: seq is filled in
//   "-" / "+"          smallest/largest  "(5-1"           exclusive range bound
//   "5-*"              XADD: seq chosen  "*"              XADD: both chosen
//
// Digits only, leading zeros accepted, anything above 2^64-1 is an error; this is what
// Redis's string2ull accepts for each half.
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rill::stream {

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  static constexpr StreamId Min() { return {0, 0}; }
  static constexpr StreamId Max() { return {UINT64_MAX, UINT64_MAX}; }

  bool IsZero() const { return ms == 0 && seq == 0; }
  bool IsMax() const { return ms == UINT64_MAX && seq == UINT64_MAX; }
  // The next/previous id in order; nullopt past the ends.
  std::optional<StreamId> Next() const;
  std::optional<StreamId> Prev() const;

  friend constexpr auto operator<=>(const StreamId&, const StreamId&) = default;
};

// Longest "<ms>-<seq>": two 20-digit numbers and the dash.
constexpr size_t kMaxIdText = 41;
// Writes "<ms>-<seq>" at buf (room for kMaxIdText bytes); returns its length.
size_t FormatIdTo(char* buf, StreamId id);
// Appends "<ms>-<seq>".
void AppendId(std::string* out, StreamId id);
std::string FormatId(StreamId id);

// "<ms>-<seq>" in a buffer of its own, for text needed only while a call runs (the
// arguments of an effect): no allocation, where FormatId allocates once an id passes 15
// characters, as every millisecond-time id with a two-digit sequence does.
class IdText {
 public:
  explicit IdText(StreamId id) : len_(FormatIdTo(buf_, id)) {}
  std::string_view view() const { return {buf_, len_}; }

 private:
  char buf_[kMaxIdText];
  size_t len_;
};

// Parses one unsigned decimal half of an id; false on anything but digits or on overflow.
bool ParseIdPart(std::string_view s, uint64_t* out);

// Parses "<ms>" or "<ms>-<seq>"; an incomplete id gets missing_seq. With allow_special,
// "-" and "+" give Min()/Max(). nullopt when invalid.
std::optional<StreamId> ParseId(std::string_view s, uint64_t missing_seq, bool allow_special);

// A range bound: like ParseId with specials, plus "(" for an exclusive bound, which is
// turned into the next (start) or previous (end) id. Returns nullopt with *error set to the
// reply line when invalid.
std::optional<StreamId> ParseRangeBound(std::string_view s, bool is_start, std::string* error);

// XADD's id argument: "*", "<ms>-*" or explicit.
struct AddIdSpec {
  enum class Kind : uint8_t { kAuto, kAutoSeq, kExplicit };
  Kind kind = Kind::kAuto;
  StreamId id;  // ms for kAutoSeq, the whole id for kExplicit
};
std::optional<AddIdSpec> ParseAddId(std::string_view s);

inline constexpr std::string_view kInvalidIdError =
    "ERR Invalid stream ID specified as stream command argument";

}  // namespace rill::stream
