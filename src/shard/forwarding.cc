// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
//
// shard/forwarding.cc: running a client's request on the shard that owns its keys.
//
// A batch carries the requests of one loop turn from one shard to another: their
// arguments packed in one string (a 32-bit length, then the bytes, for each), so a request
// costs a few appends, not an allocation per argument. The owner runs them in order and
// sends their replies back the same way. Mailboxes keep order between two shards, so a
// client's requests to one owner run in the order it sent them.
#include <fcntl.h>

#include <cstring>

#include "shard/shard.h"
#include "shard/shard_set.h"

namespace rill::shard {

struct Shard::ForwardBatch {
  struct Request {
    uint64_t client;
    uint64_t slot;
    const void* command;
    int db;
    int resp;
    bool discard;
    uint32_t argc;
    size_t args_at;  // where its arguments start in args
  };
  int from = 0;
  std::vector<Request> requests;
  std::string args;
};

struct Shard::ReplyBatch {
  struct Reply {
    uint64_t client;
    uint64_t slot;
    size_t end;  // the reply is bytes[previous reply's end, end)
  };
  std::vector<Reply> replies;
  std::string bytes;
  int home = 0;  // where they go
};

void Shard::Forward(Client& c, int owner, const void* command,
                    std::span<const std::string_view> args, bool discard) {
  if (forward_out_.empty()) {
    forward_out_.resize(static_cast<size_t>(set_->size()));
  }
  if (c.streak_owner != owner) {
    c.streak_owner = owner;
    c.forward_streak = 0;
  }
  if (++c.forward_streak >= kMigrateAfter) {
    Migrate(c, owner);
  }
  std::shared_ptr<ForwardBatch>& batch = forward_out_[static_cast<size_t>(owner)];
  if (batch == nullptr) {
    batch = std::make_shared<ForwardBatch>();
    batch->from = id_;
  }
  std::string& packed = batch->args;
  batch->requests.push_back({c.id, c.conn->OpenSlot(), command, c.db, c.resp, discard,
                             static_cast<uint32_t>(args.size()), packed.size()});
  size_t bytes = 0;
  for (const std::string_view a : args) {
    bytes += sizeof(uint32_t) + a.size();
  }
  size_t at = packed.size();
  packed.resize(at + bytes);  // one size check, then plain copies
  for (const std::string_view a : args) {
    const uint32_t len = static_cast<uint32_t>(a.size());
    memcpy(packed.data() + at, &len, sizeof(len));
    if (!a.empty()) {  // an empty view's data() may be null, which memcpy must not get
      memcpy(packed.data() + at + sizeof(len), a.data(), a.size());
    }
    at += sizeof(len) + a.size();
  }
}

void Shard::FlushForwards() {
  for (size_t i = 0; i < forward_out_.size(); i++) {
    if (forward_out_[i] != nullptr) {
      Shard& owner = set_->shard(static_cast<int>(i));
      owner.Post([&owner, batch = std::move(forward_out_[i])] {
        owner.forwards_in_.emplace_back(batch, 0);
        owner.RunForwards();
      });
      forward_out_[i] = nullptr;
    }
  }
}

void Shard::RunForwards() {
  while (!forwards_in_.empty()) {
    auto& [batch, next] = forwards_in_.front();
    if (!RunForwardBatch(*batch, &next)) {
      return;
    }
    forwards_in_.pop_front();
  }
}

bool Shard::RunForwardBatch(const ForwardBatch& batch, size_t* next) {
  if (proxy_ == nullptr) {
    proxy_ = std::make_unique<Client>();
    proxy_->authenticated = true;
    proxy_->home = id_;
    proxy_->proxy = true;
    const int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    proxy_->conn = std::make_unique<net::Connection>(base_, fd, this, &stats_.io, false);
    proxy_->conn->set_user_data(proxy_.get());
  }
  auto replies = std::make_shared<ReplyBatch>();
  const uint64_t produced_before = own_journal_.produced();
  replies->replies.reserve(batch.requests.size() - *next);
  std::string& out = proxy_->conn->out();
  bool done = true;
  for (; *next < batch.requests.size(); ++*next) {
    const ForwardBatch::Request& r = batch.requests[*next];
    const char* p = batch.args.data() + r.args_at;
    forward_args_.clear();
    for (uint32_t i = 0; i < r.argc; i++) {
      uint32_t len;
      memcpy(&len, p, sizeof(len));
      forward_args_.emplace_back(p + sizeof(len), len);
      p += sizeof(len) + len;
    }
    proxy_->db = r.db;
    proxy_->resp = r.resp;
    out.clear();
    if (!handler_->RunForwarded(*this, *proxy_, r.command, forward_args_)) {
      done = false;
      break;
    }
    if (keyspace_.has_ready_keys()) {
      ServeReadyKeys();
    }
    if (!r.discard) {
      replies->bytes += out;
    }
    replies->replies.push_back({r.client, r.slot, replies->bytes.size()});
  }
  out.clear();
  if (replies->replies.empty()) {
    return done;
  }
  replies->home = batch.from;
  if (own_journal_.produced() != produced_before && journal_sink_ != nullptr) {
    // Writes: their replies wait until the journal holds their effects (appendfsync).
    held_forward_replies_.emplace_back(own_journal_.produced(), std::move(replies));
  } else {
    SendReplies(std::move(replies));
  }
  return done;
}

void Shard::SendReplies(std::shared_ptr<ReplyBatch> replies) {
  Shard& h = set_->shard(replies->home);
  h.Post([&h, replies = std::move(replies)] { h.FillReplies(*replies); });
}

// A client's replies are next to each other in a batch (its pipeline was forwarded in one
// read), so each client is sent to once, when the next reply is another client's: one
// write for its whole pipeline, without collecting and sorting the clients touched. A
// client whose replies are apart (two reads in one turn) is sent to twice, which is
// only a second write.
void Shard::FillReplies(const ReplyBatch& batch) {
  Client* filling = nullptr;  // the client of the last reply filled, not sent to yet
  size_t start = 0;
  for (const ReplyBatch::Reply& r : batch.replies) {
    if (filling != nullptr && filling->id != r.client) {
      SendFilled(*filling);
      filling = nullptr;
    }
    if (filling == nullptr) {
      filling = FindClient(r.client);
    }
    if (filling != nullptr) {
      filling->conn->FillSlot(r.slot, std::string_view(batch.bytes).substr(start, r.end - start));
    }
    start = r.end;
  }
  if (filling != nullptr) {
    SendFilled(*filling);
  }
}

void Shard::SendFilled(Client& c) {
  if (!c.conn->closed() && CheckOutputLimit(c)) {
    c.conn->SendReleased();
    if (migrating(c) && !c.conn->closed()) {
      MaybeMigrate(c);
    }
  }
}

void Shard::Migrate(Client& c, int to) {
  if (migrating(c)) {
    return;
  }
  c.migrate_to = to;
  to_migrate_.push_back(c.id);
  event_active(migrate_ev_, 0, 0);
}

void Shard::MigrateCallback(evutil_socket_t, short, void* arg) noexcept {
  Shard* s = static_cast<Shard*>(arg);
  std::vector<uint64_t> ids;
  ids.swap(s->to_migrate_);
  for (const uint64_t id : ids) {
    if (Client* c = s->FindClient(id); c != nullptr && s->migrating(*c) && !c->conn->closed()) {
      s->MaybeMigrate(*c);
    }
  }
}

void Shard::MaybeMigrate(Client& c) {
  if (!Movable(c)) {
    c.migrate_to = -1;  // it stays: go on here
    c.forward_streak = 0;
    c.conn->Resume();
    return;
  }
  if (c.conn->open_slots() > 0 || c.conn->output_held()) {
    return;  // FillReplies or ReleaseHeld comes back here
  }
  auto it = clients_.find(c.id);
  if (it == clients_.end()) {
    return;
  }
  auto moving = std::make_shared<std::unique_ptr<Client>>(std::move(it->second));
  clients_.erase(it);
  c.conn->Detach();
  Shard& to = set_->shard(c.migrate_to);
  to.Post([&to, moving] { to.TakeMigrated(std::move(*moving)); });
}

void Shard::TakeMigrated(std::unique_ptr<Client> c) {
  clock_.Refresh();
  c->home = id_;
  c->migrate_to = -1;
  c->forward_streak = 0;
  ApplyConnectionLimits(*c->conn, c->authenticated);
  Client* client = c.get();
  clients_.emplace(c->id, std::move(c));
  client->conn->Attach(base_, this, &stats_.io);
  client->conn->Resume();
}

}  // namespace rill::shard
