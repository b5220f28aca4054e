// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "tests/support/command_harness.h"

#include <sys/socket.h>
#include <unistd.h>

#include "cmd/families.h"
#include "core/check.h"

namespace rill::test {

CommandHarness::CommandHarness(const std::string& conf_text)
    : clock_(1700000000000), dispatcher_(cmd::BuildCommandTable()) {
  Status s = store_.LoadText(conf_text, "test");
  RILL_CHECK(s.ok());
  set_ = std::make_unique<shard::ShardSet>(&store_, shard::ServerInfo{});
  set_->Add(
      std::make_unique<shard::Shard>(0, set_.get(), &dispatcher_, store_.snapshot(), &clock_));
  shard_ = &set_->shard(0);
  NewClient();
}

CommandHarness::~CommandHarness() {
  for (int fd : peer_fds_) {
    close(fd);
  }
}

size_t CommandHarness::NewClient() {
  int fds[2];
  RILL_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  peer_fds_.push_back(fds[1]);
  clients_.push_back(
      shard_->Adopt(fds[0], false, "127.0.0.1:5000" + std::to_string(fds[0]), "127.0.0.1:6379"));
  return clients_.size() - 1;
}

std::string CommandHarness::Run(const std::vector<std::string>& args, size_t client) {
  std::vector<std::string_view> views(args.begin(), args.end());
  shard::Client& c = *clients_[client];
  shard_->RefreshClock();  // as the shard does before each batch read from a socket
  const bool done = shard_->OnRequest(*c.conn, views);
  std::string out = Take(client);
  return done ? out : out + "<held>";
}

std::string CommandHarness::Take(size_t client) {
  shard::Client& c = *clients_[client];
  if (c.conn->closed()) {
    return "<closed>";
  }
  std::string out = std::move(c.conn->out());
  c.conn->out().clear();
  return out;
}

std::string CommandHarness::ReadPeer(size_t client) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = recv(peer_fds_[client], buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace rill::test
