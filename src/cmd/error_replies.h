// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// cmd/error_replies.h: the one table from ErrorCode to Redis's error text.
//
// Every compatibility fix to an error message is made here. A Status that carries its own
// message (already "PREFIX text") is sent as is; a bare code gets its text from the table.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace rill::cmd {

// The error line for a status, without the leading '-' and CRLF.
std::string ErrorLine(const Status& status);
std::string_view ErrorText(ErrorCode code);

// Redis's common texts, for handlers that build a Status by hand.
inline constexpr std::string_view kSyntaxError = "ERR syntax error";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";

}  // namespace rill::cmd
