// Copyright (c) 2026 The Rill authors. BSD-3-Clause.
#include "shard/pubsub.h"

#include <algorithm>

#include "core/strings.h"
#include "net/reply_builder.h"

namespace rill::shard {
namespace {

bool AddTo(StringMap<std::vector<Client*>>& map, Client* c, std::string_view name) {
  std::vector<Client*>& subs = map[name];
  if (std::find(subs.begin(), subs.end(), c) != subs.end()) {
    return false;
  }
  subs.push_back(c);
  return true;
}

bool RemoveFrom(StringMap<std::vector<Client*>>& map, Client* c, std::string_view name) {
  auto it = map.find(name);
  if (it == map.end()) {
    return false;
  }
  const size_t before = it->second.size();
  std::erase(it->second, c);
  const bool removed = it->second.size() != before;
  if (it->second.empty()) {
    map.erase(it);
  }
  return removed;
}

}  // namespace

bool PubSub::Subscribe(Client* c, std::string_view channel) {
  if (!AddTo(channels_, c, channel)) {
    return false;
  }
  c->channels.emplace(channel);
  return true;
}

bool PubSub::Unsubscribe(Client* c, std::string_view channel) {
  c->channels.erase(std::string(channel));
  return RemoveFrom(channels_, c, channel);
}

bool PubSub::PSubscribe(Client* c, std::string_view pattern) {
  if (!AddTo(patterns_, c, pattern)) {
    return false;
  }
  c->patterns.emplace(pattern);
  return true;
}

bool PubSub::PUnsubscribe(Client* c, std::string_view pattern) {
  c->patterns.erase(std::string(pattern));
  return RemoveFrom(patterns_, c, pattern);
}

void PubSub::UnsubscribeAll(Client* c) {
  for (const std::string& ch : c->channels) {
    RemoveFrom(channels_, c, ch);
  }
  for (const std::string& p : c->patterns) {
    RemoveFrom(patterns_, c, p);
  }
  c->channels.clear();
  c->patterns.clear();
}

std::vector<Client*> PubSub::Publish(std::string_view channel, std::string_view message) {
  std::vector<Client*> receivers;
  if (auto it = channels_.find(channel); it != channels_.end()) {
    for (Client* c : it->second) {
      net::ReplyBuilder rb(&c->conn->out(), c->resp);
      rb.PushHeader(3);
      rb.Bulk("message");
      rb.Bulk(channel);
      rb.Bulk(message);
      receivers.push_back(c);
    }
  }
  for (const auto& [pattern, clients] : patterns_) {
    if (!GlobMatch(pattern, channel)) {
      continue;
    }
    for (Client* c : clients) {
      net::ReplyBuilder rb(&c->conn->out(), c->resp);
      rb.PushHeader(4);
      rb.Bulk("pmessage");
      rb.Bulk(pattern);
      rb.Bulk(channel);
      rb.Bulk(message);
      receivers.push_back(c);
    }
  }
  return receivers;
}

std::vector<std::string> PubSub::Channels(std::string_view pattern) const {
  std::vector<std::string> out;
  for (const auto& [name, subs] : channels_) {
    if (pattern.empty() || GlobMatch(pattern, name)) {
      out.push_back(name);
    }
  }
  return out;
}

std::vector<std::string> PubSub::Patterns() const {
  std::vector<std::string> out;
  for (const auto& [pattern, subs] : patterns_) {
    out.push_back(pattern);
  }
  return out;
}

size_t PubSub::NumSub(std::string_view channel) const {
  auto it = channels_.find(channel);
  return it == channels_.end() ? 0 : it->second.size();
}

}  // namespace rill::shard
