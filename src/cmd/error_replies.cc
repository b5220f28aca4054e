// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "cmd/error_replies.h"

namespace rill::cmd {
namespace {

struct ErrorReplySpec {
  ErrorCode code;
  std::string_view line;
};

constexpr ErrorReplySpec kErrorReplies[] = {
    {ErrorCode::kErr, "ERR"},
    {ErrorCode::kSyntax, "ERR syntax error"},
    {ErrorCode::kNotInteger, "ERR value is not an integer or out of range"},
    {ErrorCode::kNotFloat, "ERR value is not a valid float"},
    {ErrorCode::kOverflow, "ERR increment or decrement would overflow"},
    {ErrorCode::kWrongType, "WRONGTYPE Operation against a key holding the wrong kind of value"},
    {ErrorCode::kNoSuchKey, "ERR no such key"},
    {ErrorCode::kOutOfRange, "ERR index out of range"},
    {ErrorCode::kDbIndex, "ERR DB index is out of range"},
    {ErrorCode::kNoAuth, "NOAUTH Authentication required."},
    {ErrorCode::kWrongPass, "WRONGPASS invalid username-password pair or user is disabled."},
    {ErrorCode::kOom, "OOM command not allowed when used memory > 'maxmemory'."},
    {ErrorCode::kExecAbort, "EXECABORT Transaction discarded because of previous errors."},
    {ErrorCode::kProtocol, "ERR Protocol error"},
    {ErrorCode::kInvalidConfig, "ERR Invalid argument"},
    {ErrorCode::kIoError, "ERR I/O error"},
};

}  // namespace

std::string_view ErrorText(ErrorCode code) {
  for (const ErrorReplySpec& e : kErrorReplies) {
    if (e.code == code) {
      return e.line;
    }
  }
  return "ERR";
}

std::string ErrorLine(const Status& status) {
  if (!status.message().empty()) {
    return status.message();
  }
  return std::string(ErrorText(status.code()));
}

}  // namespace rill::cmd
