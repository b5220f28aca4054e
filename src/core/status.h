// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// core/status.h: how errors travel through Rill without exceptions.
//
// Three channels (HOUSE_STYLE "Errors"):
//  * ErrorCode: a cheap enum that data-structure code returns;
//  * Status: an ErrorCode plus an optional message, OK carries no allocation;
//  * Result<T>: a T or a non-OK Status.
// cmd/error_replies.cc is the one table that turns an ErrorCode into Redis's error text,
// so a Status without a message replies with that text. A Status with a message carries
// the full error line itself ("ERR syntax error", "WRONGTYPE ..."), prefix included.
//
// Threading: plain values, safe to move between threads.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace rill {

enum class ErrorCode : unsigned char {
  kOk = 0,
  kErr,            // generic "ERR ..." with a message
  kSyntax,         // ERR syntax error
  kNotInteger,     // ERR value is not an integer or out of range
  kNotFloat,       // ERR value is not a valid float
  kOverflow,       // ERR increment or decrement would overflow
  kWrongType,      // WRONGTYPE Operation against a key holding the wrong kind of value
  kNoSuchKey,      // ERR no such key
  kOutOfRange,     // ERR index out of range
  kDbIndex,        // ERR DB index is out of range
  kNoAuth,         // NOAUTH Authentication required.
  kWrongPass,      // WRONGPASS invalid username-password pair or user is disabled.
  kOom,            // OOM command not allowed when used memory > 'maxmemory'.
  kExecAbort,      // EXECABORT Transaction discarded because of previous errors.
  kProtocol,       // ERR Protocol error: ...
  kInvalidConfig,  // a config value failed validation (message has file:line or the reason)
  kIoError,        // a file or socket operation failed (message has strerror)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  explicit Status(ErrorCode code) : code_(code) {}
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  // An "ERR <text>" error, the commonest reply shape.
  static Status Err(std::string text) { return Status(ErrorCode::kErr, "ERR " + std::move(text)); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;  // full error line without "-" and CRLF; empty = table text
};

// A T or a non-OK Status. Access to value() on an error is a bug (checked in debug builds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  Result(ErrorCode code) : status_(code) {}              // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace rill
