// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// tests/support/server_process.h: the real rill-server binary, started for one test.
//
// Each ServerProcess gets a fresh temporary `dir`, logs to <dir>/rill.log and listens on
// 127.0.0.1 on a port the kernel just reported free; if another process takes it first,
// the server fails to bind and is started again on another port. (`port 0` means "no TCP
// listener" in Redis and Rill, so it cannot be used to ask for an ephemeral port.)
// Extra arguments are appended to the command line (they override the conf).
// The destructor stops the server with SIGTERM (SIGKILL after 10 s) and removes the dir.
#pragma once

#include <hiredis/hiredis.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rill::test {

struct RedisFree {
  void operator()(redisContext* c) const { redisFree(c); }
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisConn = std::unique_ptr<redisContext, RedisFree>;
using RedisReplyPtr = std::unique_ptr<redisReply, RedisFree>;

class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extra_args = {},
                         const std::string& conf_text = "");
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  std::string Log() const;

  // Starts the server again after Stop(), on the same dir with the same arguments (and a
  // newly picked port); returns once the log shows ready_line (or the server died), and
  // whether it did.
  bool Restart(const std::string& ready_line = "Ready to accept connections");

  RedisConn Connect() const;
  // Sends a signal and waits for the exit; returns the exit status (waitpid's).
  int Stop(int sig);
  bool Alive();

 private:
  void Start(const std::vector<std::string>& extra_args, bool with_conf, int port,
             const std::string& ready_line);

  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::vector<std::string> extra_args_;
  bool with_conf_ = false;
};

// Runs one command given as separate arguments (binary safe).
RedisReplyPtr Command(redisContext* c, const std::vector<std::string>& args);
// A numeric field of INFO section; -1 if absent.
int64_t InfoField(redisContext* c, const std::string& section, const std::string& field);
// Waits (up to a second) until INFO reports n blocked clients: a blocking command reached
// the server. False if it never did.
bool WaitBlocked(redisContext* c, int64_t n);
// Connects a raw TCP socket to 127.0.0.1:port; returns the fd or -1.
int ConnectRaw(int port);
// Reads until the peer closes or timeout_ms passes; returns what was read.
std::string ReadUntilClose(int fd, int timeout_ms);
// Runs a shell command; returns (wait status, its stdout and stderr).
std::pair<int, std::string> Shell(const std::string& cmd);

}  // namespace rill::test
