// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// net/connection.h: one client socket: reads requests, hands them on, writes replies.
//
// Input path: a readable socket is read into the thread's shared 64 KiB buffer and
// requests are parsed in place (zero copy) and handed to the ConnectionHandler one at a
// time. Only an incomplete request's bytes are copied into the connection's own buffer,
// so an idle connection holds no input buffer at all. When the own buffer has bytes, later
// reads append there until the request completes.
//
// Output path: the handler appends replies to out(). After a batch of requests the
// connection writes what it can; the rest goes out when the socket is writable. Replies
// therefore leave in request order.
//
// Held output (appendfsync always): HoldOutput(seq, from) keeps every byte from offset
// `from` of out() unsent until ReleaseOutput(s) with s >= seq. Later replies queue behind
// it, so pipeline order holds; holds are released in seq order.
//
// Slots (several shards): a request whose reply another thread computes leaves a slot
// at the end of out(); OpenSlot() holds everything from there on, FillSlot() puts the
// reply in its place and lifts the hold. Slots and holds may be filled and released in any
// order; bytes leave strictly in request order. After a batch of requests, replies in
// front of an open slot wait for it, so the batch's replies leave in one write (a slot
// held up, as by CLIENT PAUSE at its owner, holds them up too). A peer that stops sending
// (EOF) while slots are open still gets their replies, and the replies before them.
// Holds and slots start at or before the running request's reply, which a handler may
// therefore edit in place (ReplyBuilder::ArrayHeaderAt, TruncateTo): nothing is sent or
// moved while a handler runs.
//
// Back-pressure (better than Redis, which lets a client that never reads grow its output
// until the output limit kills it): when more than kOutputHighWater bytes wait to be sent,
// the connection stops reading requests until they drain. A pipelining client that reads
// slowly is slowed, not disconnected. Pushed data (pub/sub) cannot be paused that way;
// the shard enforces client-output-buffer-limit on it.
//
// Migration (several shards): a connection may move to another thread between two of its
// callbacks; see Detach() and Attach().
//
// Lifetime: Close() unregisters the socket, closes it and calls OnClose(); the owner must
// destroy the Connection later, outside this call (the shard reaps closed clients from
// its loop), because Close() can happen in the middle of the connection's own callbacks.
// Threading: a connection lives on one shard thread; every method runs there.
#pragma once

#include <event2/event.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/resp_parser.h"

namespace rill::net {

class Connection;

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // Runs one request whose arguments borrow bytes valid only during the call. Returns
  // false to leave the request unconsumed and stop reading until Resume().
  virtual bool OnRequest(Connection& conn, std::span<const std::string_view> args) = 0;
  // The socket was closed (peer gone, error, or Close()).
  virtual void OnClose(Connection& conn) = 0;
  // A protocol error was found; the reply is sent and the connection closes after it.
  virtual void OnProtocolError(Connection& conn, std::string_view error) = 0;
  // Bytes arrived and a batch of requests is about to run.
  virtual void OnReadBatch() {}
};

struct IoCounters {
  uint64_t input_bytes = 0;   // total bytes read from clients
  uint64_t output_bytes = 0;  // total bytes written to clients
};

struct ConnectionLimits {
  ParserLimits parser;
  int64_t max_query_buffer = 1024LL * 1024 * 1024;  // client-query-buffer-limit
};

class Connection {
 public:
  static constexpr size_t kOutputHighWater = 1024 * 1024;  // bytes; stop reading above this
  static constexpr size_t kReadChunk = 64 * 1024;          // bytes per read(2)

  // Takes ownership of fd. REQUIRES: base, handler and counters outlive the connection.
  Connection(event_base* base, int fd, ConnectionHandler* handler, IoCounters* counters,
             bool is_unix);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start();
  // Moving to another thread (shard): Detach() on the old one unregisters the socket's
  // events; Attach() on the new one registers them on its base and goes on where the
  // connection was (buffered input, pending output). REQUIRES: not inside a callback of
  // this connection.
  void Detach();
  void Attach(event_base* base, ConnectionHandler* handler, IoCounters* counters);

  std::string& out() { return out_; }
  size_t pending_output() const { return out_.size() - out_sent_; }
  size_t output_capacity() const { return out_.capacity(); }
  size_t query_buffer_size() const { return in_len_; }
  size_t query_buffer_capacity() const { return in_cap_; }
  ConnectionLimits& limits() { return limits_; }

  // Writes what is pending now (up to the first hold); the rest when the socket is writable.
  void Flush();
  // Output from byte `from` of out() on waits for ReleaseOutput(seq). REQUIRES: seq and
  // from are not smaller than those of the previous hold.
  void HoldOutput(uint64_t seq, size_t from);
  // Releases the holds up to seq and sends what they kept.
  void ReleaseOutput(uint64_t seq);
  bool output_held() const { return !holds_.empty(); }
  // Leaves a slot for a reply computed elsewhere; returns its id for FillSlot.
  uint64_t OpenSlot();
  // Puts bytes in the slot id; SendReleased() then sends what it no longer holds back.
  void FillSlot(uint64_t id, std::string_view bytes);
  // Sends what can be sent, and reads again if back-pressure stopped reading and the output
  // has drained (as when the socket becomes writable).
  void SendReleased() {
    if (fd_ >= 0 && !processing_) {
      OnWritable();
    }
  }
  size_t open_slots() const { return open_slots_; }
  // Makes sure pending output is written soon (for data pushed by other clients).
  void ScheduleFlush();
  // Stops reading; closes once pending output is written.
  void CloseAfterReply();
  // Closes now, dropping pending output.
  void Close();
  // Stops running requests after the current one (a blocked command) but keeps reading
  // into the buffer; Resume() goes on.
  void Suspend();
  // Continues with buffered requests after OnRequest returned false or Suspend().
  void Resume();

  bool closed() const { return fd_ < 0; }
  bool closing() const { return close_after_reply_ || fd_ < 0; }
  bool is_unix() const { return is_unix_; }
  int fd() const { return fd_; }
  const std::string& peer_addr() const { return peer_addr_; }
  const std::string& local_addr() const { return local_addr_; }
  // The owner's object for this connection (the shard's Client).
  void* user_data() const { return user_data_; }
  void set_user_data(void* p) { user_data_ = p; }
  void set_addrs(std::string peer, std::string local) {
    peer_addr_ = std::move(peer);
    local_addr_ = std::move(local);
  }

 private:
  static void ReadCallback(evutil_socket_t fd, short what, void* arg) noexcept;
  static void WriteCallback(evutil_socket_t fd, short what, void* arg) noexcept;
  void OnReadable();
  void OnWritable();
  // Parses and runs requests in data[0, len). Returns bytes consumed.
  size_t ProcessRequests(const char* data, size_t len);
  void ProcessOwnBuffer();
  void KeepUnconsumed(const char* data, size_t len);
  void EnsureInCapacity(size_t need);
  void ReleaseInBuffer();
  void ProtocolError(std::string_view error);
  void SetReading(bool on);
  size_t sendable_end() const {
    return holds_.empty() ? out_.size() : std::min(holds_.front().from, out_.size());
  }

  event_base* base_;
  int fd_;
  ConnectionHandler* handler_;
  IoCounters* counters_;
  bool is_unix_;
  event* read_ev_ = nullptr;
  event* write_ev_ = nullptr;
  bool reading_ = false;
  bool writing_ = false;
  bool suspended_ = false;     // handler asked to stop (OnRequest false, or Suspend())
  bool backpressure_ = false;  // too much output pending; reading stopped
  bool processing_ = false;    // inside ProcessRequests (re-entrancy guard)
  bool close_after_reply_ = false;

  RespParser parser_;
  ConnectionLimits limits_;
  std::vector<std::string_view> args_;
  std::unique_ptr<char[]> in_;  // own input buffer: only an incomplete request's bytes
  size_t in_len_ = 0;
  size_t in_cap_ = 0;

  std::string out_;
  size_t out_sent_ = 0;  // bytes of out_ already written
  struct Hold {
    uint64_t seq;  // the ReleaseOutput seq, or the slot's id
    size_t from;   // offset in out_, moved when sent bytes are erased from its front
    bool slot;
  };
  std::deque<Hold> holds_;  // in `from` order
  uint64_t next_slot_ = 0;
  size_t open_slots_ = 0;

  std::string peer_addr_;
  std::string local_addr_;
  void* user_data_ = nullptr;
};

}  // namespace rill::net
