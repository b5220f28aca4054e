// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// net/listener.h: a listening socket (TCP or unix) that hands accepted sockets on.
//
// Accepted sockets are non-blocking and close-on-exec; TCP ones get TCP_NODELAY. The
// listener accepts until EAGAIN on each wake-up, so a burst of connects costs one wake-up.
// Threading: runs on the event_base it was opened with.
#pragma once

#include <event2/event.h>

#include <functional>
#include <string>

#include "core/status.h"

namespace rill::net {

class Listener {
 public:
  // Called for every accepted socket; takes ownership of fd.
  using AcceptFn = std::function<void(int fd, bool is_unix, std::string peer, std::string local)>;

  Listener(event_base* base, AcceptFn on_accept);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds addr:port ("*" = all IPv4, "::*" = all IPv6, a leading '-' makes a failure to
  // bind harmless, as in Redis). port 0 picks a free port (see port()).
  Status OpenTcp(const std::string& addr, int port, int backlog);
  Status OpenUnix(const std::string& path, int perm, int backlog);
  int port() const { return port_; }

 private:
  static void AcceptCallback(evutil_socket_t fd, short what, void* arg) noexcept;
  void OnAcceptable();

  event_base* base_;
  AcceptFn on_accept_;
  int fd_ = -1;
  bool is_unix_ = false;
  std::string unix_path_;
  int port_ = 0;
  event* ev_ = nullptr;
};

// "ip:port" of a socket's peer or own end; "path:0" style for unix sockets as Redis does.
std::string SocketPeer(int fd, bool is_unix);
std::string SocketLocal(int fd, bool is_unix);
// Applies SO_KEEPALIVE with the given interval (Redis's anetKeepAlive); 0 turns it off.
void SetKeepAlive(int fd, int interval_s);

}  // namespace rill::net
