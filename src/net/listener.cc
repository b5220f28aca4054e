// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "net/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rill::net {

Listener::Listener(event_base* base, AcceptFn on_accept)
    : base_(base), on_accept_(std::move(on_accept)) {}

Listener::~Listener() {
  if (ev_ != nullptr) {
    event_free(ev_);
  }
  if (fd_ >= 0) {
    close(fd_);
  }
  if (is_unix_ && !unix_path_.empty()) {
    unlink(unix_path_.c_str());
  }
}

Status Listener::OpenTcp(const std::string& spec, int port, int backlog) {
  std::string addr = spec;
  if (!addr.empty() && addr[0] == '-') {
    addr = addr.substr(1);  // optional: Redis ignores EADDRNOTAVAIL for these
  }
  const bool v6 = addr.find(':') != std::string::npos;
  if (addr == "*") {
    addr = "0.0.0.0";
  } else if (addr == "::*") {
    addr = "::";
  }
  addrinfo hints{};
  hints.ai_family = v6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  addrinfo* res = nullptr;
  const std::string port_s = std::to_string(port);
  if (int rc = getaddrinfo(addr.c_str(), port_s.c_str(), &hints, &res); rc != 0) {
    return Status(ErrorCode::kIoError, "Could not resolve " + addr + ": " + gai_strerror(rc));
  }
  const int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(res);
    return Status(ErrorCode::kIoError, std::string("socket: ") + strerror(errno));
  }
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  if (v6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes));
  }
  if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
    const int err = errno;
    freeaddrinfo(res);
    close(fd);
    return Status(ErrorCode::kIoError, "Could not create server TCP listening socket " + addr +
                                           ":" + port_s + ": " + strerror(err));
  }
  freeaddrinfo(res);
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                         : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  fd_ = fd;
  ev_ = event_new(base_, fd_, EV_READ | EV_PERSIST, &Listener::AcceptCallback, this);
  event_add(ev_, nullptr);
  return Status::Ok();
}

Status Listener::OpenUnix(const std::string& path, int perm, int backlog) {
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) {
    return Status(ErrorCode::kIoError, "unixsocket path too long: " + path);
  }
  unlink(path.c_str());  // a stale socket from a previous run, as Redis does
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Status(ErrorCode::kIoError, std::string("socket: ") + strerror(errno));
  }
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path.data(), path.size());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(fd, backlog) != 0) {
    const int err = errno;
    close(fd);
    return Status(ErrorCode::kIoError, "Failed opening Unix socket " + path + ": " + strerror(err));
  }
  if (perm != 0) {
    chmod(path.c_str(), static_cast<mode_t>(perm));
  }
  fd_ = fd;
  is_unix_ = true;
  unix_path_ = path;
  ev_ = event_new(base_, fd_, EV_READ | EV_PERSIST, &Listener::AcceptCallback, this);
  event_add(ev_, nullptr);
  return Status::Ok();
}

void Listener::AcceptCallback(evutil_socket_t, short, void* arg) noexcept {
  static_cast<Listener*>(arg)->OnAcceptable();
}

void Listener::OnAcceptable() {
  for (int i = 0; i < 1000; i++) {
    const int fd = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      return;  // EAGAIN, or EMFILE & co: the next wake-up retries
    }
    if (!is_unix_) {
      const int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    }
    on_accept_(fd, is_unix_, SocketPeer(fd, is_unix_), SocketLocal(fd, is_unix_));
  }
}

namespace {

std::string FormatAddr(const sockaddr_storage& ss) {
  char ip[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
    port = ntohs(s->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
    port = ntohs(s->sin6_port);
  } else {
    return "?:0";
  }
  return std::string(ip) + ":" + std::to_string(port);
}

}  // namespace

std::string SocketPeer(int fd, bool is_unix) {
  if (is_unix) {
    return "/unixsocket:0";
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return "?:0";
  }
  return FormatAddr(ss);
}

std::string SocketLocal(int fd, bool is_unix) {
  if (is_unix) {
    return "/unixsocket:0";
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return "?:0";
  }
  return FormatAddr(ss);
}

void SetKeepAlive(int fd, int interval_s) {
  const int on = interval_s > 0 ? 1 : 0;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
  if (on == 0) {
    return;
  }
  int idle = interval_s;
  int intvl = std::max(1, interval_s / 3);
  int cnt = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

}  // namespace rill::net
