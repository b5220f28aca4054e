// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/strings.h: the string helpers every layer needs, with Redis's exact rules.
//
//  * ParseInt64 accepts what Redis's string2ll accepts: optional '-', no '+', no spaces,
//    no leading zeros (except "0"), nothing after the digits, within int64 range.
//  * ParseDouble accepts what strtod accepts for a whole string, without spaces, rejecting
//    NaN (Redis's getLongDoubleFromObject rules); "inf" and "-inf" are allowed.
//  * FormatDouble prints the shortest text that reads back to the same double, as Redis 7.
//  * GlobMatch is Redis's stringmatchlen: * ? [abc] [^a-z] and backslash escapes.
//  * SplitArgs splits a line like Redis's sdssplitargs: spaces separate, "double quotes"
//    take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' take only \'. An
//    unbalanced quote is an error (nullopt).
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rill {

std::optional<int64_t> ParseInt64(std::string_view s);
std::optional<uint64_t> ParseUint64(std::string_view s);
std::optional<double> ParseDouble(std::string_view s);
// Parses "1gb", "5mb", "100k", "42" (Redis memory units: k/kb/m/mb/g/gb, case-insensitive;
// k=1000, kb=1024). Returns nullopt on anything else.
std::optional<int64_t> ParseMemory(std::string_view s);

std::string FormatDouble(double d);
// Appends the decimal form of v to out without going through std::string formatting.
void AppendInt64(std::string& out, int64_t v);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

std::optional<std::vector<std::string>> SplitArgs(std::string_view line);

// Quotes s like Redis's sdscatrepr: "..." with escapes for non-printable bytes.
std::string QuoteRepr(std::string_view s);

}  // namespace rill
