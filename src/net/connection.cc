// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "net/connection.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/check.h"

namespace rill::net {
namespace {

// The shared read buffer of this thread. Requests parsed from it are fully handled before
// the next read, so one buffer serves every connection of the thread.
thread_local char t_read_buf[Connection::kReadChunk];

constexpr size_t kKeepOutputCapacity = 16 * 1024;  // idle connections keep at most this

}  // namespace

Connection::Connection(event_base* base, int fd, ConnectionHandler* handler, IoCounters* counters,
                       bool is_unix)
    : base_(base), fd_(fd), handler_(handler), counters_(counters), is_unix_(is_unix) {}

Connection::~Connection() {
  if (read_ev_ != nullptr) {
    event_free(read_ev_);
  }
  if (write_ev_ != nullptr) {
    event_free(write_ev_);
  }
  if (fd_ >= 0) {
    close(fd_);
  }
}

void Connection::Start() {
  read_ev_ = event_new(base_, fd_, EV_READ | EV_PERSIST, &Connection::ReadCallback, this);
  write_ev_ = event_new(base_, fd_, EV_WRITE | EV_PERSIST, &Connection::WriteCallback, this);
  SetReading(true);
}

void Connection::Detach() {
  event_free(read_ev_);
  event_free(write_ev_);
  read_ev_ = write_ev_ = nullptr;
  base_ = nullptr;
}

void Connection::Attach(event_base* base, ConnectionHandler* handler, IoCounters* counters) {
  base_ = base;
  handler_ = handler;
  counters_ = counters;
  const bool reading = reading_;
  const bool writing = writing_;
  reading_ = writing_ = false;
  Start();  // reads again
  if (!reading) {
    SetReading(false);
  }
  if (writing) {
    writing_ = true;
    event_add(write_ev_, nullptr);
  }
}

void Connection::SetReading(bool on) {
  if (fd_ < 0 || on == reading_) {
    return;
  }
  reading_ = on;
  if (on) {
    event_add(read_ev_, nullptr);
  } else {
    event_del(read_ev_);
  }
}

void Connection::ReadCallback(evutil_socket_t, short, void* arg) noexcept {
  static_cast<Connection*>(arg)->OnReadable();
}

void Connection::WriteCallback(evutil_socket_t, short, void* arg) noexcept {
  static_cast<Connection*>(arg)->OnWritable();
}

void Connection::OnReadable() {
  if (fd_ < 0 || close_after_reply_) {
    return;
  }
  ssize_t n;
  if (in_len_ == 0) {
    n = read(fd_, t_read_buf, sizeof(t_read_buf));
  } else {
    EnsureInCapacity(in_len_ + kReadChunk);
    n = read(fd_, in_.get() + in_len_, in_cap_ - in_len_);
  }
  if (n == 0) {
    if (open_slots_ > 0) {
      CloseAfterReply();  // the peer stopped sending: the replies on their way still go out
    } else {
      Close();
    }
    return;
  }
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      Close();
    }
    return;
  }
  counters_->input_bytes += static_cast<uint64_t>(n);
  handler_->OnReadBatch();
  if (in_len_ == 0) {
    const size_t used = ProcessRequests(t_read_buf, static_cast<size_t>(n));
    if (fd_ >= 0 && used < static_cast<size_t>(n)) {
      KeepUnconsumed(t_read_buf + used, n - used);
    }
  } else {
    in_len_ += static_cast<size_t>(n);
    ProcessOwnBuffer();
  }
  if (fd_ >= 0 && static_cast<int64_t>(in_len_) > limits_.max_query_buffer) {
    ProtocolError("Protocol error: client query buffer limit reached");
  }
  // Replies in front of a slot wait for it: a pipeline that spans shards then leaves in
  // one write, not one before the slot and one after (a write and a client read saved per
  // pipeline; the first replies arrive one hop later). The slot's SendReleased sends them.
  if (holds_.empty() || !holds_.front().slot) {
    Flush();
  }
}

void Connection::ProcessOwnBuffer() {
  if (in_len_ == 0) {
    return;
  }
  const size_t used = ProcessRequests(in_.get(), in_len_);
  if (fd_ < 0) {
    return;
  }
  if (used == in_len_) {
    ReleaseInBuffer();
  } else if (used > 0) {
    memmove(in_.get(), in_.get() + used, in_len_ - used);
    in_len_ -= used;
  }
}

size_t Connection::ProcessRequests(const char* data, size_t len) {
  processing_ = true;
  size_t pos = 0;
  while (pos < len && fd_ >= 0 && !close_after_reply_ && !suspended_ && !backpressure_) {
    size_t consumed = 0;
    const RespParser::State st =
        parser_.Parse(data + pos, len - pos, limits_.parser, &args_, &consumed);
    if (st == RespParser::State::kIncomplete) {
      break;
    }
    if (st == RespParser::State::kError) {
      ProtocolError(parser_.error());
      pos = len;
      break;
    }
    if (!args_.empty() && !handler_->OnRequest(*this, args_)) {
      suspended_ = true;  // the request stays in the buffer and runs again on Resume()
      SetReading(false);
      break;
    }
    pos += consumed;
    if (pending_output() > kOutputHighWater) {
      Flush();
      if (pending_output() > kOutputHighWater && fd_ >= 0) {
        backpressure_ = true;
        SetReading(false);
      }
    }
  }
  processing_ = false;
  return pos;
}

void Connection::KeepUnconsumed(const char* data, size_t len) {
  EnsureInCapacity(len);
  memcpy(in_.get(), data, len);
  in_len_ = len;
}

void Connection::EnsureInCapacity(size_t need) {
  if (need <= in_cap_) {
    return;
  }
  // Grow geometrically, but when the parser knows the size of the request being read (a
  // large bulk), stop exactly there instead of doubling past it.
  size_t cap = std::max({need, in_cap_ * 2, size_t{16 * 1024}});
  const size_t hint = parser_.needed_hint();
  if (hint >= need && hint < cap) {
    cap = hint;
  }
  std::unique_ptr<char[]> buf(new char[cap]);
  if (in_len_ > 0) {
    memcpy(buf.get(), in_.get(), in_len_);
  }
  in_ = std::move(buf);
  in_cap_ = cap;
}

void Connection::ReleaseInBuffer() {
  in_.reset();
  in_len_ = 0;
  in_cap_ = 0;
}

void Connection::ProtocolError(std::string_view error) {
  handler_->OnProtocolError(*this, error);
  parser_.Reset();
  CloseAfterReply();  // the unread input is dropped when the socket closes
}

void Connection::Suspend() {
  // Reading goes on, so that a peer that hangs up is noticed; what it sends waits in the
  // buffer (bounded by the query buffer limit), as Redis does for a blocked client.
  suspended_ = true;
}

void Connection::Resume() {
  suspended_ = false;
  if (processing_ || fd_ < 0) {
    return;
  }
  // Reading first, as for a readable socket: a request that holds (OnRequest false) turns
  // it off again, one that blocks (Suspend) keeps it on to notice a hang-up.
  SetReading(!close_after_reply_ && !backpressure_);
  ProcessOwnBuffer();
  Flush();
}

void Connection::Flush() {
  if (fd_ < 0) {
    return;
  }
  const size_t sendable = sendable_end();
  while (out_sent_ < sendable) {
    const ssize_t n = write(fd_, out_.data() + out_sent_, sendable - out_sent_);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        break;
      }
      Close();
      return;
    }
    counters_->output_bytes += static_cast<uint64_t>(n);
    out_sent_ += static_cast<size_t>(n);
  }
  if (pending_output() == 0) {
    for (Hold& h : holds_) {
      h.from = 0;  // a hold with nothing behind it yet keeps holding what comes next
    }
    out_.clear();
    out_sent_ = 0;
    if (out_.capacity() > kKeepOutputCapacity) {
      std::string().swap(out_);
    }
    if (writing_) {
      writing_ = false;
      event_del(write_ev_);
    }
    if (close_after_reply_ && open_slots_ == 0) {
      Close();  // with slots open, the last FillSlot's SendReleased comes back here
    }
    return;
  }
  if (out_sent_ > kOutputHighWater && out_sent_ * 2 > out_.size()) {
    out_.erase(0, out_sent_);
    for (Hold& h : holds_) {
      h.from -= out_sent_;
    }
    out_sent_ = 0;
  }
  // Wait for the socket only when it refused bytes; held bytes wait for ReleaseOutput.
  const bool blocked_on_socket = out_sent_ < sendable;
  if (blocked_on_socket != writing_) {
    writing_ = blocked_on_socket;
    if (writing_) {
      event_add(write_ev_, nullptr);
    } else {
      event_del(write_ev_);
    }
  }
}

void Connection::HoldOutput(uint64_t seq, size_t from) { holds_.push_back({seq, from, false}); }

void Connection::ReleaseOutput(uint64_t seq) {
  std::erase_if(holds_, [seq](const Hold& h) { return !h.slot && h.seq <= seq; });
  if (fd_ >= 0 && !processing_) {
    OnWritable();
  }
}

uint64_t Connection::OpenSlot() {
  const uint64_t id = next_slot_++;
  holds_.push_back({id, out_.size(), true});
  open_slots_++;
  return id;
}

void Connection::FillSlot(uint64_t id, std::string_view bytes) {
  auto it = std::find_if(holds_.begin(), holds_.end(),
                         [id](const Hold& h) { return h.slot && h.seq == id; });
  if (it == holds_.end()) {
    return;  // closed since: its holds are gone
  }
  out_.insert(it->from, bytes);
  for (auto later = it + 1; later != holds_.end(); ++later) {
    later->from += bytes.size();
  }
  if (it == holds_.begin()) {
    holds_.pop_front();  // replies come back in order: the usual case, and no shifting
  } else {
    holds_.erase(it);
  }
  open_slots_--;
}

void Connection::ScheduleFlush() {
  if (fd_ >= 0 && !writing_ && out_sent_ < sendable_end()) {
    writing_ = true;
    event_add(write_ev_, nullptr);
  }
}

void Connection::OnWritable() {
  Flush();
  if (fd_ >= 0 && backpressure_ && pending_output() <= kOutputHighWater / 2) {
    backpressure_ = false;
    if (!suspended_) {
      ProcessOwnBuffer();
      if (fd_ >= 0 && !backpressure_ && !suspended_) {
        SetReading(!close_after_reply_);
      }
      Flush();
    }
  }
}

void Connection::CloseAfterReply() {
  if (fd_ < 0) {
    return;
  }
  close_after_reply_ = true;
  SetReading(false);
  if (!processing_) {
    Flush();
  }
}

void Connection::Close() {
  if (fd_ < 0) {
    return;
  }
  if (read_ev_ != nullptr) {
    event_del(read_ev_);
    event_del(write_ev_);
  }
  close(fd_);
  fd_ = -1;
  reading_ = writing_ = false;
  out_.clear();
  std::string().swap(out_);
  out_sent_ = 0;
  holds_.clear();
  open_slots_ = 0;
  ReleaseInBuffer();
  handler_->OnClose(*this);
}

}  // namespace rill::net
