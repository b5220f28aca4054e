// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "tests/support/server_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace rill::test {

namespace {

// A port that was free a moment ago: the kernel's pick for a socket bound to port 0.
int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(sa);
  bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  close(fd);
  return ntohs(sa.sin_port);
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> extra_args, const std::string& conf_text) {
  char tmpl[] = "/tmp/rill-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  if (!conf_text.empty()) {
    std::ofstream(dir_ + "/rill.conf") << conf_text;
  }
  extra_args_ = std::move(extra_args);
  with_conf_ = !conf_text.empty();
  Restart();
}

bool ServerProcess::Restart(const std::string& ready_line) {
  port_ = 0;
  // Another process may take the port between the probe and the server's bind: retry.
  for (int attempt = 0; attempt < 5 && port_ == 0 && pid_ <= 0; attempt++) {
    Start(extra_args_, with_conf_, PickFreePort(), ready_line);
  }
  return started();
}

void ServerProcess::Start(const std::vector<std::string>& extra_args, bool with_conf, int port,
                          const std::string& ready_line) {
  std::vector<std::string> args = {RILL_SERVER_PATH};
  if (with_conf) {
    args.push_back(dir_ + "/rill.conf");
  }
  std::vector<std::string> base = {"--port",
                                   std::to_string(port),
                                   "--bind",
                                   "127.0.0.1",
                                   "--dir",
                                   dir_,
                                   "--logfile",
                                   dir_ + "/rill.log",
                                   "--enable-debug-command",
                                   "yes"};
  args.insert(args.end(), base.begin(), base.end());
  // The suite runs once per shard count (tests/CMakeLists.txt); a test's own arguments
  // come after, so one that needs a shard count sets it.
  if (const char* shards = getenv("RILL_TEST_SHARDS"); shards != nullptr) {
    args.insert(args.end(), {"--shards", shards});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  unlink((dir_ + "/rill.log").c_str());
  pid_ = fork();
  if (pid_ == 0) {
    std::vector<char*> argv;
    for (std::string& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Log().find(ready_line) != std::string::npos) {
      port_ = port;
      return;
    }
    if (!Alive()) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    Stop(SIGTERM);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string ServerProcess::Log() const {
  std::ifstream f(dir_ + "/rill.log");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

RedisConn ServerProcess::Connect() const {
  timeval tv{10, 0};
  return RedisConn(redisConnectWithTimeout("127.0.0.1", port_, tv));
}

bool ServerProcess::Alive() {
  if (pid_ <= 0) {
    return false;
  }
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ServerProcess::Stop(int sig) {
  if (pid_ <= 0) {
    return -1;
  }
  kill(pid_, sig);
  int status = 0;
  for (int i = 0; i < 1000; i++) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

int64_t InfoField(redisContext* c, const std::string& section, const std::string& field) {
  RedisReplyPtr r = Command(c, {"INFO", section});
  const std::string info(r->str, r->len);
  const size_t at = info.find(field + ":");
  return at == std::string::npos ? -1 : atoll(info.c_str() + at + field.size() + 1);
}

bool WaitBlocked(redisContext* c, int64_t n) {
  for (int i = 0; i < 500; i++) {
    if (InfoField(c, "clients", "blocked_clients") == n) {
      return true;
    }
    usleep(2000);
  }
  return false;
}

RedisReplyPtr Command(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return RedisReplyPtr(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data())));
}

int ConnectRaw(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string ReadUntilClose(int fd, int timeout_ms) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) {
      continue;
    }
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) {
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::pair<int, std::string> Shell(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof(buf), p) != nullptr) {
    out += buf;
  }
  return {pclose(p), out};
}

}  // namespace rill::test
